"""kumo.platform.ec2_vpc_flow_log against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ec2_vpc_flow_log

ROLE = "arn:aws:iam::123456789012:role/flow-logs"


@pytest.fixture
def vpc():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="ap-northeast-1")
        yield ec2, ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]


def args(vpc_id, **extra):
    return {"vpc_id": vpc_id, "log_group_name": "flow", "iam_role_arn": ROLE, "tags": {"Name": "fl"}, **extra}


def flow_logs(ec2, vpc_id):
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def test_check_mode_reports_a_change_and_creates_nothing(vpc, run_module):
    ec2, vpc_id = vpc
    result = run_module(ec2_vpc_flow_log, args(vpc_id), check_mode=True)
    assert result["changed"] is True
    assert flow_logs(ec2, vpc_id) == []


def test_create_then_nothing_to_do(vpc, run_module):
    ec2, vpc_id = vpc
    first = run_module(ec2_vpc_flow_log, args(vpc_id), diff=True)
    assert first["changed"] is True
    assert first["flow_log"]["log_group_name"] == "flow"
    assert first["diff"]["before"] == {} and first["diff"]["after"]["traffic_type"] == "ALL"
    [created] = flow_logs(ec2, vpc_id)
    assert created["TrafficType"] == "ALL"
    assert created["DeliverLogsPermissionArn"] == ROLE
    assert created["MaxAggregationInterval"] == 600
    assert {t["Key"]: t["Value"] for t in created["Tags"]} == {"Name": "fl"}

    second = run_module(ec2_vpc_flow_log, args(vpc_id))
    assert second["changed"] is False
    assert len(flow_logs(ec2, vpc_id)) == 1


def test_a_changed_setting_replaces_the_flow_log(vpc, run_module):
    ec2, vpc_id = vpc
    run_module(ec2_vpc_flow_log, args(vpc_id))
    [before] = flow_logs(ec2, vpc_id)
    result = run_module(ec2_vpc_flow_log, args(vpc_id, traffic_type="REJECT"))
    assert result["changed"] is True
    assert result["replaced"] == ["traffic_type"]
    [after] = flow_logs(ec2, vpc_id)
    assert after["TrafficType"] == "REJECT"
    assert after["FlowLogId"] != before["FlowLogId"]


def test_tags_are_updated_in_place(vpc, run_module):
    ec2, vpc_id = vpc
    run_module(ec2_vpc_flow_log, args(vpc_id))
    [before] = flow_logs(ec2, vpc_id)
    result = run_module(ec2_vpc_flow_log, args(vpc_id, tags={"Name": "fl", "Team": "platform"}))
    assert result["changed"] is True
    [after] = flow_logs(ec2, vpc_id)
    assert after["FlowLogId"] == before["FlowLogId"]
    assert {t["Key"]: t["Value"] for t in after["Tags"]} == {"Name": "fl", "Team": "platform"}


def test_absent_deletes_and_is_then_a_no_op(vpc, run_module):
    ec2, vpc_id = vpc
    run_module(ec2_vpc_flow_log, args(vpc_id))
    check = run_module(
        ec2_vpc_flow_log, {"vpc_id": vpc_id, "log_group_name": "flow", "state": "absent"}, check_mode=True
    )
    assert check["changed"] is True and len(flow_logs(ec2, vpc_id)) == 1
    gone = run_module(ec2_vpc_flow_log, {"vpc_id": vpc_id, "log_group_name": "flow", "state": "absent"})
    assert gone["changed"] is True and flow_logs(ec2, vpc_id) == []
    again = run_module(ec2_vpc_flow_log, {"vpc_id": vpc_id, "log_group_name": "flow", "state": "absent"})
    assert again["changed"] is False


def test_present_needs_a_role(vpc, run_module):
    vpc_id = vpc[1]
    result = run_module(ec2_vpc_flow_log, {"vpc_id": vpc_id, "log_group_name": "flow"})
    assert result["failed"] is True
    assert "iam_role_arn" in result["msg"]
