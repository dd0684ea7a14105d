"""CodeDeploy CreateDeploymentGroup and UpdateDeploymentGroup check an ECS
deployment group as AWS does.

AWS (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html,
"Before you begin an Amazon ECS deployment"): an ECS deployment group names
"Amazon ECS cluster", "Amazon ECS service", "Production listener", "Test
listener (optional)", "Two target groups"; the service must use the
CODE_DEPLOY deployment controller
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html).
API_CreateDeploymentGroup
(https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html)
and its types: ``deploymentStyle`` BLUE_GREEN with WITH_TRAFFIC_CONTROL,
``ecsServices`` ("The target Amazon ECS services in the deployment group"),
``loadBalancerInfo.targetGroupPairInfoList`` (API_TargetGroupPairInfo:
"targetGroups — One pair of target groups", "prodTrafficRoute — The path
used by a load balancer to route production traffic", "testTrafficRoute —
An optional path used by a load balancer to route test traffic"), a
``serviceRoleArn`` CodeDeploy can assume, and an ECS deployment configuration
("CodeDeployDefault.ECSAllAtOnce", "ECSLinear10PercentEvery1Minutes",
"ECSLinear10PercentEvery3Minutes", "ECSCanary10Percent5Minutes",
"ECSCanary10Percent15Minutes",
https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html),
CodeDeployDefault.ECSAllAtOnce when none is named. ECSServiceMappingLimitExceededException:
"An Amazon ECS service can be associated with only one deployment group."
For ECS, "the number of minutes before deleting the original (blue) task
set" (API_BlueInstanceTerminationOption, at most 2880) is the only choice:
the original task set is always deleted, so KEEP_ALIVE is refused.

The errors are the ones the reference names for each case. Their messages
quote AWS where AWS's wording is on record ("For ECS deployment group,
autoScalingGroups can not be specified", "AWS CodeDeploy does not have the
permissions required to assume the role ...", "Deployment group's ECS
service must be configured for a CODE_DEPLOY deployment controller.",
"Deployment ready action cannot be set to 'CONTINUE_DEPLOYMENT' when timeout
is specified"); the others say plainly what is wrong.

moto stores any deployment group: one naming no service, a missing target
group or listener, or a service on the ECS controller is accepted, and the
first deployment would be where it fails on AWS. moto's default
configuration, CodeDeployDefault.OneAtATime, is not one an ECS group can use.
"""

import functools
import inspect
import re

from moto.codedeploy.models import CodeDeployBackend
from moto.ecs.models import ecs_backends
from moto.elbv2.models import elbv2_backends
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from emulator.patches._codedeploy import CodeDeployError, is_ecs

DEFAULT_CONFIG = "CodeDeployDefault.ECSAllAtOnce"
ECS_CONFIGS = (
    DEFAULT_CONFIG,
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
    "CodeDeployDefault.ECSCanary10Percent5Minutes",
    "CodeDeployDefault.ECSCanary10Percent15Minutes",
)
_OTHER_PLATFORMS = re.compile(r"CodeDeployDefault\.(OneAtATime|HalfAtATime|AllAtOnce|Lambda\w+)")
_MAX_TERMINATION_WAIT = 2880
# The settings checked, by moto's attribute names.
_CHECKED = (
    "deployment_config_name",
    "deployment_style",
    "auto_scaling_groups",
    "service_role_arn",
    "ecs_services",
    "load_balancer_info",
    "blue_green_deployment_configuration",
)


def check_config_name(name):
    if name in ECS_CONFIGS:
        return
    if _OTHER_PLATFORMS.fullmatch(name or ""):
        raise CodeDeployError(
            "InvalidDeploymentConfigNameException",
            f"The deployment configuration {name} cannot be used with the ECS compute platform.",
        )
    raise CodeDeployError(
        "DeploymentConfigDoesNotExistException", f"No deployment configuration found for name: {name}"
    )


def _check(backend, settings, group):
    style = settings["deployment_style"] or {}
    if style.get("deploymentType") != "BLUE_GREEN" or style.get("deploymentOption") != "WITH_TRAFFIC_CONTROL":
        raise CodeDeployError(
            "InvalidDeploymentStyleException",
            "For ECS deployment group, deploymentType must be BLUE_GREEN and deploymentOption must be "
            "WITH_TRAFFIC_CONTROL",
        )
    if settings["auto_scaling_groups"]:
        raise CodeDeployError(
            "InvalidAutoScalingGroupException", "For ECS deployment group, autoScalingGroups can not be specified"
        )
    check_config_name(settings["deployment_config_name"])
    _check_role(backend, settings["service_role_arn"])
    _check_service(backend, settings["ecs_services"] or [], group)
    _check_target_groups(backend, (settings["load_balancer_info"] or {}).get("targetGroupPairInfoList") or [])
    _check_blue_green(settings["blue_green_deployment_configuration"] or {})


