#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: codedeploy_deployment_group
version_added: 0.1.0
short_description: Manage the CodeDeploy application and blue/green deployment group of an ECS service
description:
  - Creates, updates or deletes a CodeDeploy application (compute platform ECS) and
    its deployment group for one ECS service that uses the C(CODE_DEPLOY) deployment
    controller, for blue/green deployments with traffic control between two target
    groups behind a production listener (and optionally a test listener).
  - A release (C(ecspresso deploy)) then creates a CodeDeploy deployment in this group,
    which starts the new task set on the target group the listener does not forward
    to, moves the listener to it, and deletes the old task set; a failure rolls back.
  - Neither amazon.aws nor community.aws manages CodeDeploy.
author:
  - Kumo developers (@kumo-platform)
options:
  application:
    description: The CodeDeploy application's name.
    required: true
    type: str
  name:
    description: The deployment group's name.
    required: true
    type: str
  cluster:
    description: The ECS cluster of the service. Required when O(state=present).
    type: str
  service:
    description:
      - The ECS service the group deploys; it must use the C(CODE_DEPLOY) controller.
      - Required when O(state=present).
    type: str
  service_role_arn:
    description:
      - The role CodeDeploy acts with (trusting C(codedeploy.amazonaws.com), with AWSCodeDeployRoleForECS).
      - Required when O(state=present).
    type: str
  target_groups:
    description: The names of the service's two target groups. Required when O(state=present).
    type: list
    elements: str
  prod_listener_arn:
    description: The ARN of the listener whose rules carry production traffic. Required when O(state=present).
    type: str
  test_listener_arn:
    description: The ARN of a listener CodeDeploy points at the new task set before production traffic.
    type: str
  deployment_config:
    description: How traffic moves, a predefined or custom ECS deployment configuration.
    type: str
    default: CodeDeployDefault.ECSAllAtOnce
  termination_wait_minutes:
    description:
      - Minutes the old task set keeps running after traffic moved (0 to 2880); a rollback
        in that time is immediate.
    type: int
    default: 0
  rollback_events:
    description: The events that roll a deployment back automatically; empty turns automatic rollback off.
    type: list
    elements: str
    choices: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST]
    default: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]
  alarms:
    description:
      - CloudWatch alarm names that stop a deployment when they fire; with DEPLOYMENT_STOP_ON_ALARM
        in O(rollback_events) the stop rolls it back.
    type: list
    elements: str
    default: []
  state:
    description:
      - Whether the group should exist. V(absent) deletes the group, then the application
        when no other group is left in it.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - amazon.aws.tags.modules
"""

EXAMPLES = r"""
- name: Blue/green deployments of kumo-prod-frontend
  kumo.platform.codedeploy_deployment_group:
    application: kumo-prod-frontend
    name: kumo-prod-frontend
    cluster: kumo-prod-cluster
    service: kumo-prod-frontend
    service_role_arn: arn:aws:iam::123456789012:role/kumo-prod-codedeploy
    target_groups: [kumo-prod-frontend, kumo-prod-frontend-alt]
    prod_listener_arn: "{{ listener_arn }}"
    tags:
      Environment: prod

- name: Remove them
  kumo.platform.codedeploy_deployment_group:
    application: kumo-prod-frontend
    name: kumo-prod-frontend
    state: absent
"""

RETURN = r"""
deployment_group:
  description: The deployment group as GetDeploymentGroup returns it (snake_case) with its tags; empty when absent.
  returned: always
  type: dict
  contains:
    deployment_group_name:
      description: The group's name.
      type: str
      sample: kumo-prod-frontend
    deployment_config_name:
      description: The deployment configuration.
      type: str
      sample: CodeDeployDefault.ECSAllAtOnce
    ecs_services:
      description: The service the group deploys.
      type: list
      sample: [{cluster_name: kumo-prod-cluster, service_name: kumo-prod-frontend}]
    tags:
      description: The group's tags.
      type: dict
      sample: {Environment: prod}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

