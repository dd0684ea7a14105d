#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: resource_tags
version_added: 0.1.0
short_description: Manage the tags of an existing AWS resource by its ARN
description:
  - Sets the tags of an existing resource whose Ansible module cannot tag it.
  - Supports Amazon ECR repositories (M(community.aws.ecs_ecr) does not tag)
    and Amazon CloudWatch alarms (M(amazon.aws.cloudwatch_metric_alarm) does
    not tag); the service is read from the ARN.
author:
  - Kumo developers (@kumo-platform)
options:
  resource_arn:
    description:
      - The resource's ARN, C(arn:aws:ecr:...:repository/...) or
        C(arn:aws:cloudwatch:...:alarm:...). It must exist.
    required: true
    type: str
  tags:
    description:
      - The tags the resource should carry.
      - With O(purge_tags=true) (the default) other tags are removed.
    type: dict
    required: true
    aliases: [resource_tags]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - amazon.aws.tags.modules
"""

EXAMPLES = r"""
- name: Tag the backend repository
  kumo.platform.resource_tags:
    resource_arn: "{{ repository.repository.repositoryArn }}"
    tags:
      Name: kumo/backend
      Project: kumo

- name: Tag an alarm
  kumo.platform.resource_tags:
    resource_arn: "{{ alarm.alarm_arn }}"
    tags:
      Name: kumo-prod-alb-5xx
"""

RETURN = r"""
resource_arn:
  description: The resource's ARN.
  returned: always
  type: str
  sample: arn:aws:ecr:ap-northeast-1:123456789012:repository/kumo/backend
tags:
  description: The resource's tags after the run.
  returned: always
  type: dict
  sample: {Name: kumo/backend}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# Each service spells the same three calls its own way: (ARN parameter, tag
# list parameter, key list parameter, name of the list in the answer).
SERVICES = {
    "ecr": ("resourceArn", "tags", "tagKeys", "tags"),
    "cloudwatch": ("ResourceARN", "Tags", "TagKeys", "Tags"),
}
NOT_FOUND = ("RepositoryNotFoundException", "ResourceNotFound", "ResourceNotFoundException")


class Tagger:
    def __init__(self, client, service, arn):
        self.client = client
        self.arn_param, self.tags_param, self.keys_param, self.answer = SERVICES[service]
        self.arn = arn

    @AWSRetry.jittered_backoff()
    def list(self):
        answer = self.client.list_tags_for_resource(**{self.arn_param: self.arn})
        return boto3_tag_list_to_ansible_dict(answer.get(self.answer, []))

    @AWSRetry.jittered_backoff()
    def tag(self, tags):
        self.client.tag_resource(**{self.arn_param: self.arn, self.tags_param: ansible_dict_to_boto3_tag_list(tags)})

    @AWSRetry.jittered_backoff()
    def untag(self, keys):
        self.client.untag_resource(**{self.arn_param: self.arn, self.keys_param: keys})


def main():
    argument_spec = dict(
        resource_arn=dict(type="str", required=True),
        tags=dict(type="dict", required=True, aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    arn = module.params["resource_arn"]
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in SERVICES:
        module.fail_json(msg=f"resource_arn must be the ARN of one of: {', '.join(sorted(SERVICES))}; got {arn!r}.")
    tagger = Tagger(module.client(parts[2]), parts[2], arn)
    try:
        try:
            before = tagger.list()
        except is_boto3_error_code(NOT_FOUND):
            module.fail_json(msg=f"{arn} does not exist.")
        to_set, to_remove = compare_aws_tags(before, module.params["tags"], purge_tags=module.params["purge_tags"])
        if not module.check_mode:
            if to_remove:
                tagger.untag(to_remove)
            if to_set:
                tagger.tag(to_set)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not tag {arn}")
    after = {k: v for k, v in before.items() if k not in to_remove}
    after.update(to_set)
    module.exit_json(
        changed=bool(to_set or to_remove),
        resource_arn=arn,
        tags=after,
        diff={"before": {"tags": before}, "after": {"tags": after}},
    )


if __name__ == "__main__":
    main()
