"""kumo.platform.guardduty_detector against moto in-process (with the one-detector patch)."""

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import guardduty_detector
from emulator.patches import guardduty_single_detector

guardduty_single_detector.apply()


@pytest.fixture
def guardduty():
    with mock_aws():
        yield boto3.client("guardduty", region_name="ap-northeast-1")


def detectors(client):
    return client.list_detectors()["DetectorIds"]


def test_check_mode_reports_a_change_and_creates_nothing(guardduty, run_module):
    result = run_module(guardduty_detector, {"tags": {"Name": "gd"}}, check_mode=True)
    assert result["changed"] is True
    assert result["detector"]["status"] == "ENABLED"
    assert detectors(guardduty) == []


def test_create_then_nothing_to_do(guardduty, run_module):
    args = {"finding_publishing_frequency": "FIFTEEN_MINUTES", "tags": {"Name": "gd"}}
    first = run_module(guardduty_detector, args, diff=True)
    assert first["changed"] is True
    assert first["diff"]["before"] == {}
    [detector_id] = detectors(guardduty)
    assert first["detector"]["detector_id"] == detector_id
    detector = guardduty.get_detector(DetectorId=detector_id)
    assert detector["Status"] == "ENABLED"
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert detector["Tags"] == {"Name": "gd"}

    second = run_module(guardduty_detector, args)
    assert second["changed"] is False
    assert detectors(guardduty) == [detector_id]


def test_an_existing_detector_is_found_and_updated_not_duplicated(guardduty, run_module):
    detector_id = guardduty.create_detector(Enable=False, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
    result = run_module(guardduty_detector, {"finding_publishing_frequency": "ONE_HOUR"}, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["status"] == "DISABLED"
    assert result["diff"]["after"]["status"] == "ENABLED"
    assert detectors(guardduty) == [detector_id]
    detector = guardduty.get_detector(DetectorId=detector_id)
    assert (detector["Status"], detector["FindingPublishingFrequency"]) == ("ENABLED", "ONE_HOUR")


def test_absent_deletes_in_check_mode_only_on_the_real_run(guardduty, run_module):
    run_module(guardduty_detector, {})
    check = run_module(guardduty_detector, {"state": "absent"}, check_mode=True)
    assert check["changed"] is True and len(detectors(guardduty)) == 1
    gone = run_module(guardduty_detector, {"state": "absent"})
    assert gone["changed"] is True and detectors(guardduty) == []
    again = run_module(guardduty_detector, {"state": "absent"})
    assert again["changed"] is False


def test_bad_frequency_is_refused_before_any_call(run_module):
    result = run_module(guardduty_detector, {"finding_publishing_frequency": "DAILY"})
    assert result["failed"] is True
    assert "finding_publishing_frequency" in result["msg"]


def test_changed_tags_are_set_on_the_detector_arn(monkeypatch, run_module):
    """moto has no GuardDuty TagResource: the tagging calls are checked with a Stubber."""
    guardduty = boto3.client("guardduty", region_name="ap-northeast-1")
    sts = boto3.client("sts", region_name="ap-northeast-1")
    stubs = {"guardduty": Stubber(guardduty), "sts": Stubber(sts)}
    gd, st = stubs["guardduty"], stubs["sts"]
    existing = {
        "ServiceRole": "r",
        "Status": "ENABLED",
        "FindingPublishingFrequency": "SIX_HOURS",
        "Tags": {"Old": "x"},
    }
    arn = "arn:aws:guardduty:ap-northeast-1:123456789012:detector/abc"
    gd.add_response("list_detectors", {"DetectorIds": ["abc"]})
    gd.add_response("get_detector", existing, {"DetectorId": "abc"})
    st.add_response("get_caller_identity", {"Account": "123456789012"})
    gd.add_response("untag_resource", {}, {"ResourceArn": arn, "TagKeys": ["Old"]})
    gd.add_response("tag_resource", {}, {"ResourceArn": arn, "Tags": {"Name": "gd"}})
    gd.add_response("list_detectors", {"DetectorIds": ["abc"]})
    gd.add_response("get_detector", dict(existing, Tags={"Name": "gd"}), {"DetectorId": "abc"})
    clients = {"guardduty": guardduty, "sts": sts}
    monkeypatch.setattr(guardduty_detector.AnsibleAWSModule, "client", lambda self, service, **kwargs: clients[service])
    with gd, st:
        result = run_module(guardduty_detector, {"tags": {"Name": "gd"}})
    assert result["changed"] is True
    assert result["detector"]["tags"] == {"Name": "gd"}
    gd.assert_no_pending_responses()


# owner: several environments share the account's one detector.
OWNER = {"Name": "kumo-prod-guardduty"}
MINE = {"Name": "kumo-prod-guardduty", "Environment": "prod"}


def test_with_an_owner_a_detector_made_by_another_is_adopted_not_retagged(guardduty, run_module):
    theirs = guardduty.create_detector(Enable=False, Tags={"Name": "security-team"})["DetectorId"]
    args = {"finding_publishing_frequency": "FIFTEEN_MINUTES", "tags": MINE, "owner": OWNER}
    first = run_module(guardduty_detector, args)
    assert (first["changed"], first["adopted"]) == (True, True)
    detector = guardduty.get_detector(DetectorId=theirs)
    assert (detector["Status"], detector["FindingPublishingFrequency"]) == ("ENABLED", "FIFTEEN_MINUTES")
    assert detector["Tags"] == {"Name": "security-team"}
    assert run_module(guardduty_detector, args)["changed"] is False


def test_with_an_owner_absent_keeps_a_detector_it_did_not_make(guardduty, run_module):
    theirs = guardduty.create_detector(Enable=True, Tags={"Name": "kumo-prod-guardduty"})["DetectorId"]
    result = run_module(guardduty_detector, {"owner": {"Name": "kumo-dev-guardduty"}, "state": "absent"}, diff=True)
    assert (result["changed"], result["adopted"]) == (False, True)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert detectors(guardduty) == [theirs]


def test_with_an_owner_absent_deletes_the_detector_it_made(guardduty, run_module):
    run_module(guardduty_detector, {"tags": MINE, "owner": OWNER})
    result = run_module(guardduty_detector, {"owner": OWNER, "state": "absent"})
    assert (result["changed"], result["adopted"]) == (True, False)
    assert detectors(guardduty) == []


def test_the_tags_must_carry_the_owner_tags(guardduty, run_module):
    result = run_module(guardduty_detector, {"tags": {"Name": "other"}, "owner": OWNER})
    assert result["failed"] is True
    assert "owner tags" in result["msg"]
    assert detectors(guardduty) == []
