"""The endpoints layer, converged on the emulator and read back (SPEC.md, "Network": VPC endpoints)."""

import json

import pytest

from kumo_testlib import expected_tags, sampled, tags_of

pytestmark = pytest.mark.e2e

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"  # the emulator's
AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
# The SPEC's Interface endpoints. The cost design ships none (every inventory
# lists only the Gateway endpoint); the private-path test below lists them.
INTERFACE = ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]
GATEWAY = ["s3"]
# Where they go when listed: dev names AZ a (where its instances run), the others every zone.
INTERFACE_AZS = {"dev": AZS[:1], "staging": AZS, "prod": AZS}


def endpoint_name(env, service):
    return f"kumo-{env}-{service.replace('.', '-')}-endpoint"


# Every endpoint admits the account's principals only (Prowler's
# vpc_endpoint_connections_trust_boundaries); the S3 one also lets the instances
# read the AWS-owned buckets of ECR's image layers and Amazon Linux's packages.
ACCOUNT_ONLY = {
    "Sid": "AccountPrincipalsOnly",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "*",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
}
AWS_OWNED_READS = {
    "Sid": "AwsOwnedBucketsTheInstancesRead",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": [
        f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*",
        f"arn:aws:s3:::al2023-repos-{REGION}-de612dc2/*",
        f"arn:aws:s3:::amazonlinux-2-repos-{REGION}/*",
    ],
}


def statements(endpoint):
    return json.loads(endpoint["PolicyDocument"])["Statement"]


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


def test_exactly_the_inventory_endpoints_exist(endpoints):
    _, ec2, network = endpoints
    found = live_endpoints(ec2, network["vpc_id"])
    assert set(found) == {f"com.amazonaws.{REGION}.{s}" for s in GATEWAY}, sorted(found)


def interface_subnets(network, zones):
    return sorted(network["subnet_by_az"][az] for az in zones)


def assert_interface_endpoints(ec2, network, env, zones):
    """The SPEC's Interface endpoints, in the private subnets of ``zones``, with
    private DNS, the endpoints security group and their tags; the ids by service."""
    found = live_endpoints(ec2, network["vpc_id"])
    assert set(found) == {f"com.amazonaws.{REGION}.{s}" for s in INTERFACE + GATEWAY}, sorted(found)
    for service in INTERFACE:
        endpoint = found[f"com.amazonaws.{REGION}.{service}"]
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["State"].lower() == "available"
        assert sorted(endpoint["SubnetIds"]) == interface_subnets(network, zones), service
        assert [g["GroupId"] for g in endpoint["Groups"]] == [network["endpoints_sg"]]
        assert endpoint["PrivateDnsEnabled"] is True
        assert endpoint["RouteTableIds"] == []
        assert statements(endpoint) == [ACCOUNT_ONLY], service
        assert tags_of(endpoint) == expected_tags(env, endpoint_name(env, service))
    return {name: e["VpcEndpointId"] for name, e in found.items()}


def test_s3_gateway_endpoint_on_every_private_route_table(endpoints, env):
    _, ec2, network = endpoints
    endpoint = live_endpoints(ec2, network["vpc_id"])[f"com.amazonaws.{REGION}.s3"]
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert endpoint["State"].lower() == "available"
    assert len(network["route_table_ids"]) == len(AZS)
    assert sorted(endpoint["RouteTableIds"]) == network["route_table_ids"]
    assert statements(endpoint) == [ACCOUNT_ONLY, AWS_OWNED_READS]
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


# One environment in make test: the layer's tasks are the same in each (the
# shared stack's second run already ran every task of every layer in both).
@sampled("dev")
def test_the_endpoints_layer_alone_changes_nothing(endpoints, env):
    stack, _, _ = endpoints
    run = stack.run(tags=["endpoints"], refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()


# Last: it builds the private path on the shared stack, drifts and repairs it,
# moves it between zones, then removes it as the inventory has it. The SPEC's
# endpoints are built alike in every environment; make test runs this in dev
# (one zone), make test-all in every environment.
@sampled("dev")
def test_interface_endpoints_are_built_repaired_moved_and_removed(endpoints, env):
    stack, ec2, network = endpoints
    private = {"endpoints_interface_services": INTERFACE, "endpoints_availability_zones": INTERFACE_AZS[env]}
    create = "kumo.platform.endpoints : Create the Interface endpoints in the private subnets"

    stack.emulator.clear_requests()
    plan = stack.run(tags=["endpoints"], extra_vars=private, check=True, diff=True)
    assert plan.returncode == 0, plan.tail()
    assert plan.changed_tasks() == [create], plan.changed_tasks()
    assert stack.emulator.writes() == []

    built = stack.run(tags=["endpoints"], extra_vars=private)
    assert built.returncode == 0, built.tail()
    ids = assert_interface_endpoints(ec2, network, env, INTERFACE_AZS[env])
    again = stack.run(tags=["endpoints"], extra_vars=private, refresh="full")
    assert again.returncode == 0 and again.changed == 0, again.changed_tasks()

    # Drift: a zone's subnet added (one zone) or removed (several) by hand, and
    # private DNS off; a plan names it, a converge repairs it in place.
    api = ids[f"com.amazonaws.{REGION}.ecr.api"]
    zones = INTERFACE_AZS[env]
    if len(zones) == 1:
        moved = [next(az for az in AZS if az not in zones)]
        change = {"AddSubnetIds": [network["subnet_by_az"][moved[0]]]}
    else:
        moved = zones[:1]
        change = {"RemoveSubnetIds": [network["subnet_by_az"][zones[-1]]]}
    ec2.modify_vpc_endpoint(VpcEndpointId=api, PrivateDnsEnabled=False, **change)
    drift = stack.run(tags=["endpoints"], extra_vars=private, check=True, diff=True)
    assert drift.returncode == 0, drift.tail()
    assert drift.changed_tasks() == [create] and drift.changed == 1, drift.changed_tasks()
    repair = stack.run(tags=["endpoints"], extra_vars=private)
    assert repair.returncode == 0 and repair.changed == 1, repair.changed_tasks()
    assert assert_interface_endpoints(ec2, network, env, INTERFACE_AZS[env]) == ids

    # Moved to other zones in place (the same endpoints, other subnets).
    move = stack.run(tags=["endpoints"], extra_vars={**private, "endpoints_availability_zones": moved})
    assert move.returncode == 0 and move.changed > 0, move.tail()
    assert assert_interface_endpoints(ec2, network, env, moved) == ids, "replaced, not modified"

    # Back to the inventory: no Interface endpoint, the Gateway one untouched.
    gateway = ids[f"com.amazonaws.{REGION}.s3"]
    removed = stack.run(tags=["endpoints"])
    assert removed.returncode == 0, removed.tail()
    assert "kumo.platform.endpoints : Remove the endpoints of services no longer listed" in removed.changed_tasks()
    found = live_endpoints(ec2, network["vpc_id"])
    assert {name: e["VpcEndpointId"] for name, e in found.items()} == {f"com.amazonaws.{REGION}.s3": gateway}
    rerun = stack.run(tags=["endpoints"], refresh="full")
    assert rerun.returncode == 0 and rerun.changed == 0, rerun.changed_tasks()
