"""emulator/patches/codedeploy_ecs_deployments.py: an ECS deployment replaces the
task set, moves the listeners to the other target group of the pair and
deletes the original task set; one whose tasks cannot start fails and rolls
back; the calls ecspresso makes see it as AWS shows it."""

import datetime
import time
import types

import pytest
from botocore.exceptions import ClientError

from emulator.patches import codedeploy_ecs_deployments

IN_PROGRESS = ["Created", "Queued", "InProgress", "Ready"]


def _task_sets(world):
    return [(t["status"], t["taskDefinition"].rsplit(":", 1)[-1]) for t in world.describe()["taskSets"]]


def _target(world, deployment_id):
    target = world.codedeploy.get_deployment_target(
        deploymentId=deployment_id, targetId=f"{world.cluster}:{world.service_name}"
    )
    return target["deploymentTarget"]["ecsTarget"]


@pytest.fixture
def clock(monkeypatch):
    """The CodeDeploy control plane's clock; clock.advance(minutes=5) moves it on."""
    offset = [datetime.timedelta()]
    real = codedeploy_ecs_deployments.utcnow
    monkeypatch.setattr(codedeploy_ecs_deployments, "utcnow", lambda: real() + offset[0])

    def advance(**delta):
        offset[0] += datetime.timedelta(**delta)

    return types.SimpleNamespace(advance=advance)


@pytest.fixture
def quick_codedeploy(monkeypatch):
    """Lifecycle events of a quarter second: a deployment is seen in progress, then ends."""
    monkeypatch.setattr(codedeploy_ecs_deployments, "EVENT_SECONDS", 0.25)


def test_a_blue_green_deployment_moves_the_listeners_and_back_on_the_next(blue_green, instant_codedeploy):
    world = blue_green(count=2)
    blue_ports = {t["Target"]["Port"] for t in world.registered(world.blue)}
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and world.test_route() == {world.blue: 100}

    first = world.deploy("repo/app:v2")
    info = world.deployment(first)
    assert (info["status"], info["computePlatform"], info["creator"]) == ("Succeeded", "ECS", "user")
    assert info["completeTime"] >= info["startTime"] and "errorInformation" not in info
    assert info["deploymentOverview"]["Succeeded"] == 1
    # The default action and the /api/* rule of the production listener, and the test listener.
    assert world.production() == [{world.green: 100}, {world.green: 100}] and world.test_route() == {world.green: 100}
    assert _task_sets(world) == [("PRIMARY", "2")]
    service = world.describe()
    assert service["taskDefinition"].endswith(":2") and service["loadBalancers"][0]["targetGroupArn"] == world.green
    assert len(world.registered(world.green)) == 2 and world.registered(world.blue) == []
    stopped = world.ecs.list_tasks(cluster=world.cluster, desiredStatus="STOPPED")["taskArns"]
    old = world.ecs.describe_tasks(cluster=world.cluster, tasks=stopped)["tasks"]
    assert {t["containers"][0]["networkBindings"][0]["hostPort"] for t in old} == blue_ports
    assert [t["taskSetLabel"] for t in _target(world, first)["taskSetsInfo"]] == ["Green"]
    # Each target group lists the load balancers that route to it: the listeners moved, so did they.
    balancers = {
        g["TargetGroupArn"]: g["LoadBalancerArns"]
        for g in world.elbv2.describe_target_groups(TargetGroupArns=[world.blue, world.green])["TargetGroups"]
    }
    assert balancers[world.blue] == [] and len(balancers[world.green]) == 1

    second = world.deploy("repo/app:v3")
    assert world.deployment(second)["status"] == "Succeeded"
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and world.test_route() == {world.blue: 100}
    assert _task_sets(world) == [("PRIMARY", "3")]
    assert len(world.registered(world.blue)) == 2 and world.registered(world.green) == []


