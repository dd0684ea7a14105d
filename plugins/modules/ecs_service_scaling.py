#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_service_scaling
version_added: 0.2.0
short_description: Manage the auto scaling of one ECS service
description:
  - Registers, updates or deregisters the Application Auto Scaling scalable target
    of one ECS service (its desired task count) and manages the target tracking
    scaling policies on it.
  - The scalable target is C(service/<cluster>/<service>) in the C(ecs) namespace,
    dimension C(ecs:service:DesiredCount).
  - Calls AWS only to describe in check mode, and writes only what differs, unlike
    community.aws.application_autoscaling_policy.
author:
  - Kumo developers (@kumo-platform)
options:
  cluster:
    description: The name of the ECS cluster running the service.
    required: true
    type: str
  service:
    description: The name of the ECS service.
    required: true
    type: str
  min_capacity:
    description: The fewest tasks auto scaling leaves running. Required when O(state=present).
    type: int
  max_capacity:
    description:
      - The most tasks auto scaling starts. Required when O(state=present).
      - Must not be less than O(min_capacity).
    type: int
  policies:
    description:
      - The target tracking scaling policies of the service, found by name.
      - A listed policy is created, or replaced when its configuration differs.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The policy's name, unique among the service's policies.
        required: true
        type: str
      metric:
        description: The predefined metric the policy tracks.
        required: true
        type: str
        choices: [ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget]
      target:
        description:
          - The value of O(policies[].metric) to keep the service at; a percentage
            for the utilization metrics, requests per task for C(ALBRequestCountPerTarget).
        required: true
        type: float
      resource_label:
        description:
          - The load balancer and target group of the service, as
            C(app/<alb-name>/<alb-id>/targetgroup/<tg-name>/<tg-id>).
          - Required when O(policies[].metric=ALBRequestCountPerTarget), and only
            allowed then.
        type: str
      scale_out_cooldown:
        description: Seconds to wait after a scale-out before another one.
        type: int
        default: 0
      scale_in_cooldown:
        description: Seconds to wait after a scale-in before another one.
        type: int
        default: 0
      disable_scale_in:
        description: Whether the policy never removes tasks.
        type: bool
        default: false
  purge_policies:
    description:
      - Whether to delete the service's target tracking policies that O(policies)
        does not name.
      - Step scaling policies are left alone.
    type: bool
    default: true
  state:
    description:
      - Whether the service is auto scaled.
      - V(absent) deletes every scaling policy of the service, then deregisters
        the scalable target.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep the frontend between 2 and 6 tasks at 70 % CPU and memory
  kumo.platform.ecs_service_scaling:
    cluster: kumo-prod-cluster
    service: kumo-prod-frontend
    min_capacity: 2
    max_capacity: 6
    policies:
      - name: kumo-prod-frontend-cpu
        metric: ECSServiceAverageCPUUtilization
        target: 70
        scale_out_cooldown: 60
        scale_in_cooldown: 300
      - name: kumo-prod-frontend-memory
        metric: ECSServiceAverageMemoryUtilization
        target: 70
        scale_out_cooldown: 60
        scale_in_cooldown: 300

- name: Scale on requests per task, never scaling in
  kumo.platform.ecs_service_scaling:
    cluster: kumo-prod-cluster
    service: kumo-prod-frontend
    min_capacity: 2
    max_capacity: 10
    policies:
      - name: kumo-prod-frontend-requests
        metric: ALBRequestCountPerTarget
        target: 1000
        resource_label: app/kumo-prod-alb/50dc6c495c0c9188/targetgroup/kumo-prod-frontend/943f017f100becff
        disable_scale_in: true

- name: Change the capacity and keep the policies the service already has
  kumo.platform.ecs_service_scaling:
    cluster: kumo-prod-cluster
    service: kumo-prod-frontend
    min_capacity: 3
    max_capacity: 8
    purge_policies: false

