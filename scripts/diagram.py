#!/usr/bin/env python3
"""Draw each environment's architecture as an SVG, from its inventory.

    scripts/diagram.py                 # write docs/architecture-<env>.svg for every inventory
    scripts/diagram.py --check         # exit 1 naming the SVGs that differ (tests run this)
    scripts/diagram.py --inventories DIR --output-dir OUT

Every value drawn (CIDRs, NAT gateways, endpoints, instance type and Auto
Scaling sizes, the monitoring switches, ...) is read from
inventories/<env>/group_vars/all/*.yml laid over the roles' defaults/main.yml,
as Ansible layers them, so the picture cannot drift from what site.yml builds.
The SVG is plain text built here (no graphviz), the same bytes for the same input.
"""

import argparse
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The collection as `make install` links it (the loader is shared with scripts/cost.py).
sys.path.insert(0, str(ROOT / ".collections"))
from ansible_collections.kumo.platform.plugins.plugin_utils.inventory import (  # noqa: E402
    InventoryError,
    environments,
    load_vars,
)

# SPEC "Network": used only while neither the inventory nor roles/endpoints sets the lists.
SPEC_INTERFACE_ENDPOINTS = ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]
SPEC_GATEWAY_ENDPOINTS = ["s3"]

WIDTH = 1280
FONT = "Helvetica, Arial, sans-serif"
STYLE = f"""
text {{ font-family: {FONT}; font-size: 12px; fill: #1b2631; }}
.title {{ font-size: 20px; font-weight: bold; }}
.sub {{ font-size: 12px; fill: #566573; }}
.bold {{ font-weight: bold; }}
.small {{ font-size: 10.5px; }}
.muted {{ fill: #7b8a8b; }}
rect.edge {{ fill: #f4ecf7; stroke: #8e44ad; stroke-width: 1.5; }}
rect.users {{ fill: #ffffff; stroke: #566573; stroke-width: 1.5; }}
rect.bucket {{ fill: #e9f7ef; stroke: #229954; stroke-width: 1.5; }}
rect.vpc {{ fill: #fbfcfc; stroke: #7d3c98; stroke-width: 2; stroke-dasharray: 8 4; }}
rect.az {{ fill: none; stroke: #aab7b8; stroke-width: 1; stroke-dasharray: 4 4; }}
rect.public {{ fill: #eaf5ea; stroke: #52be80; stroke-width: 1.2; }}
rect.private {{ fill: #eaf2f8; stroke: #5499c7; stroke-width: 1.2; }}
rect.alb {{ fill: #f5eef8; stroke: #8e44ad; stroke-width: 1.5; }}
rect.nat {{ fill: #fdf2e9; stroke: #dc7633; stroke-width: 1.5; }}
rect.igw {{ fill: #fdf2e9; stroke: #dc7633; stroke-width: 1.5; }}
rect.asg {{ fill: #fef5e7; stroke: #e67e22; stroke-width: 1.5; }}
rect.service {{ fill: #ffffff; stroke: #e67e22; stroke-width: 1.2; }}
rect.eni {{ fill: #ffffff; stroke: #5499c7; stroke-width: 1; }}
rect.gateway-endpoint {{ fill: #e9f7ef; stroke: #229954; stroke-width: 1.2; }}
rect.panel {{ fill: #ffffff; stroke: #aab7b8; stroke-width: 1; }}
.on {{ fill: #1e8449; font-weight: bold; }}
.off {{ fill: #a6acaf; }}
path.flow {{ stroke: #34495e; stroke-width: 1.6; fill: none; marker-end: url(#arrow); }}
path.route {{ stroke: #dc7633; stroke-width: 1.2; fill: none; stroke-dasharray: 5 3; marker-end: url(#arrow-nat); }}
"""


def _need(values, name, kind, inventory):
    if name not in values:
        raise InventoryError(f"{inventory}: {name} is not set (expected {kind.__name__})")
    value = values[name]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise InventoryError(f"{inventory}: {name} must be a {kind.__name__}, got {value!r}")
    return value


