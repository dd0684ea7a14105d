"""ECS UpdateService refuses, on a CODE_DEPLOY service, what only a CodeDeploy
deployment may change.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html):
"For services using the blue/green (CODE_DEPLOY) deployment controller, only
the desired count, deployment configuration, health check grace period, task
placement constraints and strategies, enable ECS managed tags option, and
propagate tags can be updated using this API. If the network configuration,
platform version, task definition, or load balancer need to be updated,
create a new CodeDeploy deployment." The refusal is an
InvalidParameterException; the wording AWS sends is "Unable to update task
definition on services with a CODE_DEPLOY deployment controller. Use AWS
CodeDeploy to trigger a new deployment." (and "... load balancers ...",
"... network parameters ..." for the others). Service registries, the
capacity provider strategy and forceNewDeployment are refused too: they
are not in the list above, and ecspresso (which drives CODE_DEPLOY services
on AWS) leaves all three out of UpdateService for that reason; their
wording, like the platform version's, follows the pattern above (AWS's own
is not published). The other parameters are accepted, as ecspresso sends
them (enableExecuteCommand among them).

moto applies every parameter to any service, so a task definition changed by
UpdateService would seem to deploy, which AWS never lets happen.
"""

import functools

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend

# UpdateService parameter (as moto's backend receives it) -> what AWS calls it.
REFUSED = {
    "task_definition": "task definition",
    "load_balancers": "load balancers",
    "network_configuration": "network parameters",
    "platform_version": "platform version",
    "service_registries": "service registries",
    "capacity_provider_strategy": "capacity provider strategy",
}
_USE = "Use AWS CodeDeploy to trigger a new deployment."


def refusal(service, properties):
    """The message AWS refuses this update with, or None."""
    if service.deployment_controller.get("type") != "CODE_DEPLOY":
        return None
    if properties.get("force_new_deployment"):
        return "Unable to force a new deployment on services with a CODE_DEPLOY deployment controller. " + _USE
    what = next((name for key, name in REFUSED.items() if properties.get(key) is not None), None)
    return f"Unable to update {what} on services with a CODE_DEPLOY deployment controller. {_USE}" if what else None


def apply():
    original = EC2ContainerServiceBackend.update_service

    @functools.wraps(original)
    def update_service(self, properties):
        service = self._get_service(properties.get("cluster", "default"), properties["service"].split("/")[-1])
        message = refusal(service, properties)
        if message:
            raise InvalidParameterException(message)
        return original(self, properties)

    EC2ContainerServiceBackend.update_service = update_service
