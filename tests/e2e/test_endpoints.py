"""The endpoints layer, converged on the emulator and read back (SPEC.md, "Network": VPC endpoints)."""

import pytest

from kumo_testlib import expected_tags, tags_of

pytestmark = pytest.mark.e2e

REGION = "ap-northeast-1"
AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
INTERFACE = ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]
GATEWAY = ["s3"]
# The zones holding the Interface endpoints: dev's cost design puts them only
# where its instances run (inventories/dev endpoints_availability_zones).
INTERFACE_AZS = {"dev": AZS[:1], "staging": AZS, "prod": AZS}


def endpoint_name(env, service):
    return f"kumo-{env}-{service.replace('.', '-')}-endpoint"


@pytest.fixture(scope="module")
def endpoints(stacks, env):
    stack = stacks[env]
    stack.converged("network", "endpoints")
    return stack, stack.client("ec2"), _network(stack.client("ec2"), env)


def _network(ec2, env):
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"kumo-{env}-vpc"]}])["Vpcs"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    private = [f"kumo-{env}-private-{az[-1]}" for az in AZS]
    subnets = ec2.describe_subnets(Filters=[*in_vpc, {"Name": "tag:Name", "Values": private}])["Subnets"]
    tables = ec2.describe_route_tables(Filters=[*in_vpc, {"Name": "tag:Name", "Values": private}])["RouteTables"]
    [group] = ec2.describe_security_groups(
        Filters=[*in_vpc, {"Name": "group-name", "Values": [f"kumo-{env}-endpoints"]}]
    )["SecurityGroups"]
    return {
        "vpc_id": vpc["VpcId"],
        "subnet_ids": sorted(s["SubnetId"] for s in subnets),
        "subnet_by_az": {s["AvailabilityZone"]: s["SubnetId"] for s in subnets},
        "subnet_azs": sorted(s["AvailabilityZone"] for s in subnets),
        "route_table_ids": sorted(t["RouteTableId"] for t in tables),
        "endpoints_sg": group["GroupId"],
    }


def live_endpoints(ec2, vpc_id):
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return {e["ServiceName"]: e for e in found if e["State"].lower() not in ("deleting", "deleted")}


def test_second_run_changes_nothing(endpoints):
    stack, _, _ = endpoints
    _, second = stack.converged("network", "endpoints")
    assert second.changed == 0, second.changed_tasks()


def test_exactly_the_spec_endpoints_exist(endpoints):
    _, ec2, network = endpoints
    found = live_endpoints(ec2, network["vpc_id"])
    assert len(found) == len(INTERFACE) + len(GATEWAY), sorted(found)
    assert set(found) == {f"com.amazonaws.{REGION}.{s}" for s in INTERFACE + GATEWAY}


def interface_subnets(network, env):
    return sorted(network["subnet_by_az"][az] for az in INTERFACE_AZS[env])


def test_interface_endpoints_in_the_private_subnets_with_private_dns(endpoints, env):
    _, ec2, network = endpoints
    found = live_endpoints(ec2, network["vpc_id"])
    assert network["subnet_azs"] == AZS
    for service in INTERFACE:
        endpoint = found[f"com.amazonaws.{REGION}.{service}"]
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["State"].lower() == "available"
        assert sorted(endpoint["SubnetIds"]) == interface_subnets(network, env)
        assert [g["GroupId"] for g in endpoint["Groups"]] == [network["endpoints_sg"]]
        assert endpoint["PrivateDnsEnabled"] is True
        assert endpoint["RouteTableIds"] == []
        assert tags_of(endpoint) == expected_tags(env, endpoint_name(env, service))


def test_s3_gateway_endpoint_on_every_private_route_table(endpoints, env):
    _, ec2, network = endpoints
    endpoint = live_endpoints(ec2, network["vpc_id"])[f"com.amazonaws.{REGION}.s3"]
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert endpoint["State"].lower() == "available"
    assert len(network["route_table_ids"]) == len(AZS)
    assert sorted(endpoint["RouteTableIds"]) == network["route_table_ids"]
    assert tags_of(endpoint) == expected_tags(env, endpoint_name(env, "s3"))
    tables = ec2.describe_route_tables(RouteTableIds=network["route_table_ids"])["RouteTables"]
    for table in tables:
        routes = [r for r in table["Routes"] if r.get("GatewayId") == endpoint["VpcEndpointId"]]
        assert len(routes) == 1 and routes[0]["DestinationPrefixListId"].startswith("pl-"), table["RouteTableId"]
    public = ec2.describe_route_tables(
        Filters=[
            {"Name": "tag:Name", "Values": [f"kumo-{env}-public"]},
            {"Name": "vpc-id", "Values": [network["vpc_id"]]},
        ]
    )["RouteTables"]
    assert [r for t in public for r in t["Routes"] if r.get("GatewayId") == endpoint["VpcEndpointId"]] == []


def test_the_endpoints_security_group_admits_https_from_ecs_only(endpoints, env):
    _, ec2, network = endpoints
    [group] = ec2.describe_security_groups(GroupIds=[network["endpoints_sg"]])["SecurityGroups"]
    [ecs] = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [network["vpc_id"]]},
            {"Name": "group-name", "Values": [f"kumo-{env}-ecs"]},
        ]
    )["SecurityGroups"]
    rules = [
        (p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), pair["GroupId"])
        for p in group["IpPermissions"]
        for pair in p.get("UserIdGroupPairs", [])
    ]
    assert rules == [("tcp", 443, 443, ecs["GroupId"])]
    assert all(not p.get("IpRanges") and not p.get("Ipv6Ranges") for p in group["IpPermissions"])


