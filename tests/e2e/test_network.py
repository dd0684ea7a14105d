"""The network layer, converged on the emulator and read back (SPEC.md, "Network")."""

import ipaddress

import pytest

from kumo_testlib import expected_tags, tags_of

pytestmark = pytest.mark.e2e

CIDRS = {
    "dev": (
        "10.0.0.0/16",
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
        ["10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"],
    ),
    "staging": (
        "10.1.0.0/16",
        ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24"],
        ["10.1.128.0/24", "10.1.129.0/24", "10.1.130.0/24"],
    ),
    "prod": (
        "10.2.0.0/16",
        ["10.2.0.0/24", "10.2.1.0/24", "10.2.2.0/24"],
        ["10.2.128.0/24", "10.2.129.0/24", "10.2.130.0/24"],
    ),
}
AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
# The cost design: one NAT gateway, in AZ a, in every environment (prod's
# inventory turns network_one_nat_gateway_per_az off; the last test turns it on).
NAT_AZS = {"dev": AZS[:1], "staging": AZS[:1], "prod": AZS[:1]}
FLOW_LOGS = {"dev": False, "staging": True, "prod": True}
# kumo_deploy_strategy blue_green: the ALB's test listener port is open to the NAT gateways.
BLUE_GREEN = {"dev": False, "staging": True, "prod": True}
RETENTION = {"staging": 14, "prod": 30}


@pytest.fixture(scope="module")
def network(stacks, env):
    stack = stacks[env]
    stack.converged("network")
    ec2 = stack.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"kumo-{env}-vpc"]}])["Vpcs"]
    return stack, ec2, vpcs


def by_name(resources):
    return {tags_of(r)["Name"]: r for r in resources}


def test_second_run_changes_nothing(network):
    stack, _, _ = network
    _, second = stack.converged("network")
    assert second.changed == 0, second.changed_tasks()


def test_one_vpc_with_the_spec_cidr_and_tags(network, env):
    _, ec2, vpcs = network
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert vpc["CidrBlock"] == CIDRS[env][0]
    assert tags_of(vpc) == expected_tags(env, f"kumo-{env}-vpc")
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        value = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        assert value[attribute[0].upper() + attribute[1:]]["Value"] is True


