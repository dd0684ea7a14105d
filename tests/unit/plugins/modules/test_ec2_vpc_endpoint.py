"""kumo.platform.ec2_vpc_endpoint against moto in-process."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ec2_vpc_endpoint
from emulator.patches import ec2_vpc_endpoint_modify_private_dns, ec2_vpc_endpoint_modify_route_tables

ec2_vpc_endpoint_modify_private_dns.apply()
ec2_vpc_endpoint_modify_route_tables.apply()

LOGS = "com.amazonaws.ap-northeast-1.logs"
S3 = "com.amazonaws.ap-northeast-1.s3"


@pytest.fixture
def vpc():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="ap-northeast-1")
        vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"ap-northeast-1{az}")[
                "Subnet"
            ]["SubnetId"]
            for i, az in enumerate("acd")
        ]
        groups = [
            ec2.create_security_group(VpcId=vpc_id, GroupName=name, Description=name)["GroupId"]
            for name in ("endpoints", "other")
        ]
        tables = [ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for _table in range(3)]
        yield {"ec2": ec2, "vpc_id": vpc_id, "subnets": subnets, "groups": groups, "tables": tables}


def interface(v, **extra):
    return {
        "vpc_id": v["vpc_id"],
        "service_name": LOGS,
        "vpc_endpoint_type": "Interface",
        "subnet_ids": v["subnets"],
        "security_group_ids": v["groups"][:1],
        "private_dns_enabled": True,
        "tags": {"Name": "logs-endpoint"},
        **extra,
    }


def gateway(v, **extra):
    return {
        "vpc_id": v["vpc_id"],
        "service_name": S3,
        "vpc_endpoint_type": "Gateway",
        "route_table_ids": v["tables"],
        "tags": {"Name": "s3-endpoint"},
        **extra,
    }


def live(v):
    return [e for e in v["ec2"].describe_vpc_endpoints()["VpcEndpoints"] if e["State"] != "deleted"]


def test_check_mode_reports_a_change_and_creates_nothing(vpc, run_module):
    result = run_module(ec2_vpc_endpoint, interface(vpc), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["private_dns_enabled"] is True
    assert live(vpc) == []


def test_interface_endpoint_is_created_then_left_alone(vpc, run_module):
    first = run_module(ec2_vpc_endpoint, interface(vpc), diff=True)
    assert first["changed"] is True
    assert first["vpc_endpoint"]["state"] == "available"
    assert first["diff"]["before"] == {}
    [created] = live(vpc)
    assert created["VpcEndpointType"] == "Interface"
    assert created["ServiceName"] == LOGS
    assert sorted(created["SubnetIds"]) == sorted(vpc["subnets"])
    assert [g["GroupId"] for g in created["Groups"]] == vpc["groups"][:1]
    assert created["PrivateDnsEnabled"] is True
    assert {t["Key"]: t["Value"] for t in created["Tags"]} == {"Name": "logs-endpoint"}

    second = run_module(ec2_vpc_endpoint, interface(vpc))
    assert second["changed"] is False
    assert second["modifications"] == {}
    assert [e["VpcEndpointId"] for e in live(vpc)] == [created["VpcEndpointId"]]


def test_drift_is_converged_in_place(vpc, run_module):
    run_module(ec2_vpc_endpoint, interface(vpc))
    [before] = live(vpc)
    endpoint_id = before["VpcEndpointId"]
    vpc["ec2"].modify_vpc_endpoint(
        VpcEndpointId=endpoint_id,
        RemoveSubnetIds=vpc["subnets"][2:],
        AddSecurityGroupIds=vpc["groups"][1:],
        PrivateDnsEnabled=False,
    )

    check = run_module(ec2_vpc_endpoint, interface(vpc), check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["modifications"] == {
        "AddSubnetIds": vpc["subnets"][2:],
        "RemoveSecurityGroupIds": vpc["groups"][1:],
        "PrivateDnsEnabled": True,
    }
    assert check["diff"]["after"]["subnet_ids"] == sorted(vpc["subnets"])
    [untouched] = live(vpc)
    assert len(untouched["SubnetIds"]) == 2 and untouched["PrivateDnsEnabled"] is False

    fixed = run_module(ec2_vpc_endpoint, interface(vpc))
    assert fixed["changed"] is True
    [after] = live(vpc)
    assert after["VpcEndpointId"] == endpoint_id
    assert sorted(after["SubnetIds"]) == sorted(vpc["subnets"])
    assert [g["GroupId"] for g in after["Groups"]] == vpc["groups"][:1]
    assert after["PrivateDnsEnabled"] is True
    assert run_module(ec2_vpc_endpoint, interface(vpc))["changed"] is False


def test_unset_options_are_left_alone(vpc, run_module):
    run_module(ec2_vpc_endpoint, interface(vpc))
    args = interface(vpc)
    for option in ("subnet_ids", "security_group_ids", "private_dns_enabled"):
        args.pop(option)
    result = run_module(ec2_vpc_endpoint, args)
    assert result["changed"] is False


def test_gateway_endpoint_route_tables_converge(vpc, run_module):
    first = run_module(ec2_vpc_endpoint, gateway(vpc, route_table_ids=vpc["tables"][:1]))
    assert first["changed"] is True
    result = run_module(ec2_vpc_endpoint, gateway(vpc))
    assert result["changed"] is True
    assert result["modifications"] == {"AddRouteTableIds": sorted(vpc["tables"][1:])}
    [endpoint] = live(vpc)
    assert endpoint["VpcEndpointId"] == first["vpc_endpoint"]["vpc_endpoint_id"]
    assert sorted(endpoint["RouteTableIds"]) == sorted(vpc["tables"])
    for table in vpc["ec2"].describe_route_tables(RouteTableIds=vpc["tables"])["RouteTables"]:
        assert [r["GatewayId"] for r in table["Routes"] if r.get("DestinationPrefixListId")] == [
            endpoint["VpcEndpointId"]
        ]
    assert run_module(ec2_vpc_endpoint, gateway(vpc))["changed"] is False


def test_tags_are_updated_and_purged(vpc, run_module):
    run_module(ec2_vpc_endpoint, gateway(vpc, tags={"Name": "s3-endpoint", "Old": "x"}))
    kept = run_module(ec2_vpc_endpoint, gateway(vpc, tags={"Name": "s3-endpoint", "Team": "p"}, purge_tags=False))
    assert kept["changed"] is True
    [endpoint] = live(vpc)
    assert {t["Key"]: t["Value"] for t in endpoint["Tags"]} == {"Name": "s3-endpoint", "Old": "x", "Team": "p"}
    purged = run_module(ec2_vpc_endpoint, gateway(vpc, tags={"Name": "s3-endpoint", "Team": "p"}))
    assert purged["changed"] is True
    [endpoint] = live(vpc)
    assert {t["Key"]: t["Value"] for t in endpoint["Tags"]} == {"Name": "s3-endpoint", "Team": "p"}


def test_the_name_tag_tells_endpoints_of_one_service_apart(vpc, run_module):
    run_module(ec2_vpc_endpoint, interface(vpc))
    other = run_module(ec2_vpc_endpoint, interface(vpc, tags={"Name": "second"}, subnet_ids=vpc["subnets"][:1]))
    assert other["changed"] is True
    assert len(live(vpc)) == 2
    assert run_module(ec2_vpc_endpoint, interface(vpc))["changed"] is False


def test_ambiguous_match_fails_instead_of_guessing(vpc, run_module):
    for _copy in range(2):
        vpc["ec2"].create_vpc_endpoint(
            VpcId=vpc["vpc_id"], ServiceName=S3, VpcEndpointType="Gateway", RouteTableIds=vpc["tables"][:1]
        )
    args = gateway(vpc)
    args.pop("tags")
    result = run_module(ec2_vpc_endpoint, args)
    assert result["failed"] is True
    assert len(result["vpc_endpoint_ids"]) == 2


def test_a_deleted_endpoint_is_not_reused(vpc, run_module):
    first = run_module(ec2_vpc_endpoint, gateway(vpc))
    vpc["ec2"].delete_vpc_endpoints(VpcEndpointIds=[first["vpc_endpoint"]["vpc_endpoint_id"]])
    second = run_module(ec2_vpc_endpoint, gateway(vpc))
    assert second["changed"] is True
    assert second["vpc_endpoint"]["vpc_endpoint_id"] != first["vpc_endpoint"]["vpc_endpoint_id"]
    assert len(live(vpc)) == 1


def test_absent_deletes_and_is_then_a_no_op(vpc, run_module):
    run_module(ec2_vpc_endpoint, interface(vpc))
    absent = {"vpc_id": vpc["vpc_id"], "service_name": LOGS, "vpc_endpoint_type": "Interface"}
    absent["tags"] = {"Name": "logs-endpoint"}
    check = run_module(ec2_vpc_endpoint, dict(absent, state="absent"), check_mode=True)
    assert check["changed"] is True and len(live(vpc)) == 1
    gone = run_module(ec2_vpc_endpoint, dict(absent, state="absent"))
    assert gone["changed"] is True and live(vpc) == []
    again = run_module(ec2_vpc_endpoint, dict(absent, state="absent"))
    assert again["changed"] is False


def test_options_of_the_other_type_are_refused(vpc, run_module):
    result = run_module(ec2_vpc_endpoint, gateway(vpc, private_dns_enabled=True))
    assert result["failed"] is True
    assert "private_dns_enabled" in result["msg"] and "Gateway" in result["msg"]
    assert live(vpc) == []


def test_policy_is_converged(vpc, run_module):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
    run_module(ec2_vpc_endpoint, gateway(vpc))
    result = run_module(ec2_vpc_endpoint, gateway(vpc, policy=policy))
    assert result["changed"] is True and "PolicyDocument" in result["modifications"]
    assert run_module(ec2_vpc_endpoint, gateway(vpc, policy=policy))["changed"] is False


def test_wait_times_out_on_a_pending_endpoint(vpc, run_module, monkeypatch):
    monkeypatch.setattr(ec2_vpc_endpoint, "_POLL_SECONDS", 0)
    monkeypatch.setattr(ec2_vpc_endpoint, "describe_one", lambda client, endpoint_id: {"State": "pending"})
    result = run_module(ec2_vpc_endpoint, gateway(vpc, wait_timeout=0))
    assert result["failed"] is True
    assert "Timed out" in result["msg"] and "pending" in result["msg"]
