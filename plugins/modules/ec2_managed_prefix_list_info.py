#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_managed_prefix_list_info
version_added: 0.4.0
short_description: Find EC2 managed prefix lists by name
description:
  - Reads managed prefix lists (DescribeManagedPrefixLists, paginated) by
    name, such as the AWS-managed C(com.amazonaws.global.cloudfront.origin-facing),
    whose id differs from region to region, so that a security group rule can
    reference it (O(amazon.aws.ec2_security_group#module:rules.ip_prefix)).
  - Neither amazon.aws nor community.aws has a module that reads them.
author:
  - Kumo developers (@kumo-platform)
options:
  names:
    description: The prefix lists' names.
    required: true
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find CloudFront's origin-facing prefix list
  kumo.platform.ec2_managed_prefix_list_info:
    names: [com.amazonaws.global.cloudfront.origin-facing]
  register: cloudfront_prefix_list
"""

RETURN = r"""
prefix_lists:
  description: The prefix lists found, one per name that exists (snake_case), in the order of O(names).
  returned: always
  type: list
  elements: dict
  contains:
    prefix_list_id:
      description: The prefix list's id.
      type: str
      sample: pl-58a04531
    prefix_list_name:
      description: The prefix list's name.
      type: str
      sample: com.amazonaws.global.cloudfront.origin-facing
    owner_id:
      description: C(AWS) for an AWS-managed list, else the owning account.
      type: str
      sample: AWS
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def describe_prefix_lists(client, names):
    paginator = client.get_paginator("describe_managed_prefix_lists")
    filters = [{"Name": "prefix-list-name", "Values": names}]
    return paginator.paginate(Filters=filters).build_full_result()["PrefixLists"]


def main():
    argument_spec = dict(names=dict(type="list", elements="str", required=True))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    names = module.params["names"]
    try:
        found = {entry["PrefixListName"]: entry for entry in describe_prefix_lists(client, names)}
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not read the managed prefix lists {', '.join(names)}")
    prefix_lists = [camel_dict_to_snake_dict(found[name], ignore_list=["Tags"]) for name in names if name in found]
    module.exit_json(changed=False, prefix_lists=prefix_lists)


if __name__ == "__main__":
    main()
