"""kumo.platform.ecs_service_scaling against moto in-process (moto's Application
Auto Scaling checks that the ECS service exists, so the fixture creates one)."""

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ecs_service_scaling

RESOURCE = "service/kumo-test-cluster/kumo-test-frontend"
DIMENSION = "ecs:service:DesiredCount"
CPU = {"name": "cpu", "metric": "ECSServiceAverageCPUUtilization", "target": 70, "scale_out_cooldown": 60}
MEMORY = {"name": "memory", "metric": "ECSServiceAverageMemoryUtilization", "target": 60}
ARGS = {
    "cluster": "kumo-test-cluster",
    "service": "kumo-test-frontend",
    "min_capacity": 1,
    "max_capacity": 4,
    "policies": [CPU, MEMORY],
}
ABSENT = {"cluster": "kumo-test-cluster", "service": "kumo-test-frontend", "state": "absent"}
LABEL = "app/kumo-test-alb/50dc6c495c0c9188/targetgroup/kumo-test-frontend/943f017f100becff"
DESCRIBE = {"DescribeScalableTargets", "DescribeScalingPolicies"}


@pytest.fixture
def scaling():
    with mock_aws():
        ecs = boto3.client("ecs", region_name="ap-northeast-1")
        ecs.create_cluster(clusterName="kumo-test-cluster")
        task = ecs.register_task_definition(
            family="kumo-test-frontend", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}]
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster="kumo-test-cluster", serviceName="kumo-test-frontend", taskDefinition=task, desiredCount=1
        )
        yield boto3.client("application-autoscaling", region_name="ap-northeast-1")


@pytest.fixture
def calls(monkeypatch):
    """The Application Auto Scaling operations the module calls, with their parameters."""
    made = []
    original = BaseClient._make_api_call

    def record(self, operation, params):
        if self.meta.service_model.service_name == "application-autoscaling":
            made.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", record)
    return made


def writes(calls):
    return [(operation, params.get("PolicyName")) for operation, params in calls if operation not in DESCRIBE]


def target(client):
    found = client.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"]
    return found[0] if found else None


def policies(client):
    found = client.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=RESOURCE)["ScalingPolicies"]
    return {p["PolicyName"]: p for p in found}


def test_check_mode_reports_a_change_and_writes_nothing(scaling, calls, run_module):
    result = run_module(ecs_service_scaling, ARGS, check_mode=True, diff=True)
    assert result["changed"] is True
    assert calls and writes(calls) == []
    assert target(scaling) is None and policies(scaling) == {}
    assert result["diff"]["before"] == {}
    assert result["scalable_target"]["resource_id"] == RESOURCE
    assert [p["policy_name"] for p in result["policies"]] == ["cpu", "memory"]


def test_create_then_nothing_to_do(scaling, calls, run_module):
    first = run_module(ecs_service_scaling, ARGS, diff=True)
    assert first["changed"] is True
    assert writes(calls) == [
        ("RegisterScalableTarget", None),
        ("PutScalingPolicy", "cpu"),
        ("PutScalingPolicy", "memory"),
    ]
    current = target(scaling)
    assert (current["MinCapacity"], current["MaxCapacity"]) == (1, 4)
    cpu = policies(scaling)["cpu"]
    assert cpu["PolicyType"] == "TargetTrackingScaling"
    assert cpu["TargetTrackingScalingPolicyConfiguration"] == {
        "TargetValue": 70.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleOutCooldown": 60,
        "ScaleInCooldown": 0,
        "DisableScaleIn": False,
    }
    assert first["scalable_target"]["scalable_dimension"] == DIMENSION
    assert first["scalable_target"]["max_capacity"] == 4
    assert [p["policy_arn"] for p in first["policies"]] == [cpu["PolicyARN"], policies(scaling)["memory"]["PolicyARN"]]
    assert first["policies"][0]["target_tracking_scaling_policy_configuration"]["target_value"] == 70.0
    calls.clear()
    second = run_module(ecs_service_scaling, ARGS)
    assert second["changed"] is False
    assert writes(calls) == []
    assert second["scalable_target"]["min_capacity"] == 1 and len(second["policies"]) == 2
    assert run_module(ecs_service_scaling, ARGS, check_mode=True)["changed"] is False


