"""docs/architecture-<env>.svg is drawn by scripts/diagram.py from the inventories and must be current."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from kumo_testlib import ROOT

SCRIPT = ROOT / "scripts" / "diagram.py"
DOCS = ROOT / "docs"
ENVS = ["dev", "staging", "prod"]
SVG = "{http://www.w3.org/2000/svg}"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, check=False)


def inventory(env, root=ROOT / "inventories"):
    values = {}
    for path in sorted((root / env / "group_vars" / "all").glob("*.yml")):
        values.update(yaml.safe_load(path.read_text()) or {})
    return values


def svg_tree(path):
    return ET.parse(path).getroot()  # noqa: S314 (our own generated file)


def texts(element):
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def groups(root, css):
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == css]


def switches(root):
    """Monitoring panel: label -> 'on' / 'off', as drawn."""
    (panel,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == "monitoring"]
    cells = texts(panel)[1:-1]
    return dict(zip(cells[::2], cells[1::2], strict=True))


@pytest.fixture
def inventories_copy(tmp_path):
    target = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", target)
    return target


def edit(inventories_dir, env, layer, **changes):
    path = inventories_dir / env / "group_vars" / "all" / f"{layer}.yml"
    values = yaml.safe_load(path.read_text())
    values.update(changes)
    path.write_text(yaml.safe_dump(values, sort_keys=False))


def test_the_committed_diagrams_match_the_inventories():
    check = run("--check")
    assert check.returncode == 0, check.stdout + check.stderr
    for env in ENVS:
        assert (DOCS / f"architecture-{env}.svg").is_file(), env


@pytest.mark.parametrize("env", ENVS)
def test_each_diagram_is_valid_svg_drawing_its_inventorys_values(env):
    root = svg_tree(DOCS / f"architecture-{env}.svg")
    assert root.tag == f"{SVG}svg"
    values = inventory(env)
    drawn = "\n".join(texts(root))
    assert f"{values['network_vpc_cidr']}" in drawn
    for cidr in values["network_public_subnets"] + values["network_private_subnets"]:
        assert cidr in drawn, cidr
    assert (
        f"Auto Scaling group: {values['ecs_capacity_instance_type']} × {values['ecs_capacity_desired_capacity']}"
        in (drawn)
    )
    sizes = (
        values["ecs_capacity_min_size"],
        values["ecs_capacity_desired_capacity"],
        values["ecs_capacity_max_size"],
    )
    assert "min {} / desired {} / max {}".format(*sizes) in drawn
    zones = values.get("endpoints_availability_zones") or values["kumo_availability_zones"]
    for service in values["endpoints_interface_services"]:
        assert drawn.count(f"\n{service}\n") == len(zones), service
    across = len(values["kumo_availability_zones"]) - len(zones) if values["endpoints_interface_services"] else 0
    assert drawn.count("no endpoint ENIs here (reached across AZs)") == across
    none = 0 if values["endpoints_interface_services"] else len(values["kumo_availability_zones"])
    assert drawn.count("no interface endpoints: AWS APIs via NAT") == none
    assert "frontend :3000" in drawn and "backend :3001" in drawn


def test_every_environment_draws_its_one_nat_gateway_in_az_a():
    for env in ENVS:
        root = svg_tree(DOCS / f"architecture-{env}.svg")
        assert [g.get("id") for g in groups(root, "nat-gateway")] == ["nat-ap-northeast-1a"], env
        assert "\n".join(texts(root)).count("0.0.0.0/0 → NAT gateway a") == 3, env


def test_the_monitoring_panel_follows_the_inventory_switches():
    assert set(switches(svg_tree(DOCS / "architecture-dev.svg")).values()) == {"off"}
    prod = switches(svg_tree(DOCS / "architecture-prod.svg"))
    assert set(prod.values()) == {"on"}
    assert {"VPC flow logs", "GuardDuty", "AWS Config", "CloudTrail", "X-Ray", "Container Insights"} <= set(prod)


def test_dev_draws_the_auto_scaling_group_in_its_one_zone_only():
    root = svg_tree(DOCS / "architecture-dev.svg")
    empty = [
        g.get("id") for g in groups(root, "subnet private") if "not in the Auto Scaling group)" in "".join(texts(g))
    ]
    assert empty == ["private-ap-northeast-1c", "private-ap-northeast-1d"]


def test_a_changed_cidr_changes_the_output_and_check_names_the_stale_file(inventories_copy, tmp_path):
    edit(inventories_copy, "dev", "network", network_vpc_cidr="10.9.0.0/16")
    out = tmp_path / "out"
    written = run("--inventories", inventories_copy, "--output-dir", out)
    assert written.returncode == 0, written.stderr
    dev = (out / "architecture-dev.svg").read_text()
    assert dev != (DOCS / "architecture-dev.svg").read_text()
    assert "10.9.0.0/16" in dev and "10.0.0.0/16" not in dev
    assert (out / "architecture-prod.svg").read_text() == (DOCS / "architecture-prod.svg").read_text()

    before = (DOCS / "architecture-dev.svg").read_text()
    check = run("--check", "--inventories", inventories_copy)
    assert check.returncode == 1
    assert "architecture-dev.svg" in check.stdout
    assert "architecture-prod.svg" not in check.stdout and "architecture-staging.svg" not in check.stdout
    assert (DOCS / "architecture-dev.svg").read_text() == before, "--check must write nothing"


def test_switching_nat_per_az_and_a_monitoring_service_redraws_them(inventories_copy, tmp_path):
    edit(inventories_copy, "dev", "network", network_one_nat_gateway_per_az=True)
    edit(inventories_copy, "dev", "monitoring", monitoring_enable_guardduty=True)
    edit(inventories_copy, "dev", "endpoints", endpoints_interface_services=["ecr.dkr", "ecr.api", "logs", "sts"])
    assert run("--inventories", inventories_copy, "--output-dir", tmp_path).returncode == 0
    root = svg_tree(tmp_path / "architecture-dev.svg")
    assert len(groups(root, "nat-gateway")) == 3
    assert switches(root)["GuardDuty"] == "on" and switches(root)["CloudTrail"] == "off"
    drawn = texts(root)
    assert drawn.count("sts") == 1 and "ssm" not in drawn  # dev's endpoints are in AZ a only
    edit(inventories_copy, "dev", "endpoints", endpoints_availability_zones=None)
    assert run("--inventories", inventories_copy, "--output-dir", tmp_path).returncode == 0
    assert texts(svg_tree(tmp_path / "architecture-dev.svg")).count("sts") == 3


def test_without_endpoint_lists_in_the_inventory_the_spec_endpoints_are_drawn(inventories_copy, tmp_path):
    (inventories_copy / "dev" / "group_vars" / "all" / "endpoints.yml").unlink()
    assert run("--inventories", inventories_copy, "--output-dir", tmp_path).returncode == 0
    drawn = texts(svg_tree(tmp_path / "architecture-dev.svg"))
    for service in ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]:
        assert drawn.count(service) == 3, service


def test_a_missing_variable_fails_naming_it(inventories_copy, tmp_path):
    path = inventories_copy / "staging" / "group_vars" / "all" / "network.yml"
    values = yaml.safe_load(path.read_text())
    del values["network_vpc_cidr"]
    path.write_text(yaml.safe_dump(values))
    result = run("--inventories", inventories_copy, "--output-dir", tmp_path)
    assert result.returncode == 2
    assert "network_vpc_cidr is not set" in result.stderr and "staging" in result.stderr


def test_the_output_is_deterministic(tmp_path):
    for name in ("one", "two"):
        assert run("--output-dir", tmp_path / name).returncode == 0
    for env in ENVS:
        assert (tmp_path / "one" / f"architecture-{env}.svg").read_bytes() == (
            tmp_path / "two" / f"architecture-{env}.svg"
        ).read_bytes()