def test_subnets_per_az_with_spec_cidrs(network, env):
    _, ec2, vpcs = network
    subnets = by_name(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"])
    _, public, private = CIDRS[env]
    assert len(subnets) == 6
    for tier, cidrs in (("public", public), ("private", private)):
        for az, cidr in zip(AZS, cidrs, strict=True):
            name = f"kumo-{env}-{tier}-{az[-1]}"
            subnet = subnets[name]
            assert subnet["CidrBlock"] == cidr
            assert subnet["AvailabilityZone"] == az
            assert subnet["MapPublicIpOnLaunch"] is False
            assert tags_of(subnet) == {**expected_tags(env, name), "Tier": tier}


def assert_nat_gateways(ec2, env, vpc_id, nat_azs):
    """One NAT gateway (tagged, in the public subnet) per AZ of ``nat_azs``, one
    Elastic IP each and no other, and every private subnet routed through its
    own AZ's gateway, else through the first AZ's."""
    subnets = {
        s["SubnetId"]: s for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    }
    nats = [
        n
        for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
        if n["State"] in ("pending", "available")
    ]
    assert sorted(subnets[n["SubnetId"]]["AvailabilityZone"] for n in nats) == nat_azs
    for nat in nats:
        assert tags_of(subnets[nat["SubnetId"]])["Tier"] == "public"
        assert tags_of(nat) == expected_tags(env, f"kumo-{env}-nat-{subnets[nat['SubnetId']]['AvailabilityZone'][-1]}")
    eips = ec2.describe_addresses(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Addresses"]
    assert len(eips) == len(nats)
    assert {e["AllocationId"] for e in eips} == {n["NatGatewayAddresses"][0]["AllocationId"] for n in nats}

    nat_az = {n["NatGatewayId"]: subnets[n["SubnetId"]]["AvailabilityZone"] for n in nats}
    tables = by_name(
        t
        for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
        if tags_of(t).get("Name")
    )
    for az in AZS:
        table = tables[f"kumo-{env}-private-{az[-1]}"]
        default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert len(default) == 1, table["Routes"]
        assert nat_az[default[0]["NatGatewayId"]] == (az if az in nat_azs else nat_azs[0])
    return nats


def test_nat_gateways_eips_and_private_routes_per_environment(network, env):
    _, ec2, vpcs = network
    assert_nat_gateways(ec2, env, vpcs[0]["VpcId"], NAT_AZS[env])


def test_routes(network, env):
    _, ec2, vpcs = network
    vpc_id = vpcs[0]["VpcId"]
    subnets = {
        s["SubnetId"]: s for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    }
    tables = by_name(
        t
        for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
        if tags_of(t).get("Name")
    )
    assert set(tables) == {f"kumo-{env}-public", *(f"kumo-{env}-private-{az[-1]}" for az in AZS)}

    public = tables[f"kumo-{env}-public"]
    default = [r for r in public["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert len(default) == 1 and default[0]["GatewayId"].startswith("igw-")
    assert (
        sorted(subnets[a["SubnetId"]]["AvailabilityZone"] for a in public["Associations"] if a.get("SubnetId")) == AZS
    )

    for az in AZS:
        table = tables[f"kumo-{env}-private-{az[-1]}"]
        assert tags_of(table) == expected_tags(env, f"kumo-{env}-private-{az[-1]}")
        associated = [subnets[a["SubnetId"]] for a in table["Associations"] if a.get("SubnetId")]
        assert [(s["AvailabilityZone"], tags_of(s)["Tier"]) for s in associated] == [(az, "private")]
        default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert len(default) == 1 and default[0]["NatGatewayId"].startswith("nat-")


def _rules(permissions):
    rules = set()
    for p in permissions:
        for r in p.get("IpRanges", []):
            rules.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"]))
        for r in p.get("Ipv6Ranges", []):
            rules.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIpv6"]))
        for r in p.get("UserIdGroupPairs", []):
            rules.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["GroupId"]))
        for r in p.get("PrefixListIds", []):
            rules.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["PrefixListId"]))
    return rules


def _cloudfront_prefix_list(ec2):
    lists = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}]
    )["PrefixLists"]
    return lists[0]["PrefixListId"]


def test_security_groups_are_chained(network, env):
    _, ec2, vpcs = network
    vpc_id = vpcs[0]["VpcId"]
    groups = {
        g["GroupName"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    }
    names = ("alb", "alb-http", "alb-test", "ecs", "endpoints")
    assert set(groups) == {"default"} | {f"kumo-{env}-{n}" for n in names}
    alb, alb_http, alb_test, ecs, endpoints = (groups[f"kumo-{env}-{n}"] for n in names)

    # CloudFront's origin-facing list only (SPEC Network), one port a group: the list
    # weighs 55 of a group's 60 rules, so AWS refuses both ports in one group
    cloudfront = _cloudfront_prefix_list(ec2)
    assert _rules(alb["IpPermissions"]) == {("tcp", 443, 443, cloudfront)}
    assert _rules(alb_http["IpPermissions"]) == {("tcp", 80, 80, cloudfront)}
    assert _rules(alb["IpPermissionsEgress"]) == {("tcp", 32768, 65535, CIDRS[env][0])}
    assert _rules(alb_http["IpPermissionsEgress"]) == set()
    # the blue/green test listener's port, from the NAT gateways' addresses only
    nat_ips = {
        address["PublicIp"] + "/32"
        for nat in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
        if nat["State"] == "available"
        for address in nat["NatGatewayAddresses"]
    }
    assert len(nat_ips) == len(NAT_AZS[env])
    expected = {("tcp", 8443, 8443, ip) for ip in nat_ips} if BLUE_GREEN[env] else set()
    assert _rules(alb_test["IpPermissions"]) == expected
    assert _rules(alb_test["IpPermissionsEgress"]) == set()
    assert _rules(ecs["IpPermissions"]) == {("tcp", 32768, 65535, alb["GroupId"])}
    assert _rules(endpoints["IpPermissions"]) == {("tcp", 443, 443, ecs["GroupId"])}
    assert _rules(endpoints["IpPermissionsEgress"]) == set()
    for name in names:
        assert tags_of(groups[f"kumo-{env}-{name}"]) == expected_tags(env, f"kumo-{env}-{name}")


def test_default_security_group_has_no_rules(network):
    _, ec2, vpcs = network
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    assert default["IpPermissions"] == []
    assert default["IpPermissionsEgress"] == []


def test_flow_logs_per_environment(network, env):
    stack, ec2, vpcs = network
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpcs[0]["VpcId"]]}])["FlowLogs"]
    groups = stack.client("logs").describe_log_groups(logGroupNamePrefix=f"kumo-{env}-vpc-flow-logs")["logGroups"]
    if not FLOW_LOGS[env]:
        assert flow_logs == [] and groups == []
        return
    assert len(flow_logs) == 1
    flow_log = flow_logs[0]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogGroupName"] == f"kumo-{env}-vpc-flow-logs"
    assert flow_log["DeliverLogsPermissionArn"].endswith(f":role/kumo-{env}-vpc-flow-logs")
    assert tags_of(flow_log) == expected_tags(env, f"kumo-{env}-vpc-flow-log")
    assert [g["retentionInDays"] for g in groups] == [RETENTION[env]]


