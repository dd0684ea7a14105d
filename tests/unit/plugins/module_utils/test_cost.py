"""The cost model (module_utils/cost.py) and preflight's filters over it (filter/cost.py).

The environments here are written out (a dev-, staging- and prod-like set of
values over the roles' defaults), so the figures below change only with the
model or with meta/prices.yml, not with the shipped inventories.
"""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.kumo.platform.plugins.filter.cost import cost_budget_message, monthly_cost
from ansible_collections.kumo.platform.plugins.module_utils.cost import COMPONENTS, CostError, budget_message, estimate
from ansible_collections.kumo.platform.plugins.plugin_utils.inventory import (
    COLLECTION_ROOT,
    load_mapping,
    role_defaults,
)

PRICES = load_mapping(COLLECTION_ROOT / "meta" / "prices.yml")
AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
SPEC_ENDPOINTS = ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]
DEV = {
    "kumo_project": "kumo",
    "kumo_environment": "dev",
    "kumo_region": "ap-northeast-1",
    "kumo_availability_zones": AZS,
    "kumo_monthly_budget": 50,
    "network_one_nat_gateway_per_az": False,
    "network_enable_flow_log": False,
    "network_flow_log_retention_days": 7,
    "endpoints_interface_services": SPEC_ENDPOINTS,
    "endpoints_gateway_services": ["s3"],
    "ecs_capacity_instance_type": "t3.small",
    "ecs_capacity_min_size": 0,
    "ecs_capacity_desired_capacity": 1,
    "ecs_capacity_max_size": 3,
    "ecs_capacity_availability_zones": AZS[:1],
    "ecs_capacity_enable_container_insights": False,
    "cdn_waf_geo_block_countries": [],
    "monitoring_log_retention_days": 7,
    "monitoring_enable_guardduty": False,
    "monitoring_enable_config": False,
    "monitoring_enable_cloudtrail": False,
    "monitoring_enable_xray": False,
    "deploy_task_cpu": 256,
    "deploy_task_memory": 512,
    "deploy_desired_count": 1,
    "deploy_autoscaling": {"enabled": False},
}
ON = {
    "network_enable_flow_log": True,
    "ecs_capacity_enable_container_insights": True,
    "monitoring_enable_guardduty": True,
    "monitoring_enable_config": True,
    "monitoring_enable_cloudtrail": True,
    "monitoring_enable_xray": True,
}
STAGING = (
    DEV
    | ON
    | {
        "kumo_environment": "staging",
        "kumo_monthly_budget": 150,
        "ecs_capacity_instance_type": "t3.medium",
        "ecs_capacity_min_size": 1,
        "ecs_capacity_desired_capacity": 2,
        "ecs_capacity_availability_zones": AZS,
        "deploy_task_cpu": 512,
        "deploy_task_memory": 1024,
        "deploy_desired_count": 2,
        "deploy_autoscaling": {"enabled": True, "min_tasks": 2, "max_tasks": 6},
    }
)
PROD = STAGING | {
    "kumo_environment": "prod",
    "kumo_monthly_budget": 300,
    "network_one_nat_gateway_per_az": True,
    "ecs_capacity_instance_type": "t3.large",
    "ecs_capacity_min_size": 2,
    "ecs_capacity_desired_capacity": 3,
    "deploy_task_cpu": 1024,
    "deploy_task_memory": 2048,
    "deploy_desired_count": 3,
    "deploy_autoscaling": {"enabled": True, "min_tasks": 3, "max_tasks": 12},
}


def cost(inventory, **changes):
    values = role_defaults()
    values.update(inventory)
    values.update(changes)
    return estimate(values, PRICES)


def lines(report, component, kind="fixed"):
    return {line["item"]: line["monthly"] for line in report[kind] if line["component"] == component}


def component(report, name):
    return next(c["fixed"] for c in report["components"] if c["name"] == name)


def test_dev_nat_is_one_gateway_and_its_address_for_every_hour():
    report = cost(DEV)
    nat = lines(report, "NAT")
    assert nat["NAT gateways"] == round(1 * 730 * 0.062, 2) == 45.26
    assert nat["NAT gateways' public IPv4 (Elastic IPs)"] == round(1 * 730 * 0.005, 2) == 3.65
    assert component(report, "NAT") == 48.91