def test_a_release_that_cannot_start_fails_and_rolls_back(blue_green, instant_codedeploy):
    world = blue_green(count=2)
    failed = world.deploy("repo/app:v2-broken")
    info = world.deployment(failed)
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "ECS_UPDATE_ERROR"
    assert "CannotPullContainerError" in info["errorInformation"]["message"]
    rollback_id = info["rollbackInfo"]["rollbackDeploymentId"]
    rollback = world.deployment(rollback_id)
    assert (rollback["status"], rollback["creator"]) == ("Succeeded", "codeDeployRollback")
    assert rollback["rollbackInfo"]["rollbackTriggeringDeploymentId"] == failed
    assert "v2" not in rollback["revision"]["appSpecContent"]["content"]
    # The original task set kept serving: still PRIMARY, still behind every listener.
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and world.test_route() == {world.blue: 100}
    assert _task_sets(world) == [("PRIMARY", "1")] and world.describe()["runningCount"] == 2
    assert len(world.registered(world.blue)) == 2 and world.registered(world.green) == []
    events = {e["lifecycleEventName"]: e["status"] for e in _target(world, failed)["lifecycleEvents"]}
    assert (events["BeforeInstall"], events["Install"], events["AllowTraffic"]) == ("Succeeded", "Failed", "Skipped")
    listed = world.codedeploy.list_deployments(applicationName=world.name, deploymentGroupName=world.name)
    assert listed["deployments"] == [rollback_id, failed]  # newest first


def test_without_automatic_rollback_the_failed_replacement_stays_aside(blue_green, instant_codedeploy):
    world = blue_green(count=1, autoRollbackConfiguration={"enabled": False})
    failed = world.deploy("repo/app:v2-broken")
    info = world.deployment(failed)
    assert info["status"] == "Failed" and "rollbackInfo" not in info
    assert _task_sets(world) == [("PRIMARY", "1"), ("ACTIVE", "2")]
    assert world.production() == [{world.blue: 100}, {world.blue: 100}]
    # The next deployment replaces the failed task set.
    assert world.deployment(world.deploy("repo/app:v3"))["status"] == "Succeeded"
    assert _task_sets(world) == [("PRIMARY", "3")] and world.production() == [{world.green: 100}, {world.green: 100}]


def test_a_second_deployment_while_one_is_active_is_refused(blue_green):
    world = blue_green(count=1)
    first = world.deploy("repo/app:v2")
    with pytest.raises(ClientError) as refused:
        world.deploy("repo/app:v3")
    assert refused.value.response["Error"] == {
        "Code": "DeploymentLimitExceededException",
        "Message": f"The Deployment Group '{world.name}' already has an active Deployment '{first}'",
    }


def test_the_original_task_set_goes_after_the_termination_wait(blue_green, instant_codedeploy, clock):
    world = blue_green(
        count=1,
        blueGreenDeploymentConfiguration={
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5}
        },
    )
    deployment = world.deploy("repo/app:v2")
    info = world.deployment(deployment)
    assert (info["status"], info["instanceTerminationWaitTimeStarted"]) == ("InProgress", True)
    assert _target(world, deployment)["status"] == "Succeeded"
    assert world.production() == [{world.green: 100}, {world.green: 100}]
    assert _task_sets(world) == [("PRIMARY", "2"), ("ACTIVE", "1")]
    assert len(world.registered(world.blue)) == 1  # still running, out of production
    clock.advance(minutes=4)
    assert world.deployment(deployment)["status"] == "InProgress"
    clock.advance(minutes=1)
    assert world.deployment(deployment)["status"] == "Succeeded"
    assert _task_sets(world) == [("PRIMARY", "2")] and world.registered(world.blue) == []


def test_stopping_with_rollback_returns_the_traffic(blue_green, instant_codedeploy, clock):
    world = blue_green(
        count=1,
        blueGreenDeploymentConfiguration={
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 60}
        },
    )
    deployment = world.deploy("repo/app:v2")
    assert world.production() == [{world.green: 100}, {world.green: 100}]  # in the termination wait
    answer = world.codedeploy.stop_deployment(deploymentId=deployment, autoRollbackEnabled=True)
    assert (answer["status"], answer["statusMessage"]) == (
        "Succeeded",
        "No more commands will be scheduled for execution in the deployment instances",
    )
    info = world.deployment(deployment)
    assert info["status"] == "Stopped" and info["errorInformation"]["code"] == "MANUAL_STOP"
    rollback = world.deployment(info["rollbackInfo"]["rollbackDeploymentId"])
    assert (rollback["status"], rollback["creator"]) == ("Succeeded", "codeDeployRollback")
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and world.test_route() == {world.blue: 100}
    assert _task_sets(world) == [("PRIMARY", "1")] and world.registered(world.green) == []
    with pytest.raises(ClientError, match="DeploymentAlreadyCompletedException"):
        world.codedeploy.stop_deployment(deploymentId=deployment, autoRollbackEnabled=True)


