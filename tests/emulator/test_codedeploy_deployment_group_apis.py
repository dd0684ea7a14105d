"""emulator/patches/codedeploy_deployment_group_apis.py: BatchGetDeploymentGroups,
UpdateDeploymentGroup (renaming too, tags following), DeleteDeploymentGroup and
DeleteApplication."""

import uuid

import pytest
from botocore.exceptions import ClientError


def _arn(world, group):
    return f"arn:aws:codedeploy:ap-northeast-1:123456789012:deploymentgroup:{world.name}/{group}"


def test_batch_get_finds_the_group_of_an_ecs_service(blue_green):
    world = blue_green()
    found = world.codedeploy.batch_get_deployment_groups(
        applicationName=world.name, deploymentGroupNames=[world.name, "missing"]
    )
    [group] = found["deploymentGroupsInfo"]
    assert group["ecsServices"] == [{"clusterName": world.cluster, "serviceName": world.service_name}]
    assert (group["computePlatform"], group["deploymentConfigName"]) == ("ECS", "CodeDeployDefault.ECSAllAtOnce")
    assert "missing" in found["errorMessage"]
    with pytest.raises(ClientError, match="ApplicationDoesNotExistException"):
        world.codedeploy.batch_get_deployment_groups(applicationName="nope", deploymentGroupNames=[world.name])


def test_update_changes_what_it_is_given_and_renames_with_the_tags(blue_green):
    world = blue_green()
    codedeploy = world.codedeploy
    codedeploy.tag_resource(ResourceArn=_arn(world, world.name), Tags=[{"Key": "team", "Value": "web"}])
    answer = codedeploy.update_deployment_group(
        applicationName=world.name,
        currentDeploymentGroupName=world.name,
        newDeploymentGroupName="renamed",
        blueGreenDeploymentConfiguration={
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5},
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
        },
    )
    assert answer["hooksNotCleanedUp"] == []
    group = codedeploy.get_deployment_group(applicationName=world.name, deploymentGroupName="renamed")
    info = group["deploymentGroupInfo"]
    assert info["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"] == {
        "action": "TERMINATE",
        "terminationWaitTimeInMinutes": 5,
    }
    assert info["ecsServices"] == world.group_settings["ecsServices"]  # not given: kept
    assert codedeploy.list_deployment_groups(applicationName=world.name)["deploymentGroups"] == ["renamed"]
    tags = codedeploy.list_tags_for_resource(ResourceArn=_arn(world, "renamed"))["Tags"]
    assert tags == [{"Key": "team", "Value": "web"}]
    assert codedeploy.list_tags_for_resource(ResourceArn=_arn(world, world.name))["Tags"] == []


def test_update_refuses_a_name_in_use(aws):
    codedeploy, name = aws("codedeploy"), f"srv{uuid.uuid4().hex[:8]}"
    codedeploy.create_application(applicationName=name, computePlatform="Server")
    for group in ("first", "second"):
        codedeploy.create_deployment_group(
            applicationName=name, deploymentGroupName=group, serviceRoleArn="arn:aws:iam::123456789012:role/deploy"
        )
    with pytest.raises(ClientError, match="DeploymentGroupAlreadyExistsException"):
        codedeploy.update_deployment_group(
            applicationName=name, currentDeploymentGroupName="first", newDeploymentGroupName="second"
        )


def test_delete_group_and_application(blue_green):
    world = blue_green()
    codedeploy = world.codedeploy
    codedeploy.delete_deployment_group(applicationName=world.name, deploymentGroupName=world.name)
    assert codedeploy.list_deployment_groups(applicationName=world.name)["deploymentGroups"] == []
    # Deleting what is gone succeeds: the API names no error for it.
    codedeploy.delete_deployment_group(applicationName=world.name, deploymentGroupName=world.name)
    codedeploy.create_deployment_group(**world.group_settings)
    codedeploy.tag_resource(ResourceArn=_arn(world, world.name), Tags=[{"Key": "team", "Value": "web"}])
    codedeploy.delete_application(applicationName=world.name)
    assert world.name not in codedeploy.list_applications()["applications"]
    with pytest.raises(ClientError, match="ApplicationDoesNotExistException"):
        codedeploy.get_deployment_group(applicationName=world.name, deploymentGroupName=world.name)
    assert codedeploy.list_tags_for_resource(ResourceArn=_arn(world, world.name))["Tags"] == []
    codedeploy.delete_application(applicationName=world.name)
