"""kumo.platform.ecs_cluster against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ecs_cluster

ASG = "arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:1:autoScalingGroupName/nodes"


@pytest.fixture
def ecs():
    with mock_aws():
        client = boto3.client("ecs", region_name="ap-northeast-1")
        client.create_capacity_provider(name="nodes", autoScalingGroupProvider={"autoScalingGroupArn": ASG})
        yield client


def args(**extra):
    return {
        "name": "web",
        "container_insights": "enabled",
        "capacity_providers": ["nodes"],
        "default_capacity_provider_strategy": [{"capacity_provider": "nodes", "weight": 1}],
        "tags": {"Name": "web"},
        **extra,
    }


def cluster(ecs):
    found = ecs.describe_clusters(clusters=["web"], include=["SETTINGS", "TAGS"])["clusters"]
    return found[0] if found and found[0]["status"] == "ACTIVE" else None


def test_check_mode_reports_a_change_and_creates_nothing(ecs, run_module):
    result = run_module(ecs_cluster, args(), check_mode=True)
    assert result["changed"] is True
    assert result["cluster"]["capacity_providers"] == ["nodes"]
    assert cluster(ecs) is None


def test_create_then_nothing_to_do(ecs, run_module):
    first = run_module(ecs_cluster, args(), diff=True)
    assert first["changed"] is True
    created = cluster(ecs)
    assert created["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert created["capacityProviders"] == ["nodes"]
    assert created["defaultCapacityProviderStrategy"] == [{"capacityProvider": "nodes", "weight": 1, "base": 0}]
    assert {t["key"]: t["value"] for t in created["tags"]} == {"Name": "web"}
    assert first["diff"]["before"] == {} and first["diff"]["after"]["cluster_name"] == "web"

    second = run_module(ecs_cluster, args())
    assert second["changed"] is False


def test_container_insights_is_switched(ecs, run_module):
    run_module(ecs_cluster, args())
    check = run_module(ecs_cluster, args(container_insights="disabled"), check_mode=True)
    assert check["changed"] is True
    assert cluster(ecs)["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    result = run_module(ecs_cluster, args(container_insights="disabled"), diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert cluster(ecs)["settings"] == [{"name": "containerInsights", "value": "disabled"}]


def test_strategy_and_providers_are_updated(ecs, run_module):
    run_module(ecs_cluster, args(capacity_providers=[], default_capacity_provider_strategy=[]))
    assert cluster(ecs).get("capacityProviders", []) == []
    result = run_module(ecs_cluster, args())
    assert result["changed"] is True
    assert cluster(ecs)["defaultCapacityProviderStrategy"] == [{"capacityProvider": "nodes", "weight": 1, "base": 0}]


def test_tags_are_updated(ecs, run_module):
    run_module(ecs_cluster, args())
    result = run_module(ecs_cluster, args(tags={"Name": "web", "Team": "platform"}))
    assert result["changed"] is True
    assert {t["key"]: t["value"] for t in cluster(ecs)["tags"]} == {"Name": "web", "Team": "platform"}


def test_a_strategy_on_an_unlisted_provider_fails(run_module):
    result = run_module(ecs_cluster, args(capacity_providers=["other"]))
    assert result["failed"] is True
    assert "nodes" in result["msg"]


def test_absent_deletes_and_is_then_a_no_op(ecs, run_module):
    run_module(ecs_cluster, args())
    check = run_module(ecs_cluster, {"name": "web", "state": "absent"}, check_mode=True)
    assert check["changed"] is True and cluster(ecs) is not None
    gone = run_module(ecs_cluster, {"name": "web", "state": "absent"})
    assert gone["changed"] is True and cluster(ecs) is None
    again = run_module(ecs_cluster, {"name": "web", "state": "absent"})
    assert again["changed"] is False