def test_an_alarm_stops_the_deployment_and_rolls_it_back(aws, blue_green, instant_codedeploy):
    cloudwatch, alarm = aws("cloudwatch"), f"errors-{time.time_ns()}"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm,
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    world = blue_green(
        count=1,
        alarmConfiguration={"enabled": True, "alarms": [{"name": alarm}]},
        autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]},
        blueGreenDeploymentConfiguration={
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 60}
        },
    )
    deployment = world.deploy("repo/app:v2")
    assert world.production() == [{world.green: 100}, {world.green: 100}]  # in the termination wait
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="errors")
    info = world.deployment(deployment)
    assert info["status"] == "Stopped" and info["errorInformation"]["code"] == "ALARM_ACTIVE"
    assert world.deployment(info["rollbackInfo"]["rollbackDeploymentId"])["status"] == "Succeeded"
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and _task_sets(world) == [("PRIMARY", "1")]


def test_a_canary_moves_a_tenth_then_the_rest(blue_green, instant_codedeploy, clock):
    world = blue_green(count=1, deploymentConfigName="CodeDeployDefault.ECSCanary10Percent5Minutes")
    deployment = world.deploy("repo/app:v2")
    assert world.deployment(deployment)["status"] == "InProgress"
    assert world.production() == [{world.blue: 90, world.green: 10}, {world.blue: 90, world.green: 10}]
    weights = {t["taskSetLabel"]: t["trafficWeight"] for t in _target(world, deployment)["taskSetsInfo"]}
    assert weights == {"Blue": 90.0, "Green": 10.0}
    clock.advance(minutes=5)
    assert world.deployment(deployment)["status"] == "Succeeded"
    assert world.production() == [{world.green: 100}, {world.green: 100}]


def test_linear_adds_a_tenth_every_minute(blue_green, instant_codedeploy, clock):
    world = blue_green(count=1, deploymentConfigName="CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    deployment = world.deploy("repo/app:v2")
    assert world.production()[0] == {world.blue: 90, world.green: 10}
    clock.advance(minutes=1)
    assert world.production()[0] == {world.blue: 80, world.green: 20}
    clock.advance(minutes=8)
    assert world.deployment(deployment)["status"] == "Succeeded"
    assert world.production()[0] == {world.green: 100}


def test_a_listener_off_the_pair_fails_the_deployment(blue_green, instant_codedeploy):
    world = blue_green(count=1)
    other = world.elbv2.create_target_group(Name=f"{world.name}-x", Protocol="HTTP", Port=80, VpcId=world.vpc)
    forward = [{"Type": "forward", "TargetGroupArn": other["TargetGroups"][0]["TargetGroupArn"]}]
    world.elbv2.modify_listener(ListenerArn=world.production_listener, DefaultActions=forward)
    for rule in world.elbv2.describe_rules(ListenerArn=world.production_listener)["Rules"]:
        if not rule["IsDefault"]:
            world.elbv2.modify_rule(RuleArn=rule["RuleArn"], Actions=forward)
    info = world.deployment(world.deploy("repo/app:v2"))
    assert (info["status"], info["errorInformation"]["code"]) == ("Failed", "ELASTIC_LOAD_BALANCING_INVALID")
    assert "rollbackDeploymentId" not in info["rollbackInfo"]  # it replaced nothing
    assert _task_sets(world) == [("PRIMARY", "1")]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("version: 0.0\nResources: []\n", "InvalidRevisionException"),
        ("{not yaml", "InvalidRevisionException"),
        ("port", "InvalidRevisionException"),
        ("hooks", "UnsupportedActionForDeploymentTypeException"),
    ],
)
def test_an_invalid_appspec_is_refused(blue_green, content, error):
    world = blue_green(count=1)
    task_definition = world.describe()["taskDefinition"]
    spec = f"""{{"version": 0.0, "Resources": [{{"TargetService": {{"Type": "AWS::ECS::Service", "Properties":
        {{"TaskDefinition": "{task_definition}", "LoadBalancerInfo": {{"ContainerName": "app", "ContainerPort": %s}}}}}}}}]
        %s}}"""
    content = {"port": spec % (80, ""), "hooks": spec % (3000, ', "Hooks": [{"BeforeInstall": "check"}]')}.get(
        content, content
    )
    with pytest.raises(ClientError) as refused:
        world.codedeploy.create_deployment(
            applicationName=world.name,
            deploymentGroupName=world.name,
            revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
        )
    assert refused.value.response["Error"]["Code"] == error
    assert (
        world.codedeploy.list_deployments(applicationName=world.name, deploymentGroupName=world.name)["deployments"]
        == []
    )


