#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: xray_sampling_rule
version_added: 0.1.0
short_description: Manage an AWS X-Ray sampling rule
description:
  - Creates, updates or deletes one X-Ray sampling rule, found by its name.
  - The rule decides which requests the X-Ray SDKs and daemon trace; the
    matching criteria default to V(*) (every request).
  - Neither amazon.aws nor community.aws manages X-Ray.
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The rule's name (1 to 32 characters).
    required: true
    type: str
  priority:
    description: The rule's priority, 1 to 9999; lower is evaluated first. Required when O(state=present).
    type: int
  fixed_rate:
    description: The share (0 to 1) of matching requests traced after the reservoir. Required when O(state=present).
    type: float
  reservoir_size:
    description: Matching requests traced per second before O(fixed_rate) applies. Required when O(state=present).
    type: int
  service_name:
    description: The C(name) of the traced service to match.
    type: str
    default: "*"
  service_type:
    description: The C(origin) of the traced service to match.
    type: str
    default: "*"
  host:
    description: The hostname to match.
    type: str
    default: "*"
  http_method:
    description: The HTTP method to match.
    type: str
    default: "*"
  url_path:
    description: The URL path to match.
    type: str
    default: "*"
  resource_arn:
    description: The ARN of the AWS resource running the service.
    type: str
    default: "*"
  attributes:
    description: Segment attributes to match.
    type: dict
    default: {}
  state:
    description: Whether the rule should exist.
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
- name: Trace 1 request a second and 5 % of the rest
  kumo.platform.xray_sampling_rule:
    name: kumo-prod
    priority: 1000
    fixed_rate: 0.05
    reservoir_size: 1
    tags:
      Name: kumo-prod

- name: Remove the rule
  kumo.platform.xray_sampling_rule:
    name: kumo-prod
    state: absent
"""

RETURN = r"""
sampling_rule:
  description: The rule, as GetSamplingRules returns it (snake_case) with its tags; empty when absent.
  returned: always
  type: dict
  contains:
    rule_name:
      description: The rule's name.
      type: str
      sample: kumo-prod
    rule_arn:
      description: The rule's ARN.
      type: str
      sample: arn:aws:xray:ap-northeast-1:123456789012:sampling-rule/kumo-prod
    fixed_rate:
      description: The share of requests traced after the reservoir.
      type: float
      sample: 0.05
    tags:
      description: The rule's tags.
      type: dict
      sample: {Name: kumo-prod}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# module option -> SamplingRule key
_SETTINGS = {
    "priority": "Priority",
    "fixed_rate": "FixedRate",
    "reservoir_size": "ReservoirSize",
    "service_name": "ServiceName",
    "service_type": "ServiceType",
    "host": "Host",
    "http_method": "HTTPMethod",
    "url_path": "URLPath",
    "resource_arn": "ResourceARN",
    "attributes": "Attributes",
}


@AWSRetry.jittered_backoff()
def get_sampling_rules(client):
    paginator = client.get_paginator("get_sampling_rules")
    return paginator.paginate().build_full_result()["SamplingRuleRecords"]


@AWSRetry.jittered_backoff()
def create_sampling_rule(client, rule, tags):
    return client.create_sampling_rule(SamplingRule=rule, Tags=tags)


@AWSRetry.jittered_backoff()
def update_sampling_rule(client, update):
    return client.update_sampling_rule(SamplingRuleUpdate=update)


@AWSRetry.jittered_backoff()
def delete_sampling_rule(client, name):
    return client.delete_sampling_rule(RuleName=name)


@AWSRetry.jittered_backoff()
def list_tags(client, arn):
    paginator = client.get_paginator("list_tags_for_resource")
    return paginator.paginate(ResourceARN=arn).build_full_result()["Tags"]


@AWSRetry.jittered_backoff()
def tag_resource(client, arn, tags):
    return client.tag_resource(ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@AWSRetry.jittered_backoff()
def untag_resource(client, arn, keys):
    return client.untag_resource(ResourceARN=arn, TagKeys=keys)


def find(client, name):
    for record in get_sampling_rules(client):
        if record["SamplingRule"]["RuleName"] == name:
            rule = dict(record["SamplingRule"])
            rule["Tags"] = boto3_tag_list_to_ansible_dict(list_tags(client, rule["RuleARN"]))
            return rule
    return None


def describe(rule):
    if not rule:
        return {}
    result = camel_dict_to_snake_dict({k: v for k, v in rule.items() if k not in ("Tags", "Attributes")})
    result["attributes"] = dict(rule.get("Attributes") or {})
    result["tags"] = dict(rule.get("Tags") or {})
    return result


def wanted(module):
    return {key: module.params[option] for option, key in _SETTINGS.items()}


def differences(existing, want):
    return {key: value for key, value in want.items() if existing.get(key) != value}


def ensure_present(client, module, existing):
    params = module.params
    want = wanted(module)
    if not existing:
        if not module.check_mode:
            rule = dict(want, RuleName=params["name"], Version=1)
            create_sampling_rule(client, rule, ansible_dict_to_boto3_tag_list(params["tags"] or {}))
        after = dict(want, RuleName=params["name"], Tags=params["tags"] or {})
        return True, after
    changed = False
    update = differences(existing, want)
    if update:
        changed = True
        if not module.check_mode:
            update_sampling_rule(client, dict(update, RuleName=params["name"]))
    after = dict(existing, **want)
    if params["tags"] is not None:
        to_set, to_unset = compare_aws_tags(existing["Tags"], params["tags"], params["purge_tags"])
        if to_set or to_unset:
            changed = True
            if not module.check_mode:
                if to_unset:
                    untag_resource(client, existing["RuleARN"], to_unset)
                if to_set:
                    tag_resource(client, existing["RuleARN"], to_set)
        after["Tags"] = params["tags"] if params["purge_tags"] else dict(existing["Tags"], **params["tags"])
    return changed, after


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        priority=dict(type="int"),
        fixed_rate=dict(type="float"),
        reservoir_size=dict(type="int"),
        service_name=dict(type="str", default="*"),
        service_type=dict(type="str", default="*"),
        host=dict(type="str", default="*"),
        http_method=dict(type="str", default="*"),
        url_path=dict(type="str", default="*"),
        resource_arn=dict(type="str", default="*"),
        attributes=dict(type="dict", default={}),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["priority", "fixed_rate", "reservoir_size"]]],
        supports_check_mode=True,
    )
    if module.params["state"] == "present" and not 0 <= module.params["fixed_rate"] <= 1:
        module.fail_json(msg=f"fixed_rate must be between 0 and 1 (got {module.params['fixed_rate']})")
    client = module.client("xray", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["name"]
    try:
        existing = find(client, name)
        if module.params["state"] == "absent":
            if existing and not module.check_mode:
                delete_sampling_rule(client, name)
            module.exit_json(changed=bool(existing), sampling_rule={}, diff={"before": describe(existing), "after": {}})
        changed, after = ensure_present(client, module, existing)
        current = find(client, name) if changed and not module.check_mode else after
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not manage the X-Ray sampling rule {name}")
    module.exit_json(
        changed=changed, sampling_rule=describe(current), diff={"before": describe(existing), "after": describe(after)}
    )


if __name__ == "__main__":
    main()
