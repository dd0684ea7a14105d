"""CodeDeploy deployments to ECS replace the service's task set, move the load
balancer's traffic to the replacement and delete the original, or fail and
roll back, as CodeDeploy's ECS blue/green deployments do.

AWS, CodeDeploy User Guide
(https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html,
https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html):
a deployment runs the lifecycle events BeforeInstall ("A rollback is not
possible at this point"), Install ("the replacement task set is created and
one of the target groups is associated with it"), AfterInstall,
AllowTestTraffic ("the test listener serves traffic to the replacement task
set"), AfterAllowTestTraffic, BeforeAllowTraffic, AllowTraffic ("production
traffic is shifted from the original task set to the replacement task
set"), AfterAllowTraffic; after a successful deployment the original task
set is removed once terminationWaitTimeInMinutes have passed
(API_BlueInstanceTerminationOption: "For an Amazon ECS deployment, the
number of minutes before deleting the original (blue) task set"). The target
(``<cluster>:<service>``, API_ECSTarget) is Succeeded once traffic has moved;
the deployment stays InProgress through the wait
(API_DeploymentInfo: instanceTerminationWaitTimeStarted) and is Succeeded
when the original task set is gone (CodeDeploy's team, in
aws/containers-roadmap#269: "the deployment starts waiting ... immediately
after marking the target status as Succeeded and when the wait is complete
the deployment status will be immediately updated as Succeeded").
CodeDeployDefault.ECSAllAtOnce moves all traffic at once,
ECSCanary<p>Percent<m>Minutes p percent then the rest m minutes later,
ECSLinear<p>PercentEvery<m>Minutes p percent more every m minutes
(deployment-configurations.html): here by weighted forward actions, at
wall-clock time. The replacement goes to the target group of the pair that
the production listener does not forward to; every forward action to the
pair (default actions and rules) is rerouted, and the replacement becomes
the PRIMARY task set.

CreateDeployment (API_CreateDeployment) reads the AppSpec from
``revision.appSpecContent.content``, YAML or JSON
(reference-appspec-file-structure-resources.html: one
``Resources[0].TargetService`` of Type AWS::ECS::Service, Properties
TaskDefinition and LoadBalancerInfo ContainerName / ContainerPort, optional
CapacityProviderStrategy, NetworkConfiguration); one that is not that, or
names a task definition that is not ACTIVE or has no such container and
port, is InvalidRevisionException. DeploymentLimitExceededException ("The
number of allowed deployments was exceeded") with AWS's message "The
Deployment Group '<group>' already has an active Deployment '<id>'".
StopDeployment (API_StopDeployment) answers the reference's example,
``{"status": "Succeeded", "statusMessage": "No more commands will be
scheduled for execution in the deployment instances"}``; the deployment is
Stopped where it is unless autoRollbackEnabled (or, that not given, a
DEPLOYMENT_STOP_ON_REQUEST automatic rollback) rolls it back; a completed one
is DeploymentAlreadyCompletedException. GetDeploymentTarget
(API_GetDeploymentTarget, API_ECSTarget, API_ECSTaskSet) answers the
target's status, lifecycle events and task sets (identifer, counts, status,
trafficWeight, targetGroup, taskSetLabel Blue/Green). ListDeployments
answers the newest first (undocumented, and what ecspresso's rollback takes
for "the latest deployment").

Rollback (deployments-rollback-and-redeploy.html): "CodeDeploy rolls back
deployments by redeploying a previously deployed revision of an application
as a new deployment", creator codeDeployRollback, with rollbackInfo on both
(API_RollbackInfo: rollbackDeploymentId, rollbackTriggeringDeploymentId,
rollbackMessage). On ECS that deployment routes the listeners back to the
original task set, keeps it PRIMARY and deletes the replacement at once.
A deployment that ended before Install has nothing to roll back. Automatic
rollback on DEPLOYMENT_FAILURE follows the deployment's
autoRollbackConfiguration, or else the deployment group's. A replacement
left by a failed deployment that did not roll back is deleted by the next
deployment's Install.

Alarms (API_AlarmConfiguration, API_CreateDeployment: overrideAlarmConfiguration
"will override the alarm configuration at the deployment group level"): a
deployment whose enabled alarms include one in ALARM (CloudWatch state) is
Stopped with errorInformation ALARM_ACTIVE, and rolled back when the
automatic rollback names DEPLOYMENT_STOP_ON_ALARM. A group without
terminateBlueInstancesOnDeploymentSuccess deletes the original at once
(chosen: the reference names no default).

When CodeDeploy gives up on a replacement task set whose tasks do not start
is not documented (third parties report Install timing out after an hour).
The chosen approximation: Install fails once as many of the task set's tasks
failed to start as the ECS deployment circuit breaker's documented
threshold (0.5 x the task count, at least 3, at most 200,
``failure_threshold``), with errorInformation code ECS_UPDATE_ERROR and the
tasks' stop reason: the failure is reported and rolled back as on AWS,
without an hour's wait. Tasks that wait for capacity (PROVISIONING) never
fail it, and such a deployment never finishes.

Time: no AWS deployment finishes within the request that created it, and
clients look for it in progress before they wait (ecspresso lists the
deployments in progress right after CreateDeployment, and 3 s after
StopDeployment). Here each lifecycle event lasts at least EVENT_SECONDS
(Install until the replacement is STEADY_STATE): an ECSAllAtOnce deployment
without termination wait takes 8 x EVENT_SECONDS, its rollback as long.
Refused rather than skipped, as not simulated: Lambda lifecycle hooks in
the AppSpec, a deploymentReadyOption of STOP_DEPLOYMENT (ContinueDeployment),
revisions in S3.

moto records a deployment as Created forever: it has no StopDeployment or
GetDeploymentTarget, accepts any revision and any number of deployments at
once, and answers GetDeployment with empty errorInformation and rollbackInfo.
"""