def _check_role(backend, arn):
    iam = iam_backends[backend.account_id][get_partition(backend.region_name)]
    if not any(role.arn == arn for role in iam.roles.values()):
        raise CodeDeployError(
            "InvalidRoleException", f"AWS CodeDeploy does not have the permissions required to assume the role {arn}."
        )


def _check_service(backend, entries, group):
    if len(entries) != 1:
        raise CodeDeployError(
            "InvalidECSServiceException", "For ECS deployment group, exactly one ECS service must be specified"
        )
    [entry] = entries
    cluster, name = entry.get("clusterName"), entry.get("serviceName")
    service = ecs_backends[backend.account_id][backend.region_name].services.get(f"{cluster}:{name}")
    if service is None or service.status != "ACTIVE":
        raise CodeDeployError(
            "InvalidECSServiceException", f"The ECS service {name} does not exist in cluster {cluster}."
        )
    if service.deployment_controller.get("type") != "CODE_DEPLOY":
        raise CodeDeployError(
            "InvalidECSServiceException",
            "Deployment group's ECS service must be configured for a CODE_DEPLOY deployment controller.",
        )
    for groups in backend.deployment_groups.values():
        for other in groups.values():
            if other is not group and entry in other.ecs_services:
                raise CodeDeployError(
                    "ECSServiceMappingLimitExceededException",
                    f"The ECS service {name} in cluster {cluster} is already associated with deployment group "
                    f"{other.deployment_group_name}.",
                )


def _check_target_groups(backend, pairs):
    elbv2 = elbv2_backends[backend.account_id][backend.region_name]
    names = {group.name for group in elbv2.target_groups.values()}
    listeners = {arn for balancer in elbv2.load_balancers.values() for arn in balancer.listeners}
    if len(pairs) != 1:
        raise _pair_error("exactly one target group pair must be specified")
    [pair] = pairs
    groups = [group.get("name") for group in pair.get("targetGroups") or []]
    if len(groups) != 2 or len(set(groups)) != 2:
        raise _pair_error("the target group pair must name two different target groups")
    if missing := [group for group in groups if group not in names]:
        raise _pair_error(f"target group {missing[0]} does not exist")
    production = (pair.get("prodTrafficRoute") or {}).get("listenerArns") or []
    test = (pair.get("testTrafficRoute") or {}).get("listenerArns") or []
    if len(production) != 1 or len(test) > 1:
        raise _pair_error("one production listener (and at most one test listener) must be specified")
    if missing := [arn for arn in production + test if arn not in listeners]:
        raise _pair_error(f"listener {missing[0]} does not exist")


def _pair_error(what):
    return CodeDeployError("InvalidTargetGroupPairException", f"For ECS deployment group, {what}.")


def _check_blue_green(configuration):
    termination = configuration.get("terminateBlueInstancesOnDeploymentSuccess") or {}
    ready = configuration.get("deploymentReadyOption") or {}
    if termination.get("action") == "KEEP_ALIVE":
        message = "For ECS deployment group, the original task set is always terminated: KEEP_ALIVE cannot be used"
    elif (termination.get("terminationWaitTimeInMinutes") or 0) > _MAX_TERMINATION_WAIT:
        message = f"terminationWaitTimeInMinutes must be at most {_MAX_TERMINATION_WAIT}"
    elif ready.get("actionOnTimeout", "CONTINUE_DEPLOYMENT") == "CONTINUE_DEPLOYMENT" and ready.get(
        "waitTimeInMinutes"
    ):
        message = "Deployment ready action cannot be set to 'CONTINUE_DEPLOYMENT' when timeout is specified"
    else:
        return
    raise CodeDeployError("InvalidBlueGreenDeploymentConfigurationException", message)


def apply():
    create = CodeDeployBackend.create_deployment_group

    @functools.wraps(create)
    def create_deployment_group(self, *args, **kwargs):
        bound = inspect.signature(create).bind(self, *args, **kwargs)
        bound.apply_defaults()
        settings = bound.arguments
        if self.get_application(settings["application_name"]).compute_platform == "ECS":
            settings["deployment_config_name"] = settings["deployment_config_name"] or DEFAULT_CONFIG
            _check(self, settings, None)
        return create(**settings)

    update = CodeDeployBackend.update_deployment_group

    @functools.wraps(update)
    def update_deployment_group(self, application_name, current_name, new_name=None, **changes):
        group = self.get_deployment_group(application_name, current_name)
        if is_ecs(group):
            settings = {name: getattr(group, name) for name in _CHECKED}
            settings.update({name: value for name, value in changes.items() if name in _CHECKED and value is not None})
            _check(self, settings, group)
        return update(self, application_name, current_name, new_name, **changes)

    CodeDeployBackend.create_deployment_group = create_deployment_group
    CodeDeployBackend.update_deployment_group = update_deployment_group