def test_the_endpoints_layer_alone_changes_nothing(endpoints):
    stack, _, _ = endpoints
    run = stack.run(tags=["endpoints"], refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()


# Last: it drifts the stack, then repairs it.
def test_check_mode_reports_drift_and_a_converge_repairs_it(endpoints, env):
    stack, ec2, network = endpoints
    endpoint = live_endpoints(ec2, network["vpc_id"])[f"com.amazonaws.{REGION}.ecr.api"]
    removed = interface_subnets(network, env)[-1]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], RemoveSubnetIds=[removed], PrivateDnsEnabled=False)

    plan = stack.run(tags=["endpoints"], check=True, diff=True)
    assert plan.returncode == 0, plan.tail()
    assert plan.changed == 1, plan.changed_tasks()
    assert plan.changed_tasks() == ["kumo.platform.endpoints : Create the Interface endpoints in the private subnets"]
    drifted = live_endpoints(ec2, network["vpc_id"])[f"com.amazonaws.{REGION}.ecr.api"]
    assert removed not in drifted["SubnetIds"] and drifted["PrivateDnsEnabled"] is False

    repair = stack.run(tags=["endpoints"])
    assert repair.returncode == 0, repair.tail()
    assert repair.changed == 1, repair.changed_tasks()
    repaired = live_endpoints(ec2, network["vpc_id"])[f"com.amazonaws.{REGION}.ecr.api"]
    assert repaired["VpcEndpointId"] == endpoint["VpcEndpointId"]
    assert sorted(repaired["SubnetIds"]) == interface_subnets(network, env)
    assert repaired["PrivateDnsEnabled"] is True
    assert stack.run(tags=["endpoints"]).changed == 0


# Last too: it moves the endpoints out of, then back into, zones.
def test_the_endpoints_follow_endpoints_availability_zones_in_place(endpoints, env):
    stack, ec2, network = endpoints
    before = {e["ServiceName"]: e["VpcEndpointId"] for e in live_endpoints(ec2, network["vpc_id"]).values()}
    moved = [AZS[-1]] if INTERFACE_AZS[env] != [AZS[-1]] else [AZS[0]]
    # Moved, then back as the inventory has it.
    for zones, extra_vars in ((moved, {"endpoints_availability_zones": moved}), (INTERFACE_AZS[env], None)):
        run = stack.run(tags=["endpoints"], extra_vars=extra_vars)
        assert run.returncode == 0, run.tail()
        assert run.changed > 0, "the endpoints' zones changed"
        found = live_endpoints(ec2, network["vpc_id"])
        assert {name: e["VpcEndpointId"] for name, e in found.items()} == before, "replaced, not modified"
        for service in INTERFACE:
            subnets = found[f"com.amazonaws.{REGION}.{service}"]["SubnetIds"]
            assert sorted(subnets) == sorted(network["subnet_by_az"][az] for az in zones), service
    again = stack.run(tags=["endpoints"], refresh="full")
    assert again.returncode == 0 and again.changed == 0, again.changed_tasks()
