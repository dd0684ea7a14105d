"""kumo.platform.codedeploy_deployment_group against moto in-process, with the
emulator's CodeDeploy patches (moto has no UpdateDeploymentGroup or
DeleteDeploymentGroup, and checks no ECS deployment group)."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import codedeploy_deployment_group
from emulator.patches import (
    codedeploy_deployment_group_alarm_configuration,
    codedeploy_deployment_group_apis,
    codedeploy_ecs_deployment_groups,
    codedeploy_role_for_ecs_policy,
)

for patch in (
    codedeploy_deployment_group_apis,
    codedeploy_ecs_deployment_groups,
    codedeploy_deployment_group_alarm_configuration,
    codedeploy_role_for_ecs_policy,
):
    patch.apply()

REGION = "ap-northeast-1"
NAME = "kumo-test-frontend"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def world():
    """A CODE_DEPLOY service, its two target groups behind a listener, and the CodeDeploy role."""
    with mock_aws():
        ec2, elbv2 = boto3.client("ec2", region_name=REGION), boto3.client("elbv2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate("ac")
        ]
        groups = [
            elbv2.create_target_group(Name=name, Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="instance")[
                "TargetGroups"
            ][0]["TargetGroupArn"]
            for name in (NAME, f"{NAME}-alt")
        ]
        balancer = elbv2.create_load_balancer(Name="kumo-test-alb", Subnets=subnets)["LoadBalancers"][0]
        listener = elbv2.create_listener(
            LoadBalancerArn=balancer["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": groups[0]}],
        )["Listeners"][0]["ListenerArn"]
        ecs = boto3.client("ecs", region_name=REGION)
        ecs.create_cluster(clusterName="kumo-test-cluster")
        definition = ecs.register_task_definition(
            family=NAME,
            containerDefinitions=[{"name": "frontend", "image": "frontend:rel1", "memory": 256}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster="kumo-test-cluster",
            serviceName=NAME,
            taskDefinition=definition,
            desiredCount=1,
            deploymentController={"type": "CODE_DEPLOY"},
            loadBalancers=[{"targetGroupArn": groups[0], "containerName": "frontend", "containerPort": 3000}],
        )
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="kumo-test-codedeploy", AssumeRolePolicyDocument=json.dumps(TRUST)
        )["Role"]["Arn"]
        yield {"listener": listener, "role": role, "codedeploy": boto3.client("codedeploy", region_name=REGION)}


def args(world, **overrides):
    return {
        "application": NAME,
        "name": NAME,
        "cluster": "kumo-test-cluster",
        "service": NAME,
        "service_role_arn": world["role"],
        "target_groups": [NAME, f"{NAME}-alt"],
        "prod_listener_arn": world["listener"],
        "tags": {"Name": NAME},
        **overrides,
    }


def group(world):
    return world["codedeploy"].get_deployment_group(applicationName=NAME, deploymentGroupName=NAME)[
        "deploymentGroupInfo"
    ]


def test_check_mode_reports_a_change_and_creates_nothing(world, run_module):
    result = run_module(codedeploy_deployment_group, args(world), check_mode=True)
    assert result["changed"] is True
    assert world["codedeploy"].list_applications()["applications"] == []


def test_create_then_nothing_to_do(world, run_module):
    first = run_module(codedeploy_deployment_group, args(world), diff=True)
    assert first["changed"] is True and first["diff"]["before"] == {}
    application = world["codedeploy"].get_application(applicationName=NAME)["application"]
    assert application["computePlatform"] == "ECS"
    found = group(world)
    assert found["deploymentStyle"] == {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
    assert found["ecsServices"] == [{"serviceName": NAME, "clusterName": "kumo-test-cluster"}]
    [pair] = found["loadBalancerInfo"]["targetGroupPairInfoList"]
    assert [g["name"] for g in pair["targetGroups"]] == [NAME, f"{NAME}-alt"]
    assert pair["prodTrafficRoute"] == {"listenerArns": [world["listener"]]}
    assert found["deploymentConfigName"] == "CodeDeployDefault.ECSAllAtOnce"
    assert found["autoRollbackConfiguration"] == {
        "enabled": True,
        "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
    }
    termination = found["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"]
    assert termination == {"action": "TERMINATE", "terminationWaitTimeInMinutes": 0}
    assert found["serviceRoleArn"] == world["role"]
    arn = f"arn:aws:codedeploy:{REGION}:123456789012:deploymentgroup:{NAME}/{NAME}"
    assert world["codedeploy"].list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Name", "Value": NAME}]
    second = run_module(codedeploy_deployment_group, args(world))
    assert second["changed"] is False, second


def test_a_changed_setting_and_tag_update_the_group(world, run_module):
    run_module(codedeploy_deployment_group, args(world))
    changed = args(
        world, termination_wait_minutes=15, alarms=["kumo-test-frontend-unhealthy-hosts"], tags={"Team": "web"}
    )
    result = run_module(codedeploy_deployment_group, changed, diff=True)
    assert result["changed"] is True
    found = group(world)
    assert (
        found["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"][
            "terminationWaitTimeInMinutes"
        ]
        == 15
    )
    assert found["alarmConfiguration"]["enabled"] is True
    assert [a["name"] for a in found["alarmConfiguration"]["alarms"]] == ["kumo-test-frontend-unhealthy-hosts"]
    arn = f"arn:aws:codedeploy:{REGION}:123456789012:deploymentgroup:{NAME}/{NAME}"
    assert world["codedeploy"].list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Team", "Value": "web"}]
    assert run_module(codedeploy_deployment_group, changed)["changed"] is False


def test_absent_deletes_the_group_and_its_application(world, run_module):
    run_module(codedeploy_deployment_group, args(world))
    gone = {"application": NAME, "name": NAME, "state": "absent"}
    check = run_module(codedeploy_deployment_group, gone, check_mode=True)
    assert check["changed"] is True and world["codedeploy"].list_applications()["applications"] == [NAME]
    assert run_module(codedeploy_deployment_group, gone)["changed"] is True
    assert world["codedeploy"].list_applications()["applications"] == []
    assert run_module(codedeploy_deployment_group, gone)["changed"] is False


def test_an_application_of_another_platform_is_refused(world, run_module):
    world["codedeploy"].create_application(applicationName=NAME, computePlatform="Server")
    result = run_module(codedeploy_deployment_group, args(world))
    assert result["failed"] is True and "deploys to Server, not ECS" in result["msg"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_groups": [NAME]}, "target_groups must name two different target groups"),
        ({"termination_wait_minutes": 3000}, "termination_wait_minutes must be 0 to 2880"),
        ({"service": None}, "service"),
    ],
)
def test_bad_input_fails_with_a_clear_message(world, run_module, overrides, message):
    result = run_module(
        codedeploy_deployment_group, {k: v for k, v in args(world, **overrides).items() if v is not None}
    )
    assert result["failed"] is True
    assert message in result["msg"]
