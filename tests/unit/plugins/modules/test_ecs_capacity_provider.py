"""kumo.platform.ecs_capacity_provider against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ecs_capacity_provider

ASG = "arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:1:autoScalingGroupName/nodes"


@pytest.fixture
def ecs():
    with mock_aws():
        yield boto3.client("ecs", region_name="ap-northeast-1")


def args(**extra):
    return {
        "name": "nodes",
        "auto_scaling_group_arn": ASG,
        "managed_scaling": {"status": "ENABLED", "target_capacity": 100},
        "managed_termination_protection": "ENABLED",
        "tags": {"Name": "nodes"},
        **extra,
    }


def providers(ecs):
    return ecs.describe_capacity_providers(capacityProviders=["nodes"])["capacityProviders"]


def test_check_mode_reports_a_change_and_creates_nothing(ecs, run_module):
    result = run_module(ecs_capacity_provider, args(), check_mode=True)
    assert result["changed"] is True
    assert providers(ecs) == []


def test_create_then_nothing_to_do(ecs, run_module):
    first = run_module(ecs_capacity_provider, args(), diff=True)
    assert first["changed"] is True
    assert first["diff"]["before"] == {}
    [created] = providers(ecs)
    settings = created["autoScalingGroupProvider"]
    assert settings["autoScalingGroupArn"] == ASG
    assert settings["managedScaling"]["status"] == "ENABLED"
    assert settings["managedScaling"]["targetCapacity"] == 100
    assert settings["managedTerminationProtection"] == "ENABLED"
    assert first["capacity_provider"]["tags"] == {"Name": "nodes"}

    second = run_module(ecs_capacity_provider, args())
    assert second["changed"] is False
    assert second["capacity_provider"]["name"] == "nodes"


def test_a_changed_setting_is_updated_in_place(ecs, run_module):
    run_module(ecs_capacity_provider, args())
    check = run_module(ecs_capacity_provider, args(managed_scaling={"target_capacity": 80}), check_mode=True)
    assert check["changed"] is True
    assert check["capacity_provider"]["auto_scaling_group_provider"]["managed_scaling"]["target_capacity"] == 80
    assert providers(ecs)[0]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 100

    result = run_module(ecs_capacity_provider, args(managed_scaling={"target_capacity": 80}))
    assert result["changed"] is True
    assert providers(ecs)[0]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 80


def test_tags_are_updated(ecs, run_module):
    run_module(ecs_capacity_provider, args())
    result = run_module(ecs_capacity_provider, args(tags={"Name": "nodes", "Team": "platform"}))
    assert result["changed"] is True
    assert result["capacity_provider"]["tags"] == {"Name": "nodes", "Team": "platform"}


def test_another_group_is_refused(ecs, run_module):
    run_module(ecs_capacity_provider, args())
    result = run_module(ecs_capacity_provider, args(auto_scaling_group_arn=ASG.replace("nodes", "other")))
    assert result["failed"] is True
    assert "cannot change" in result["msg"]


def test_target_capacity_out_of_range_fails_before_any_call(run_module):
    result = run_module(ecs_capacity_provider, args(managed_scaling={"target_capacity": 150}))
    assert result["failed"] is True
    assert "target_capacity" in result["msg"]


def test_absent_deletes_and_is_then_a_no_op(ecs, run_module):
    run_module(ecs_capacity_provider, args())
    check = run_module(ecs_capacity_provider, {"name": "nodes", "state": "absent"}, check_mode=True)
    assert check["changed"] is True and len(providers(ecs)) == 1
    gone = run_module(ecs_capacity_provider, {"name": "nodes", "state": "absent"})
    assert gone["changed"] is True and providers(ecs) == []
    again = run_module(ecs_capacity_provider, {"name": "nodes", "state": "absent"})
    assert again["changed"] is False
