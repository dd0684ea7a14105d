"""kumo.platform.ecs_task_definition_family against moto in-process."""

import boto3
import pytest
from moto import mock_aws
from moto.ecs.models import EC2ContainerServiceBackend

from ansible_collections.kumo.platform.plugins.modules import ecs_task_definition_family

CONTAINERS = [{"name": "web", "image": "nginx", "memory": 128}]


@pytest.fixture
def ecs():
    with mock_aws():
        client = boto3.client("ecs", region_name="ap-northeast-1")
        # Two revisions of the family, and a family whose name starts with it.
        for family in ["web", "web", "web-worker"]:
            client.register_task_definition(family=family, containerDefinitions=CONTAINERS)
        yield client


def active(ecs, family):
    arns = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]
    return sorted(arn.rsplit("/", 1)[-1] for arn in arns)


def test_check_mode_reports_a_change_and_deregisters_nothing(ecs, run_module):
    result = run_module(ecs_task_definition_family, {"family": "web"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert [arn.rsplit("/", 1)[-1] for arn in result["task_definition_arns"]] == ["web:1", "web:2"]
    assert result["diff"] == {
        "before": {"family": "web", "active_revisions": [1, 2]},
        "after": {"family": "web", "active_revisions": []},
    }
    assert active(ecs, "web") == ["web:1", "web:2"]


def test_every_revision_is_deregistered_then_nothing_to_do(ecs, run_module):
    result = run_module(ecs_task_definition_family, {"family": "web", "state": "absent"})
    assert result["changed"] is True
    assert active(ecs, "web") == []
    inactive = ecs.list_task_definitions(familyPrefix="web", status="INACTIVE")["taskDefinitionArns"]
    assert sorted(arn.rsplit("/", 1)[-1] for arn in inactive) == ["web:1", "web:2"]

    again = run_module(ecs_task_definition_family, {"family": "web"})
    assert again["changed"] is False
    assert again["task_definition_arns"] == []


def test_a_family_sharing_the_prefix_is_left_alone(ecs, run_module, monkeypatch):
    # moto filters on the exact family; make familyPrefix a prefix, as its name
    # says, so that the module's own exact match is what spares web-worker.
    def by_prefix(self, family_prefix, status="ACTIVE"):
        return [
            td.arn
            for revisions in self.task_definitions.values()
            for td in revisions.values()
            if td.family.startswith(family_prefix or "") and td.status == status
        ]

    monkeypatch.setattr(EC2ContainerServiceBackend, "list_task_definitions", by_prefix)
    result = run_module(ecs_task_definition_family, {"family": "web"})
    assert [arn.rsplit("/", 1)[-1] for arn in result["task_definition_arns"]] == ["web:1", "web:2"]
    assert active(ecs, "web-worker") == ["web-worker:1"]


def test_a_family_that_never_existed_is_no_change(ecs, run_module):
    result = run_module(ecs_task_definition_family, {"family": "api"}, check_mode=True)
    assert result["changed"] is False
    assert result["task_definition_arns"] == []


def test_present_is_refused(run_module):
    result = run_module(ecs_task_definition_family, {"family": "web", "state": "present"})
    assert result["failed"] is True
    assert "absent" in result["msg"]