def test_diff_shows_capacity_and_policies(scaling, run_module):
    first = run_module(ecs_service_scaling, ARGS, diff=True)
    cpu = {
        "name": "cpu",
        "metric": "ECSServiceAverageCPUUtilization",
        "target": 70.0,
        "resource_label": None,
        "scale_out_cooldown": 60,
        "scale_in_cooldown": 0,
        "disable_scale_in": False,
    }
    memory = dict(cpu, name="memory", metric="ECSServiceAverageMemoryUtilization", target=60.0, scale_out_cooldown=0)
    assert first["diff"] == {"before": {}, "after": {"min_capacity": 1, "max_capacity": 4, "policies": [cpu, memory]}}
    lower = run_module(ecs_service_scaling, dict(ARGS, policies=[dict(CPU, target=50)]), diff=True)
    assert lower["diff"]["before"] == {"min_capacity": 1, "max_capacity": 4, "policies": [cpu, memory]}
    assert lower["diff"]["after"] == {"min_capacity": 1, "max_capacity": 4, "policies": [dict(cpu, target=50.0)]}


def test_a_changed_target_puts_only_that_policy(scaling, calls, run_module):
    run_module(ecs_service_scaling, ARGS)
    calls.clear()
    changed = dict(ARGS, policies=[dict(CPU, target=55.5), MEMORY])
    check = run_module(ecs_service_scaling, changed, check_mode=True)
    assert check["changed"] is True and writes(calls) == []
    assert check["policies"][0]["target_tracking_scaling_policy_configuration"]["target_value"] == 55.5
    assert policies(scaling)["cpu"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0
    result = run_module(ecs_service_scaling, changed)
    assert result["changed"] is True
    assert writes(calls) == [("PutScalingPolicy", "cpu")]
    assert policies(scaling)["cpu"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 55.5
    assert run_module(ecs_service_scaling, changed)["changed"] is False


@pytest.mark.parametrize(
    "change",
    [{"scale_in_cooldown": 300}, {"scale_out_cooldown": 0}, {"disable_scale_in": True}],
)
def test_a_changed_cooldown_or_scale_in_puts_the_policy(scaling, calls, run_module, change):
    run_module(ecs_service_scaling, ARGS)
    calls.clear()
    result = run_module(ecs_service_scaling, dict(ARGS, policies=[dict(CPU, **change), MEMORY]))
    assert result["changed"] is True and writes(calls) == [("PutScalingPolicy", "cpu")]


def test_a_changed_capacity_registers_the_target_again(scaling, calls, run_module):
    run_module(ecs_service_scaling, ARGS)
    calls.clear()
    result = run_module(ecs_service_scaling, dict(ARGS, min_capacity=2, max_capacity=6), diff=True)
    assert result["changed"] is True
    assert writes(calls) == [("RegisterScalableTarget", None)]
    assert (result["diff"]["before"]["min_capacity"], result["diff"]["after"]["max_capacity"]) == (1, 6)
    current = target(scaling)
    assert (current["MinCapacity"], current["MaxCapacity"]) == (2, 6)
    assert result["scalable_target"]["max_capacity"] == 6


def test_unlisted_target_tracking_policies_are_purged(scaling, calls, run_module):
    run_module(ecs_service_scaling, ARGS)
    scaling.put_scaling_policy(
        PolicyName="steps",
        ServiceNamespace="ecs",
        ResourceId=RESOURCE,
        ScalableDimension=DIMENSION,
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
        },
    )
    calls.clear()
    kept = run_module(ecs_service_scaling, dict(ARGS, policies=[CPU], purge_policies=False))
    assert kept["changed"] is False and set(policies(scaling)) == {"cpu", "memory", "steps"}
    check = run_module(ecs_service_scaling, dict(ARGS, policies=[CPU]), check_mode=True)
    assert check["changed"] is True and writes(calls) == []
    assert [p["policy_name"] for p in check["policies"]] == ["cpu", "steps"]
    result = run_module(ecs_service_scaling, dict(ARGS, policies=[CPU]))
    assert result["changed"] is True
    assert writes(calls) == [("DeleteScalingPolicy", "memory")]
    assert set(policies(scaling)) == {"cpu", "steps"}
    assert run_module(ecs_service_scaling, dict(ARGS, policies=[CPU]))["changed"] is False


def test_request_count_policy_with_its_resource_label(scaling, run_module):
    requests = {"name": "requests", "metric": "ALBRequestCountPerTarget", "target": 1000, "resource_label": LABEL}
    args = dict(ARGS, policies=[requests])
    assert run_module(ecs_service_scaling, args)["changed"] is True
    metric = policies(scaling)["requests"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert metric == {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": LABEL}
    assert run_module(ecs_service_scaling, args)["changed"] is False
    relabelled = dict(ARGS, policies=[dict(requests, resource_label=LABEL.replace("943f", "0000"))])
    assert run_module(ecs_service_scaling, relabelled)["changed"] is True


def test_absent_deletes_the_policies_then_the_target(scaling, calls, run_module):
    run_module(ecs_service_scaling, ARGS)
    calls.clear()
    check = run_module(ecs_service_scaling, ABSENT, check_mode=True, diff=True)
    assert check["changed"] is True and writes(calls) == []
    assert check["diff"]["before"]["min_capacity"] == 1 and check["diff"]["after"] == {}
    assert target(scaling) is not None and len(policies(scaling)) == 2
    gone = run_module(ecs_service_scaling, ABSENT)
    assert gone["changed"] is True
    assert writes(calls) == [
        ("DeleteScalingPolicy", "cpu"),
        ("DeleteScalingPolicy", "memory"),
        ("DeregisterScalableTarget", None),
    ]
    assert target(scaling) is None and policies(scaling) == {}
    assert (gone["scalable_target"], gone["policies"]) == ({}, [])
    calls.clear()
    again = run_module(ecs_service_scaling, ABSENT)
    assert again["changed"] is False and writes(calls) == []


def test_absent_when_never_scaled_changes_nothing(scaling, calls, run_module):
    result = run_module(ecs_service_scaling, ABSENT, diff=True)
    assert result["changed"] is False
    assert writes(calls) == []
    assert result["diff"] == {"before": {}, "after": {}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"cluster": "c", "service": "s"}, "min_capacity"),
        (dict(ARGS, min_capacity=5, max_capacity=2), "must not be less than min_capacity"),
        (
            dict(ARGS, policies=[{"name": "requests", "metric": "ALBRequestCountPerTarget", "target": 1000}]),
            "requests tracks ALBRequestCountPerTarget and needs resource_label",
        ),
        (dict(ARGS, policies=[dict(CPU, resource_label=LABEL)]), "cpu sets resource_label"),
        (dict(ARGS, policies=[CPU, dict(MEMORY, name="cpu")]), "cpu is listed more than once"),
        (dict(ARGS, policies=[dict(CPU, metric="RequestCount")]), "metric"),
        (dict(ARGS, policies=[{"name": "cpu", "metric": "ECSServiceAverageCPUUtilization"}]), "target"),
        (dict(ARGS, policies=[dict(CPU, scale_in_cooldown=-1)]), "scale_in_cooldown"),
    ],
)
def test_bad_input_fails_with_a_clear_message(args, message, run_module):
    result = run_module(ecs_service_scaling, args)
    assert result["failed"] is True
    assert message in result["msg"]