def model(values, inventory="inventory"):
    """The facts the diagram shows, checked and named, from an environment's variables."""

    def need(name, kind):
        return _need(values, name, kind, inventory)

    azs = need("kumo_availability_zones", list)
    public, private = need("network_public_subnets", list), need("network_private_subnets", list)
    if not (len(azs) == len(public) == len(private)):
        raise InventoryError(
            f"{inventory}: kumo_availability_zones, network_public_subnets and network_private_subnets "
            f"must have the same length (got {len(azs)}, {len(public)}, {len(private)})"
        )
    per_az = need("network_one_nat_gateway_per_az", bool)
    services = values.get("alb_target_groups") or [
        {"name": s["name"], "port": s["port"], "path_patterns": []} for s in values.get("deploy_services", [])
    ]
    autoscaling = values.get("deploy_autoscaling") or {}
    return {
        "project": need("kumo_project", str),
        "env": need("kumo_environment", str),
        "region": need("kumo_region", str),
        "prefix": f"{values['kumo_project']}-{values['kumo_environment']}",
        "deploy_strategy": need("kumo_deploy_strategy", str),
        "vpc_cidr": need("network_vpc_cidr", str),
        "azs": [
            {"name": az, "suffix": az[-1], "public": pub, "private": priv}
            for az, pub, priv in zip(azs, public, private, strict=True)
        ],
        "nat_azs": list(azs) if per_az else azs[:1],
        "interface_endpoints": values.get("endpoints_interface_services", SPEC_INTERFACE_ENDPOINTS),
        "gateway_endpoints": values.get("endpoints_gateway_services", SPEC_GATEWAY_ENDPOINTS),
        "endpoint_azs": values.get("endpoints_availability_zones") or azs,
        "instance_type": need("ecs_capacity_instance_type", str),
        "asg": (
            need("ecs_capacity_min_size", int),
            need("ecs_capacity_desired_capacity", int),
            need("ecs_capacity_max_size", int),
        ),
        "asg_azs": values.get("ecs_capacity_availability_zones", azs),
        "services": [(s["name"], s["port"], s.get("path_patterns") or []) for s in services],
        "tasks": values.get("deploy_desired_count"),
        "task_size": (values.get("deploy_task_cpu"), values.get("deploy_task_memory")),
        "autoscaling": autoscaling if autoscaling.get("enabled") else None,
        "ecs_ports": values.get("network_ecs_dynamic_ports", {"from": 32768, "to": 65535}),
        "alb_deletion_protection": values.get("alb_deletion_protection"),
        "origin_header": values.get("alb_origin_verify_header", "secret origin header"),
        "static_path": values.get("cdn_waf_static_path_pattern", "/_next/static/*"),
        "api_path": values.get("cdn_waf_api_path_pattern", "/api/*"),
        "price_class": values.get("cdn_waf_price_class"),
        "waf_rules": values.get("cdn_waf_managed_rule_groups", []),
        "rate_limit": (values.get("cdn_waf_rate_limit"), values.get("cdn_waf_rate_limit_window")),
        "geo_block": values.get("cdn_waf_geo_block_countries") or [],
        "aliases": values.get("cdn_waf_aliases") or [],
        "versioning": values.get("cdn_waf_enable_versioning"),
        "noncurrent_days": values.get("cdn_waf_noncurrent_version_expiration_days"),
        "alert_emails": len(values.get("monitoring_alert_emails") or []),
        "log_retention": values.get("monitoring_log_retention_days"),
        "switches": [
            ("VPC flow logs", values.get("network_enable_flow_log")),
            ("GuardDuty", values.get("monitoring_enable_guardduty")),
            ("AWS Config", values.get("monitoring_enable_config")),
            ("CloudTrail", values.get("monitoring_enable_cloudtrail")),
            ("X-Ray", values.get("monitoring_enable_xray")),
            ("Container Insights", values.get("ecs_capacity_enable_container_insights")),
            ("ALB access logs", values.get("alb_enable_access_logs")),
            ("CloudFront access logs", values.get("cdn_waf_enable_logging")),
        ],
    }


class Svg:
    """Just enough SVG: boxes, text, arrows; integer coordinates so the output is stable."""

    def __init__(self):
        self.parts = []

    def rect(self, x, y, w, h, css, rx=6):
        self.parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" class="{css}"/>')

    def text(self, x, y, value, css="", anchor="start"):
        klass = f' class="{css}"' if css else ""
        end = "" if anchor == "start" else f' text-anchor="{anchor}"'
        self.parts.append(f'<text x="{x}" y="{y}"{klass}{end}>{escape(str(value))}</text>')

    def lines(self, x, y, values, css="", anchor="start", step=15):
        for index, value in enumerate(values):
            self.text(x, y + index * step, value, css, anchor)

    def path(self, points, css):
        d = " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(points))
        self.parts.append(f'<path d="{d}" class="{css}"/>')

    def open(self, css, ident):
        self.parts.append(f'<g class="{css}" id="{ident}">')

    def close(self):
        self.parts.append("</g>")


