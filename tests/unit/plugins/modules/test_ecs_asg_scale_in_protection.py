"""kumo.platform.ecs_asg_scale_in_protection against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ecs_asg_scale_in_protection
from emulator.patches import autoscaling_update_capacity_rebalance, autoscaling_update_keeps_mixed_instances_policy

autoscaling_update_capacity_rebalance.apply()
autoscaling_update_keeps_mixed_instances_policy.apply()


@pytest.fixture
def autoscaling():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="ap-northeast-1")
        template = ec2.create_launch_template(
            LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
        )["LaunchTemplate"]["LaunchTemplateId"]
        client = boto3.client("autoscaling", region_name="ap-northeast-1")
        client.create_auto_scaling_group(
            AutoScalingGroupName="nodes",
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            MinSize=0,
            MaxSize=3,
            DesiredCapacity=2,
            AvailabilityZones=["ap-northeast-1a"],
        )
        yield client


def group(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["nodes"])["AutoScalingGroups"][0]


def test_check_mode_reports_a_change_and_changes_nothing(autoscaling, run_module):
    result = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes"}, check_mode=True)
    assert result["changed"] is True
    assert len(result["instances_changed"]) == 2
    assert group(autoscaling)["NewInstancesProtectedFromScaleIn"] is False
    assert not any(i["ProtectedFromScaleIn"] for i in group(autoscaling)["Instances"])


def test_protects_the_group_and_its_instances_then_nothing_to_do(autoscaling, run_module):
    first = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes"}, diff=True)
    assert first["changed"] is True
    assert first["diff"]["after"]["new_instances_protected_from_scale_in"] is True
    current = group(autoscaling)
    assert current["NewInstancesProtectedFromScaleIn"] is True
    assert all(i["ProtectedFromScaleIn"] for i in current["Instances"])
    second = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes"})
    assert second["changed"] is False and second["instances_changed"] == []


def test_existing_instances_left_alone_when_asked(autoscaling, run_module):
    result = run_module(
        ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes", "protect_existing_instances": False}
    )
    assert result["changed"] is True and result["instances_changed"] == []
    assert not any(i["ProtectedFromScaleIn"] for i in group(autoscaling)["Instances"])


def test_a_missing_group_fails(autoscaling, run_module):
    result = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "missing"})
    assert result["failed"] is True
    assert "missing does not exist" in result["msg"]


def test_capacity_rebalance_is_turned_on_then_nothing_to_do(autoscaling, run_module):
    args = {"auto_scaling_group_name": "nodes", "capacity_rebalance": True}
    plan = run_module(ecs_asg_scale_in_protection, args, check_mode=True, diff=True)
    assert plan["changed"] is True and plan["capacity_rebalance"] is True
    assert plan["diff"]["before"]["capacity_rebalance"] is False and plan["diff"]["after"]["capacity_rebalance"] is True
    assert group(autoscaling)["CapacityRebalance"] is False, "check mode changed the group"
    first = run_module(ecs_asg_scale_in_protection, args)
    assert first["changed"] is True and first["capacity_rebalance"] is True
    current = group(autoscaling)
    assert current["CapacityRebalance"] is True and current["NewInstancesProtectedFromScaleIn"] is True
    second = run_module(ecs_asg_scale_in_protection, args)
    assert second["changed"] is False
    assert run_module(ecs_asg_scale_in_protection, args, check_mode=True)["changed"] is False


def test_capacity_rebalance_alone_is_a_change(autoscaling, run_module):
    run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes"})
    on = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes", "capacity_rebalance": True})
    assert on["changed"] is True and on["instances_changed"] == []
    off = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes", "capacity_rebalance": False})
    assert off["changed"] is True and off["capacity_rebalance"] is False
    assert group(autoscaling)["CapacityRebalance"] is False
    assert group(autoscaling)["NewInstancesProtectedFromScaleIn"] is True


def test_capacity_rebalance_omitted_is_left_as_it_is(autoscaling, run_module):
    run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes", "capacity_rebalance": True})
    result = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes"}, diff=True)
    assert result["changed"] is False and result["capacity_rebalance"] is True
    assert result["diff"]["before"] == result["diff"]["after"]
    assert group(autoscaling)["CapacityRebalance"] is True


def test_the_update_keeps_the_groups_mixed_instances_policy(autoscaling, run_module):
    template = group(autoscaling)["LaunchTemplate"]["LaunchTemplateId"]
    policy = {
        "LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
            "Overrides": [{"InstanceType": "t3.small"}, {"InstanceType": "t3a.small"}],
        },
        "InstancesDistribution": {
            "OnDemandBaseCapacity": 0,
            "OnDemandPercentageAboveBaseCapacity": 50,
            "SpotAllocationStrategy": "price-capacity-optimized",
        },
    }
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="nodes", MixedInstancesPolicy=policy)
    before = group(autoscaling)["MixedInstancesPolicy"]
    result = run_module(ecs_asg_scale_in_protection, {"auto_scaling_group_name": "nodes", "capacity_rebalance": True})
    assert result["changed"] is True
    current = group(autoscaling)
    assert current["CapacityRebalance"] is True
    assert current["MixedInstancesPolicy"] == before
