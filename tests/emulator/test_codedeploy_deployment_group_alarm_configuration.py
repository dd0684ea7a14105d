"""emulator/patches/codedeploy_deployment_group_alarm_configuration.py: a
deployment group answers the alarm configuration it was given."""


def test_the_alarm_configuration_is_kept(blue_green):
    alarms = {"enabled": True, "ignorePollAlarmFailure": False, "alarms": [{"name": "errors"}]}
    world = blue_green(alarmConfiguration=alarms)
    codedeploy = world.codedeploy
    group = codedeploy.get_deployment_group(applicationName=world.name, deploymentGroupName=world.name)
    assert group["deploymentGroupInfo"]["alarmConfiguration"] == alarms
    codedeploy.update_deployment_group(
        applicationName=world.name, currentDeploymentGroupName=world.name, alarmConfiguration={"enabled": False}
    )
    [group] = codedeploy.batch_get_deployment_groups(applicationName=world.name, deploymentGroupNames=[world.name])[
        "deploymentGroupsInfo"
    ]
    assert group["alarmConfiguration"] == {"enabled": False, "ignorePollAlarmFailure": False, "alarms": []}
