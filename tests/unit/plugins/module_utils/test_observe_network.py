"""observe_network against moto in-process: a prod-like network layer built as roles/network builds it."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_network
from kumo_testlib import CountingClients

REGION = "ap-northeast-1"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, "123456789012", "aws")
PREFIX = SCOPE.name_prefix
KUMO_TAGS = {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible"}
AZS = ["a", "c", "d"]
VPC_CIDR = "10.2.0.0/16"
PUBLIC = ["10.2.0.0/24", "10.2.1.0/24", "10.2.2.0/24"]
PRIVATE = ["10.2.128.0/24", "10.2.129.0/24", "10.2.130.0/24"]
DYNAMIC = {"FromPort": 32768, "ToPort": 65535}
FLOW_LOGS = f"{PREFIX}-vpc-flow-logs"
BUDGET = 13

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def tags(name, **extra):
    return [{"Key": key, "Value": value} for key, value in dict(KUMO_TAGS, Name=name, **extra).items()]


def spec(resource_type, name, **extra):
    return [{"ResourceType": resource_type, "Tags": tags(name, **extra)}]


def observe(calls=None):
    clients = CountingClients()
    observed = observe_network.observe(clients, SCOPE)
    if calls is not None:
        calls.extend(clients.calls)
    return observed


def flow_logs_policy(log_group_arn, actions=("logs:CreateLogStream", "logs:PutLogEvents")):
    arn = log_group_arn.removesuffix(":*")
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": [arn, f"{arn}:*"]}],
    }


def build_vpc(ec2):
    vpc_id = ec2.create_vpc(CidrBlock=VPC_CIDR, TagSpecifications=spec("vpc", f"{PREFIX}-vpc"))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    [default] = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    ec2.revoke_security_group_egress(GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"])
    ec2.create_tags(Resources=[default["GroupId"]], Tags=tags(f"{PREFIX}-default"))
    subnets = {}
    for tier, cidrs in (("public", PUBLIC), ("private", PRIVATE)):
        for az, cidr in zip(AZS, cidrs, strict=True):
            subnets[f"{tier}/{az}"] = ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=cidr,
                AvailabilityZone=f"{REGION}{az}",
                TagSpecifications=spec("subnet", f"{PREFIX}-{tier}-{az}", Tier=tier),
            )["Subnet"]["SubnetId"]
    return vpc_id, default["GroupId"], subnets


def build_routing(ec2, vpc_id, subnets):
    igw = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway", f"{PREFIX}-igw"))
    igw_id = igw["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    public = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", f"{PREFIX}-public"))
    public_id = public["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    for az in AZS:
        ec2.associate_route_table(RouteTableId=public_id, SubnetId=subnets[f"public/{az}"])
    nat_ids, private_ids = {}, {}
    for az in AZS:
        eip = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip", f"{PREFIX}-nat-{az}"))
        nat = ec2.create_nat_gateway(
            SubnetId=subnets[f"public/{az}"],
            AllocationId=eip["AllocationId"],
            TagSpecifications=spec("natgateway", f"{PREFIX}-nat-{az}"),
        )
        nat_ids[az] = nat["NatGateway"]["NatGatewayId"]
        table = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", f"{PREFIX}-private-{az}"))
        private_ids[az] = table["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=private_ids[az], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_ids[az])
        ec2.associate_route_table(RouteTableId=private_ids[az], SubnetId=subnets[f"private/{az}"])
    return igw_id, public_id, nat_ids, private_ids


def security_group(ec2, vpc_id, component, description, ingress, egress):
    group_id = ec2.create_security_group(
        VpcId=vpc_id,
        GroupName=f"{PREFIX}-{component}",
        Description=f"{PREFIX} {description}",
        TagSpecifications=spec("security-group", f"{PREFIX}-{component}"),
    )["GroupId"]
    default_egress = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=default_egress)
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ingress(group_id))
    if egress:
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=egress)
    return group_id


def _from_cloudfront(ec2, port, protocol):
    [cloudfront] = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}]
    )["PrefixLists"]
    description = f"{protocol} from CloudFront (origin-facing prefix list)"
    return lambda _: [
        {
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "PrefixListIds": [{"PrefixListId": cloudfront["PrefixListId"], "Description": description}],
        }
    ]


def build_security_groups(ec2, vpc_id):
    alb = security_group(
        ec2,
        vpc_id,
        "alb",
        "ALB: HTTPS from CloudFront only",
        _from_cloudfront(ec2, 443, "HTTPS"),
        [
            {
                "IpProtocol": "tcp",
                **DYNAMIC,
                "IpRanges": [{"CidrIp": VPC_CIDR, "Description": "to ECS dynamic host ports in the VPC"}],
            }
        ],
    )
    security_group(ec2, vpc_id, "alb-http", "ALB: HTTP from CloudFront only", _from_cloudfront(ec2, 80, "HTTP"), [])
    from_nat = {"CidrIp": "203.0.113.10/32", "Description": "the test listener, from the NAT gateways"}
    security_group(
        ec2,
        vpc_id,
        "alb-test",
        "ALB: the blue/green test listener, from the NAT gateways only",
        lambda _: [{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "IpRanges": [from_nat]}],
        [],
    )
    ecs = security_group(
        ec2,
        vpc_id,
        "ecs",
        "ECS instances: dynamic host ports from the ALB only",
        lambda _: [
            {"IpProtocol": "tcp", **DYNAMIC, "UserIdGroupPairs": [{"GroupId": alb, "Description": "from the ALB"}]}
        ],
        [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "image pulls, AWS APIs"}]}],
    )
    endpoints = security_group(
        ec2,
        vpc_id,
        "endpoints",
        "VPC endpoints: HTTPS from ECS instances only",
        lambda _: [
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": ecs, "Description": "from ECS instances"}],
            }
        ],
        [],
    )
    return {"alb": alb, "ecs": ecs, "endpoints": endpoints}


def build_flow_logs(ec2, logs, iam, vpc_id):
    logs.create_log_group(logGroupName=FLOW_LOGS, tags=dict(KUMO_TAGS, Name=FLOW_LOGS))
    logs.put_retention_policy(logGroupName=FLOW_LOGS, retentionInDays=30)
    [group] = logs.describe_log_groups(logGroupNamePrefix=FLOW_LOGS)["logGroups"]
    role = iam.create_role(
        RoleName=FLOW_LOGS,
        Description=f"Lets VPC Flow Logs write to {FLOW_LOGS}",
        AssumeRolePolicyDocument=json.dumps(TRUST, indent=2),
        Tags=tags(FLOW_LOGS),
    )["Role"]
    iam.put_role_policy(
        RoleName=FLOW_LOGS, PolicyName="write-flow-logs", PolicyDocument=json.dumps(flow_logs_policy(group["arn"]))
    )
    [flow_log_id] = ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName=FLOW_LOGS,
        DeliverLogsPermissionArn=role["Arn"],
        MaxAggregationInterval=600,
        TagSpecifications=spec("vpc-flow-log", f"{PREFIX}-vpc-flow-log"),
    )["FlowLogIds"]
    return group["arn"], flow_log_id


@pytest.fixture
def aws():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield {"ec2": ec2, "logs": boto3.client("logs", region_name=REGION), "iam": boto3.client("iam")}


@pytest.fixture
def network(aws):
    ec2 = aws["ec2"]
    vpc_id, default_sg, subnets = build_vpc(ec2)
    igw_id, public_rt, nat_ids, private_rts = build_routing(ec2, vpc_id, subnets)
    groups = build_security_groups(ec2, vpc_id)
    log_group_arn, flow_log_id = build_flow_logs(ec2, aws["logs"], aws["iam"], vpc_id)
    return dict(
        aws,
        vpc_id=vpc_id,
        default_sg=default_sg,
        subnets=subnets,
        igw_id=igw_id,
        public_rt=public_rt,
        nat_ids=nat_ids,
        private_rts=private_rts,
        groups=groups,
        log_group_arn=log_group_arn,
        flow_log_id=flow_log_id,
    )


def test_two_observations_are_equal_and_plain_json(network):
    first = observe()
    second = observe()
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert layer_state.digest(first) == layer_state.digest(second)


def test_the_observation_sees_every_kind_the_role_makes(network):
    seen = observe()
    [vpc] = seen["vpc"]
    assert (vpc["VpcId"], vpc["CidrBlock"]) == (network["vpc_id"], VPC_CIDR)
    assert (vpc["EnableDnsSupport"], vpc["EnableDnsHostnames"]) == (True, True)
    assert vpc["Tags"]["Name"] == f"{PREFIX}-vpc"
    assert sorted(s["CidrBlock"] for s in seen["subnets"]) == sorted(PUBLIC + PRIVATE)
    assert [igw["InternetGatewayId"] for igw in seen["internet_gateway"]] == [network["igw_id"]]
    assert sorted(nat["NatGatewayId"] for nat in seen["nat_gateways"]) == sorted(network["nat_ids"].values())
    assert len(seen["elastic_ips"]) == 3
    assert len(seen["route_tables"]) == 5  # main, public, three private
    groups = {group["GroupName"]: group for group in seen["security_groups"]}
    components = ("alb", "alb-http", "alb-test", "ecs", "endpoints")
    assert sorted(groups) == sorted(["default"] + [f"{PREFIX}-{c}" for c in components])
    [test_port] = groups[f"{PREFIX}-alb-test"]["IpPermissions"]
    assert (test_port["FromPort"], test_port["IpRanges"][0]["CidrIp"]) == (8443, "203.0.113.10/32")
    assert groups["default"]["IpPermissions"] == [] and groups["default"]["IpPermissionsEgress"] == []
    assert groups["default"]["Tags"]["Name"] == f"{PREFIX}-default"
    [flow_log] = seen["flow_log"]
    assert (flow_log["FlowLogId"], flow_log["MaxAggregationInterval"]) == (network["flow_log_id"], 600)
    [group] = seen["flow_log_group"]
    assert (group["retentionInDays"], group["tags"]["Name"]) == (30, FLOW_LOGS)
    [role] = seen["flow_log_role"]
    assert role["AssumeRolePolicyDocument"] == layer_state.canonical(TRUST)
    assert role["InlinePolicies"]["write-flow-logs"] == layer_state.canonical(
        flow_logs_policy(network["log_group_arn"])
    )


def test_calls_per_observation_are_within_budget(network):
    calls = []
    observe(calls)
    assert len(calls) <= BUDGET, calls
    assert calls.count("ec2.DescribeVpcAttribute") == 2


def test_an_empty_account_observes_without_raising(aws):
    calls = []
    seen = observe(calls)
    assert seen == {kind: [] for kind in seen}
    assert len(seen) == 10
    assert len(calls) <= BUDGET


def test_the_endpoints_layers_gateway_routes_do_not_change_the_network_layer(network):
    before = observe()
    network["ec2"].create_vpc_endpoint(
        VpcId=network["vpc_id"],
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=sorted(network["private_rts"].values()),
    )
    assert observe() == before


def _dns_hostnames_off(n):
    n["ec2"].modify_vpc_attribute(VpcId=n["vpc_id"], EnableDnsHostnames={"Value": False})


def _vpc_tag_changed(n):
    n["ec2"].create_tags(Resources=[n["vpc_id"]], Tags=[{"Key": "ManagedBy", "Value": "console"}])


def _subnet_maps_public_ips(n):
    n["ec2"].modify_subnet_attribute(SubnetId=n["subnets"]["public/a"], MapPublicIpOnLaunch={"Value": True})


def _igw_untagged(n):
    n["ec2"].delete_tags(Resources=[n["igw_id"]], Tags=[{"Key": "Name"}])


def _igw_detached(n):
    n["ec2"].detach_internet_gateway(InternetGatewayId=n["igw_id"], VpcId=n["vpc_id"])


def _nat_gateway_deleted(n):
    n["ec2"].delete_nat_gateway(NatGatewayId=n["nat_ids"]["d"])


def _route_added(n):
    n["ec2"].create_route(RouteTableId=n["public_rt"], DestinationCidrBlock="192.0.2.0/24", GatewayId=n["igw_id"])


def _private_route_through_another_nat(n):
    n["ec2"].replace_route(
        RouteTableId=n["private_rts"]["c"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n["nat_ids"]["a"]
    )


def _subnet_moved_to_public_table(n):
    [association] = n["ec2"].describe_route_tables(RouteTableIds=[n["private_rts"]["a"]])["RouteTables"][0][
        "Associations"
    ]
    n["ec2"].replace_route_table_association(
        AssociationId=association["RouteTableAssociationId"], RouteTableId=n["public_rt"]
    )


def _default_group_opened(n):
    n["ec2"].authorize_security_group_ingress(
        GroupId=n["default_sg"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )


def _alb_port_removed(n):
    [group] = n["ec2"].describe_security_groups(GroupIds=[n["groups"]["alb"]])["SecurityGroups"]
    n["ec2"].revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])


def _endpoints_group_gets_egress(n):
    n["ec2"].authorize_security_group_egress(
        GroupId=n["groups"]["endpoints"], IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )


def _flow_log_deleted(n):
    n["ec2"].delete_flow_logs(FlowLogIds=[n["flow_log_id"]])


def _retention_changed(n):
    n["logs"].put_retention_policy(logGroupName=FLOW_LOGS, retentionInDays=7)


def _log_group_untagged(n):
    n["logs"].untag_resource(resourceArn=n["log_group_arn"].removesuffix(":*"), tagKeys=["ManagedBy"])


def _role_policy_widened(n):
    policy = flow_logs_policy(n["log_group_arn"], actions=("logs:*",))
    n["iam"].put_role_policy(RoleName=FLOW_LOGS, PolicyName="write-flow-logs", PolicyDocument=json.dumps(policy))


def _role_trust_changed(n):
    trust = json.loads(json.dumps(TRUST))
    trust["Statement"][0]["Principal"] = {"Service": "ec2.amazonaws.com"}
    n["iam"].update_assume_role_policy(RoleName=FLOW_LOGS, PolicyDocument=json.dumps(trust))


def _role_deleted(n):
    n["iam"].delete_role_policy(RoleName=FLOW_LOGS, PolicyName="write-flow-logs")
    n["iam"].delete_role(RoleName=FLOW_LOGS)


# In order, on one stack: each drift is compared with the observation just before it.
DRIFTS = [
    ("dns hostnames off", _dns_hostnames_off, {"vpc"}),
    ("vpc tag changed", _vpc_tag_changed, {"vpc"}),
    ("subnet maps public IPs", _subnet_maps_public_ips, {"subnets"}),
    ("igw untagged", _igw_untagged, {"internet_gateway"}),
    ("route added", _route_added, {"route_tables"}),
    ("private route through another AZ's NAT", _private_route_through_another_nat, {"route_tables"}),
    ("subnet moved to the public table", _subnet_moved_to_public_table, {"route_tables"}),
    ("igw detached", _igw_detached, {"internet_gateway"}),
    ("nat gateway deleted", _nat_gateway_deleted, {"nat_gateways", "elastic_ips"}),
    ("default group opened", _default_group_opened, {"security_groups"}),
    ("ALB port removed", _alb_port_removed, {"security_groups"}),
    ("endpoints group gets egress", _endpoints_group_gets_egress, {"security_groups"}),
    ("flow log deleted", _flow_log_deleted, {"flow_log"}),
    ("retention changed", _retention_changed, {"flow_log_group"}),
    ("log group untagged", _log_group_untagged, {"flow_log_group"}),
    ("role policy widened", _role_policy_widened, {"flow_log_role"}),
    ("role trust changed", _role_trust_changed, {"flow_log_role"}),
    ("role deleted", _role_deleted, {"flow_log_role"}),
]


def test_each_drifted_setting_changes_its_kind_only(network):
    """One stack, drifted step by step (a stack per drift would take a minute)."""
    before = observe()
    for name, change, kinds in DRIFTS:
        change(network)
        after = observe()
        changed = {kind for kind in before if before[kind] != after[kind]}
        assert changed == kinds, name
        before = after
