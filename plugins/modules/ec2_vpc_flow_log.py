#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
version_added: 0.1.0
short_description: Manage the flow log of a VPC
description:
  - Creates, updates the tags of, or deletes one VPC flow log, found by the VPC
    and its destination (a CloudWatch Logs group).
  - A flow log cannot be modified in place; when a setting other than the tags
    differs, the module replaces it (delete, then create).
  - Neither amazon.aws nor community.aws manages VPC flow logs.
author:
  - Kumo developers (@kumo-platform)
options:
  vpc_id:
    description: The VPC whose traffic is logged.
    required: true
    type: str
  log_group_name:
    description: The CloudWatch Logs group the records go to.
    required: true
    type: str
  iam_role_arn:
    description:
      - The role VPC Flow Logs assumes to write to O(log_group_name).
      - Required when O(state=present).
    type: str
  traffic_type:
    description: Which traffic to record.
    type: str
    default: ALL
    choices: [ACCEPT, REJECT, ALL]
  max_aggregation_interval:
    description: Seconds over which a record aggregates packets.
    type: int
    default: 600
    choices: [60, 600]
  state:
    description: Whether the flow log should exist.
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
- name: Log all of the VPC's traffic to CloudWatch Logs
  kumo.platform.ec2_vpc_flow_log:
    vpc_id: vpc-0123456789abcdef0
    log_group_name: kumo-prod-vpc-flow-logs
    iam_role_arn: arn:aws:iam::123456789012:role/kumo-prod-vpc-flow-logs
    tags:
      Name: kumo-prod-vpc-flow-log

- name: Stop logging
  kumo.platform.ec2_vpc_flow_log:
    vpc_id: vpc-0123456789abcdef0
    log_group_name: kumo-prod-vpc-flow-logs
    state: absent
"""

RETURN = r"""
flow_log:
  description: The flow log, as DescribeFlowLogs returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: The flow log's id.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The VPC id.
      type: str
      sample: vpc-0123456789abcdef0
    log_group_name:
      description: The destination log group.
      type: str
      sample: kumo-prod-vpc-flow-logs
    traffic_type:
      description: The traffic recorded.
      type: str
      sample: ALL
    tags:
      description: The flow log's tags.
      type: dict
      sample: {Name: kumo-prod-vpc-flow-log}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import ensure_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

# Settings that cannot change in place: a difference means replace.
_FIXED = {
    "iam_role_arn": "DeliverLogsPermissionArn",
    "traffic_type": "TrafficType",
    "max_aggregation_interval": "MaxAggregationInterval",
}


@AWSRetry.jittered_backoff()
def describe_flow_logs(client, vpc_id, log_group_name):
    filters = [
        {"Name": "resource-id", "Values": [vpc_id]},
        {"Name": "log-group-name", "Values": [log_group_name]},
    ]
    return client.describe_flow_logs(Filters=filters)["FlowLogs"]


@AWSRetry.jittered_backoff()
def create_flow_logs(client, **params):
    return client.create_flow_logs(**params)


@AWSRetry.jittered_backoff()
def delete_flow_logs(client, flow_log_ids):
    return client.delete_flow_logs(FlowLogIds=flow_log_ids)


def describe(flow_log):
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict(flow_log, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    return result


def settings_differ(module, existing):
    return [
        option
        for option, key in _FIXED.items()
        if module.params[option] is not None and str(existing.get(key)) != str(module.params[option])
    ]


def create(client, module):
    params = module.params
    result = create_flow_logs(
        client,
        ResourceIds=[params["vpc_id"]],
        ResourceType="VPC",
        TrafficType=params["traffic_type"],
        LogDestinationType="cloud-watch-logs",
        LogGroupName=params["log_group_name"],
        DeliverLogsPermissionArn=params["iam_role_arn"],
        MaxAggregationInterval=params["max_aggregation_interval"],
        TagSpecifications=boto3_tag_specifications(params["tags"] or {}, types="vpc-flow-log"),
    )
    if result.get("Unsuccessful"):
        module.fail_json(msg="AWS refused the flow log", unsuccessful=result["Unsuccessful"])


def ensure_present(client, module, existing):
    diff = {"before": describe(existing), "after": {}}
    replace = settings_differ(module, existing) if existing else []
    changed = not existing or bool(replace)
    if changed and not module.check_mode:
        if existing:
            delete_flow_logs(client, [existing["FlowLogId"]])
        create(client, module)
    elif existing and module.params["tags"] is not None:
        changed = ensure_ec2_tags(
            client, module, existing["FlowLogId"], tags=module.params["tags"], purge_tags=module.params["purge_tags"]
        )
    current = None
    if not module.check_mode:
        found = describe_flow_logs(client, module.params["vpc_id"], module.params["log_group_name"])
        current = found[0] if found else None
    diff["after"] = describe(current)
    module.exit_json(changed=changed, flow_log=describe(current) or diff["before"], replaced=replace, diff=diff)


def ensure_absent(client, module, existing):
    if existing and not module.check_mode:
        try:
            delete_flow_logs(client, [existing["FlowLogId"]])
        except is_boto3_error_code("InvalidFlowLogId.NotFound"):
            pass
    module.exit_json(changed=bool(existing), flow_log={}, diff={"before": describe(existing), "after": {}})


def main():
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        log_group_name=dict(type="str", required=True),
        iam_role_arn=dict(type="str"),
        traffic_type=dict(type="str", default="ALL", choices=["ACCEPT", "REJECT", "ALL"]),
        max_aggregation_interval=dict(type="int", default=600, choices=[60, 600]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["iam_role_arn"]]],
        supports_check_mode=True,
    )
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    try:
        found = describe_flow_logs(client, module.params["vpc_id"], module.params["log_group_name"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not describe the VPC's flow logs")
    existing = found[0] if found else None
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing)
        else:
            ensure_absent(client, module, existing)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not manage the VPC flow log")


if __name__ == "__main__":
    main()
