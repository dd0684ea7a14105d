#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_cluster
version_added: 0.1.0
short_description: Manage an ECS cluster, its Container Insights setting, capacity providers and tags
description:
  - Creates, updates or deletes an Amazon ECS cluster.
  - Sets the cluster's Container Insights setting, the capacity providers
    associated with it and its default capacity provider strategy, and its tags.
    Only the options given are compared and changed.
  - community.aws.ecs_cluster sets neither Container Insights nor tags, and
    does not retry throttled calls.
  - A deleted cluster stays INACTIVE for a while; the module treats it as absent
    and creates the cluster anew.
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The cluster's name.
    required: true
    type: str
  container_insights:
    description: The cluster's C(containerInsights) setting (CloudWatch Container Insights).
    type: str
    choices: [enabled, disabled, enhanced]
  capacity_providers:
    description:
      - The capacity providers associated with the cluster (the whole list; others are removed).
      - Given together with O(default_capacity_provider_strategy) or alone (the strategy is then kept).
    type: list
    elements: str
  default_capacity_provider_strategy:
    description: The strategy for tasks and services that name neither a launch type nor a strategy.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: A capacity provider of the cluster.
        type: str
        required: true
      weight:
        description: The relative share of tasks placed on this provider.
        type: int
        default: 0
      base:
        description: How many tasks run on this provider at least.
        type: int
        default: 0
  state:
    description: Whether the cluster should exist.
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
- name: A cluster on an Auto Scaling group capacity provider, with Container Insights
  kumo.platform.ecs_cluster:
    name: kumo-prod-cluster
    container_insights: enabled
    capacity_providers: [kumo-prod-ecs]
    default_capacity_provider_strategy:
      - capacity_provider: kumo-prod-ecs
        weight: 1
    tags:
      Name: kumo-prod-cluster

- name: Remove the cluster
  kumo.platform.ecs_cluster:
    name: kumo-prod-cluster
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster, as DescribeClusters returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    cluster_arn:
      description: The cluster's ARN.
      type: str
      sample: arn:aws:ecs:ap-northeast-1:123456789012:cluster/kumo-prod-cluster
    cluster_name:
      description: The cluster's name.
      type: str
      sample: kumo-prod-cluster
    status:
      description: The cluster's status.
      type: str
      sample: ACTIVE
    settings:
      description: The cluster's settings.
      type: list
      elements: dict
      sample: [{name: containerInsights, value: enabled}]
    capacity_providers:
      description: The capacity providers associated with the cluster.
      type: list
      elements: str
      sample: [kumo-prod-ecs]
    default_capacity_provider_strategy:
      description: The default capacity provider strategy.
      type: list
      elements: dict
      sample: [{capacity_provider: kumo-prod-ecs, weight: 1, base: 0}]
    tags:
      description: The cluster's tags.
      type: dict
      sample: {Name: kumo-prod-cluster}
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.kumo.platform.plugins.module_utils.ecs import dict_to_ecs_tags
from ansible_collections.kumo.platform.plugins.module_utils.ecs import ecs_tags_to_dict
from ansible_collections.kumo.platform.plugins.module_utils.ecs import ensure_ecs_tags


@AWSRetry.jittered_backoff()
def describe_cluster(client, name):
    found = client.describe_clusters(clusters=[name], include=["SETTINGS", "TAGS"])["clusters"]
    active = [c for c in found if c.get("status") != "INACTIVE"]
    return active[0] if active else None


@AWSRetry.jittered_backoff()
def create_cluster(client, **params):
    return client.create_cluster(**params)["cluster"]


@AWSRetry.jittered_backoff()
def update_cluster(client, name, settings):
    return client.update_cluster(cluster=name, settings=settings)["cluster"]


@AWSRetry.jittered_backoff()
def put_cluster_capacity_providers(client, name, providers, strategy):
    return client.put_cluster_capacity_providers(
        cluster=name, capacityProviders=providers, defaultCapacityProviderStrategy=strategy
    )["cluster"]


@AWSRetry.jittered_backoff()
def delete_cluster(client, name):
    return client.delete_cluster(cluster=name)["cluster"]


def describe(cluster):
    if not cluster:
        return {}
    result = camel_dict_to_snake_dict(cluster, ignore_list=["tags", "settings"])
    result["settings"] = cluster.get("settings", [])
    result["tags"] = ecs_tags_to_dict(cluster.get("tags"))
    return result


def strategy_to_api(strategy):
    return [
        {"capacityProvider": item["capacity_provider"], "weight": item["weight"], "base": item["base"]}
        for item in strategy
    ]


def normalise_strategy(strategy):
    return sorted((item["capacityProvider"], item.get("weight", 0), item.get("base", 0)) for item in strategy or [])


def settings_value(cluster, name):
    for setting in (cluster or {}).get("settings", []):
        if setting.get("name") == name:
            return setting.get("value")
    return None