import functools
import inspect
import json
import math
import re
from datetime import timedelta

import yaml
from moto.cloudwatch.models import cloudwatch_backends
from moto.codedeploy import responses
from moto.codedeploy.models import CodeDeployBackend, DeploymentInfo, codedeploy_backends
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import ECSException
from moto.ecs.models import ecs_backends
from moto.elbv2.models import FakeAction, elbv2_backends
from moto.elbv2.responses import ELBV2Response

from emulator.patches import _ecs_runtime
from emulator.patches._codedeploy import CodeDeployError, ecs_service, is_ecs
from emulator.patches.codedeploy_ecs_deployment_groups import check_config_name
from emulator.patches.ecs_service_scheduler import failure_threshold
from emulator.patches.ecs_service_task_sets import create_task_set, delete_task_set, make_primary

EVENTS = (
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
)
EVENT_SECONDS = 1.0
ACTIVE = ("Created", "Queued", "InProgress", "Baking", "Ready")
_SHIFT = re.compile(r"CodeDeployDefault\.ECS(Linear|Canary)(\d+)Percent(?:Every)?(\d+)Minutes")
_STOPPED = "No more commands will be scheduled for execution in the deployment instances"


class Rollout:
    """What CodeDeploy tracks of one ECS deployment, beyond moto's DeploymentInfo."""

    def __init__(self, spec, rolls_back=None):
        self.spec = spec  # the AppSpec's TargetService properties, read by appspec()
        self.rolls_back = rolls_back  # the deployment this one rolls back
        self.events = [{"lifecycleEventName": name, "status": "Pending"} for name in EVENTS]
        self.original = self.replacement = None  # task set ids
        self.original_task_definition = None
        self.original_group = self.replacement_group = None  # target group ARNs
        self.weight = 0  # percent of production traffic on the replacement
        self.target_status = "Pending"
        self.terminate_at = None
        self.created = self.updated = utcnow()


