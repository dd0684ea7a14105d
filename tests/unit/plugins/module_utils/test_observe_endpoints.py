"""observe_endpoints against moto in-process: prod's endpoints built as roles/endpoints builds them."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_endpoints
from emulator.patches import ec2_vpc_endpoint_modify_private_dns, ec2_vpc_endpoint_modify_route_tables
from kumo_testlib import CountingClients

ec2_vpc_endpoint_modify_private_dns.apply()
ec2_vpc_endpoint_modify_route_tables.apply()

REGION = "ap-northeast-1"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, "123456789012", "aws")
PREFIX = SCOPE.name_prefix
KUMO_TAGS = {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible"}
AZS = ["a", "c", "d"]
INTERFACE_SERVICES = ["ecr.dkr", "ecr.api", "logs", "ecs", "ssm"]
GATEWAY_SERVICES = ["s3"]
BUDGET = 3


def tags(name):
    return [{"Key": key, "Value": value} for key, value in dict(KUMO_TAGS, Name=name).items()]


def spec(resource_type, name):
    return [{"ResourceType": resource_type, "Tags": tags(name)}]


def observe(calls=None):
    clients = CountingClients()
    observed = observe_endpoints.observe(clients, SCOPE)
    if calls is not None:
        calls.extend(clients.calls)
    return observed


def build_network(ec2):
    """What the endpoints role looks up: the VPC, private subnets and route tables, endpoints group."""
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=spec("vpc", f"{PREFIX}-vpc"))["Vpc"]["VpcId"]
    subnets, tables = [], []
    for index, az in enumerate(AZS):
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.2.{128 + index}.0/24",
            AvailabilityZone=f"{REGION}{az}",
            TagSpecifications=spec("subnet", f"{PREFIX}-private-{az}"),
        )
        subnets.append(subnet["Subnet"]["SubnetId"])
        table = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", f"{PREFIX}-private-{az}"))
        tables.append(table["RouteTable"]["RouteTableId"])
    groups = {
        component: ec2.create_security_group(VpcId=vpc_id, GroupName=f"{PREFIX}-{component}", Description=component)[
            "GroupId"
        ]
        for component in ("endpoints", "ecs")
    }
    return {"vpc_id": vpc_id, "subnets": subnets, "tables": sorted(tables), "groups": groups}


def endpoint_name(service):
    return f"{PREFIX}-{service.replace('.', '-')}-endpoint"


def build_endpoints(ec2, net):
    ids = {}
    for service in INTERFACE_SERVICES:
        ids[service] = ec2.create_vpc_endpoint(
            VpcId=net["vpc_id"],
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Interface",
            SubnetIds=net["subnets"],
            SecurityGroupIds=[net["groups"]["endpoints"]],
            PrivateDnsEnabled=True,
            TagSpecifications=spec("vpc-endpoint", endpoint_name(service)),
        )["VpcEndpoint"]["VpcEndpointId"]
    for service in GATEWAY_SERVICES:
        ids[service] = ec2.create_vpc_endpoint(
            VpcId=net["vpc_id"],
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Gateway",
            RouteTableIds=net["tables"],
            TagSpecifications=spec("vpc-endpoint", endpoint_name(service)),
        )["VpcEndpoint"]["VpcEndpointId"]
    return ids


@pytest.fixture
def ec2():
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


@pytest.fixture
def endpoints(ec2):
    net = build_network(ec2)
    return dict(net, ec2=ec2, ids=build_endpoints(ec2, net))


def test_two_observations_are_equal_and_plain_json(endpoints):
    first = observe()
    second = observe()
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert layer_state.digest(first) == layer_state.digest(second)


def test_the_observation_sees_every_endpoint_and_its_settings(endpoints):
    seen = observe()
    assert sorted(seen) == ["gateway_endpoints", "interface_endpoints"]
    interface = {e["ServiceName"].rsplit(f"{REGION}.", 1)[1]: e for e in seen["interface_endpoints"]}
    assert sorted(interface) == sorted(INTERFACE_SERVICES)
    logs = interface["logs"]
    assert logs["VpcEndpointId"] == endpoints["ids"]["logs"]
    assert logs["SubnetIds"] == sorted(endpoints["subnets"])
    assert logs["SecurityGroupIds"] == [endpoints["groups"]["endpoints"]]
    assert logs["PrivateDnsEnabled"] is True
    assert logs["Tags"]["Name"] == f"{PREFIX}-logs-endpoint"
    assert isinstance(logs["PolicyDocument"], dict)
    [s3] = seen["gateway_endpoints"]
    assert (s3["VpcEndpointId"], s3["RouteTableIds"]) == (endpoints["ids"]["s3"], endpoints["tables"])


def test_calls_per_observation_are_within_budget(endpoints):
    calls = []
    observe(calls)
    assert len(calls) <= BUDGET, calls


def test_an_empty_account_observes_without_raising(ec2):
    calls = []
    assert observe(calls) == {"interface_endpoints": [], "gateway_endpoints": []}
    assert len(calls) <= BUDGET


def test_a_vpc_without_endpoints_observes_empty_lists(ec2):
    build_network(ec2)
    assert observe() == {"interface_endpoints": [], "gateway_endpoints": []}


def test_another_vpcs_endpoints_are_not_observed(endpoints):
    before = observe()
    ec2 = endpoints["ec2"]
    other = ec2.create_vpc(CidrBlock="10.3.0.0/16", TagSpecifications=spec("vpc", "kumo-staging-vpc"))["Vpc"]["VpcId"]
    ec2.create_vpc_endpoint(VpcId=other, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway")
    assert observe() == before


def _private_dns_off(n):
    n["ec2"].modify_vpc_endpoint(VpcEndpointId=n["ids"]["ecr.api"], PrivateDnsEnabled=False)


def _subnet_removed(n):
    n["ec2"].modify_vpc_endpoint(VpcEndpointId=n["ids"]["ecr.dkr"], RemoveSubnetIds=[n["subnets"][2]])


def _security_group_added(n):
    n["ec2"].modify_vpc_endpoint(VpcEndpointId=n["ids"]["ecs"], AddSecurityGroupIds=[n["groups"]["ecs"]])


def _interface_untagged(n):
    n["ec2"].delete_tags(Resources=[n["ids"]["ssm"]], Tags=[{"Key": "ManagedBy"}])


def _interface_deleted(n):
    n["ec2"].delete_vpc_endpoints(VpcEndpointIds=[n["ids"]["logs"]])


def _route_table_removed(n):
    n["ec2"].modify_vpc_endpoint(VpcEndpointId=n["ids"]["s3"], RemoveRouteTableIds=[n["tables"][0]])


def _gateway_policy_narrowed(n):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
    n["ec2"].modify_vpc_endpoint(VpcEndpointId=n["ids"]["s3"], PolicyDocument=json.dumps(policy))


def _gateway_added(n):
    n["ec2"].create_vpc_endpoint(
        VpcId=n["vpc_id"], ServiceName=f"com.amazonaws.{REGION}.dynamodb", VpcEndpointType="Gateway"
    )


# In order, on one stack: each drift is compared with the observation just before it.
DRIFTS = [
    ("private DNS off", _private_dns_off, {"interface_endpoints"}),
    ("subnet removed", _subnet_removed, {"interface_endpoints"}),
    ("security group added", _security_group_added, {"interface_endpoints"}),
    ("interface endpoint untagged", _interface_untagged, {"interface_endpoints"}),
    ("interface endpoint deleted", _interface_deleted, {"interface_endpoints"}),
    ("route table removed", _route_table_removed, {"gateway_endpoints"}),
    ("gateway policy narrowed", _gateway_policy_narrowed, {"gateway_endpoints"}),
    ("an unlisted gateway endpoint added", _gateway_added, {"gateway_endpoints"}),
]


def test_each_drifted_setting_changes_its_kind_only(endpoints):
    before = observe()
    for name, change, kinds in DRIFTS:
        change(endpoints)
        after = observe()
        changed = {kind for kind in before if before[kind] != after[kind]}
        assert changed == kinds, name
        before = after


def test_a_policy_with_other_whitespace_observes_the_same(endpoints):
    ec2 = endpoints["ec2"]
    [s3] = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoints["ids"]["s3"]])["VpcEndpoints"]
    before = observe()
    reformatted = json.dumps(json.loads(s3["PolicyDocument"]), indent=4)
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoints["ids"]["s3"], PolicyDocument=reformatted)
    assert observe() == before
