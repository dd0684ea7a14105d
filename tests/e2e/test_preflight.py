"""Bad input fails before any AWS call, with a message naming the variable.

Each case copies a real inventory (or gives playbooks/deploy.yml bad extra
vars), breaks one thing, runs site.yml (or deploy.yml) against an
emulator and asserts: the run fails, the message names the variable, and the
emulator received no request at all.
"""

import shutil

import pytest
import yaml

from kumo_testlib import ROOT, run_playbook, sample_every

pytestmark = pytest.mark.e2e

# (case id, environment, {file: {variable: bad value}} or removals, words the message must contain)
REMOVE = object()
CASES = [
    ("unknown-environment", "dev", {"main": {"kumo_environment": "qa"}}, ["kumo_environment", "dev, staging, prod"]),
    ("project-name-format", "dev", {"main": {"kumo_project": "Kumo Web"}}, ["kumo_project"]),
    (
        "az-outside-region",
        "prod",
        {"main": {"kumo_availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"]}},
        ["kumo_availability_zones"],
    ),
    ("region-wrong-type", "dev", {"main": {"kumo_region": ["ap-northeast-1"]}}, ["kumo_region"]),
    (
        "deploy-strategy-unknown",
        "prod",
        {"main": {"kumo_deploy_strategy": "blue-green"}},
        ["kumo_deploy_strategy", "rolling, blue_green"],
    ),
    ("deploy-strategy-missing", "dev", {"main": {"kumo_deploy_strategy": REMOVE}}, ["kumo_deploy_strategy"]),
    (
        "account-services-unknown",
        "staging",
        {"main": {"kumo_account_services": "own"}},
        ["kumo_account_services", "manage, leave"],
    ),
    (
        "account-services-left-but-guardduty-on",
        "dev",
        {"monitoring": {"monitoring_enable_guardduty": True}},
        ["monitoring_enable_guardduty (True)", "kumo_account_services leave", "one per account and region"],
    ),
    (
        "target-group-name-too-long",
        "staging",
        {"main": {"kumo_project": "kumo-platform-team-x"}},
        ["kumo-platform-team-x-staging-frontend", "32 characters"],
    ),
    ("vpc-cidr-prefix-too-long", "dev", {"network": {"network_vpc_cidr": "10.0.0.0/33"}}, ["network_vpc_cidr"]),
    ("vpc-cidr-not-a-cidr", "prod", {"network": {"network_vpc_cidr": "banana"}}, ["network_vpc_cidr", "banana"]),
    ("vpc-cidr-too-large", "dev", {"network": {"network_vpc_cidr": "10.0.0.0/8"}}, ["network_vpc_cidr", "/16"]),
    (
        "subnets-overlap",
        "prod",
        {"network": {"network_private_subnets": ["10.2.0.0/24", "10.2.129.0/24", "10.2.130.0/24"]}},
        ["network_private_subnets[0]", "overlaps", "network_public_subnets[0]"],
    ),
    (
        "subnet-outside-vpc",
        "dev",
        {"network": {"network_public_subnets": ["10.9.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]}},
        ["network_public_subnets[0]", "not inside network_vpc_cidr"],
    ),
    (
        "subnet-count-not-az-count",
        "staging",
        {"network": {"network_public_subnets": ["10.1.0.0/24", "10.1.1.0/24"]}},
        ["network_public_subnets", "kumo_availability_zones"],
    ),
    (
        "subnet-host-bits",
        "dev",
        {"network": {"network_private_subnets": ["10.0.128.1/24", "10.0.129.0/24", "10.0.130.0/24"]}},
        ["network_private_subnets[0]", "not a CIDR"],
    ),
    (
        "nat-switch-not-bool",
        "prod",
        {"network": {"network_one_nat_gateway_per_az": "sometimes"}},
        ["network_one_nat_gateway_per_az"],
    ),
    (
        "flow-log-retention-not-allowed",
        "prod",
        {"network": {"network_flow_log_retention_days": 8}},
        ["network_flow_log_retention_days"],
    ),
    (
        "flow-log-switch-missing",
        "staging",
        {"network": {"network_enable_flow_log": REMOVE}},
        ["network_enable_flow_log"],
    ),
    ("typo-in-network-variable", "dev", {"network": {"network_vpc_cdir": "10.0.0.0/16"}}, ["network_vpc_cdir", "typo"]),
    (
        "endpoint-service-full-name",
        "dev",
        {"endpoints": {"endpoints_interface_services": ["com.amazonaws.ap-northeast-1.logs"]}},
        ["endpoints_interface_services", "com.amazonaws.ap-northeast-1."],
    ),
    (
        "endpoint-service-uppercase",
        "prod",
        {"endpoints": {"endpoints_interface_services": ["ECR.API", "logs"]}},
        ["endpoints_interface_services", "ECR.API"],
    ),
    (
        "endpoint-gateway-service-without-gateway",
        "staging",
        {"endpoints": {"endpoints_gateway_services": ["s3", "ecr.api"]}},
        ["endpoints_gateway_services", "s3 and dynamodb"],
    ),
    (
        "endpoint-service-in-both-lists",
        "prod",
        {"endpoints": {"endpoints_interface_services": ["ecr.dkr", "s3"]}},
        ["s3", "endpoints_interface_services", "endpoints_gateway_services"],
    ),
    (
        "endpoint-gateway-services-missing",
        "dev",
        {"endpoints": {"endpoints_gateway_services": REMOVE}},
        ["endpoints_gateway_services"],
    ),
    (
        "endpoint-zone-not-in-the-vpc",
        "dev",
        {"endpoints": {"endpoints_availability_zones": ["ap-northeast-1b"]}},
        ["endpoints_availability_zones", "ap-northeast-1a, ap-northeast-1c, ap-northeast-1d"],
    ),
    (
        "endpoint-wait-timeout-not-positive",
        "dev",
        {"endpoints": {"endpoints_wait_timeout": 0}},
        ["endpoints_wait_timeout"],
    ),
    (
        "typo-in-endpoints-variable",
        "dev",
        {"endpoints": {"endpoints_interface_service": ["logs"]}},
        ["endpoints_interface_service", "typo"],
    ),
    (
        "cdn-waf-geo-code-lowercase",
        "prod",
        {"cdn_waf": {"cdn_waf_geo_block_countries": ["cn"]}},
        ["cdn_waf_geo_block_countries"],
    ),
    (
        "cdn-waf-certificate-not-us-east-1",
        "prod",
        {"cdn_waf": {"cdn_waf_certificate_arn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b-2c3d"}},
        ["cdn_waf_certificate_arn", "us-east-1"],
    ),
    (
        "cdn-waf-alias-without-certificate",
        "staging",
        {"cdn_waf": {"cdn_waf_aliases": ["www.example.com"]}},
        ["cdn_waf_aliases", "cdn_waf_certificate_arn"],
    ),
    (
        "cdn-waf-cache-key-wildcard",
        "dev",
        {"cdn_waf": {"cdn_waf_default_cache_key_headers": ["*"]}},
        ["cdn_waf_default_cache_key_headers"],
    ),
    (
        "cdn-waf-versioning-not-bool",
        "prod",
        {"cdn_waf": {"cdn_waf_enable_versioning": "maybe"}},
        ["cdn_waf_enable_versioning"],
    ),
    (
        "cdn-waf-logging-switch-missing",
        "staging",
        {"cdn_waf": {"cdn_waf_enable_logging": REMOVE}},
        ["cdn_waf_enable_logging"],
    ),
    (
        "typo-in-cdn-waf-variable",
        "dev",
        {"cdn_waf": {"cdn_waf_geo_block_country": ["CN"]}},
        ["cdn_waf_geo_block_country", "typo"],
    ),
    (
        "instance-type-not-a-type",
        "staging",
        {"ecs_capacity": {"ecs_capacity_instance_type": "medium"}},
        ["ecs_capacity_instance_type", "t3.small"],
    ),
    (
        "asg-desired-above-max",
        "prod",
        {"ecs_capacity": {"ecs_capacity_desired_capacity": 11}},
        ["ecs_capacity_desired_capacity", "ecs_capacity_max_size"],
    ),
    ("asg-size-wrong-type", "dev", {"ecs_capacity": {"ecs_capacity_max_size": "three"}}, ["ecs_capacity_max_size"]),
    (
        "asg-zone-not-in-vpc",
        "staging",
        {"ecs_capacity": {"ecs_capacity_availability_zones": ["ap-northeast-1b"]}},
        ["ecs_capacity_availability_zones", "kumo_availability_zones"],
    ),
    (
        "container-insights-switch-missing",
        "prod",
        {"ecs_capacity": {"ecs_capacity_enable_container_insights": REMOVE}},
        ["ecs_capacity_enable_container_insights"],
    ),
    (
        "on-demand-base-negative",
        "staging",
        {"ecs_capacity": {"ecs_capacity_on_demand_base_capacity": -1}},
        ["ecs_capacity_on_demand_base_capacity", ">= 0"],
    ),
    (
        "on-demand-percentage-above-100",
        "dev",
        {"ecs_capacity": {"ecs_capacity_on_demand_percentage_above_base_capacity": 150}},
        ["ecs_capacity_on_demand_percentage_above_base_capacity", "0-100"],
    ),
    (
        "spot-type-repeats-the-instance-type",
        "dev",
        {"ecs_capacity": {"ecs_capacity_spot_instance_types": ["t3a.small", "t3.small"]}},
        ["ecs_capacity_spot_instance_types", "ecs_capacity_instance_type (t3.small)"],
    ),
    (
        "spot-type-not-a-type",
        "prod",
        {"ecs_capacity": {"ecs_capacity_spot_instance_types": ["large"]}},
        ["ecs_capacity_spot_instance_types", "t3a.small"],
    ),
    (
        "certificate-arn-other-region",
        "prod",
        {"alb": {"alb_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"}},
        ["alb_certificate_arn", "ap-northeast-1"],
    ),
    (
        "origin-domain-without-certificate",
        "prod",
        {"alb": {"alb_origin_domain": "origin.example.com"}},
        ["alb_origin_domain", "alb_certificate_arn"],
    ),
    (
        "origin-secret-too-short",
        "staging",
        {"alb": {"alb_origin_verify_secret": "short"}},
        ["alb_origin_verify_secret"],
    ),
    (
        "deregistration-delay-out-of-range",
        "dev",
        {"alb": {"alb_deregistration_delay": 7200}},
        ["alb_deregistration_delay", "0-3600"],
    ),
    (
        "deletion-protection-not-bool",
        "prod",
        {"alb": {"alb_deletion_protection": "yes please"}},
        ["alb_deletion_protection"],
    ),
    (
        "alert-email-not-an-address",
        "prod",
        {"monitoring": {"monitoring_alert_emails": ["ops-at-example.com"]}},
        ["monitoring_alert_emails", "ops-at-example.com"],
    ),
    (
        "log-retention-not-allowed",
        "staging",
        {"monitoring": {"monitoring_log_retention_days": 10}},
        ["monitoring_log_retention_days"],
    ),
    (
        "typo-in-monitoring-variable",
        "dev",
        {"monitoring": {"monitoring_enable_guarduty": True}},
        ["monitoring_enable_guarduty", "typo"],
    ),
]


def bad_inventory(tmp_path, env, changes):
    inventory = tmp_path / env
    shutil.copytree(ROOT / "inventories" / env, inventory)
    for concern, variables in changes.items():
        path = inventory / "group_vars" / "all" / f"{concern}.yml"
        data = yaml.safe_load(path.read_text()) if path.exists() else {}
        for name, value in variables.items():
            if value is REMOVE:
                data.pop(name)
            else:
                data[name] = value
        path.write_text(yaml.safe_dump(data))
    return inventory


# Preflight fails before the first AWS task, so Mitogen (fast_linear) has
# nothing to speed up and only adds its start-up: the cases run with the plain
# linear strategy, about a second less each.
PLAIN = {"ANSIBLE_STRATEGY": "ansible.builtin.linear"}


@pytest.fixture(scope="module")
def quiet_emulator(emulator_factory):
    return emulator_factory("preflight")


# make test: every third case (a spread over the roles); make test-all: all of them.
@pytest.mark.parametrize(("env", "changes", "words"), sample_every(3, [pytest.param(*c[1:], id=c[0]) for c in CASES]))
def test_bad_input_fails_before_any_aws_call(quiet_emulator, tmp_path, env, changes, words):
    quiet_emulator.clear_requests()
    run = run_playbook(quiet_emulator, inventory=bad_inventory(tmp_path, env, changes), env=PLAIN)
    assert run.returncode != 0, run.tail()
    # From the failed task's header: a no_log task's message is in its [ERROR] line, before "fatal:".
    failure = run.output[run.output.rfind("TASK [", 0, run.output.find("fatal:")) :] or run.output
    for word in words:
        assert word in failure, f"{word!r} not in the failure:\n{run.tail(30)}"
    assert quiet_emulator.requests() == []


def test_the_shipped_inventories_pass_preflight(quiet_emulator):
    for env in ("dev", "staging", "prod"):
        quiet_emulator.clear_requests()
        run = run_playbook(quiet_emulator, inventory=f"inventories/{env}", tags=["preflight_only"])
        assert run.returncode == 0, run.tail()
        assert quiet_emulator.requests() == []


# playbooks/deploy.yml: (case id, extra vars, environment, words the message must contain).
# The installed ecspresso (.venv/bin, `make install`) unless the case replaces it.
DEPLOY_CASES = [
    ("no-image-tag", {}, {}, ["image_tag is required"]),
    ("image-tag-with-a-space", {"image_tag": "rel 1"}, {}, ["image_tag"]),
    (
        "static-dir-missing",
        {"image_tag": "rel1", "deploy_static_dir": "/nonexistent/.next/static"},
        {},
        ["deploy_static_dir", "/nonexistent/.next/static", "must be the Next.js build's .next/static directory"],
    ),
    (
        "ecspresso-missing",
        {"image_tag": "rel1", "deploy_ecspresso_path": "/nonexistent/bin/ecspresso"},
        {},
        ["deploy_ecspresso_path", "/nonexistent/bin/ecspresso", "make ecspresso"],
    ),
    (
        "ecspresso-too-old",
        {"image_tag": "rel1", "deploy_ecspresso_min_version": "2.99.0"},
        {},
        ["deploy_ecspresso_path", "2.99.0"],
    ),
    (
        "not-ecspresso",
        {"image_tag": "rel1", "deploy_ecspresso_path": "/bin/true"},
        {},
        ["deploy_ecspresso_path", "/bin/true"],
    ),
    (
        "scaling-min-above-max",
        {
            "image_tag": "rel1",
            "deploy_autoscaling": {
                "enabled": True,
                "min_tasks": 5,
                "max_tasks": 2,
                "cpu_target": 60,
                "memory_target": 60,
                "scale_out_cooldown": 60,
                "scale_in_cooldown": 600,
            },
        },
        {},
        ["deploy_autoscaling", "max_tasks >= min_tasks"],
    ),
    (
        "blue-green-termination-wait-too-long",
        {
            "image_tag": "rel1",
            "deploy_blue_green": {
                "deployment_config": "CodeDeployDefault.ECSAllAtOnce",
                "termination_wait_minutes": 3000,
            },
        },
        {},
        ["deploy_blue_green", "termination_wait_minutes", "2880"],
    ),
    (
        "secret-in-plain-environment",
        {"image_tag": "rel1", "deploy_environment": {"backend": {"DB_PASSWORD": "x"}}},
        {},
        ["deploy_environment", "DB_PASSWORD"],
    ),
    (
        "secret-outside-the-environment",
        {"image_tag": "rel1", "deploy_secrets": {"backend": [{"name": "X", "parameter": "/other/prod/x"}]}},
        {},
        ["deploy_secrets", "/other/prod/x"],
    ),
]


@pytest.mark.parametrize(
    ("extra", "environ", "words"), sample_every(2, [pytest.param(*c[1:], id=c[0]) for c in DEPLOY_CASES])
)
def test_bad_deploy_input_fails_before_any_aws_call(quiet_emulator, extra, environ, words):
    quiet_emulator.clear_requests()
    variables = dict(extra)
    run = run_playbook(
        quiet_emulator,
        playbook="playbooks/deploy.yml",
        inventory="inventories/prod",
        extra_vars=variables,
        env=PLAIN | environ,
    )
    assert run.returncode != 0, run.tail()
    said = " ".join(run.output.split())
    for word in words:
        assert word in said, f"{word!r} not in the failure:\n{run.tail(30)}"
    assert quiet_emulator.requests() == []