class _Failed(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _invalid_revision(message):
    return CodeDeployError("InvalidRevisionException", message)


def appspec(ecs, revision):
    """The AppSpec's TargetService properties, checked against the task definition."""
    if (revision or {}).get("revisionType") != "AppSpecContent":
        raise _invalid_revision("This emulator reads ECS revisions from appSpecContent only (S3 is not simulated).")
    try:
        document = yaml.safe_load((revision.get("appSpecContent") or {}).get("content") or "")
    except yaml.YAMLError as error:
        raise _invalid_revision(f"The AppSpec content is neither YAML nor JSON: {error}") from None
    resources = document.get("Resources") if isinstance(document, dict) else None
    target = (resources[0] or {}).get("TargetService") if isinstance(resources, list) and len(resources) == 1 else None
    if not isinstance(target, dict) or target.get("Type") != "AWS::ECS::Service":
        raise _invalid_revision("The AppSpec must name one TargetService of Type AWS::ECS::Service.")
    if document.get("Hooks"):
        raise CodeDeployError(
            "UnsupportedActionForDeploymentTypeException", "This emulator runs no lifecycle hook (AppSpec Hooks)."
        )
    properties = target.get("Properties") or {}
    balancer = properties.get("LoadBalancerInfo") or {}
    name, port = balancer.get("ContainerName"), balancer.get("ContainerPort")
    try:
        definition = ecs.describe_task_definition(str(properties.get("TaskDefinition")))
    except (ECSException, ValueError):
        definition = None
    if definition is None or definition.status != "ACTIVE":
        raise _invalid_revision(f"The task definition {properties.get('TaskDefinition')} is not an active one.")
    container = next((c for c in definition.container_definitions if c.get("name") == name), None)
    if container is None or not any(m.get("containerPort") == port for m in container.get("portMappings") or []):
        raise _invalid_revision(f"The task definition has no container {name} with container port {port}.")
    vpc = (properties.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration")
    return {
        "task_definition": definition.arn,
        "container": {"containerName": name, "containerPort": port},
        "strategy": [
            {"capacityProvider": s["CapacityProvider"], "weight": s.get("Weight", 0), "base": s.get("Base", 0)}
            for s in properties.get("CapacityProviderStrategy") or []
        ],
        "network": vpc
        and {
            "awsvpcConfiguration": {
                "subnets": vpc.get("Subnets", []),
                "securityGroups": vpc.get("SecurityGroups", []),
                "assignPublicIp": vpc.get("AssignPublicIp", "DISABLED"),
            }
        },
    }


# --- the load balancer's listeners


def _forwards(data):
    """Target group ARN -> weight, for a forward action."""
    if data.get("Type") != "forward":
        return {}
    if "ForwardConfig" in data:
        return {g["TargetGroupArn"]: g.get("Weight", 1) for g in data["ForwardConfig"].get("TargetGroups", [])}
    return {data.get("TargetGroupArn"): 1}


def _rules(elbv2, listener_arns):
    for balancer in elbv2.load_balancers.values():
        for arn in listener_arns:
            if arn in balancer.listeners:
                listener = balancer.listeners[arn]
                yield from ((listener, rule) for rule in list(listener.rules.values()))


def _serves(elbv2, listener_arns, group):
    return any(_forwards(a.data).get(group) for _, rule in _rules(elbv2, listener_arns) for a in rule.actions)


def _route(elbv2, listener_arns, old, new, weight):
    """Forward actions to the pair send ``weight`` percent to ``new``, the rest to
    ``old``; each target group lists the load balancers that route to it
    (API_TargetGroup: LoadBalancerArns, "The Amazon Resource Names (ARN) of the
    load balancers that route traffic to this target group")."""
    for listener, rule in _rules(elbv2, listener_arns):
        rule.actions = [_reweigh(action, old, new, weight) for action in rule.actions]
        if rule.is_default:
            listener.default_actions = rule.actions
        balancers = elbv2.target_groups[new].load_balancer_arns
        if listener.load_balancer_arn not in balancers:
            balancers.append(listener.load_balancer_arn)
    for balancer in elbv2.load_balancers.values():
        routes = [a for listener in balancer.listeners.values() for r in listener.rules.values() for a in r.actions]
        left = elbv2.target_groups[old].load_balancer_arns
        if not any(_forwards(a.data).get(old) for a in routes):
            # moto lists a balancer once per listener and rule that forwarded there
            left[:] = [arn for arn in left if arn != balancer.arn]


def _reweigh(action, old, new, weight):
    groups = _forwards(action.data)
    if not groups or not set(groups) <= {old, new}:
        return action
    data = {k: v for k, v in action.data.items() if k not in ("TargetGroupArn", "ForwardConfig")}
    if weight == 100:
        data["TargetGroupArn"] = new
    else:
        stickiness = action.data.get("ForwardConfig", {}).get("TargetGroupStickinessConfig", {"Enabled": False})
        data["ForwardConfig"] = {
            "TargetGroups": [
                {"TargetGroupArn": old, "Weight": 100 - weight},
                {"TargetGroupArn": new, "Weight": weight},
            ],
            "TargetGroupStickinessConfig": stickiness,
        }
    return FakeAction(data)


def _pair(deployment):
    [pair] = deployment.deployment_group.load_balancer_info["targetGroupPairInfoList"]
    routes = [(pair.get(key) or {}).get("listenerArns") or [] for key in ("prodTrafficRoute", "testTrafficRoute")]
    return [group["name"] for group in pair["targetGroups"]], *routes


def _shifted_at(config_name, start):
    """When all production traffic is on the replacement, and the weight at a time before."""
    match = _SHIFT.fullmatch(config_name or "")
    if not match:
        return start, lambda now: 100
    linear, percent, minutes = match.group(1) == "Linear", int(match.group(2)), int(match.group(3))
    steps = math.ceil(100 / percent) - 1 if linear else 1
    step = timedelta(minutes=minutes)
    return start + steps * step, lambda now: min(100, percent * (1 + (now - start) // step)) if linear else percent


# --- the life cycle


def _task_set(service, task_set_id):
    return next((ts for ts in service.task_sets if ts.id == task_set_id), None)


def _install(ecs, elbv2, deployment, service):
    """Create the replacement task set (a rollback reuses the original one)."""
    rollout = deployment.rollout
    if rollout.rolls_back:
        previous = rollout.rolls_back.rollout
        rollout.original, rollout.replacement = previous.replacement, previous.original
        rollout.original_group, rollout.replacement_group = previous.replacement_group, previous.original_group
        return
    names, production, _ = _pair(deployment)
    arns = {group.name: group.arn for group in elbv2.target_groups.values()}
    live = [arns[name] for name in names if name in arns and _serves(elbv2, production, arns[name])]
    if any(name not in arns for name in names) or len(live) != 1:
        raise _Failed(
            "ELASTIC_LOAD_BALANCING_INVALID",
            "The production listener must forward to exactly one target group of the deployment group's pair.",
        )
    primary = next(ts for ts in service.task_sets if ts.status == "PRIMARY")
    for stale in [ts for ts in service.task_sets if ts is not primary]:  # left by a failed deployment
        delete_task_set(ecs, service, stale, "Task stopped by CodeDeploy: its task set was replaced.")
    rollout.original, rollout.original_task_definition = primary.id, primary.task_definition
    rollout.original_group = live[0]
    rollout.replacement_group = next(arns[name] for name in names if arns[name] != live[0])
    spec = rollout.spec
    balancers = [{"targetGroupArn": rollout.replacement_group, **spec["container"]}]
    task_set = create_task_set(
        ecs, service, spec["task_definition"], balancers, "CODE_DEPLOY", spec["strategy"], spec["network"]
    )
    rollout.replacement = task_set.id


def _installed(ecs, deployment, service, now):
    """When the replacement task set became stable (None: not yet); _Failed when its tasks keep failing."""
    task_set = _task_set(service, deployment.rollout.replacement)
    if task_set is None:
        raise _Failed("ECS_UPDATE_ERROR", "The task set to deploy no longer exists.")
    if task_set.failed_tasks >= failure_threshold(task_set.computed_desired_count):
        tasks = [t for t in ecs.tasks.get(service.cluster_name, {}).values() if t.started_by == task_set.id]
        reason = next((t.stopped_reason for t in tasks if getattr(t, "stop_code", None) == "TaskFailedToStart"), "")
        raise _Failed("ECS_UPDATE_ERROR", f"The replacement task set's tasks failed to start: {reason}")
    return now if task_set.stabilityStatus == "STEADY_STATE" else None


def _allow_test_traffic(elbv2, deployment):
    _, _, test = _pair(deployment)
    rollout = deployment.rollout
    _route(elbv2, test, rollout.original_group, rollout.replacement_group, 100)


def _allow_traffic(ecs, elbv2, deployment, service, event, now):
    """Move production traffic by the deployment configuration; when it all moved."""
    rollout = deployment.rollout
    config = None if rollout.rolls_back else deployment.deployment_config_name
    done_at, weight = _shifted_at(config, event["startTime"])
    weight = 100 if now >= done_at else weight(now)
    if weight != rollout.weight:
        _, production, _ = _pair(deployment)
        _route(elbv2, production, rollout.original_group, rollout.replacement_group, weight)
        rollout.weight = weight
        if weight == 100:
            make_primary(ecs, service, _task_set(service, rollout.replacement))
    return done_at if weight == 100 else None


def _ready_at(ecs, elbv2, deployment, service, event, now):
    """When the current lifecycle event's work was done (None: not yet)."""
    name = event["lifecycleEventName"]
    if name == "Install":
        return _installed(ecs, deployment, service, now)
    if name == "AllowTraffic":
        return _allow_traffic(ecs, elbv2, deployment, service, event, now)
    return event["startTime"]


def _begin(ecs, elbv2, deployment, service, index, at):
    event = deployment.rollout.events[index]
    event.update(status="InProgress", startTime=at)
    if event["lifecycleEventName"] == "Install":
        _install(ecs, elbv2, deployment, service)
    elif event["lifecycleEventName"] == "AllowTestTraffic":
        _allow_test_traffic(elbv2, deployment)


def _current(rollout):
    return next((i for i, e in enumerate(rollout.events) if e["status"] in ("Pending", "InProgress")), None)


def _advance(cd, ecs, deployment, now):
    """Move one deployment on as far as the time and the service allow."""
    rollout = deployment.rollout
    service = ecs_service(ecs, deployment.deployment_group)
    if deployment.status == "Created":  # CodeDeploy starts it at once, whenever the caller next looks
        deployment.status, deployment.start_time, rollout.target_status = "InProgress", rollout.created, "InProgress"
    if not rollout.rolls_back and (alarms := _alarming(ecs, deployment)):
        error = {
            "code": "ALARM_ACTIVE",
            "message": f"The deployment was stopped: alarms in ALARM: {', '.join(alarms)}.",
        }
        stop(cd, deployment, rolls_back_on(deployment, "DEPLOYMENT_STOP_ON_ALARM"), error)
        return
    try:
        if service is None or service.status != "ACTIVE":
            raise _Failed("INVALID_ECS_SERVICE", "The deployment group's ECS service no longer exists.")
        if not _run_events(ecs, deployment, service, now):
            return
        if rollout.terminate_at is None:
            _traffic_moved(deployment, rollout.events[-1]["endTime"])
        if now >= rollout.terminate_at:
            original = _task_set(service, rollout.original)
            if original is not None:
                delete_task_set(ecs, service, original, "Task stopped by CodeDeploy: its task set was replaced.")
            _finish(deployment, "Succeeded", rollout.terminate_at)
    except _Failed as failure:
        fail(cd, deployment, failure.code, failure.message, now)


def _run_events(ecs, deployment, service, now):
    """Run the lifecycle events that are due, each from the end of the one before; True once all succeeded.
    An event ends when its work is done, and not before EVENT_SECONDS after it began."""
    rollout = deployment.rollout
    elbv2 = elbv2_backends[ecs.account_id][ecs.region_name]
    while (index := _current(rollout)) is not None:
        event = rollout.events[index]
        if event["status"] == "Pending":
            at = rollout.created if index == 0 else rollout.events[index - 1]["endTime"]
            _begin(ecs, elbv2, deployment, service, index, at)
        if "readyAt" not in event:
            ready = _ready_at(ecs, elbv2, deployment, service, event, now)
            if ready is None:
                return False
            event["readyAt"] = ready
        end = max(event["readyAt"], event["startTime"] + timedelta(seconds=EVENT_SECONDS))
        if now < end:
            return False
        event.update(status="Succeeded", endTime=end)
    return True


def _traffic_moved(deployment, at):
    """The target succeeded; the original task set goes after the termination wait (a rollback's at once)."""
    rollout = deployment.rollout
    rollout.target_status = "Succeeded"
    option = (deployment.deployment_group.blue_green_deployment_configuration or {}).get(
        "terminateBlueInstancesOnDeploymentSuccess"
    ) or {}
    wait = 0 if rollout.rolls_back else option.get("terminationWaitTimeInMinutes") or 0
    rollout.terminate_at = at + timedelta(minutes=wait)
    deployment.instance_termination_wait_time_started = wait > 0


def _finish(deployment, status, at):
    deployment.status, deployment.complete_time = status, at
    for event in deployment.rollout.events:
        if event["status"] == "InProgress":
            event.update(status="Failed", endTime=at)
        elif event["status"] == "Pending":
            event["status"] = "Skipped"


def rolls_back_on(deployment, event):
    configuration = deployment.auto_rollback_configuration
    if configuration is None:
        configuration = deployment.deployment_group.auto_rollback_configuration
    configuration = configuration or {}
    return bool(configuration.get("enabled")) and event in (configuration.get("events") or [])


def fail(cd, deployment, code, message, now):
    deployment.error_information = {"code": code, "message": message}
    deployment.rollout.target_status = "Failed"
    _finish(deployment, "Failed", now)
    if not deployment.rollout.rolls_back and rolls_back_on(deployment, "DEPLOYMENT_FAILURE"):
        _roll_back(cd, deployment)


def _alarming(ecs, deployment):
    """The deployment's alarms (its own configuration, or else its group's) that are in ALARM."""
    configuration = deployment.override_alarm_configuration or deployment.deployment_group.alarm_configuration or {}
    if not configuration.get("enabled"):
        return []
    alarms = cloudwatch_backends[ecs.account_id][ecs.region_name].alarms
    names = [alarm.get("name") for alarm in configuration.get("alarms") or []]
    return [name for name in names if name in alarms and alarms[name].state_value == "ALARM"]


def stop(cd, deployment, roll_back, error=None):
    deployment.error_information = error or {
        "code": "MANUAL_STOP",
        "message": "The deployment was stopped by a user request.",
    }
    rollout = getattr(deployment, "rollout", None)
    if rollout is None:
        deployment.status = "Stopped"
        return
    rollout.target_status = "Failed"
    _finish(deployment, "Stopped", utcnow())
    if roll_back and not rollout.rolls_back:
        _roll_back(cd, deployment)


def _roll_back(cd, deployment):
    """A new deployment (creator codeDeployRollback) back to the original task set."""
    rollout = deployment.rollout
    if rollout.replacement is None:
        deployment.rollback_info = {"rollbackMessage": "The deployment cannot be rolled back: it ended before Install."}
        return
    content = {
        "version": 0.0,
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": rollout.original_task_definition,
                        "LoadBalancerInfo": {
                            "ContainerName": rollout.spec["container"]["containerName"],
                            "ContainerPort": rollout.spec["container"]["containerPort"],
                        },
                    },
                }
            }
        ],
    }
    revision = {"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps(content)}}
    # DeploymentInfo(application, group, revision, configuration, seven options unset, creator)
    rollback = DeploymentInfo(
        deployment.application,
        deployment.deployment_group,
        revision,
        deployment.deployment_config_name,
        *[None] * 7,
        "codeDeployRollback",
    )
    rollback.rollout = Rollout(None, rolls_back=deployment)
    rollback.rollback_info = {"rollbackTriggeringDeploymentId": deployment.deployment_id}
    cd.deployments[rollback.deployment_id] = rollback
    deployment.rollback_info = {
        "rollbackDeploymentId": rollback.deployment_id,
        "rollbackMessage": f"Rolled back by deployment {rollback.deployment_id} to the original task set.",
    }


def _progress(deployment):
    rollout = deployment.rollout
    return deployment.status, [e["status"] for e in rollout.events], rollout.weight, rollout.terminate_at


def run_deployments(ecs):
    cd = codedeploy_backends[ecs.account_id][ecs.region_name]
    now = utcnow()
    changed = False
    for deployment in list(cd.deployments.values()):
        if getattr(deployment, "rollout", None) is not None and deployment.status in ("Created", "InProgress"):
            before = _progress(deployment)
            _advance(cd, ecs, deployment, now)
            if _progress(deployment) != before:
                deployment.rollout.updated = now
                changed = True
    return changed


# --- the API


def _ecs_target(deployment, service, elbv2, target_id):
    rollout = deployment.rollout
    names = {group.arn: group.name for group in elbv2.target_groups.values()}
    primary = next((ts for ts in service.task_sets if ts.status == "PRIMARY"), None) if service else None
    task_sets = []
    for label, task_set_id, group, weight in (
        ("Blue", rollout.original or (primary and primary.id), rollout.original_group, 100 - rollout.weight),
        ("Green", rollout.replacement, rollout.replacement_group, rollout.weight),
    ):
        task_set = _task_set(service, task_set_id) if service else None
        if task_set is not None:
            balancer = group or next((b["targetGroupArn"] for b in task_set.load_balancers), None)
            task_sets.append(
                {
                    "identifer": task_set.id,
                    "desiredCount": task_set.computed_desired_count,
                    "pendingCount": task_set.pending_count,
                    "runningCount": task_set.running_count,
                    "status": task_set.status,
                    "trafficWeight": float(weight),
                    "targetGroup": {"name": names.get(balancer)},
                    "taskSetLabel": label,
                }
            )
    return {
        "deploymentId": deployment.deployment_id,
        "targetId": target_id,
        "targetArn": service.arn if service else None,
        "lastUpdatedAt": rollout.updated,
        "lifecycleEvents": [{k: v for k, v in e.items() if k != "readyAt"} for e in rollout.events],
        "status": rollout.target_status,
        "taskSetsInfo": task_sets,
    }


def _get_deployment_target(self):
    deployment = self.codedeploy_backend.get_deployment(self._get_param("deploymentId"))
    target_id = self._get_param("targetId")
    entries = deployment.deployment_group.ecs_services if getattr(deployment, "rollout", None) else []
    if target_id not in [f"{e.get('clusterName')}:{e.get('serviceName')}" for e in entries]:
        raise CodeDeployError(
            "DeploymentTargetDoesNotExistException",
            f"The target {target_id} does not belong to deployment {deployment.deployment_id}.",
        )
    ecs = ecs_backends[self.current_account][self.region]
    elbv2 = elbv2_backends[self.current_account][self.region]
    target = _ecs_target(deployment, ecs_service(ecs, deployment.deployment_group), elbv2, target_id)
    return ActionResult({"deploymentTarget": {"deploymentTargetType": "ECSTarget", "ecsTarget": target}})


def _stop_deployment(self):
    deployment = self.codedeploy_backend.get_deployment(self._get_param("deploymentId"))
    if deployment.status not in ACTIVE:
        raise CodeDeployError(
            "DeploymentAlreadyCompletedException", f"The deployment {deployment.deployment_id} has already completed."
        )
    roll_back = self._get_param("autoRollbackEnabled")
    if roll_back is None:
        roll_back = rolls_back_on(deployment, "DEPLOYMENT_STOP_ON_REQUEST")
    stop(self.codedeploy_backend, deployment, roll_back)
    return ActionResult({"status": "Succeeded", "statusMessage": _STOPPED})


def apply():
    _ecs_runtime.install()
    _ecs_runtime.install(CodeDeployResponse)
    _ecs_runtime.install(ELBV2Response)
    _ecs_runtime.reconciler(25, run_deployments)

    create = CodeDeployBackend.create_deployment

    @functools.wraps(create)
    def create_deployment(self, *args, **kwargs):
        bound = inspect.signature(create).bind(self, *args, **kwargs)
        bound.apply_defaults()
        settings = bound.arguments
        group = self.deployment_groups.get(settings["application_name"], {}).get(settings["deployment_group_name"])
        if group is None or not is_ecs(group):
            return create(**settings)
        active = next(
            (d for d in self.deployments.values() if d.deployment_group is group and d.status in ACTIVE), None
        )
        if active is not None:
            raise CodeDeployError(
                "DeploymentLimitExceededException",
                f"The Deployment Group '{group.deployment_group_name}' already has an active Deployment "
                f"'{active.deployment_id}'",
            )
        if settings["deployment_config_name"]:
            check_config_name(settings["deployment_config_name"])
        ready = (group.blue_green_deployment_configuration or {}).get("deploymentReadyOption") or {}
        if ready.get("actionOnTimeout") == "STOP_DEPLOYMENT":
            raise CodeDeployError(
                "UnsupportedActionForDeploymentTypeException",
                "This emulator does not simulate deploymentReadyOption STOP_DEPLOYMENT (ContinueDeployment).",
            )
        ecs = ecs_backends[self.account_id][self.region_name]
        service = ecs_service(ecs, group)
        if service is None or service.status != "ACTIVE":
            raise CodeDeployError("InvalidECSServiceException", "The deployment group's ECS service does not exist.")
        spec = appspec(ecs, settings["revision"])
        deployment = self.deployments[create(**settings)]
        deployment.rollout = Rollout(spec)
        return deployment.deployment_id

    list_deployments = CodeDeployBackend.list_deployments

    @functools.wraps(list_deployments)
    def newest_first(self, *args, **kwargs):
        found = list_deployments(self, *args, **kwargs)
        return sorted(reversed(found), key=lambda i: self.deployments[i].create_time, reverse=True)

    info = responses._deployment_info

    @functools.wraps(info)
    def deployment_info(deployment):
        result = info(deployment)
        result["errorInformation"] = getattr(deployment, "error_information", None)
        result["rollbackInfo"] = getattr(deployment, "rollback_info", None)
        rollout = getattr(deployment, "rollout", None)
        if rollout is not None:
            result["deploymentOverview"] = {
                status: int(status == rollout.target_status)
                for status in ("Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready")
            }
        return result

    CodeDeployBackend.create_deployment = create_deployment
    CodeDeployBackend.list_deployments = newest_first
    responses._deployment_info = deployment_info
    CodeDeployResponse.stop_deployment = _stop_deployment
    CodeDeployResponse.get_deployment_target = _get_deployment_target
