"""kumo.platform.config_recorder_status against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import config_recorder_status

ROLE = "arn:aws:iam::123456789012:role/config"


@pytest.fixture
def config():
    with mock_aws():
        client = boto3.client("config", region_name="ap-northeast-1")
        boto3.client("s3", region_name="ap-northeast-1").create_bucket(
            Bucket="config-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
        )
        client.put_configuration_recorder(
            ConfigurationRecorder={"name": "rec", "roleARN": ROLE, "recordingGroup": {"allSupported": True}}
        )
        client.put_delivery_channel(DeliveryChannel={"name": "rec", "s3BucketName": "config-bucket"})
        yield client


def recording(client):
    return client.describe_configuration_recorder_status(ConfigurationRecorderNames=["rec"])[
        "ConfigurationRecordersStatus"
    ][0]["recording"]


def test_check_mode_reports_a_change_and_starts_nothing(config, run_module):
    result = run_module(config_recorder_status, {"name": "rec"}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"recording": False}, "after": {"recording": True}}
    assert recording(config) is False


def test_start_then_nothing_to_do(config, run_module):
    first = run_module(config_recorder_status, {"name": "rec"})
    assert first["changed"] is True
    assert first["recorder_status"]["recording"] is True
    assert recording(config) is True
    second = run_module(config_recorder_status, {"name": "rec"})
    assert second["changed"] is False


def test_stop_lets_the_delivery_channel_be_deleted(config, run_module):
    run_module(config_recorder_status, {"name": "rec"})
    result = run_module(config_recorder_status, {"name": "rec", "recording": False})
    assert result["changed"] is True
    assert recording(config) is False
    config.delete_delivery_channel(DeliveryChannelName="rec")
    assert config.describe_delivery_channels()["DeliveryChannels"] == []


def test_a_missing_recorder_fails_unless_missing_ok(run_module):
    with mock_aws():
        failed = run_module(config_recorder_status, {"name": "nope"})
        assert failed["failed"] is True
        assert "nope does not exist" in failed["msg"]
        ok = run_module(config_recorder_status, {"name": "nope", "recording": False, "missing_ok": True})
        assert ok["changed"] is False and ok["recorder_status"] == {}


def test_starting_without_a_delivery_channel_reports_the_aws_error(run_module):
    with mock_aws():
        boto3.client("config", region_name="ap-northeast-1").put_configuration_recorder(
            ConfigurationRecorder={"name": "rec", "roleARN": ROLE}
        )
        result = run_module(config_recorder_status, {"name": "rec"})
    assert result["failed"] is True
    assert "NoAvailableDeliveryChannel" in str(result.get("error", result["msg"]))