- name: Stop auto scaling the service
  kumo.platform.ecs_service_scaling:
    cluster: kumo-prod-cluster
    service: kumo-prod-frontend
    state: absent
"""

RETURN = r"""
scalable_target:
  description: The scalable target, as DescribeScalableTargets returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    service_namespace:
      description: Always C(ecs).
      type: str
      sample: ecs
    resource_id:
      description: The service, as C(service/<cluster>/<service>).
      type: str
      sample: service/kumo-prod-cluster/kumo-prod-frontend
    scalable_dimension:
      description: Always C(ecs:service:DesiredCount).
      type: str
      sample: ecs:service:DesiredCount
    min_capacity:
      description: The fewest tasks.
      type: int
      sample: 2
    max_capacity:
      description: The most tasks.
      type: int
      sample: 6
    role_arn:
      description: The service-linked role Application Auto Scaling uses; absent in check mode before creation.
      type: str
      sample: "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/\
        AWSServiceRoleForApplicationAutoScaling_ECSService"
    scalable_target_arn:
      description: The scalable target's ARN; absent in check mode before creation.
      type: str
      sample: "arn:aws:application-autoscaling:ap-northeast-1:123456789012:scalable-target/\
        0ec5f0a4e1b24c8c9c6b5c3e8f3b1a2d"
policies:
  description:
    - Every scaling policy of the service, as DescribeScalingPolicies returns them
      (snake_case), sorted by name; empty when absent.
    - In check mode, policies that would be created have no ARN or alarms.
  returned: always
  type: list
  elements: dict
  contains:
    policy_name:
      description: The policy's name.
      type: str
      sample: kumo-prod-frontend-cpu
    policy_arn:
      description: The policy's ARN.
      type: str
      sample: "arn:aws:autoscaling:ap-northeast-1:123456789012:scalingPolicy:6d8972f3-efc8-437c-92d1-6270f29a66e7:\
        resource/ecs/service/kumo-prod-cluster/kumo-prod-frontend:policyName/kumo-prod-frontend-cpu"
    policy_type:
      description: C(TargetTrackingScaling) for the policies this module manages.
      type: str
      sample: TargetTrackingScaling
    target_tracking_scaling_policy_configuration:
      description: The target tracking configuration.
      type: dict
      sample:
        target_value: 70.0
        predefined_metric_specification:
          predefined_metric_type: ECSServiceAverageCPUUtilization
        scale_out_cooldown: 60
        scale_in_cooldown: 300
        disable_scale_in: false
    alarms:
      description: The CloudWatch alarms Application Auto Scaling created for the policy.
      type: list
      elements: dict
      sample:
        - alarm_name: TargetTracking-service/kumo-prod-cluster/kumo-prod-frontend-AlarmHigh-1b2c
          alarm_arn: "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:\
            TargetTracking-service/kumo-prod-cluster/kumo-prod-frontend-AlarmHigh-1b2c"
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
TARGET_TRACKING = "TargetTrackingScaling"
ALB_METRIC = "ALBRequestCountPerTarget"
METRICS = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", ALB_METRIC]


@AWSRetry.jittered_backoff()
def describe_scalable_targets(client, resource_id):
    paginator = client.get_paginator("describe_scalable_targets")
    result = paginator.paginate(ServiceNamespace=NAMESPACE, ResourceIds=[resource_id], ScalableDimension=DIMENSION)
    return result.build_full_result()["ScalableTargets"]


@AWSRetry.jittered_backoff()
def register_scalable_target(client, resource_id, min_capacity, max_capacity):
    return client.register_scalable_target(
        ServiceNamespace=NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=DIMENSION,
        MinCapacity=min_capacity,
        MaxCapacity=max_capacity,
    )


@AWSRetry.jittered_backoff()
def deregister_scalable_target(client, resource_id):
    return client.deregister_scalable_target(
        ServiceNamespace=NAMESPACE, ResourceId=resource_id, ScalableDimension=DIMENSION
    )


