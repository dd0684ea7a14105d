"""kumo.platform.cloudfront_origin_access_control against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import cloudfront_origin_access_control as oac_module

ARGS = {"name": "kumo-test-static-assets", "description": "to the bucket", "region": "us-east-1"}


@pytest.fixture
def cloudfront():
    with mock_aws():
        yield boto3.client("cloudfront", region_name="us-east-1")


def controls(client):
    return client.list_origin_access_controls()["OriginAccessControlList"].get("Items") or []


def test_check_mode_reports_a_change_and_creates_nothing(cloudfront, run_module):
    result = run_module(oac_module, ARGS, check_mode=True)
    assert result["changed"] is True
    assert controls(cloudfront) == []


def test_create_then_nothing_to_do(cloudfront, run_module):
    first = run_module(oac_module, ARGS, diff=True)
    assert first["changed"] is True
    assert first["diff"]["before"] == {}
    [created] = controls(cloudfront)
    assert first["origin_access_control"]["id"] == created["Id"]
    config = cloudfront.get_origin_access_control(Id=created["Id"])["OriginAccessControl"]["OriginAccessControlConfig"]
    assert config["SigningBehavior"] == "always"
    assert config["SigningProtocol"] == "sigv4"
    assert config["OriginAccessControlOriginType"] == "s3"

    second = run_module(oac_module, ARGS)
    assert second["changed"] is False
    assert second["origin_access_control"]["id"] == created["Id"]
    assert len(controls(cloudfront)) == 1


def test_a_changed_setting_updates_in_place(cloudfront, run_module):
    run_module(oac_module, ARGS)
    [before] = controls(cloudfront)
    check = run_module(oac_module, dict(ARGS, signing_behavior="no-override"), check_mode=True)
    assert check["changed"] is True
    result = run_module(oac_module, dict(ARGS, signing_behavior="no-override"))
    assert result["changed"] is True
    [after] = controls(cloudfront)
    assert after["Id"] == before["Id"]
    assert after["SigningBehavior"] == "no-override"


def test_absent_deletes_and_is_then_a_no_op(cloudfront, run_module):
    run_module(oac_module, ARGS)
    absent = {"name": ARGS["name"], "state": "absent", "region": "us-east-1"}
    check = run_module(oac_module, absent, check_mode=True)
    assert check["changed"] is True and len(controls(cloudfront)) == 1
    assert run_module(oac_module, absent)["changed"] is True
    assert controls(cloudfront) == []
    assert run_module(oac_module, absent)["changed"] is False


def test_a_bad_choice_fails_before_any_call(cloudfront, run_module):
    result = run_module(oac_module, dict(ARGS, signing_behavior="sometimes"))
    assert result["failed"] is True
    assert "signing_behavior" in result["msg"]
