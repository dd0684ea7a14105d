"""What the CodeDeploy patches share: their errors and the ECS service a
deployment group names."""

from moto.codedeploy.exceptions import CodeDeployException


class CodeDeployError(CodeDeployException):
    """A CodeDeploy error by the name the API reference gives it (HTTP 400)."""

    code = 400

    def __init__(self, name, message):
        super().__init__(name, message)


def is_ecs(group):
    return group.application.compute_platform == "ECS"


def ecs_service(ecs_backend, group):
    """The ECS service of an ECS deployment group, or None."""
    [entry] = group.ecs_services
    return ecs_backend.services.get(f"{entry.get('clusterName')}:{entry.get('serviceName')}")