_MISSING = ("ApplicationDoesNotExistException", "DeploymentGroupDoesNotExistException")

# The settings this module owns, as CreateDeploymentGroup takes them.
_SETTINGS = (
    "deploymentConfigName",
    "serviceRoleArn",
    "ecsServices",
    "deploymentStyle",
    "blueGreenDeploymentConfiguration",
    "loadBalancerInfo",
    "autoRollbackConfiguration",
    "alarmConfiguration",
)


def get_application(client, name):
    try:
        return client.get_application(aws_retry=True, applicationName=name)["application"]
    except is_boto3_error_code("ApplicationDoesNotExistException"):
        return None


def get_deployment_group(client, application, name):
    try:
        return client.get_deployment_group(aws_retry=True, applicationName=application, deploymentGroupName=name)[
            "deploymentGroupInfo"
        ]
    except is_boto3_error_code(_MISSING):
        return None


def group_arn(module, client, application, name):
    account = module.client("sts").get_caller_identity()["Account"]
    partition = client.meta.partition
    return f"arn:{partition}:codedeploy:{client.meta.region_name}:{account}:deploymentgroup:{application}/{name}"


def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceArn=arn)["Tags"])


def wanted(params):
    """The deployment group's settings as CreateDeploymentGroup takes them."""
    pair = {
        "targetGroups": [{"name": name} for name in params["target_groups"]],
        "prodTrafficRoute": {"listenerArns": [params["prod_listener_arn"]]},
    }
    if params["test_listener_arn"]:
        pair["testTrafficRoute"] = {"listenerArns": [params["test_listener_arn"]]}
    events = sorted(params["rollback_events"])
    return {
        "deploymentConfigName": params["deployment_config"],
        "serviceRoleArn": params["service_role_arn"],
        "ecsServices": [{"serviceName": params["service"], "clusterName": params["cluster"]}],
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        "blueGreenDeploymentConfiguration": {
            "terminateBlueInstancesOnDeploymentSuccess": {
                "action": "TERMINATE",
                "terminationWaitTimeInMinutes": params["termination_wait_minutes"],
            },
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0},
        },
        "loadBalancerInfo": {"targetGroupPairInfoList": [pair]},
        "autoRollbackConfiguration": {"enabled": bool(events), "events": events},
        "alarmConfiguration": {
            "enabled": bool(params["alarms"]),
            "ignorePollAlarmFailure": False,
            "alarms": [{"name": name} for name in sorted(params["alarms"])],
        },
    }


def current(group):
    """The settings of an existing group, in the shape of wanted()."""
    found = {key: group.get(key) for key in _SETTINGS}
    rollback = found["autoRollbackConfiguration"] or {}
    found["autoRollbackConfiguration"] = {
        "enabled": bool(rollback.get("enabled")),
        "events": sorted(rollback.get("events") or []) if rollback.get("enabled") else [],
    }
    alarms = found["alarmConfiguration"] or {}
    found["alarmConfiguration"] = {
        "enabled": bool(alarms.get("enabled")),
        "ignorePollAlarmFailure": bool(alarms.get("ignorePollAlarmFailure")),
        "alarms": sorted(({"name": a["name"]} for a in alarms.get("alarms") or []), key=lambda a: a["name"]),
    }
    return found


def describe(group, tags):
    if not group:
        return {}
    result = camel_dict_to_snake_dict(group)
    result["tags"] = dict(tags or {})
    return result


def ensure_application(module, client):
    params = module.params
    application = get_application(client, params["application"])
    if application and application.get("computePlatform") != "ECS":
        module.fail_json(
            msg=f"CodeDeploy application {params['application']} deploys to {application.get('computePlatform')}, "
            "not ECS: give the ECS service's deployment group an application of its own"
        )
    if application or module.check_mode:
        return not application
    client.create_application(
        aws_retry=True,
        applicationName=params["application"],
        computePlatform="ECS",
        tags=ansible_dict_to_boto3_tag_list(params["tags"] or {}),
    )
    return True


