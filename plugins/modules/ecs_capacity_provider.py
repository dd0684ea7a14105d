#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_capacity_provider
version_added: 0.1.0
short_description: Manage an ECS capacity provider backed by an Auto Scaling group
description:
  - Creates, updates or deletes an Amazon ECS capacity provider that places
    tasks on the EC2 instances of one Auto Scaling group.
  - Managed scaling, managed termination protection and managed draining are
    updated in place; only the settings given are compared and changed.
  - The Auto Scaling group of a provider cannot change; the module fails when
    O(auto_scaling_group_arn) differs from the existing provider's.
  - Neither amazon.aws nor community.aws manages capacity providers.
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The capacity provider's name.
    required: true
    type: str
  auto_scaling_group_arn:
    description:
      - The ARN of the Auto Scaling group the provider scales.
      - Required when O(state=present).
    type: str
  managed_scaling:
    description: ECS managed scaling of the group (CloudWatch target tracking on CapacityProviderReservation).
    type: dict
    suboptions:
      status:
        description: Whether ECS scales the group.
        type: str
        choices: [ENABLED, DISABLED]
        default: ENABLED
      target_capacity:
        description: The CapacityProviderReservation to aim for, in percent (1-100).
        type: int
      minimum_scaling_step_size:
        description: The fewest instances added or removed at once.
        type: int
      maximum_scaling_step_size:
        description: The most instances added or removed at once.
        type: int
      instance_warmup_period:
        description: Seconds before a new instance counts in the group's metrics.
        type: int
  managed_termination_protection:
    description:
      - Whether ECS keeps instances that run tasks from being terminated on scale-in.
      - V(ENABLED) needs the group to protect new instances from scale-in, and O(managed_scaling) enabled.
    type: str
    choices: [ENABLED, DISABLED]
  managed_draining:
    description: Whether ECS drains an instance's tasks before the group terminates it.
    type: str
    choices: [ENABLED, DISABLED]
  state:
    description: Whether the capacity provider should exist.
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
- name: Let ECS scale the cluster's Auto Scaling group
  kumo.platform.ecs_capacity_provider:
    name: kumo-prod-ecs
    auto_scaling_group_arn: "{{ asg.auto_scaling_group_arn }}"
    managed_scaling:
      status: ENABLED
      target_capacity: 100
    managed_termination_protection: ENABLED
    tags:
      Name: kumo-prod-ecs

- name: Remove the capacity provider
  kumo.platform.ecs_capacity_provider:
    name: kumo-prod-ecs
    state: absent
"""

RETURN = r"""
capacity_provider:
  description: The capacity provider, as DescribeCapacityProviders returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    capacity_provider_arn:
      description: The provider's ARN.
      type: str
      sample: arn:aws:ecs:ap-northeast-1:123456789012:capacity-provider/kumo-prod-ecs
    name:
      description: The provider's name.
      type: str
      sample: kumo-prod-ecs
    status:
      description: ACTIVE or INACTIVE.
      type: str
      sample: ACTIVE
    auto_scaling_group_provider:
      description: The group, managed scaling and termination protection settings.
      type: dict
      sample:
        auto_scaling_group_arn: >-
          arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:1f2e:autoScalingGroupName/kumo-prod-ecs
        managed_scaling: {status: ENABLED, target_capacity: 100}
        managed_termination_protection: ENABLED
    tags:
      description: The provider's tags.
      type: dict
      sample: {Name: kumo-prod-ecs}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kumo.platform.plugins.module_utils.ecs import dict_to_ecs_tags
from ansible_collections.kumo.platform.plugins.module_utils.ecs import ecs_tags_to_dict
from ansible_collections.kumo.platform.plugins.module_utils.ecs import ensure_ecs_tags


@AWSRetry.jittered_backoff()
def describe_capacity_provider(client, name):
    found = client.describe_capacity_providers(capacityProviders=[name], include=["TAGS"])["capacityProviders"]
    active = [p for p in found if p.get("status") != "INACTIVE"]
    return active[0] if active else None


@AWSRetry.jittered_backoff()
def create_capacity_provider(client, **params):
    return client.create_capacity_provider(**params)["capacityProvider"]


@AWSRetry.jittered_backoff()
def update_capacity_provider(client, **params):
    return client.update_capacity_provider(**params)["capacityProvider"]


@AWSRetry.jittered_backoff()
def delete_capacity_provider(client, name):
    return client.delete_capacity_provider(capacityProvider=name)


def describe(provider):
    if not provider:
        return {}
    result = camel_dict_to_snake_dict(provider, ignore_list=["tags"])
    result["tags"] = ecs_tags_to_dict(provider.get("tags"))
    return result


