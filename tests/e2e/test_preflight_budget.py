"""Preflight's budget check: the fixed monthly cost, computed locally with the
cost model, against kumo_monthly_budget. Over budget it warns naming the largest
drivers; with kumo_budget_strict it fails; either way before any AWS call.

Each case copies a real inventory, changes it, runs site.yml's preflight
(the `preflight_only` tag selects no layer) against an emulator, and checks
the emulator received no request."""

import shutil

import pytest
import yaml

from ansible_collections.kumo.platform.plugins.module_utils.cost import estimate
from ansible_collections.kumo.platform.plugins.plugin_utils.inventory import load_mapping, load_vars
from kumo_testlib import ROOT, run_playbook

pytestmark = pytest.mark.e2e

# Preflight makes no AWS call: the plain linear strategy starts faster than Mitogen.
PLAIN = {"ANSIBLE_STRATEGY": "ansible.builtin.linear"}
WARNING = "WARNING: kumo-"


@pytest.fixture(scope="module")
def quiet_emulator(emulator_factory):
    return emulator_factory("budget")


def inventory(tmp_path, env, **changes):
    """A copy of inventories/<env> with ``changes`` ({file: {variable: value}})."""
    target = tmp_path / env
    shutil.copytree(ROOT / "inventories" / env, target)
    for concern, variables in changes.items():
        path = target / "group_vars" / "all" / f"{concern}.yml"
        data = yaml.safe_load(path.read_text())
        data.update(variables)
        path.write_text(yaml.safe_dump(data))
    return target


def fixed_cost(inventory_dir):
    return estimate(load_vars(inventory_dir), load_mapping(ROOT / "meta" / "prices.yml"))


def preflight(emulator, inventory_dir, extra_vars=None):
    emulator.clear_requests()
    run = run_playbook(emulator, inventory=inventory_dir, tags=["preflight_only"], extra_vars=extra_vars, env=PLAIN)
    assert emulator.requests() == [], "preflight must not call AWS"
    return run, " ".join(run.output.split())


def test_an_inventory_pushed_over_its_budget_warns_naming_the_largest_drivers(quiet_emulator, tmp_path):
    # staging within a $200 budget, then a NAT gateway per AZ: $97.82 more, over it.
    within = inventory(tmp_path / "within", "staging", main={"kumo_monthly_budget": 200})
    run, said = preflight(quiet_emulator, within)
    assert run.returncode == 0, run.tail()
    assert WARNING not in said

    over = inventory(
        tmp_path / "over",
        "staging",
        main={"kumo_monthly_budget": 200},
        network={"network_one_nat_gateway_per_az": True},
    )
    report = fixed_cost(over)
    assert report["fixed_total"] > 200 > fixed_cost(within)["fixed_total"]
    run, said = preflight(quiet_emulator, over)
    assert run.returncode == 0, run.tail()
    drivers = [f"{c['name']} ${c['fixed']:.2f}" for c in report["drivers"][:3]]
    assert drivers[0] == "NAT $146.73"
    assert (
        f"WARNING: kumo-staging: fixed monthly cost ${report['fixed_total']:.2f} is over kumo_monthly_budget $200.00"
    ) in said
    positions = [said.index(driver) for driver in drivers]
    assert positions == sorted(positions), said
    assert "(3 NAT gateways)" in said and "-e kumo_budget_strict=true makes this an error" in said


@pytest.mark.parametrize("shipped", ["dev", "staging", "prod"])
def test_the_shipped_inventories_are_within_their_budgets_even_when_strict(quiet_emulator, shipped):
    report = fixed_cost(ROOT / "inventories" / shipped)
    assert not report["over_budget"], report["fixed_total"]
    run, said = preflight(quiet_emulator, ROOT / "inventories" / shipped, {"kumo_budget_strict": True})
    assert run.returncode == 0, run.tail()
    assert WARNING not in said


def test_dev_held_to_the_seeds_50_dollars_warns_and_strict_fails_before_any_aws_call(quiet_emulator, tmp_path):
    dev = inventory(tmp_path, "dev", main={"kumo_monthly_budget": 50})
    report = fixed_cost(dev)
    assert report["over_budget"], "dev's fixed floor is above the seed's $50"
    run, said = preflight(quiet_emulator, dev)
    assert run.returncode == 0, run.tail()
    assert f"kumo-dev: fixed monthly cost ${report['fixed_total']:.2f} is over kumo_monthly_budget $50.00" in said

    run, said = preflight(quiet_emulator, dev, {"kumo_budget_strict": "true"})
    assert run.returncode != 0
    failure = said[said.index("Fail when the fixed monthly cost") :]
    assert "over kumo_monthly_budget $50.00" in failure and "kumo_budget_strict is on" in failure
    largest = report["drivers"][0]
    assert largest["name"] == "NAT"
    assert f"{largest['name']} ${largest['fixed']:.2f}" in failure
    assert "TASK [kumo.platform.layer" not in run.output


def test_a_budget_above_the_cost_says_nothing_even_when_strict(quiet_emulator, tmp_path):
    run, said = preflight(
        quiet_emulator, ROOT / "inventories" / "prod", {"kumo_monthly_budget": 100000, "kumo_budget_strict": True}
    )
    assert run.returncode == 0, run.tail()
    assert WARNING not in said


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"kumo_monthly_budget": "fifty"}, ["kumo_monthly_budget"]),
        ({"kumo_monthly_budget": -5}, ["kumo_monthly_budget", "above 0"]),
        ({"kumo_budget_strict": "sometimes"}, ["kumo_budget_strict"]),
        ({"kumo_cost_usage": {"nat_gbb": 10}}, ["kumo_cost_usage", "unknown usage 'nat_gbb'"]),
    ],
    ids=["budget-not-a-number", "budget-negative", "strict-not-bool", "usage-unknown-name"],
)
def test_bad_budget_input_fails_naming_the_variable(quiet_emulator, extra, words):
    run, said = preflight(quiet_emulator, ROOT / "inventories" / "dev", extra)
    assert run.returncode != 0, run.tail()
    for word in words:
        assert word in said, f"{word!r} not in:\n{run.tail(30)}"
