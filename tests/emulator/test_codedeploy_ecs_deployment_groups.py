"""emulator/patches/codedeploy_ecs_deployment_groups.py: an ECS deployment group
names one CODE_DEPLOY service, an existing pair of target groups and listener,
a role CodeDeploy can assume, a blue/green style and an ECS configuration."""

import pytest
from botocore.exceptions import ClientError


def _invalid(world):
    """Deployment group settings AWS refuses, with the error it refuses them with."""
    pair = world.group_settings["loadBalancerInfo"]["targetGroupPairInfoList"][0]
    other_listener = world.production_listener + "0"
    return {
        "InvalidDeploymentStyleException": {"deploymentStyle": {"deploymentType": "IN_PLACE"}},
        "InvalidRoleException": {"serviceRoleArn": "arn:aws:iam::123456789012:role/missing"},
        "InvalidDeploymentConfigNameException": {"deploymentConfigName": "CodeDeployDefault.OneAtATime"},
        "DeploymentConfigDoesNotExistException": {"deploymentConfigName": "CodeDeployDefault.ECSNope"},
        "InvalidECSServiceException": {"ecsServices": [{"clusterName": world.cluster, "serviceName": "missing"}]},
        "InvalidTargetGroupPairException": {
            "loadBalancerInfo": {"targetGroupPairInfoList": [dict(pair, targetGroups=[{"name": world.name}])]}
        },
        "InvalidBlueGreenDeploymentConfigurationException": {
            "blueGreenDeploymentConfiguration": {"terminateBlueInstancesOnDeploymentSuccess": {"action": "KEEP_ALIVE"}}
        },
        "listener": {
            "loadBalancerInfo": {
                "targetGroupPairInfoList": [dict(pair, prodTrafficRoute={"listenerArns": [other_listener]})]
            }
        },
    }


@pytest.mark.parametrize(
    "error",
    [
        "InvalidDeploymentStyleException",
        "InvalidRoleException",
        "InvalidDeploymentConfigNameException",
        "DeploymentConfigDoesNotExistException",
        "InvalidECSServiceException",
        "InvalidTargetGroupPairException",
        "InvalidBlueGreenDeploymentConfigurationException",
        "listener",
    ],
)
def test_an_invalid_ecs_group_is_refused(blue_green, error):
    world = blue_green(create_group=False)
    with pytest.raises(ClientError) as refused:
        world.codedeploy.create_deployment_group(**dict(world.group_settings, **_invalid(world)[error]))
    expected = "InvalidTargetGroupPairException" if error == "listener" else error
    assert refused.value.response["Error"]["Code"] == expected
    assert world.codedeploy.list_deployment_groups(applicationName=world.name)["deploymentGroups"] == []


def test_the_service_must_use_the_code_deploy_controller(blue_green):
    world = blue_green(create_group=False)
    world.ecs.delete_service(cluster=world.cluster, service=world.service_name, force=True)
    world.describe()  # drained
    world.ecs.create_service(cluster=world.cluster, serviceName=world.service_name, desiredCount=0)
    with pytest.raises(ClientError) as refused:
        world.codedeploy.create_deployment_group(**world.group_settings)
    assert refused.value.response["Error"] == {
        "Code": "InvalidECSServiceException",
        "Message": "Deployment group's ECS service must be configured for a CODE_DEPLOY deployment controller.",
    }


def test_an_ecs_group_defaults_to_all_at_once_and_owns_its_service(blue_green):
    world = blue_green(create_group=False)
    settings = dict(world.group_settings)
    del settings["deploymentConfigName"]
    world.codedeploy.create_deployment_group(**settings)
    group = world.codedeploy.get_deployment_group(applicationName=world.name, deploymentGroupName=world.name)
    assert group["deploymentGroupInfo"]["deploymentConfigName"] == "CodeDeployDefault.ECSAllAtOnce"
    with pytest.raises(ClientError, match="ECSServiceMappingLimitExceededException"):
        world.codedeploy.create_deployment_group(**dict(settings, deploymentGroupName="second"))


def test_an_update_is_checked_too(blue_green):
    world = blue_green()
    with pytest.raises(ClientError, match="InvalidRoleException"):
        world.codedeploy.update_deployment_group(
            applicationName=world.name,
            currentDeploymentGroupName=world.name,
            serviceRoleArn="arn:aws:iam::123456789012:role/missing",
        )
    world.codedeploy.update_deployment_group(
        applicationName=world.name,
        currentDeploymentGroupName=world.name,
        deploymentConfigName="CodeDeployDefault.ECSCanary10Percent5Minutes",
    )