def ensure_present(module, client):
    params = module.params
    changed = ensure_application(module, client)
    existing = get_deployment_group(client, params["application"], params["name"]) if not changed else None
    want = wanted(params)
    tags = params["tags"] or {}
    if existing is None:
        if not module.check_mode:
            client.create_deployment_group(
                aws_retry=True,
                applicationName=params["application"],
                deploymentGroupName=params["name"],
                tags=ansible_dict_to_boto3_tag_list(tags),
                **want,
            )
        after = dict(want, deploymentGroupName=params["name"], applicationName=params["application"])
        return True, {}, describe(after, tags)
    have = current(existing)
    arn = group_arn(module, client, params["application"], params["name"])
    existing_tags = list_tags(client, arn)
    before = describe(existing, existing_tags)
    update = {key: value for key, value in want.items() if have.get(key) != value}
    if update:
        changed = True
        if not module.check_mode:
            client.update_deployment_group(
                aws_retry=True,
                applicationName=params["application"],
                currentDeploymentGroupName=params["name"],
                **update,
            )
    after_tags = existing_tags
    if params["tags"] is not None:
        to_set, to_unset = compare_aws_tags(existing_tags, tags, params["purge_tags"])
        if to_set or to_unset:
            changed = True
            if not module.check_mode:
                if to_unset:
                    client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeys=to_unset)
                if to_set:
                    client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))
        after_tags = tags if params["purge_tags"] else dict(existing_tags, **tags)
    return changed, before, describe(dict(existing, **want), after_tags)


def ensure_absent(module, client):
    params = module.params
    existing = get_deployment_group(client, params["application"], params["name"])
    changed = False
    if existing:
        changed = True
        if not module.check_mode:
            client.delete_deployment_group(
                aws_retry=True, applicationName=params["application"], deploymentGroupName=params["name"]
            )
    if get_application(client, params["application"]) is None:
        return changed, describe(existing, {})
    others = client.list_deployment_groups(aws_retry=True, applicationName=params["application"])["deploymentGroups"]
    if not [name for name in others if name != params["name"]]:
        changed = True
        if not module.check_mode:
            client.delete_application(aws_retry=True, applicationName=params["application"])
    return changed, describe(existing, {})


def main():
    argument_spec = dict(
        application=dict(type="str", required=True),
        name=dict(type="str", required=True),
        cluster=dict(type="str"),
        service=dict(type="str"),
        service_role_arn=dict(type="str"),
        target_groups=dict(type="list", elements="str"),
        prod_listener_arn=dict(type="str"),
        test_listener_arn=dict(type="str"),
        deployment_config=dict(type="str", default="CodeDeployDefault.ECSAllAtOnce"),
        termination_wait_minutes=dict(type="int", default=0),
        rollback_events=dict(
            type="list",
            elements="str",
            default=["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
            choices=["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"],
        ),
        alarms=dict(type="list", elements="str", default=[]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[
            ["state", "present", ["cluster", "service", "service_role_arn", "target_groups", "prod_listener_arn"]]
        ],
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "present":
        if len(params["target_groups"]) != 2 or len(set(params["target_groups"])) != 2:
            module.fail_json(msg=f"target_groups must name two different target groups (got {params['target_groups']})")
        if not 0 <= params["termination_wait_minutes"] <= 2880:
            module.fail_json(
                msg=f"termination_wait_minutes must be 0 to 2880 (got {params['termination_wait_minutes']})"
            )
    client = module.client("codedeploy", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if params["state"] == "present":
            changed, before, after = ensure_present(module, client)
        else:
            changed, before = ensure_absent(module, client)
            after = {}
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        group = f"{params['application']}/{params['name']}"
        module.fail_json_aws(e, msg=f"Could not manage CodeDeploy deployment group {group}")
    result = {"changed": changed, "deployment_group": after}
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