@AWSRetry.jittered_backoff()
def describe_scaling_policies(client, resource_id):
    paginator = client.get_paginator("describe_scaling_policies")
    result = paginator.paginate(ServiceNamespace=NAMESPACE, ResourceId=resource_id, ScalableDimension=DIMENSION)
    return result.build_full_result()["ScalingPolicies"]


@AWSRetry.jittered_backoff()
def put_scaling_policy(client, resource_id, name, configuration):
    return client.put_scaling_policy(
        PolicyName=name,
        ServiceNamespace=NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=DIMENSION,
        PolicyType=TARGET_TRACKING,
        TargetTrackingScalingPolicyConfiguration=configuration,
    )


@AWSRetry.jittered_backoff()
def delete_scaling_policy(client, resource_id, name):
    return client.delete_scaling_policy(
        PolicyName=name, ServiceNamespace=NAMESPACE, ResourceId=resource_id, ScalableDimension=DIMENSION
    )


def find(client, resource_id):
    targets = [t for t in describe_scalable_targets(client, resource_id) if t["ResourceId"] == resource_id]
    policies = [p for p in describe_scaling_policies(client, resource_id) if p["ResourceId"] == resource_id]
    return (targets[0] if targets else None), sorted(policies, key=lambda p: p["PolicyName"])


def configuration(policy):
    """The TargetTrackingScalingPolicyConfiguration of a policy option."""
    metric = {"PredefinedMetricType": policy["metric"]}
    if policy["resource_label"]:
        metric["ResourceLabel"] = policy["resource_label"]
    return {
        "TargetValue": float(policy["target"]),
        "PredefinedMetricSpecification": metric,
        "ScaleOutCooldown": policy["scale_out_cooldown"],
        "ScaleInCooldown": policy["scale_in_cooldown"],
        "DisableScaleIn": policy["disable_scale_in"],
    }


def normalise(policy):
    """A scaling policy as AWS returns it, in the shape of a policy option (for comparison and diff)."""
    config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    metric = config.get("PredefinedMetricSpecification") or {}
    target = config.get("TargetValue")
    return {
        "name": policy["PolicyName"],
        "metric": metric.get("PredefinedMetricType"),
        "target": float(target) if target is not None else None,
        "resource_label": metric.get("ResourceLabel"),
        "scale_out_cooldown": config.get("ScaleOutCooldown"),
        "scale_in_cooldown": config.get("ScaleInCooldown"),
        "disable_scale_in": bool(config.get("DisableScaleIn", False)),
        "policy_type": policy.get("PolicyType"),
    }


def wanted_policy(policy):
    return dict(
        policy,
        target=float(policy["target"]),
        resource_label=policy["resource_label"] or None,
        policy_type=TARGET_TRACKING,
    )


def describe_state(target, policies):
    """The diff view: capacity and target tracking policies."""
    if not target and not policies:
        return {}
    return {
        "min_capacity": target.get("MinCapacity") if target else None,
        "max_capacity": target.get("MaxCapacity") if target else None,
        "policies": [
            {k: v for k, v in normalise(p).items() if k != "policy_type"}
            for p in policies
            if p.get("PolicyType") == TARGET_TRACKING
        ],
    }


def describe_target(target):
    return camel_dict_to_snake_dict(target) if target else {}


def describe_policies(policies):
    return [camel_dict_to_snake_dict(p) for p in policies]


def validate(module):
    params = module.params
    if params["state"] != "present":
        return
    if params["min_capacity"] < 0:
        module.fail_json(msg=f"min_capacity must be 0 or more (got {params['min_capacity']})")
    if params["max_capacity"] < params["min_capacity"]:
        module.fail_json(
            msg=f"max_capacity ({params['max_capacity']}) must not be less than min_capacity ({params['min_capacity']})"
        )
    seen = set()
    for policy in params["policies"]:
        name = policy["name"]
        if name in seen:
            module.fail_json(msg=f"policies: the name {name} is listed more than once")
        seen.add(name)
        if policy["metric"] == ALB_METRIC and not policy["resource_label"]:
            module.fail_json(msg=f"policies: {name} tracks {ALB_METRIC} and needs resource_label")
        if policy["metric"] != ALB_METRIC and policy["resource_label"]:
            module.fail_json(msg=f"policies: {name} sets resource_label, which only {ALB_METRIC} takes")
        for option in ("scale_out_cooldown", "scale_in_cooldown"):
            if policy[option] < 0:
                module.fail_json(msg=f"policies: {name} needs {option} of 0 or more (got {policy[option]})")


