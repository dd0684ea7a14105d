"""kumo.platform.ecs_asg_scale_in_protection against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ecs_asg_scale_in_protection


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
