"""kumo.platform.config_recorder against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import config_recorder

ROLE = "arn:aws:iam::123456789012:role/config"


@pytest.fixture
def config():
    with mock_aws():
        yield boto3.client("config", region_name="ap-northeast-1")


def recorders(client):
    return client.describe_configuration_recorders()["ConfigurationRecorders"]


def test_check_mode_reports_a_change_and_creates_nothing(config, run_module):
    result = run_module(config_recorder, {"name": "rec", "role_arn": ROLE}, check_mode=True)
    assert result["changed"] is True
    assert recorders(config) == []


def test_create_then_nothing_to_do(config, run_module):
    first = run_module(config_recorder, {"name": "rec", "role_arn": ROLE}, diff=True)
    assert first["changed"] is True
    [recorder] = recorders(config)
    assert recorder["roleARN"] == ROLE
    assert recorder["recordingGroup"]["allSupported"] is True
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is True
    second = run_module(config_recorder, {"name": "rec", "role_arn": ROLE})
    assert second["changed"] is False


def test_a_new_role_updates_the_recorder(config, run_module):
    run_module(config_recorder, {"name": "rec", "role_arn": ROLE})
    result = run_module(config_recorder, {"name": "rec", "role_arn": ROLE + "-2"})
    assert result["changed"] is True
    assert recorders(config)[0]["roleARN"] == ROLE + "-2"


def test_absent_deletes_the_recorder(config, run_module):
    run_module(config_recorder, {"name": "rec", "role_arn": ROLE})
    check = run_module(config_recorder, {"name": "rec", "state": "absent"}, check_mode=True)
    assert check["changed"] is True and len(recorders(config)) == 1
    assert run_module(config_recorder, {"name": "rec", "state": "absent"})["changed"] is True
    assert recorders(config) == []
    assert run_module(config_recorder, {"name": "rec", "state": "absent"})["changed"] is False


def test_present_needs_a_role(run_module):
    result = run_module(config_recorder, {"name": "rec"})
    assert result["failed"] is True and "role_arn" in result["msg"]


def test_adopt_takes_the_regions_recorder_as_it_is(config, run_module):
    theirs = {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/theirs"}
    config.put_configuration_recorder(ConfigurationRecorder=theirs)
    args = {"name": "kumo-prod-config", "role_arn": ROLE, "adopt": True}
    result = run_module(config_recorder, args)
    assert (result["changed"], result["adopted"]) == (False, "default")
    [recorder] = recorders(config)
    assert (recorder["name"], recorder["roleARN"]) == ("default", theirs["roleARN"])
    # its own name, absent: the adopted recorder stays
    gone = run_module(config_recorder, {"name": "kumo-prod-config", "state": "absent"})
    assert gone["changed"] is False and len(recorders(config)) == 1


def test_adopt_manages_its_own_recorder_when_it_is_the_regions(config, run_module):
    args = {"name": "kumo-prod-config", "role_arn": ROLE, "adopt": True}
    first = run_module(config_recorder, args)
    assert (first["changed"], first["adopted"]) == (True, "")
    assert run_module(config_recorder, args)["changed"] is False
    assert [r["name"] for r in recorders(config)] == ["kumo-prod-config"]