def test_prod_has_a_nat_gateway_and_an_address_per_az():
    nat = lines(cost(PROD), "NAT")
    assert nat["NAT gateways"] == round(3 * 730 * 0.062, 2) == 135.78
    assert nat["NAT gateways' public IPv4 (Elastic IPs)"] == 10.95


def test_interface_endpoints_are_priced_per_service_and_az():
    assert lines(cost(DEV), "VPC endpoints") == {"interface endpoints × AZs": round(5 * 3 * 730 * 0.014, 2)}
    assert component(cost(DEV), "VPC endpoints") == 153.30


def test_endpoints_only_in_the_instances_az_cost_a_third():
    report = cost(DEV, endpoints_availability_zones=["ap-northeast-1a"])
    assert component(report, "VPC endpoints") == round(5 * 1 * 730 * 0.014, 2) == 51.10
    (line,) = [line for line in report["fixed"] if line["component"] == "VPC endpoints"]
    assert line["short"] == "5 endpoints × 1 AZ"


def test_an_endpoint_az_outside_the_vpc_is_refused_by_name():
    with pytest.raises(CostError, match="endpoints_availability_zones: ap-northeast-1b not in kumo_availability_zones"):
        cost(DEV, endpoints_availability_zones=["ap-northeast-1b"])


def test_without_interface_endpoints_their_traffic_is_priced_through_nat():
    report = cost(DEV, endpoints_interface_services=[])
    assert component(report, "VPC endpoints") == 0
    assert lines(report, "VPC endpoints", "usage") == {}
    usage = lines(report, "NAT", "usage")
    assert usage["AWS service data through NAT (no interface endpoint)"] == round(10 * 0.062, 2)
    assert lines(cost(DEV), "VPC endpoints", "usage") == {"interface endpoint data": round(10 * 0.01, 2)}


def test_instances_are_type_times_count_plus_their_root_volumes():
    ecs = lines(cost(PROD), "ECS")
    assert ecs == {"t3.large on-demand": round(3 * 730 * 0.1088, 2), "root volumes (gp3)": round(3 * 30 * 0.096, 2)}
    assert ecs["t3.large on-demand"] == 238.27
    assert lines(cost(DEV), "ECS") == {"t3.small on-demand": 19.86, "root volumes (gp3)": 2.88}


def test_spot_share_prices_the_instances_above_the_on_demand_base_at_the_assumed_saving():
    all_spot = lines(cost(DEV, ecs_capacity_on_demand_percentage_above_base_capacity=0), "ECS")
    assert all_spot == {"t3.small Spot": round(1 * 730 * 0.0272 * (1 - 0.6), 2), "root volumes (gp3)": 2.88}
    # prod-sized group, 50 % above a base of 0: 1.5 On-Demand instances round up to 2.
    half = lines(cost(PROD, ecs_capacity_on_demand_percentage_above_base_capacity=50), "ECS")
    assert half["t3.large on-demand"] == round(2 * 730 * 0.1088, 2)
    assert half["t3.large Spot"] == round(1 * 730 * 0.1088 * 0.4, 2)
    based = lines(
        cost(PROD, ecs_capacity_on_demand_base_capacity=1, ecs_capacity_on_demand_percentage_above_base_capacity=0),
        "ECS",
    )
    assert based["t3.large on-demand"] == round(1 * 730 * 0.1088, 2)
    assert based["t3.large Spot"] == round(2 * 730 * 0.1088 * 0.4, 2)


def test_the_spot_levers_come_from_the_ecs_capacity_roles_defaults():
    defaults = role_defaults()
    assert defaults["ecs_capacity_on_demand_base_capacity"] == 0
    assert defaults["ecs_capacity_on_demand_percentage_above_base_capacity"] == 100
    values = defaults | DEV
    del values["ecs_capacity_on_demand_percentage_above_base_capacity"]
    with pytest.raises(CostError, match="ecs_capacity_on_demand_percentage_above_base_capacity is not set"):
        estimate(values, PRICES)


