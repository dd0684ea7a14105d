"""The README's cost table and docs/COST.md are written by scripts/cost.py from the
inventories and meta/prices.yml and must be current; the script prints each
environment's fixed cost and breakdown."""

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from ansible_collections.kumo.platform.plugins.module_utils.cost import estimate
from ansible_collections.kumo.platform.plugins.plugin_utils.inventory import load_mapping, load_vars
from kumo_testlib import ROOT

SCRIPT = ROOT / "scripts" / "cost.py"
README = ROOT / "README.md"
DOC = ROOT / "docs" / "COST.md"
PRICES = load_mapping(ROOT / "meta" / "prices.yml")
ENVS = ["dev", "staging", "prod"]
BEGIN, END = "<!-- cost:begin", "<!-- cost:end -->"


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, check=False)


def report(env, root=ROOT / "inventories"):
    return estimate(load_vars(root / env), PRICES)


def section(text):
    return text[text.index(BEGIN) : text.index(END)]


def table_row(text, label):
    (row,) = [line for line in section(text).splitlines() if line.startswith(f"| {label} |")]
    return [cell.strip() for cell in row.strip("|").split("|")][1:]


@pytest.fixture
def copies(tmp_path):
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    shutil.copy(README, tmp_path / "README.md")
    shutil.copy(DOC, tmp_path / "COST.md")
    return tmp_path


def check_args(where):
    return ("--inventories", where / "inventories", "--readme", where / "README.md", "--doc", where / "COST.md")


