"""emulator/patches/ecs_update_service_code_deploy.py: UpdateService on a
CODE_DEPLOY service changes only what AWS lets it change."""

import pytest
from botocore.exceptions import ClientError


def _changes(world):
    """UpdateService parameters only a CodeDeploy deployment may change, and how AWS names them."""
    balancer = {"targetGroupArn": world.green, "containerName": "app", "containerPort": 3000}
    return {
        "update task definition": {"taskDefinition": world.register("repo/app:v2")},
        "update load balancers": {"loadBalancers": [balancer]},
        "update network parameters": {"networkConfiguration": {"awsvpcConfiguration": {"subnets": world.subnets}}},
        "force a new deployment": {"forceNewDeployment": True},
    }


@pytest.mark.parametrize(
    "what", ["update task definition", "update load balancers", "update network parameters", "force a new deployment"]
)
def test_what_needs_a_codedeploy_deployment_is_refused(blue_green, what):
    world = blue_green(count=1)
    before = world.describe()
    with pytest.raises(ClientError) as refused:
        world.ecs.update_service(cluster=world.cluster, service=world.service_name, **_changes(world)[what])
    assert refused.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": f"Unable to {what} on services with a CODE_DEPLOY deployment controller. "
        "Use AWS CodeDeploy to trigger a new deployment.",
    }
    after = world.describe()
    assert (after["taskDefinition"], after["loadBalancers"]) == (before["taskDefinition"], before["loadBalancers"])


def test_what_ecspresso_sends_is_accepted(blue_green):
    # ecspresso's UpdateServiceAttributes for a CODE_DEPLOY service, then DeployByCodeDeploy.
    world = blue_green(count=1)
    world.ecs.update_service(
        cluster=world.cluster,
        service=world.service_name,
        desiredCount=2,
        deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100},
        enableECSManagedTags=False,
        enableExecuteCommand=False,
        healthCheckGracePeriodSeconds=30,
        placementConstraints=[],
        placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        propagateTags="NONE",
    )
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=2)
    service = world.describe()
    assert (service["desiredCount"], service["runningCount"], service["healthCheckGracePeriodSeconds"]) == (2, 2, 30)