def test_a_spot_percentage_outside_0_to_100_is_refused_by_name():
    with pytest.raises(CostError, match="ecs_capacity_on_demand_percentage_above_base_capacity must be 0-100"):
        cost(DEV, ecs_capacity_on_demand_percentage_above_base_capacity=150)


def test_instances_too_small_for_the_tasks_are_counted_as_the_tasks_need_them():
    # 6 prod tasks of 1024 CPU / 2048 MiB: a t3.medium registers 3992 MiB, so one task each.
    report = cost(PROD, ecs_capacity_instance_type="t3.medium")
    assert lines(report, "ECS")["t3.medium on-demand"] == round(6 * 730 * 0.0544, 2)
    assert any("need 6 t3.medium" in note for note in report["notes"])


def test_a_task_larger_than_an_instance_is_noted():
    report = cost(DEV, deploy_task_memory=4096)
    assert lines(report, "ECS")["t3.small on-demand"] == 19.86
    assert any("does not fit on one t3.small" in note for note in report["notes"])


def test_an_unpriced_instance_type_is_noted_not_guessed():
    report = cost(DEV, ecs_capacity_instance_type="m7g.large")
    assert lines(report, "ECS") == {}
    assert report["notes"] == ["no price for m7g.large in the price list: its instances are not counted"]


def test_alb_with_an_address_per_az():
    assert lines(cost(DEV), "ALB") == {
        "Application Load Balancer": round(730 * 0.0243, 2),
        "ALB public IPv4 (one per AZ)": round(3 * 730 * 0.005, 2),
    }


def test_waf_is_the_web_acl_plus_one_dollar_a_rule_and_a_geo_rule_when_countries_are_listed():
    assert lines(cost(DEV), "CloudFront") == {"WAF web ACL": 5.0, "WAF rules": 3.0}
    assert lines(cost(DEV, cdn_waf_geo_block_countries=["KP"]), "CloudFront")["WAF rules"] == 4.0


def test_other_is_the_alarms_the_kms_key_and_container_insights_where_on():
    assert lines(cost(DEV), "other") == {"CloudWatch alarms": round(8 * 0.1, 2), "KMS key": 1.0}
    staging = lines(cost(STAGING), "other")
    assert staging["Container Insights metrics"] == round((11 + 2 * 22) * 0.3, 2) == 16.5


def test_the_fixed_totals_and_their_shares():
    dev, staging, prod = cost(DEV), cost(STAGING), cost(PROD)
    assert (dev["fixed_total"], staging["fixed_total"], prod["fixed_total"]) == (263.44, 342.38, 601.93)
    assert [c["name"] for c in prod["components"]] == list(COMPONENTS)
    assert sum(c["fixed"] for c in prod["components"]) == pytest.approx(prod["fixed_total"])
    assert sum(c["share"] for c in prod["components"]) == pytest.approx(100, abs=0.2)
    assert {c["name"]: c["seed_share"] for c in prod["components"]}["NAT"] == 30


def test_usage_follows_the_switches_and_the_retention():
    dev = {line["item"] for line in cost(DEV)["usage"]}
    assert "GuardDuty events" not in dev and "VPC flow logs ingestion" not in dev
    prod = cost(PROD)
    assert {"GuardDuty events", "AWS Config items", "X-Ray traces", "VPC flow logs ingestion"} <= {
        line["item"] for line in prod["usage"]
    }
    assert lines(prod, "other", "usage")["service logs storage"] == round(5 * 7 / 30 * 0.033, 2)


def test_the_inventory_overrides_an_assumed_volume():
    report = cost(DEV, kumo_cost_usage={"nat_gb": 1000, "alb_lcu": 2})
    assert lines(report, "NAT", "usage")["NAT data processed"] == round(1000 * 0.062, 2)
    assert lines(report, "ALB", "usage")["ALB LCUs"] == round(2 * 730 * 0.0081, 2)
    assert report["fixed_total"] == cost(DEV)["fixed_total"]