def test_the_committed_cost_docs_match_the_inventories_and_prices():
    check = run("--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_readme_table_shows_each_environments_fixed_cost_and_target():
    text = README.read_text()
    fixed = table_row(text, "**fixed, before traffic**")
    targets = table_row(text, "budget (`kumo_monthly_budget`)")
    for index, env in enumerate(ENVS):
        r = report(env)
        assert fixed[index].startswith(f"**${r['fixed_total']:,.2f}**"), env
        assert targets[index] == f"${r['budget']:,.2f}", env
        values = load_vars(ROOT / "inventories" / env)
        nats = len(values["kumo_availability_zones"]) if values["network_one_nat_gateway_per_az"] else 1
        nat = round(nats * 730 * 0.062, 2) + round(nats * 730 * 0.005, 2)
        assert table_row(text, "NAT gateways + their public IPv4")[index].endswith(f"${nat:,.2f}"), env


def test_the_readme_breaks_each_environment_down_in_the_seeds_shape():
    text = README.read_text()
    seed = {"ECS": "40 %", "NAT": "30 %", "ALB": "10 %", "CloudFront": "5 %", "VPC endpoints": "5 %", "other": "10 %"}
    for name, share in seed.items():
        cells = table_row(text, name)
        assert cells[0] == share, name
        for index, env in enumerate(ENVS):
            c = next(c for c in report(env)["components"] if c["name"] == name)
            assert cells[1 + index] == f"{c['share']:.1f} % (${c['fixed']:,.2f})", (name, env)


def test_cost_md_lists_every_line_and_every_price_source():
    text = DOC.read_text()
    for env in ENVS:
        r = report(env)
        assert f"| | **fixed** | | | **${r['fixed_total']:,.2f}** |" in text, env
        for line in r["fixed"]:
            assert f"| {line['component']} | {line['item']} | {line['detail']} |" in text, (env, line["item"])
    for name, entry in PRICES["prices"].items():
        assert re.search(rf"\| `{name}` \| {entry['price']:g} \| .* \| {re.escape(entry['source'])} \|", text), name
    # Every lever the model reads is a role's variable now: no section lists undeclared ones.
    assert "no role declares" not in text


def test_the_script_prints_each_environments_fixed_cost_and_breakdown():
    printed = run()
    assert printed.returncode == 0, printed.stderr
    for env in ENVS:
        r = report(env)
        assert f"kumo-{env}: fixed monthly cost ${r['fixed_total']:.2f}" in printed.stdout, env
    dev = run("dev")
    assert "kumo-staging" not in dev.stdout
    assert re.search(r"NAT +NAT gateways +1 × 730 h +\$45\.26", dev.stdout), dev.stdout
    # dev's cost design: no Interface endpoint, one Spot instance
    assert re.search(r"VPC endpoints +\$0\.00 +0\.0 % +5 %", dev.stdout), dev.stdout
    assert re.search(
        r"ECS +t3\.small Spot +1 × 730 h × \$0\.0272 less the assumed 60% Spot saving +\$7\.94", dev.stdout
    )
    # listed again, they would sit in AZ a only (endpoints_availability_zones)
    private = run("dev", "--set", "endpoints_interface_services=[ecr.dkr, ecr.api, logs, ecs, ssm]")
    assert "5 (ecr.dkr, ecr.api, logs, ecs, ssm) × 1 AZ × 730 h" in private.stdout, private.stdout
    assert re.search(r"VPC endpoints +\$51\.10 ", private.stdout), private.stdout


def test_set_prices_a_change_without_touching_any_file():
    before = README.read_text(), DOC.read_text()
    what_if = run("prod", "--set", "network_one_nat_gateway_per_az=true")
    assert what_if.returncode == 0, what_if.stderr
    r = report("prod")
    expected = r["fixed_total"] + 2 * (round(730 * 0.062, 2) + round(730 * 0.005, 2))
    assert f"kumo-prod: fixed monthly cost ${expected:.2f}" in what_if.stdout
    assert (README.read_text(), DOC.read_text()) == before
    assert run("--write", "--set", "ecs_capacity_desired_capacity=2").returncode == 2


def test_a_changed_inventory_makes_check_fail_naming_the_stale_files(copies):
    path = copies / "inventories" / "staging" / "group_vars" / "all" / "network.yml"
    values = yaml.safe_load(path.read_text())
    values["network_one_nat_gateway_per_az"] = True
    path.write_text(yaml.safe_dump(values))
    before = (copies / "README.md").read_text()
    check = run("--check", *check_args(copies))
    assert check.returncode == 1
    assert "README.md" in check.stdout and "COST.md" in check.stdout
    assert (copies / "README.md").read_text() == before, "--check must write nothing"

    assert run("--write", *check_args(copies)).returncode == 0
    staging = table_row((copies / "README.md").read_text(), "NAT gateways + their public IPv4")[1]
    assert staging == "3 NAT gateways: $146.73"
    assert run("--check", *check_args(copies)).returncode == 0
    rest = (copies / "README.md").read_text()
    assert rest[: rest.index(BEGIN)] == before[: before.index(BEGIN)]
    assert rest[rest.index(END) :] == before[before.index(END) :]


def test_a_changed_price_makes_check_fail(copies):
    prices = load_mapping(ROOT / "meta" / "prices.yml")
    prices["prices"]["alb_hour"]["price"] = 0.03
    (copies / "prices.yml").write_text(yaml.safe_dump(prices))
    check = run("--check", "--prices", copies / "prices.yml", *check_args(copies))
    assert check.returncode == 1 and "README.md" in check.stdout


def test_a_readme_without_the_markers_is_an_error(copies):
    (copies / "README.md").write_text("# no cost section\n")
    result = run("--check", *check_args(copies))
    assert result.returncode == 2 and "no cost section markers" in result.stderr


def test_a_bad_inventory_value_fails_naming_it(copies):
    path = copies / "inventories" / "prod" / "group_vars" / "all" / "ecs_capacity.yml"
    values = yaml.safe_load(path.read_text())
    values["ecs_capacity_desired_capacity"] = "three"
    path.write_text(yaml.safe_dump(values))
    result = run("--inventories", copies / "inventories")
    assert result.returncode == 2
    assert "ecs_capacity_desired_capacity must be an integer" in result.stderr and "prod" in result.stderr
