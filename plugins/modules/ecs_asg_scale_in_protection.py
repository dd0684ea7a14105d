#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_asg_scale_in_protection
version_added: 0.1.0
short_description: Protect the instances of an ECS Auto Scaling group from scale-in
description:
  - Sets an Auto Scaling group's C(NewInstancesProtectedFromScaleIn), which an
    ECS capacity provider with managed termination protection requires, and
    optionally the scale-in protection of the instances already in the group.
  - Optionally sets the group's C(CapacityRebalance) too, which a group with
    Spot Instances in its mixed instances policy wants on.
  - amazon.aws.autoscaling_group does not manage these settings.
author:
  - Kumo developers (@kumo-platform)
options:
  auto_scaling_group_name:
    description: The Auto Scaling group. It must exist.
    required: true
    type: str
  new_instances_protected_from_scale_in:
    description: Whether instances the group launches are protected from scale-in.
    type: bool
    default: true
  protect_existing_instances:
    description:
      - Also give the group's current (Pending and InService) instances the same
        scale-in protection as O(new_instances_protected_from_scale_in).
    type: bool
    default: true
  capacity_rebalance:
    description:
      - Whether the group's Capacity Rebalancing is on, which replaces a Spot
        Instance at an elevated risk of interruption before it is interrupted.
      - When omitted, the module leaves the setting as it is.
    type: bool
    version_added: 0.4.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the ECS capacity provider decide which instances scale in
  kumo.platform.ecs_asg_scale_in_protection:
    auto_scaling_group_name: kumo-prod-ecs
    new_instances_protected_from_scale_in: true

- name: Protect the instances and let Capacity Rebalancing replace Spot Instances at risk
  kumo.platform.ecs_asg_scale_in_protection:
    auto_scaling_group_name: kumo-dev-ecs
    capacity_rebalance: true
"""

RETURN = r"""
new_instances_protected_from_scale_in:
  description: The group's setting after the run.
  returned: always
  type: bool
  sample: true
capacity_rebalance:
  description: The group's Capacity Rebalancing setting after the run.
  returned: always
  type: bool
  sample: false
  version_added: 0.4.0
instances_changed:
  description: The instances whose scale-in protection the module set.
  returned: always
  type: list
  elements: str
  sample: [i-0123456789abcdef0]
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# SetInstanceProtection takes at most 50 instance ids a call.
_BATCH = 50
_LIVE_STATES = ("Pending", "Pending:Wait", "Pending:Proceed", "InService")


@AWSRetry.jittered_backoff()
def describe_group(client, name):
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return groups[0] if groups else None


@AWSRetry.jittered_backoff()
def update_group(client, name, settings):
    client.update_auto_scaling_group(AutoScalingGroupName=name, **settings)


@AWSRetry.jittered_backoff()
def set_instance_protection(client, name, instance_ids, protected):
    client.set_instance_protection(AutoScalingGroupName=name, InstanceIds=instance_ids, ProtectedFromScaleIn=protected)


def group_state(group):
    return {
        "new_instances_protected_from_scale_in": bool(group.get("NewInstancesProtectedFromScaleIn")),
        "capacity_rebalance": bool(group.get("CapacityRebalance")),
        "instances": {
            i["InstanceId"]: bool(i.get("ProtectedFromScaleIn"))
            for i in group.get("Instances", [])
            if i.get("LifecycleState") in _LIVE_STATES
        },
    }


def ensure(client, module, group):
    name = module.params["auto_scaling_group_name"]
    protected = module.params["new_instances_protected_from_scale_in"]
    rebalance = module.params["capacity_rebalance"]
    before = group_state(group)
    # One UpdateAutoScalingGroup call sets whichever group settings differ.
    group_changes = {}
    if before["new_instances_protected_from_scale_in"] != protected:
        group_changes["NewInstancesProtectedFromScaleIn"] = protected
    if rebalance is not None and before["capacity_rebalance"] != rebalance:
        group_changes["CapacityRebalance"] = rebalance
    to_change = []
    if module.params["protect_existing_instances"]:
        to_change = sorted(i for i, state in before["instances"].items() if state != protected)
    if not module.check_mode:
        if group_changes:
            update_group(client, name, group_changes)
        for start in range(0, len(to_change), _BATCH):
            set_instance_protection(client, name, to_change[start : start + _BATCH], protected)
    after = {
        "new_instances_protected_from_scale_in": protected,
        "capacity_rebalance": before["capacity_rebalance"] if rebalance is None else rebalance,
        "instances": dict(before["instances"], **{i: protected for i in to_change}),
    }
    module.exit_json(
        changed=bool(group_changes) or bool(to_change),
        new_instances_protected_from_scale_in=protected,
        capacity_rebalance=after["capacity_rebalance"],
        instances_changed=to_change,
        diff={"before": before, "after": after},
    )


def main():
    argument_spec = dict(
        auto_scaling_group_name=dict(type="str", required=True),
        new_instances_protected_from_scale_in=dict(type="bool", default=True),
        protect_existing_instances=dict(type="bool", default=True),
        capacity_rebalance=dict(type="bool"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("autoscaling", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["auto_scaling_group_name"]
    try:
        group = describe_group(client, name)
        if group is None:
            module.fail_json(msg=f"Auto Scaling group {name} does not exist.")
        ensure(client, module, group)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not set the scale-in protection or Capacity Rebalancing of {name}")


if __name__ == "__main__":
    main()