@pytest.mark.parametrize(
    ("usage", "words"),
    [({"nat_gbb": 1}, "unknown usage 'nat_gbb'"), ({"nat_gb": -1}, "kumo_cost_usage.nat_gb"), ([1], "a mapping")],
)
def test_a_bad_usage_override_is_refused_naming_kumo_cost_usage(usage, words):
    with pytest.raises(CostError, match="kumo_cost_usage") as raised:
        cost(DEV, kumo_cost_usage=usage)
    assert words in str(raised.value)


def test_every_price_comes_from_the_price_list():
    prices = copy.deepcopy(PRICES)
    prices["prices"]["nat_gateway_hour"]["price"] = 0.124
    prices["instances"]["types"]["t3.small"]["hourly"] = 1.0
    values = role_defaults() | DEV
    report = estimate(values, prices)
    assert lines(report, "NAT")["NAT gateways"] == round(730 * 0.124, 2)
    assert lines(report, "ECS")["t3.small on-demand"] == 730.0
    del prices["prices"]["alb_hour"]
    with pytest.raises(CostError, match="no price 'alb_hour'"):
        estimate(values, prices)


def test_the_price_list_names_its_region_date_and_sources():
    assert PRICES["region"] == "ap-northeast-1" and PRICES["taken"] == "2026-12-01"
    for name, entry in PRICES["prices"].items():
        assert entry["source"].startswith("https://aws.amazon.com/"), name
        assert entry["price"] > 0 and entry["unit"], name
    for name, entry in PRICES["usage"].items():
        assert entry["price"] in PRICES["prices"], name
    assert PRICES["instances"]["types"]["t3.medium"]["hourly"] == 0.0544


def test_a_region_without_prices_is_refused():
    with pytest.raises(CostError, match="price list is for 'ap-northeast-1'"):
        cost(DEV, kumo_region="eu-west-1", kumo_availability_zones=["eu-west-1a"])


def test_a_missing_variable_is_named():
    values = role_defaults() | DEV
    del values["ecs_capacity_instance_type"]
    with pytest.raises(CostError, match="ecs_capacity_instance_type is not set"):
        estimate(values, PRICES)


def test_budget_over_names_the_largest_drivers_in_order():
    report = cost(DEV)
    assert report["over_budget"] and report["budget"] == 50.0
    assert [c["name"] for c in report["drivers"][:3]] == ["VPC endpoints", "NAT", "ALB"]
    assert budget_message(report) == (
        "kumo-dev: fixed monthly cost $263.44 is over kumo_monthly_budget $50.00 by $213.44. Largest drivers: "
        "VPC endpoints $153.30 (5 endpoints × 3 AZs), NAT $48.91 (1 NAT gateway), ALB $28.69. "
        "scripts/cost.py prints every line."
    )


def test_budget_within_and_unset():
    assert not cost(DEV, kumo_monthly_budget="300")["over_budget"]  # -e kumo_monthly_budget=300 is a string
    assert budget_message(cost(DEV, kumo_monthly_budget=300)).endswith("within kumo_monthly_budget $300.00")
    unset = cost(DEV, kumo_monthly_budget=None)
    assert not unset["over_budget"] and budget_message(unset).endswith("(no kumo_monthly_budget set)")


@pytest.mark.parametrize("budget", [0, -5, "fifty", True])
def test_a_bad_budget_is_refused_by_name(budget):
    with pytest.raises(CostError, match="kumo_monthly_budget must be a number of dollars above 0"):
        cost(DEV, kumo_monthly_budget=budget)


def test_the_filter_lays_the_play_variables_over_the_role_defaults():
    # Ansible gives the inventory's values; cdn_waf_managed_rule_groups and monitoring_services come from defaults.
    report = monthly_cost(DEV)
    assert report["fixed_total"] == 263.44
    assert cost_budget_message(report).startswith("kumo-dev: fixed monthly cost $263.44 is over")


def test_the_filter_turns_model_errors_into_filter_errors():
    with pytest.raises(AnsibleFilterError, match="kumo_cost_usage: unknown usage"):
        monthly_cost(DEV | {"kumo_cost_usage": {"bogus": 1}})
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        monthly_cost(["not", "a", "dict"])