def test_the_calls_of_ecspresso_deploy(blue_green, quick_codedeploy):
    world = blue_green(count=1)
    codedeploy = world.codedeploy
    # findDeploymentInfo: the ECS application and the group naming this service.
    names = codedeploy.list_applications()["applications"]
    applications = codedeploy.batch_get_applications(applicationNames=names)["applicationsInfo"]
    assert {"applicationName": world.name, "computePlatform": "ECS"}.items() <= next(
        a for a in applications if a["applicationName"] == world.name
    ).items()
    groups = codedeploy.list_deployment_groups(applicationName=world.name)["deploymentGroups"]
    [group] = codedeploy.batch_get_deployment_groups(applicationName=world.name, deploymentGroupNames=groups)[
        "deploymentGroupsInfo"
    ]
    assert group["ecsServices"] == [{"clusterName": world.cluster, "serviceName": world.service_name}]
    deployment = world.deploy("repo/app:v2", deploymentConfigName=group["deploymentConfigName"])
    # WaitForCodeDeploy: the deployment in progress, then the waiter; GetDeploymentTarget meanwhile.
    listed = codedeploy.list_deployments(
        applicationName=world.name, deploymentGroupName=world.name, includeOnlyStatuses=IN_PROGRESS
    )
    assert listed["deployments"] == [deployment]
    target = _target(world, deployment)
    assert target["status"] == "InProgress" and target["lifecycleEvents"][0]["lifecycleEventName"] == "BeforeInstall"
    codedeploy.get_waiter("deployment_successful").wait(
        deploymentId=deployment, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    assert _target(world, deployment)["status"] == "Succeeded"
    assert (
        codedeploy.list_deployments(
            applicationName=world.name, deploymentGroupName=world.name, includeOnlyStatuses=IN_PROGRESS
        )["deployments"]
        == []
    )
    assert world.production() == [{world.green: 100}, {world.green: 100}]


def test_the_waiter_reports_a_failed_release(blue_green, quick_codedeploy):
    world = blue_green(count=1)
    deployment = world.deploy("repo/app:v2-broken")
    with pytest.raises(Exception, match="Waiter encountered a terminal failure state"):
        world.codedeploy.get_waiter("deployment_successful").wait(
            deploymentId=deployment, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
        )
    assert world.production() == [{world.blue: 100}, {world.blue: 100}]


def test_the_calls_of_ecspresso_rollback(blue_green):
    # With the emulator's own pace: ecspresso sleeps 3 s after StopDeployment, then looks for the rollback.
    world = blue_green(count=1)
    codedeploy = world.codedeploy
    world.deploy("repo/app:v2")
    time.sleep(2.5)  # past Install: AWS rolls back nothing before ("A rollback is not possible at this point")
    [latest, *_] = codedeploy.list_deployments(applicationName=world.name, deploymentGroupName=world.name)[
        "deployments"
    ]
    assert codedeploy.get_deployment(deploymentId=latest)["deploymentInfo"]["status"] == "InProgress"
    codedeploy.stop_deployment(deploymentId=latest, autoRollbackEnabled=True)
    time.sleep(3)
    [rollback] = codedeploy.list_deployments(
        applicationName=world.name, deploymentGroupName=world.name, includeOnlyStatuses=IN_PROGRESS
    )["deployments"]
    assert world.deployment(rollback)["creator"] == "codeDeployRollback"
    codedeploy.get_waiter("deployment_successful").wait(
        deploymentId=rollback, WaiterConfig={"Delay": 1, "MaxAttempts": 15}
    )
    assert world.production() == [{world.blue: 100}, {world.blue: 100}] and _task_sets(world) == [("PRIMARY", "1")]
