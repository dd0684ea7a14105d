#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_task_definition_family
version_added: 0.4.0
short_description: Deregister every revision of an ECS task definition family
description:
  - Deregisters every ACTIVE revision of one Amazon ECS task definition family,
    found by its exact name (a family whose name merely starts with O(family) is
    left alone).
  - Deregistered revisions become INACTIVE; AWS keeps them readable for a while
    and tasks already running on them are not stopped.
  - community.aws.ecs_taskdefinition deregisters one revision, given its ARN or
    its family and revision, and cannot list a family's revisions.
  - Only O(state=absent) is supported; task definitions are registered by
    kumo.platform.ecspresso on deploy.
author:
  - Kumo developers (@kumo-platform)
options:
  family:
    description: The task definition family, as in C(family:revision).
    required: true
    type: str
  state:
    description: V(absent) deregisters every ACTIVE revision of the family.
    type: str
    default: absent
    choices: [absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Deregister every revision of the frontend's task definition
  kumo.platform.ecs_task_definition_family:
    family: kumo-prod-frontend
    state: absent
"""

RETURN = r"""
task_definition_arns:
  description:
    - The ARNs of the revisions that were ACTIVE and are now deregistered (in
      check mode, that would be deregistered), oldest first; empty when none was.
  returned: always
  type: list
  elements: str
  sample:
    - arn:aws:ecs:ap-northeast-1:123456789012:task-definition/kumo-prod-frontend:1
    - arn:aws:ecs:ap-northeast-1:123456789012:task-definition/kumo-prod-frontend:2
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def list_active_revisions(client, family):
    paginator = client.get_paginator("list_task_definitions")
    arns = paginator.paginate(familyPrefix=family, status="ACTIVE", sort="ASC").build_full_result()
    return [arn for arn in arns.get("taskDefinitionArns", []) if family_of(arn) == family]


@AWSRetry.jittered_backoff()
def deregister_task_definition(client, arn):
    return client.deregister_task_definition(taskDefinition=arn)["taskDefinition"]


def family_of(arn):
    """``family`` from ``arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>``."""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]


def describe(family, arns):
    return {"family": family, "active_revisions": [int(arn.rsplit(":", 1)[-1]) for arn in arns]}


def ensure_absent(client, module, arns):
    if not module.check_mode:
        for arn in arns:
            try:
                deregister_task_definition(client, arn)
            except is_boto3_error_code("ClientException"):
                # Deregistered meanwhile (by another run): gone is what we want.
                if arn in list_active_revisions(client, module.params["family"]):
                    raise
    family = module.params["family"]
    module.exit_json(
        changed=bool(arns),
        task_definition_arns=arns,
        diff={"before": describe(family, arns), "after": describe(family, [])},
    )


def main():
    argument_spec = dict(
        family=dict(type="str", required=True),
        state=dict(type="str", default="absent", choices=["absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        arns = list_active_revisions(client, module.params["family"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not list the task definition family's revisions")
    try:
        ensure_absent(client, module, arns)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not deregister the task definition family's revisions")


if __name__ == "__main__":
    main()