def wanted_settings(params):
    """The autoScalingGroupProvider settings the user gave, in API form (ARN left out)."""
    wanted = {}
    if params["managed_scaling"] is not None:
        scaling = {k: v for k, v in params["managed_scaling"].items() if v is not None}
        wanted["managedScaling"] = snake_dict_to_camel_dict(scaling)
    for option, key in (
        ("managed_termination_protection", "managedTerminationProtection"),
        ("managed_draining", "managedDraining"),
    ):
        if params[option] is not None:
            wanted[key] = params[option]
    return wanted


def settings_differ(wanted, existing):
    """The keys of ``wanted`` whose values differ from the existing provider's."""
    current = existing.get("autoScalingGroupProvider", {})
    differing = []
    for key, value in wanted.items():
        if isinstance(value, dict):
            have = current.get(key) or {}
            if any(have.get(k) != v for k, v in value.items()):
                differing.append(key)
        elif current.get(key) != value:
            differing.append(key)
    return differing


def ensure_present(client, module, existing):
    params = module.params
    wanted = wanted_settings(params)
    before = describe(existing)
    if not existing:
        changed = True
        current = None
        if not module.check_mode:
            create_params = dict(
                name=params["name"],
                autoScalingGroupProvider=dict(wanted, autoScalingGroupArn=params["auto_scaling_group_arn"]),
            )
            if params["tags"]:
                create_params["tags"] = dict_to_ecs_tags(params["tags"])
            create_capacity_provider(client, **create_params)
            current = describe_capacity_provider(client, params["name"])
        after = describe(current) or dict(
            name=params["name"], auto_scaling_group_provider=camel_dict_to_snake_dict(wanted), tags=params["tags"] or {}
        )
        module.exit_json(changed=changed, capacity_provider=after, diff={"before": before, "after": after})

    existing_arn = existing.get("autoScalingGroupProvider", {}).get("autoScalingGroupArn")
    if existing_arn != params["auto_scaling_group_arn"]:
        module.fail_json(
            msg=(
                f"Capacity provider {params['name']} scales {existing_arn}; its Auto Scaling group cannot change."
                " Delete it (state=absent) to point it at another group."
            ),
            capacity_provider=before,
        )
    differing = settings_differ(wanted, existing)
    changed = bool(differing)
    if differing and not module.check_mode:
        update_capacity_provider(
            client, name=params["name"], autoScalingGroupProvider={k: wanted[k] for k in differing}
        )
    changed |= ensure_ecs_tags(
        client,
        module,
        existing["capacityProviderArn"],
        ecs_tags_to_dict(existing.get("tags")),
        params["tags"],
        params["purge_tags"],
    )
    if module.check_mode:
        after = dict(before)
        provider = dict(before.get("auto_scaling_group_provider", {}))
        for key in differing:
            snake = camel_dict_to_snake_dict({key: wanted[key]})
            if isinstance(wanted[key], dict):
                provider.update({k: dict(provider.get(k, {}), **v) for k, v in snake.items()})
            else:
                provider.update(snake)
        after["auto_scaling_group_provider"] = provider
        if params["tags"] is not None:
            after["tags"] = params["tags"] if params["purge_tags"] else dict(before["tags"], **params["tags"])
    else:
        after = describe(describe_capacity_provider(client, params["name"]) if changed else existing)
    module.exit_json(changed=changed, capacity_provider=after, diff={"before": before, "after": after})


def ensure_absent(client, module, existing):
    if existing and not module.check_mode:
        try:
            delete_capacity_provider(client, module.params["name"])
        except is_boto3_error_code("ClientException"):
            if describe_capacity_provider(client, module.params["name"]):
                raise
    module.exit_json(changed=bool(existing), capacity_provider={}, diff={"before": describe(existing), "after": {}})


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        auto_scaling_group_arn=dict(type="str"),
        managed_scaling=dict(
            type="dict",
            options=dict(
                status=dict(type="str", default="ENABLED", choices=["ENABLED", "DISABLED"]),
                target_capacity=dict(type="int"),
                minimum_scaling_step_size=dict(type="int"),
                maximum_scaling_step_size=dict(type="int"),
                instance_warmup_period=dict(type="int"),
            ),
        ),
        managed_termination_protection=dict(type="str", choices=["ENABLED", "DISABLED"]),
        managed_draining=dict(type="str", choices=["ENABLED", "DISABLED"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["auto_scaling_group_arn"]]],
        supports_check_mode=True,
    )
    scaling = module.params["managed_scaling"] or {}
    if scaling.get("target_capacity") is not None and not 1 <= scaling["target_capacity"] <= 100:
        module.fail_json(msg=f"managed_scaling.target_capacity must be 1-100 (got {scaling['target_capacity']}).")
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_capacity_provider(client, module.params["name"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not describe the capacity provider")
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing)
        else:
            ensure_absent(client, module, existing)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not manage the capacity provider")


if __name__ == "__main__":
    main()