def test_every_subnet_is_inside_the_vpc(network, env):
    _, ec2, vpcs = network
    vpc = ipaddress.ip_network(vpcs[0]["CidrBlock"])
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"]:
        assert ipaddress.ip_network(subnet["CidrBlock"]).subnet_of(vpc)


def nat_addresses(nat_gateways):
    return sorted(a["PublicIp"] + "/32" for nat in nat_gateways for a in nat["NatGatewayAddresses"])


def alb_test_sources(ec2, vpc_id):
    """The CIDRs kumo-prod-alb-test admits (the blue/green test listener's port)."""
    [group] = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["kumo-prod-alb-test"]}]
    )["SecurityGroups"]
    return sorted(r["CidrIp"] for p in group["IpPermissions"] for r in p["IpRanges"])


# Last: it adds prod's other two NAT gateways, then gives them back, on the
# shared prod stack (in the prod group); the last converge leaves it as built.
@pytest.mark.xdist_group(name="prod")
def test_a_nat_gateway_per_zone_is_added_then_given_back_in_place(stacks):
    stack = stacks["prod"]
    stack.converged("network")
    ec2 = stack.client("ec2")
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["kumo-prod-vpc"]}])["Vpcs"]
    [shared] = assert_nat_gateways(ec2, "prod", vpc["VpcId"], AZS[:1])

    per_zone = {"network_one_nat_gateway_per_az": True}
    stack.emulator.clear_requests()
    plan = stack.run(tags=["network"], extra_vars=per_zone, check=True, diff=True)
    assert plan.returncode == 0, plan.tail()
    assert "kumo.platform.network : Create the NAT gateways" in plan.changed_tasks(), plan.changed_tasks()
    assert stack.emulator.writes() == []

    added = stack.run(tags=["network"], extra_vars=per_zone)
    assert added.returncode == 0, added.tail()
    nats = assert_nat_gateways(ec2, "prod", vpc["VpcId"], AZS)
    assert shared["NatGatewayId"] in {n["NatGatewayId"] for n in nats}, "the first AZ's gateway is kept"
    assert alb_test_sources(ec2, vpc["VpcId"]) == nat_addresses(nats)
    again = stack.run(tags=["network"], extra_vars=per_zone, refresh="full")
    assert again.returncode == 0 and again.changed == 0, again.changed_tasks()

    back = stack.run(tags=["network"])
    assert back.returncode == 0, back.tail()
    assert "kumo.platform.network : Delete the NAT gateways no longer wanted and release their Elastic IPs" in (
        back.changed_tasks()
    )
    [kept] = assert_nat_gateways(ec2, "prod", vpc["VpcId"], AZS[:1])
    assert kept["NatGatewayId"] == shared["NatGatewayId"]
    assert alb_test_sources(ec2, vpc["VpcId"]) == nat_addresses([kept])
    rerun = stack.run(tags=["network"], refresh="full")
    assert rerun.returncode == 0 and rerun.changed == 0, rerun.changed_tasks()
