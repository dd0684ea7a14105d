"""CodeDeploy GetDeploymentGroup and BatchGetDeploymentGroups return the
group's alarm configuration.

AWS (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentGroupInfo.html):
"alarmConfiguration — A list of alarms associated with the deployment
group", an AlarmConfiguration (API_AlarmConfiguration: "alarms — A list of
alarms configured for the deployment or deployment group", "enabled —
Indicates whether the alarm configuration is enabled", "ignorePollAlarmFailure
— Indicates whether a deployment should continue if information about the
current state of alarms cannot be retrieved from CloudWatch. The default
value is false"), answered disabled and empty for a group that has none.

moto keeps what CreateDeploymentGroup (or UpdateDeploymentGroup) is given but
answers ``alarmConfiguration: {}`` whatever it is, so a tool comparing the
group with what it wants sees a change on every run.
"""

import functools

from moto.codedeploy import responses

NONE = {"enabled": False, "ignorePollAlarmFailure": False, "alarms": []}


def apply():
    original = responses._deployment_group_info

    @functools.wraps(original)
    def deployment_group_info(group):
        info = original(group)
        info["alarmConfiguration"] = {**NONE, **(group.alarm_configuration or {})}
        return info

    responses._deployment_group_info = deployment_group_info