def ensure_present(client, module, resource_id, target, policies):
    params = module.params
    changed = False
    after_target = dict(
        target or {"ServiceNamespace": NAMESPACE, "ResourceId": resource_id, "ScalableDimension": DIMENSION},
        MinCapacity=params["min_capacity"],
        MaxCapacity=params["max_capacity"],
    )
    if not target or (target.get("MinCapacity"), target.get("MaxCapacity")) != (
        params["min_capacity"],
        params["max_capacity"],
    ):
        changed = True
        if not module.check_mode:
            register_scalable_target(client, resource_id, params["min_capacity"], params["max_capacity"])

    existing = {p["PolicyName"]: p for p in policies}
    after = dict(existing)
    for policy in params["policies"]:
        name = policy["name"]
        current = existing.get(name)
        if current and normalise(current) == wanted_policy(policy):
            continue
        changed = True
        config = configuration(policy)
        if not module.check_mode:
            put_scaling_policy(client, resource_id, name, config)
        after[name] = dict(
            {k: v for k, v in (current or {}).items() if k not in ("StepScalingPolicyConfiguration", "Alarms")},
            PolicyName=name,
            ServiceNamespace=NAMESPACE,
            ResourceId=resource_id,
            ScalableDimension=DIMENSION,
            PolicyType=TARGET_TRACKING,
            TargetTrackingScalingPolicyConfiguration=config,
        )
    if params["purge_policies"]:
        listed = {p["name"] for p in params["policies"]}
        for name, policy in existing.items():
            if name in listed or policy.get("PolicyType") != TARGET_TRACKING:
                continue
            changed = True
            if not module.check_mode:
                delete_scaling_policy(client, resource_id, name)
            del after[name]
    return changed, after_target, [after[name] for name in sorted(after)]


def ensure_absent(client, module, resource_id, target, policies):
    if not module.check_mode:
        for policy in policies:
            delete_scaling_policy(client, resource_id, policy["PolicyName"])
        if target:
            deregister_scalable_target(client, resource_id)
    return bool(target or policies)


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        policies=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                metric=dict(type="str", required=True, choices=METRICS),
                target=dict(type="float", required=True),
                resource_label=dict(type="str"),
                scale_out_cooldown=dict(type="int", default=0),
                scale_in_cooldown=dict(type="int", default=0),
                disable_scale_in=dict(type="bool", default=False),
            ),
        ),
        purge_policies=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["min_capacity", "max_capacity"]]],
        supports_check_mode=True,
    )
    validate(module)
    client = module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff())
    resource_id = f"service/{module.params['cluster']}/{module.params['service']}"
    try:
        target, policies = find(client, resource_id)
        before = describe_state(target, policies)
        if module.params["state"] == "absent":
            changed = ensure_absent(client, module, resource_id, target, policies)
            module.exit_json(changed=changed, scalable_target={}, policies=[], diff={"before": before, "after": {}})
        changed, after_target, after_policies = ensure_present(client, module, resource_id, target, policies)
        if changed and not module.check_mode:
            target, policies = find(client, resource_id)
        else:
            target, policies = after_target, after_policies
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not manage the auto scaling of the ECS service {resource_id}")
    module.exit_json(
        changed=changed,
        scalable_target=describe_target(target),
        policies=describe_policies(policies),
        diff={"before": before, "after": describe_state(after_target, after_policies)},
    )


if __name__ == "__main__":
    main()