def wanted_state(params, existing):
    """What the cluster should look like in API form, for the options the user gave."""
    existing = existing or {}
    wanted = {
        "settings": existing.get("settings", []),
        "capacityProviders": existing.get("capacityProviders", []),
        "defaultCapacityProviderStrategy": existing.get("defaultCapacityProviderStrategy", []),
    }
    if params["container_insights"] is not None:
        others = [s for s in wanted["settings"] if s.get("name") != "containerInsights"]
        wanted["settings"] = others + [{"name": "containerInsights", "value": params["container_insights"]}]
    if params["capacity_providers"] is not None:
        wanted["capacityProviders"] = list(params["capacity_providers"])
    if params["default_capacity_provider_strategy"] is not None:
        wanted["defaultCapacityProviderStrategy"] = strategy_to_api(params["default_capacity_provider_strategy"])
    return wanted


def planned(params, existing, wanted):
    """The cluster as it will be once changed (for check mode and the diff)."""
    after = describe(existing) or {"cluster_name": params["name"], "status": "ACTIVE", "tags": {}}
    after["settings"] = wanted["settings"]
    after.update(
        camel_dict_to_snake_dict(
            {
                "capacityProviders": wanted["capacityProviders"],
                "defaultCapacityProviderStrategy": wanted["defaultCapacityProviderStrategy"],
            }
        )
    )
    if params["tags"] is not None:
        after["tags"] = params["tags"] if params["purge_tags"] else dict(after["tags"], **params["tags"])
    return after


def ensure_present(client, module, existing):
    params = module.params
    wanted = wanted_state(params, existing)
    before = describe(existing)
    after = planned(params, existing, wanted)
    if not existing:
        if not module.check_mode:
            create_params = {"clusterName": params["name"]}
            if wanted["settings"]:
                create_params["settings"] = wanted["settings"]
            if params["tags"]:
                create_params["tags"] = dict_to_ecs_tags(params["tags"])
            if wanted["capacityProviders"]:
                create_params["capacityProviders"] = wanted["capacityProviders"]
                create_params["defaultCapacityProviderStrategy"] = wanted["defaultCapacityProviderStrategy"]
            create_cluster(client, **create_params)
            after = describe(describe_cluster(client, params["name"]))
        module.exit_json(changed=True, cluster=after, diff={"before": before, "after": after})

    changed = False
    if (
        params["container_insights"] is not None
        and settings_value(existing, "containerInsights") != params["container_insights"]
    ):
        changed = True
        if not module.check_mode:
            insights = [s for s in wanted["settings"] if s["name"] == "containerInsights"]
            update_cluster(client, params["name"], insights)
    providers_differ = sorted(wanted["capacityProviders"]) != sorted(existing.get("capacityProviders", []))
    strategy_differs = normalise_strategy(wanted["defaultCapacityProviderStrategy"]) != normalise_strategy(
        existing.get("defaultCapacityProviderStrategy")
    )
    if providers_differ or strategy_differs:
        changed = True
        if not module.check_mode:
            put_cluster_capacity_providers(
                client, params["name"], wanted["capacityProviders"], wanted["defaultCapacityProviderStrategy"]
            )
    changed |= ensure_ecs_tags(
        client,
        module,
        existing["clusterArn"],
        ecs_tags_to_dict(existing.get("tags")),
        params["tags"],
        params["purge_tags"],
    )
    if changed and not module.check_mode:
        after = describe(describe_cluster(client, params["name"]))
    elif not changed:
        after = before
    module.exit_json(changed=changed, cluster=after, diff={"before": before, "after": after})


def ensure_absent(client, module, existing):
    if existing and not module.check_mode:
        delete_cluster(client, module.params["name"])
    module.exit_json(changed=bool(existing), cluster={}, diff={"before": describe(existing), "after": {}})


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        container_insights=dict(type="str", choices=["enabled", "disabled", "enhanced"]),
        capacity_providers=dict(type="list", elements="str"),
        default_capacity_provider_strategy=dict(
            type="list",
            elements="dict",
            options=dict(
                capacity_provider=dict(type="str", required=True),
                weight=dict(type="int", default=0),
                base=dict(type="int", default=0),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    strategy = module.params["default_capacity_provider_strategy"] or []
    unknown = sorted({s["capacity_provider"] for s in strategy} - set(module.params["capacity_providers"] or []))
    if strategy and module.params["capacity_providers"] is not None and unknown:
        module.fail_json(
            msg=f"default_capacity_provider_strategy names {', '.join(unknown)}, not in capacity_providers."
        )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_cluster(client, module.params["name"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not describe the ECS cluster")
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing)
        else:
            ensure_absent(client, module, existing)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not manage the ECS cluster")


if __name__ == "__main__":
    main()