def _on_off(value):
    return ("on", "on") if value else ("off", "off")


def render(m):
    """The SVG text for one environment's model."""
    svg = Svg()
    n = len(m["azs"])
    svg.text(40, 36, f"{m['prefix']}: the platform site.yml builds for {m['env']}", "title")
    svg.text(
        40,
        56,
        f"Generated by scripts/diagram.py from inventories/{m['env']}/group_vars/all and the roles' defaults; "
        "do not edit.",
        "sub",
    )

    # Edge: users -> CloudFront + WAF (us-east-1 for the web ACL).
    svg.rect(40, 86, 150, 50, "users")
    svg.lines(115, 107, ["Users", "HTTPS (IPv4 + IPv6)"], "", "middle")
    cf_x, cf_y, cf_w, cf_h = 330, 76, 720, 104
    svg.open("cloudfront", "cloudfront")
    svg.rect(cf_x, cf_y, cf_w, cf_h, "edge")
    svg.text(cf_x + 14, cf_y + 22, f"CloudFront {m['prefix']}-cdn  +  WAFv2 web ACL {m['prefix']}-web-acl", "bold")
    aliases = ", ".join(m["aliases"]) if m["aliases"] else "*.cloudfront.net only"
    rate, window = m["rate_limit"]
    geo = "geo block: " + (", ".join(m["geo_block"]) if m["geo_block"] else "none")
    svg.lines(
        cf_x + 14,
        cf_y + 42,
        [
            f"{m['price_class']} · HTTP/2 and HTTP/3 · redirect to HTTPS · names: {aliases}",
            "WAF (scope CLOUDFRONT, us-east-1): " + ", ".join(m["waf_rules"]),
            f"rate limit {rate} requests per IP per {window} s · {geo}",
        ],
        "small",
    )
    svg.close()
    svg.path([(190, 111), (cf_x, 111)], "flow")

    # Static assets bucket, outside the VPC.
    b_x, b_y, b_w, b_h = 36, 250, 226, 118
    svg.open("bucket", "static-assets-bucket")
    svg.rect(b_x, b_y, b_w, b_h, "bucket")
    svg.text(b_x + 12, b_y + 22, "S3 static-assets bucket", "bold")
    versioning = f"versioning on, old versions {m['noncurrent_days']} days" if m["versioning"] else "versioning off"
    svg.lines(
        b_x + 12,
        b_y + 42,
        ["KMS encryption · public access blocked", "read only by this distribution (OAC)", versioning],
        "small",
    )
    svg.close()
    svg.path([(cf_x + 40, cf_y + cf_h), (cf_x + 40, 215), (b_x + b_w // 2, 215), (b_x + b_w // 2, b_y)], "flow")
    svg.text(cf_x - 60, 208, f"{m['static_path']} (OAC, SigV4)", "small")

    # The VPC and one column per AZ.
    v_x, v_y, v_w = 280, 230, WIDTH - 280 - 40
    col_gap = 14
    col_w = (v_w - 2 * 16 - (n - 1) * col_gap) // n
    pub_y, pub_h = v_y + 70, 150
    priv_y, priv_h = pub_y + pub_h + 50, 262
    gw_y = priv_y + priv_h + 16
    v_h = gw_y + 50 - v_y
    svg.open("vpc", "vpc")
    svg.rect(v_x, v_y, v_w, v_h, "vpc", rx=10)
    svg.text(v_x + 14, v_y + 22, f"VPC {m['prefix']}-vpc  {m['vpc_cidr']}  ·  {m['region']}", "bold")
    chain = (
        "security groups: ALB SGs (TCP 443, 80 from CloudFront's prefix list) → "
        f"ECS SG (TCP {m['ecs_ports']['from']}–{m['ecs_ports']['to']} from the ALB SG) → "
        "endpoints SG (TCP 443 from the ECS SG)"
    )
    svg.text(v_x + 14, v_y + 40, chain, "small")
    svg.rect(v_x + v_w - 190, v_y - 18, 170, 36, "igw")
    svg.text(v_x + v_w - 105, v_y + 4, "internet gateway", "small", "middle")

    columns = {}
    for index, az in enumerate(m["azs"]):
        x = v_x + 16 + index * (col_w + col_gap)
        columns[az["name"]] = x
        svg.rect(x - 6, v_y + 48, col_w + 12, priv_y + priv_h - v_y - 40, "az", rx=8)
        svg.text(x + col_w // 2, v_y + 62, f"AZ {az['name']}", "bold muted", "middle")
        svg.open("subnet public", f"public-{az['name']}")
        svg.rect(x, pub_y, col_w, pub_h, "public")
        svg.text(x + 10, pub_y + 18, f"public subnet {az['suffix']}  {az['public']}", "bold small")
        svg.close()
        if az["name"] in m["nat_azs"]:
            svg.open("nat-gateway", f"nat-{az['name']}")
            svg.rect(x + 10, pub_y + 30, 150, 40, "nat")
            svg.lines(x + 20, pub_y + 46, [f"NAT gateway {az['suffix']}", "+ Elastic IP"], "small")
            svg.close()
            # This AZ's private subnet routes out through it (drawn first: the ALB box covers the line).
            svg.path([(x + 140, priv_y), (x + 140, pub_y + 70)], "route")

    # The ALB spans the public subnets of every AZ.
    alb_y = pub_y + 84
    alb_x0, alb_x1 = v_x + 16, v_x + 16 + n * col_w + (n - 1) * col_gap
    svg.open("alb", "alb")
    svg.rect(alb_x0 + 6, alb_y, alb_x1 - alb_x0 - 12, 56, "alb")
    protection = "deletion protection on" if m["alb_deletion_protection"] else "deletion protection off"
    svg.text(alb_x0 + 18, alb_y + 20, f"Application Load Balancer {m['prefix']}-alb (internet-facing, {n} AZs)", "bold")
    svg.text(
        alb_x0 + 18,
        alb_y + 38,
        f"HTTP:80 → 301 HTTPS · HTTPS:443 TLS 1.2+ · 403 without {m['origin_header']} · {protection}",
        "small",
    )
    svg.close()
    middle = (alb_x0 + alb_x1) // 2 + 120
    svg.path([(middle, cf_y + cf_h), (middle, alb_y)], "flow")
    svg.text(
        middle - 8, cf_y + cf_h + 30, f"{m['api_path']} and /* (default), with {m['origin_header']}", "small", "end"
    )

    # Private subnets: the Auto Scaling group's instances, endpoint ENIs, the default route.
    min_size, desired, max_size = m["asg"]
    asg_columns = [columns[az] for az in m["asg_azs"] if az in columns]
    for az in m["azs"]:
        x = columns[az["name"]]
        svg.open("subnet private", f"private-{az['name']}")
        svg.rect(x, priv_y, col_w, priv_h, "private")
        svg.text(x + 10, priv_y + 18, f"private subnet {az['suffix']}  {az['private']}", "bold small")
        if az["name"] not in m["asg_azs"]:
            svg.text(x + col_w // 2, priv_y + 90, "no ECS instances here", "small muted", "middle")
            svg.text(x + col_w // 2, priv_y + 105, "(not in the Auto Scaling group)", "small muted", "middle")
        enis = m["interface_endpoints"] if az["name"] in m["endpoint_azs"] else []
        if not m["interface_endpoints"]:
            svg.text(x + 10, priv_y + 184, "no interface endpoints: AWS APIs via NAT", "small muted")
        elif not enis:
            svg.text(x + 10, priv_y + 184, "no endpoint ENIs here (reached across AZs)", "small muted")
        else:
            svg.text(x + 10, priv_y + 184, f"interface endpoint ENIs ({len(enis)})", "small")
        eni_w = (col_w - 20 - 4 * (len(enis) - 1)) // max(len(enis), 1)
        for i, service in enumerate(enis):
            ex = x + 10 + i * (eni_w + 4)
            svg.rect(ex, priv_y + 190, eni_w, 22, "eni", rx=3)
            svg.text(ex + eni_w // 2, priv_y + 205, service, "small", "middle")
        nat = az["name"] if az["name"] in m["nat_azs"] else m["nat_azs"][0]
        svg.text(x + 10, priv_y + 232, f"0.0.0.0/0 → NAT gateway {nat[-1]}", "small")
        svg.text(x + 10, priv_y + 250, f"{', '.join(m['gateway_endpoints'])} → gateway endpoint", "small")
        svg.close()

    if asg_columns:
        a_x0, a_x1 = min(asg_columns), max(asg_columns) + col_w
        a_y, a_h = priv_y + 26, 142
        svg.open("asg", "auto-scaling-group")
        svg.rect(a_x0 + 6, a_y, a_x1 - a_x0 - 12, a_h, "asg")
        svg.text(a_x0 + 16, a_y + 17, f"ECS cluster {m['prefix']}-cluster", "bold small")
        svg.lines(
            a_x0 + 16,
            a_y + 32,
            [
                f"Auto Scaling group: {m['instance_type']} × {desired}",
                f"min {min_size} / desired {desired} / max {max_size} · IMDSv2",
            ],
            "small",
            step=14,
        )
        s_w = (a_x1 - a_x0 - 12 - 20 - 10) // 2
        cpu, memory = m["task_size"]
        if m["autoscaling"]:
            scaling = (
                f"{m['autoscaling'].get('min_tasks')}–{m['autoscaling'].get('max_tasks')} tasks, "
                f"{m['autoscaling'].get('cpu_target')} % target"
            )
        else:
            scaling = f"{m['tasks']} task(s), no scaling"
        for i, (name, port, patterns) in enumerate(m["services"][:2]):
            sx = a_x0 + 16 + i * (s_w + 10)
            svg.open("service", f"service-{name}")
            svg.rect(sx, a_y + 56, s_w, 76, "service")
            svg.text(sx + 8, a_y + 72, f"{name} :{port}", "bold small")
            route = ", ".join(patterns) if patterns else "default"
            svg.lines(sx + 8, a_y + 87, [f"route: {route}", f"{cpu} CPU / {memory} MiB", scaling], "small", step=14)
            svg.close()
        svg.close()
        svg.path([(alb_x0 + 30, alb_y + 56), (alb_x0 + 30, a_y)], "flow")
        releases = (
            "target group pairs, a test listener (blue/green)"
            if m["deploy_strategy"] == "blue_green"
            else "target groups (rolling)"
        )
        svg.text(alb_x0 + 36, alb_y + 80, releases, "small")

    # Gateway endpoints, on every private route table.
    svg.open("gateway-endpoints", "gateway-endpoints")
    svg.rect(v_x + 16, gw_y, v_w - 32, 30, "gateway-endpoint")
    gateway = ", ".join(m["gateway_endpoints"])
    if m["interface_endpoints"]:
        interface = (
            f"interface {', '.join(m['interface_endpoints'])} (private DNS, an ENI in the private subnet of AZ "
            f"{', '.join(az[-1] for az in m['endpoint_azs'])})"
        )
    else:
        interface = "no interface endpoint (ECR, ECS, logs and SSM through the NAT gateway)"
    svg.text(v_x + 28, gw_y + 20, f"VPC endpoints: gateway {gateway} (private route tables) · {interface}", "small")
    svg.close()
    svg.close()  # vpc

    # Monitoring and security services this environment switches on.
    p_y = v_y + v_h + 30
    svg.open("monitoring", "monitoring")
    svg.rect(40, p_y, WIDTH - 80, 108, "panel")
    svg.text(56, p_y + 22, "Monitoring and security (from the inventory switches)", "bold")
    per_row = 4
    cell = (WIDTH - 112) // per_row
    for index, (label, value) in enumerate(m["switches"]):
        cx = 56 + (index % per_row) * cell
        cy = p_y + 46 + (index // per_row) * 20
        state, css = _on_off(value)
        svg.text(cx, cy, label)
        svg.text(cx + 160, cy, state, css)
    svg.text(
        56,
        p_y + 96,
        f"Always: CloudWatch alarms (ECS CPU and memory, ALB 5XX, p95 latency, unhealthy hosts) → SNS "
        f"{m['prefix']}-alerts ({m['alert_emails']} e-mail subscriber(s)); log retention {m['log_retention']} days",
        "small",
    )
    svg.close()

    height = p_y + 108 + 24
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="title">\n'
        f'<title id="title">{escape(m["prefix"])} architecture: VPC {escape(m["vpc_cidr"])}, '
        f"{len(m['nat_azs'])} NAT gateway(s), {escape(m['instance_type'])} × {desired}</title>\n"
        "<defs>\n"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#34495e"/></marker>\n'
        '<marker id="arrow-nat" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#dc7633"/></marker>\n'
        f"<style>{STYLE}</style>\n"
        "</defs>\n"
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>\n'
    )
    return head + "\n".join(svg.parts) + "\n</svg>\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report SVGs that differ; write nothing")
    parser.add_argument("--inventories", type=Path, default=ROOT / "inventories", help="default: %(default)s")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs", help="default: %(default)s")
    args = parser.parse_args(argv)
    stale = []
    for env in environments(args.inventories):
        inventory = args.inventories / env
        try:
            text = render(model(load_vars(inventory), inventory))
        except InventoryError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        target = args.output_dir / f"architecture-{env}.svg"
        if not target.exists() or target.read_text() != text:
            stale.append(target)
            if not args.check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    if args.check and stale:
        print("out of date (run scripts/diagram.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
