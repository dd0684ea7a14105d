# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What one environment costs a month, from its variables and a price list.

``estimate(values, prices)`` takes the variables an environment's run sees
(its inventory over the roles' defaults) and the price list (``meta/prices.yml``,
parsed), counts what the roles create for those variables, and prices it:

- fixed lines, billed whether or not traffic flows: the ECS instances
  (on-demand and Spot), their root volumes, the NAT gateways and their public
  IPv4 addresses, the interface endpoints in each of their AZs, the ALB and its
  public IPv4 address in each AZ, the WAF web ACL and its rules, the
  CloudWatch alarms, the KMS key, Container Insights' metrics;
- usage lines, each an assumed monthly volume (the price list's, or the
  inventory's ``kumo_cost_usage``) times its unit price.

Each line belongs to one of the seed's components (ECS, NAT, ALB, CloudFront,
VPC endpoints, other). No price is written here: every figure comes from the
price list, so refreshing prices is an edit of that file alone.

Plain Python (no YAML; Ansible only for its boolean parsing): the filter ``kumo.platform.monthly_cost``
(plugins/filter/cost.py, preflight's budget check) and ``scripts/cost.py`` both call it.
"""

import math

from ansible.module_utils.parsing.convert_bool import boolean

# The seed's breakdown of the prod target, per component, in percent.
COMPONENTS = ("ECS", "NAT", "ALB", "CloudFront", "VPC endpoints", "other")
SEED_SHARES = {"ECS": 40, "NAT": 30, "ALB": 10, "CloudFront": 5, "VPC endpoints": 5, "other": 10}

# Alarms the monitoring role makes: CPU, memory and unhealthy hosts per
# service (roles/monitoring/templates/ecs_alarms.yml.j2, alb_alarms.yml.j2; a
# second unhealthy-hosts alarm with blue/green), and the ALB's 5XX count and
# p95 response time.
ALARMS_PER_SERVICE = 3
ALB_ALARMS = 2
# Customer managed keys: the environment's one (roles/ecs_capacity/tasks/kms.yml).
KMS_KEYS = 1
# WAF rules besides the managed groups: the per-IP rate limit, and the geo
# block when any country is listed (roles/cdn_waf/templates/web_acl_rules.yml.j2).
WAF_RATE_RULES = 1


class CostError(Exception):
    """An input the model cannot price; the message names the variable or price."""


_REQUIRED = object()
_KINDS = {int: "an integer", str: "a string", list: "a list", bool: "true or false"}


def _get(values, name, kind, default=_REQUIRED):
    """``values[name]``, checked to be a ``kind``; ``default`` when unset (an error without one)."""
    value = values.get(name)
    if value is None:
        if default is _REQUIRED:
            raise CostError(f"{name} is not set")
        return default
    if kind is int and isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # an extra var given as key=value arrives as a string
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise CostError(f"{name} must be {_KINDS[kind]}, got {value!r}")
    return value


def _flag(values, name):
    """``values[name]`` read as Ansible reads a boolean (an extra var arrives as a string)."""
    return boolean(values.get(name, False), strict=False)


class _Prices:
    def __init__(self, data):
        if not isinstance(data, dict):
            raise CostError("the price list must be a mapping")
        self.data = data
        try:
            self.hours = float(data["hours_per_month"])
            self.entries = data["prices"]
            self.instances = data["instances"]
            self.spot_discount = float(data["spot"]["discount"])
            self.usage = data["usage"]
            self.insights = data["container_insights"]
        except (KeyError, TypeError, ValueError) as error:
            raise CostError(f"the price list lacks {error}") from error

    def __getitem__(self, key):
        try:
            return float(self.entries[key]["price"])
        except (KeyError, TypeError, ValueError) as error:
            raise CostError(f"the price list has no price {key!r}") from error

    def instance(self, instance_type):
        return (self.instances.get("types") or {}).get(instance_type)


def _line(component, item, quantity, unit_price, monthly, detail, price=None, short=None):
    """One priced line; ``short`` (what is counted, in a few words) for the summary tables."""
    return {
        "component": component,
        "item": item,
        "quantity": quantity,
        "unit_price": unit_price,
        "price": price,
        "monthly": round(monthly, 2),
        "detail": detail,
        "short": short,
    }


def _tasks_need(values, spec, share):
    """(instances the services' tasks need at their minimum count, note or None)."""
    services = values.get("deploy_services") or []
    cpu, memory = values.get("deploy_task_cpu"), values.get("deploy_task_memory")
    scaling = values.get("deploy_autoscaling") or {}
    per_service = scaling.get("min_tasks") if _flag(scaling, "enabled") else values.get("deploy_desired_count")
    try:
        cpu, memory, per_service = int(cpu), int(memory), int(per_service)
    except (TypeError, ValueError):
        return 0, None
    if not services or cpu <= 0 or memory <= 0 or per_service <= 0:
        return 0, None
    registered_cpu = int(spec["vcpus"]) * 1024
    registered_memory = int(int(spec["memory_mib"]) * share)
    fits = min(registered_cpu // cpu, registered_memory // memory)
    tasks = per_service * len(services)
    if fits == 0:
        return 0, (
            f"a task of {cpu} CPU units / {memory} MiB does not fit on one {values['ecs_capacity_instance_type']} "
            f"(it registers {registered_cpu} CPU units / {registered_memory} MiB): the services cannot run"
        )
    return math.ceil(tasks / fits), None


def _instances(values, prices, add, notes):
    """The instance lines (on-demand and Spot); returns how many instances run."""
    instance_type = _get(values, "ecs_capacity_instance_type", str)
    desired = _get(values, "ecs_capacity_desired_capacity", int)
    base_name, pct_name = (
        "ecs_capacity_on_demand_base_capacity",
        "ecs_capacity_on_demand_percentage_above_base_capacity",
    )
    # The Auto Scaling group's mixed-instances distribution (roles/ecs_capacity, AWS's InstancesDistribution).
    base = _get(values, base_name, int)
    on_demand_pct = _get(values, pct_name, int)
    if not 0 <= on_demand_pct <= 100:
        raise CostError(f"{pct_name} must be 0-100, got {on_demand_pct}")
    spec = prices.instance(instance_type)
    if spec is None:
        notes.append(f"no price for {instance_type} in the price list: its instances are not counted")
        return 0
    needed, problem = _tasks_need(values, spec, float(prices.instances.get("registered_memory_share", 1)))
    if problem:
        notes.append(problem)
    count = max(desired, needed)
    why = f"desired {desired}"
    if needed > desired:
        why += f"; the tasks need {needed}"
        notes.append(
            f"ecs_capacity_desired_capacity is {desired} but the services' tasks at their minimum count need "
            f"{needed} {instance_type}: the capacity provider launches {needed}"
        )
    # Above the On-Demand base, the On-Demand share is rounded up to whole instances (the cautious reading).
    on_demand = min(count, base) + math.ceil(max(count - base, 0) * on_demand_pct / 100)
    spot = count - on_demand
    hourly = float(spec["hourly"])
    hours = prices.hours
    if on_demand:
        detail = f"{on_demand} × {hours:g} h × ${hourly:g} ({why})"
        add("ECS", f"{instance_type} on-demand", on_demand, hourly, hours, detail, f"{instance_type} × {on_demand}")
    if spot:
        spot_hourly = round(hourly * (1 - prices.spot_discount), 6)
        detail = f"{spot} × {hours:g} h × ${hourly:g} less the assumed {prices.spot_discount:.0%} Spot saving"
        add("ECS", f"{instance_type} Spot", spot, spot_hourly, hours, detail, f"{instance_type} Spot × {spot}")
    return count


def _fixed(values, prices, notes):
    hours = prices.hours
    lines = []

    def add(component, item, count, unit_price, per, detail, short=None, price=None):
        """``count`` × ``unit_price`` × ``per`` (hours in a month, or 1 for a monthly price)."""
        lines.append(_line(component, item, count, unit_price, count * unit_price * per, detail, price, short))

    def hourly(component, item, count, price, detail, short=None):
        add(component, item, count, prices[price], hours, f"{detail} × {hours:g} h", short, price)

    def monthly(component, item, count, price, detail):
        add(component, item, count, prices[price], 1, detail, None, price)

    azs = _get(values, "kumo_availability_zones", list)
    instances = _instances(values, prices, add, notes)
    if instances:
        volume = _get(values, "ecs_capacity_root_volume_size", int, 30)
        monthly("ECS", "root volumes (gp3)", instances * volume, "ebs_gp3_gb_month", f"{instances} × {volume} GB")

    nats = len(azs) if _get(values, "network_one_nat_gateway_per_az", bool) else 1
    hourly("NAT", "NAT gateways", nats, "nat_gateway_hour", str(nats), f"{nats} NAT gateway{'s' if nats > 1 else ''}")
    hourly("NAT", "NAT gateways' public IPv4 (Elastic IPs)", nats, "public_ipv4_hour", str(nats))

    services = _get(values, "endpoints_interface_services", list, [])
    endpoint_azs = _get(values, "endpoints_availability_zones", list, azs)
    stray = [az for az in endpoint_azs if az not in azs]
    if stray:
        raise CostError(f"endpoints_availability_zones: {', '.join(stray)} not in kumo_availability_zones")
    if services and endpoint_azs:
        zones = f"{len(endpoint_azs)} AZ{'s' if len(endpoint_azs) > 1 else ''}"
        shape, detail = f"{len(services)} endpoints × {zones}", f"{len(services)} ({', '.join(services)}) × {zones}"
        count = len(services) * len(endpoint_azs)
        hourly("VPC endpoints", "interface endpoints × AZs", count, "interface_endpoint_az_hour", detail, shape)

    hourly("ALB", "Application Load Balancer", 1, "alb_hour", "1")
    hourly("ALB", "ALB public IPv4 (one per AZ)", len(azs), "public_ipv4_hour", str(len(azs)))

    groups = _get(values, "cdn_waf_managed_rule_groups", list, [])
    geo = 1 if _get(values, "cdn_waf_geo_block_countries", list, []) else 0
    rules = WAF_RATE_RULES + len(groups) + geo
    monthly("CloudFront", "WAF web ACL", 1, "waf_web_acl_month", "1 web ACL")
    what = f"rate limit + {len(groups)} managed group(s)" + (" + geo block" if geo else "")
    monthly("CloudFront", "WAF rules", rules, "waf_rule_month", what)

    watched = _get(values, "monitoring_services", list, [])
    # blue/green: a second target group per service, with its own unhealthy-hosts alarm
    per_service = ALARMS_PER_SERVICE + (1 if values.get("kumo_deploy_strategy") == "blue_green" else 0)
    alarms = per_service * len(watched) + ALB_ALARMS
    what = f"{per_service} × {len(watched)} services + {ALB_ALARMS} ALB"
    monthly("other", "CloudWatch alarms", alarms, "cloudwatch_alarm_month", what)
    key = f"alias/{values.get('kumo_project')}-{values.get('kumo_environment')}"
    monthly("other", "KMS key", KMS_KEYS, "kms_key_month", key)
    if _flag(values, "ecs_capacity_enable_container_insights"):
        running = len(values.get("deploy_services") or [])
        metrics = int(prices.insights["metrics_per_cluster"]) + running * int(prices.insights["metrics_per_service"])
        what = f"1 cluster + {running} services"
        monthly("other", "Container Insights metrics", metrics, "cloudwatch_metric_month", what)
    return lines


def _usage_volumes(values, prices):
    volumes = {name: float(entry["volume"]) for name, entry in prices.usage.items()}
    override = values.get("kumo_cost_usage") or {}
    if not isinstance(override, dict):
        raise CostError(f"kumo_cost_usage must be a mapping of usage name to monthly volume, got {override!r}")
    for name, volume in override.items():
        if name not in volumes:
            raise CostError(f"kumo_cost_usage: unknown usage {name!r} (known: {', '.join(sorted(volumes))})")
        if isinstance(volume, bool) or not isinstance(volume, (int, float)) or volume < 0:
            raise CostError(f"kumo_cost_usage.{name} must be a number of 0 or more, got {volume!r}")
        volumes[name] = float(volume)
    return volumes


def _usage(values, prices):
    volumes = _usage_volumes(values, prices)
    lines = []

    def add(component, name, item, price=None, quantity=None, detail=None):
        """The assumed volume of usage ``name`` (or ``quantity`` of it) at its price (or ``price``)."""
        price = price or prices.usage[name]["price"]
        amount = volumes[name] if quantity is None else quantity
        detail = detail or f"{volumes[name]:g} {prices.usage[name]['unit']}"
        lines.append(_line(component, item, amount, prices[price], amount * prices[price], detail, price))

    def logs(name, item, retention_var):
        retention = _get(values, retention_var, int, 30)
        add("other", name, f"{item} ingestion")
        stored = volumes[name] * retention / 30
        detail = f"{volumes[name]:g} GB × {retention} days kept / 30"
        add("other", name, f"{item} storage", "logs_storage_gb_month", stored, detail)

    add("NAT", "nat_gb", "NAT data processed")
    if values.get("endpoints_interface_services"):
        add("VPC endpoints", "aws_services_gb", "interface endpoint data")
    else:
        add("NAT", "aws_services_gb", "AWS service data through NAT (no interface endpoint)", "nat_gateway_gb")
    hours = prices.hours
    add("ALB", "alb_lcu", "ALB LCUs", None, volumes["alb_lcu"] * hours, f"{volumes['alb_lcu']:g} LCU × {hours:g} h")
    add("CloudFront", "cloudfront_gb", "CloudFront data out")
    add("CloudFront", "cloudfront_million_requests", "CloudFront HTTPS requests")
    add("CloudFront", "cloudfront_million_requests", "WAF requests inspected", "waf_million_requests")
    logs("service_logs_gb", "service logs", "monitoring_log_retention_days")
    if _flag(values, "network_enable_flow_log"):
        logs("flow_logs_gb", "VPC flow logs", "network_flow_log_retention_days")
    if _flag(values, "monitoring_enable_cloudtrail"):
        logs("cloudtrail_logs_gb", "CloudTrail logs", "monitoring_log_retention_days")
    if _flag(values, "ecs_capacity_enable_container_insights"):
        add("other", "container_insights_logs_gb", "Container Insights logs")
    if _flag(values, "monitoring_enable_guardduty"):
        add("other", "guardduty_million_events", "GuardDuty events")
        add("other", "guardduty_log_gb", "GuardDuty flow and DNS logs")
    if _flag(values, "monitoring_enable_config"):
        add("other", "config_items", "AWS Config items")
    if _flag(values, "monitoring_enable_xray"):
        add("other", "xray_million_traces", "X-Ray traces")
    add("other", "s3_gb", "S3 storage")
    add("other", "ecr_gb", "ECR storage")
    return lines


def _total(lines):
    return round(sum(line["monthly"] for line in lines), 2)


def estimate(values, prices):
    """The monthly cost of the environment ``values`` describe, priced with ``prices``.

    Returns a dict: ``environment``, ``fixed`` and ``usage`` (lists of lines:
    component, item, quantity, unit_price, monthly, detail), ``components``
    (name, fixed, share of the fixed total in percent, seed share),
    ``fixed_total``, ``usage_total``, ``budget``, ``over_budget``, ``drivers``
    (the components with a fixed cost, largest first) and ``notes``.
    Raises CostError naming the variable or price it cannot use.
    """
    table = _Prices(prices)
    region = values.get("kumo_region")
    if region != table.data.get("region"):
        raise CostError(
            f"kumo_region is {region!r} but the price list is for {table.data.get('region')!r} "
            "(price the region in meta/prices.yml, or set kumo_monthly_budget to null to skip the budget check)"
        )
    notes = []
    fixed = _fixed(values, table, notes)
    usage = _usage(values, table)
    fixed_total = _total(fixed)
    components = []
    for name in COMPONENTS:
        amount = _total([line for line in fixed if line["component"] == name])
        share = round(100 * amount / fixed_total, 1) if fixed_total else 0.0
        components.append({"name": name, "fixed": amount, "share": share, "seed_share": SEED_SHARES[name]})
    budget = values.get("kumo_monthly_budget")
    if budget is not None:
        try:
            budget = float(budget)  # an extra var given as key=value arrives as a string
        except (TypeError, ValueError):
            budget = -1.0
        if isinstance(values["kumo_monthly_budget"], bool) or not budget > 0:
            raise CostError(
                f"kumo_monthly_budget must be a number of dollars above 0, got {values['kumo_monthly_budget']!r}"
            )
    return {
        "project": values.get("kumo_project"),
        "environment": values.get("kumo_environment"),
        "region": region,
        "prices_taken": str(table.data.get("taken")),
        "hours_per_month": table.hours,
        "fixed": fixed,
        "usage": usage,
        "components": components,
        "fixed_total": fixed_total,
        "usage_total": _total(usage),
        "budget": budget,
        "over_budget": budget is not None and fixed_total > budget,
        "drivers": sorted((c for c in components if c["fixed"] > 0), key=lambda c: -c["fixed"]),
        "notes": notes,
    }


def budget_message(report, drivers=3):
    """One sentence: the fixed cost against the budget, naming the largest drivers."""
    name = f"{report['project']}-{report['environment']}"
    head = f"{name}: fixed monthly cost ${report['fixed_total']:.2f}"
    if report["budget"] is None:
        return head + " (no kumo_monthly_budget set)"
    if not report["over_budget"]:
        return head + f", within kumo_monthly_budget ${report['budget']:.2f}"
    largest = []
    for component in report["drivers"][:drivers]:
        counted = [
            line["short"] for line in report["fixed"] if line["component"] == component["name"] and line["short"]
        ]
        what = f" ({' + '.join(counted)})" if counted else ""
        largest.append(f"{component['name']} ${component['fixed']:.2f}{what}")
    over = report["fixed_total"] - report["budget"]
    return (
        head
        + f" is over kumo_monthly_budget ${report['budget']:.2f} by ${over:.2f}. Largest drivers: "
        + ", ".join(largest)
        + ". scripts/cost.py prints every line."
    )
