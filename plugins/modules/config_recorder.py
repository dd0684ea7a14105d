#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: config_recorder
version_added: 0.1.0
short_description: Manage an AWS Config configuration recorder
description:
  - Creates, updates or deletes an AWS Config configuration recorder (what is
    recorded, and the role it records with).
  - Only the settings given are compared, so the fields AWS adds to the
    recording group (recording strategy, exclusions) do not read as a change.
    community.aws.config_recorder compares the whole answer, reports a change
    on every run and has no check mode.
  - Recording is started and stopped by M(kumo.platform.config_recorder_status);
    deleting a recorder also stops it.
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The recorder's name (one recorder per account and region).
    required: true
    type: str
  role_arn:
    description: The role AWS Config assumes to read resource configurations. Required when O(state=present).
    type: str
  all_supported:
    description: Record every supported resource type.
    type: bool
    default: true
  include_global_types:
    description: Also record global resources (IAM); needs O(all_supported=true).
    type: bool
    default: true
  resource_types:
    description: The resource types recorded when O(all_supported=false).
    type: list
    elements: str
    default: []
  adopt:
    description:
      - AWS allows one recorder per account and region. With V(true), a recorder already there under
        another name (made by another environment or by the account's owners) is adopted as it is, not
        changed or replaced, and RV(adopted) names it; O(state=absent) never deletes it, since it is named
        differently.
      - With V(false), AWS refuses the new recorder (MaxNumberOfConfigurationRecordersExceededException).
    type: bool
    default: false
  state:
    description: Whether the recorder should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Record every supported resource, global ones included
  kumo.platform.config_recorder:
    name: kumo-prod-config
    role_arn: arn:aws:iam::123456789012:role/kumo-prod-config

- name: Record with the region's recorder, whoever made it, else make this one
  kumo.platform.config_recorder:
    name: kumo-prod-config
    role_arn: arn:aws:iam::123456789012:role/kumo-prod-config
    adopt: true
  register: recorder

- name: Remove the recorder
  kumo.platform.config_recorder:
    name: kumo-prod-config
    state: absent
"""

RETURN = r"""
adopted:
  description: The name of the region's recorder that was adopted (O(adopt)); empty when this one is managed.
  returned: when O(state=present)
  type: str
  sample: default
recorder:
  description: The recorder, as DescribeConfigurationRecorders returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The recorder's name.
      type: str
      sample: kumo-prod-config
    role_arn:
      description: The role the recorder uses.
      type: str
      sample: arn:aws:iam::123456789012:role/kumo-prod-config
    recording_group:
      description: What is recorded.
      type: dict
      sample: {all_supported: true, include_global_resource_types: true, resource_types: []}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def describe_recorder(client, name):
    try:
        found = client.describe_configuration_recorders(ConfigurationRecorderNames=[name])["ConfigurationRecorders"]
    except is_boto3_error_code("NoSuchConfigurationRecorderException"):
        return None
    return found[0] if found else None


@AWSRetry.jittered_backoff()
def other_recorder(client, name):
    """The region's recorder if it has another name than ``name``."""
    found = client.describe_configuration_recorders()["ConfigurationRecorders"]
    return next((recorder for recorder in found if recorder["name"] != name), None)


@AWSRetry.jittered_backoff()
def put_recorder(client, recorder):
    return client.put_configuration_recorder(ConfigurationRecorder=recorder)


@AWSRetry.jittered_backoff()
def delete_recorder(client, name):
    return client.delete_configuration_recorder(ConfigurationRecorderName=name)


def describe(recorder):
    return camel_dict_to_snake_dict(recorder) if recorder else {}


def wanted(module):
    params = module.params
    return {
        "name": params["name"],
        "roleARN": params["role_arn"],
        "recordingGroup": {
            "allSupported": params["all_supported"],
            "includeGlobalResourceTypes": params["include_global_types"],
            "resourceTypes": [] if params["all_supported"] else sorted(params["resource_types"]),
        },
    }


def differs(existing, want):
    if existing.get("roleARN") != want["roleARN"]:
        return True
    group = existing.get("recordingGroup", {})
    return any(
        (sorted(group.get(key) or []) if key == "resourceTypes" else group.get(key)) != value
        for key, value in want["recordingGroup"].items()
    )


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        role_arn=dict(type="str"),
        all_supported=dict(type="bool", default=True),
        include_global_types=dict(type="bool", default=True),
        resource_types=dict(type="list", elements="str", default=[]),
        adopt=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["role_arn"]]],
        supports_check_mode=True,
    )
    client = module.client("config", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["name"]
    try:
        existing = describe_recorder(client, name)
        if module.params["state"] == "absent":
            if existing and not module.check_mode:
                delete_recorder(client, name)
            module.exit_json(changed=bool(existing), recorder={}, diff={"before": describe(existing), "after": {}})
        other = other_recorder(client, name) if existing is None and module.params["adopt"] else None
        if other:
            module.exit_json(changed=False, adopted=other["name"], recorder=describe(other))
        want = wanted(module)
        changed = existing is None or differs(existing, want)
        if changed and not module.check_mode:
            put_recorder(client, want)
        current = describe_recorder(client, name) if changed and not module.check_mode else (existing or want)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not manage the configuration recorder {name}")
    module.exit_json(
        changed=changed,
        adopted="",
        recorder=describe(current),
        diff={"before": describe(existing), "after": describe(want)},
    )


if __name__ == "__main__":
    main()
