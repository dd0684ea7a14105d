"""kumo.platform.xray_sampling_rule against moto in-process, with the emulator's
sampling-rule patch (moto has no sampling-rule API of its own)."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import xray_sampling_rule
from emulator.patches import xray_sampling_rules

xray_sampling_rules.apply()

ARGS = {"name": "kumo-test", "priority": 1000, "fixed_rate": 0.05, "reservoir_size": 1, "tags": {"Name": "kumo-test"}}


@pytest.fixture
def xray():
    with mock_aws():
        yield boto3.client("xray", region_name="ap-northeast-1")


def rules(client):
    return {
        r["SamplingRule"]["RuleName"]: r["SamplingRule"] for r in client.get_sampling_rules()["SamplingRuleRecords"]
    }


def test_check_mode_reports_a_change_and_creates_nothing(xray, run_module):
    result = run_module(xray_sampling_rule, ARGS, check_mode=True)
    assert result["changed"] is True
    assert set(rules(xray)) == {"Default"}


def test_create_then_nothing_to_do(xray, run_module):
    first = run_module(xray_sampling_rule, ARGS, diff=True)
    assert first["changed"] is True
    assert first["diff"]["before"] == {}
    rule = rules(xray)["kumo-test"]
    assert (rule["Priority"], rule["FixedRate"], rule["ReservoirSize"]) == (1000, 0.05, 1)
    assert (rule["ServiceName"], rule["HTTPMethod"], rule["URLPath"], rule["Version"]) == ("*", "*", "*", 1)
    assert xray.list_tags_for_resource(ResourceARN=rule["RuleARN"])["Tags"] == [{"Key": "Name", "Value": "kumo-test"}]
    assert first["sampling_rule"]["rule_arn"] == rule["RuleARN"]
    second = run_module(xray_sampling_rule, ARGS)
    assert second["changed"] is False


def test_a_changed_setting_and_tag_update_the_rule(xray, run_module):
    run_module(xray_sampling_rule, ARGS)
    result = run_module(xray_sampling_rule, dict(ARGS, fixed_rate=0.5, tags={"Team": "web"}), diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["fixed_rate"] == 0.05
    assert result["diff"]["after"]["fixed_rate"] == 0.5
    rule = rules(xray)["kumo-test"]
    assert rule["FixedRate"] == 0.5
    assert xray.list_tags_for_resource(ResourceARN=rule["RuleARN"])["Tags"] == [{"Key": "Team", "Value": "web"}]


def test_absent_deletes_the_rule(xray, run_module):
    run_module(xray_sampling_rule, ARGS)
    check = run_module(xray_sampling_rule, {"name": "kumo-test", "state": "absent"}, check_mode=True)
    assert check["changed"] is True and "kumo-test" in rules(xray)
    gone = run_module(xray_sampling_rule, {"name": "kumo-test", "state": "absent"})
    assert gone["changed"] is True and set(rules(xray)) == {"Default"}
    again = run_module(xray_sampling_rule, {"name": "kumo-test", "state": "absent"})
    assert again["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "r"}, "priority"),
        (dict(ARGS, fixed_rate=1.5), "fixed_rate must be between 0 and 1"),
    ],
)
def test_bad_input_fails_with_a_clear_message(args, message, run_module):
    result = run_module(xray_sampling_rule, args)
    assert result["failed"] is True
    assert message in result["msg"]
