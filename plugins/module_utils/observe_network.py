# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Observe the network layer (roles/network) in a few batched read calls.

What is read, and why (13 calls for prod, one VPC with flow logs on):

- ``vpc``: DescribeVpcs by the ``Name`` tag the role gives it (``<prefix>-vpc``,
  how ``ec2_vpc_net`` finds it): id, CIDR, tenancy, tags; and the two DNS
  attributes the role sets (DescribeVpcAttribute answers one attribute per
  call: ``enableDnsSupport``, ``enableDnsHostnames``).
- ``subnets``: DescribeSubnets of the VPC: CIDR, AZ, ``MapPublicIpOnLaunch``
  (the role sets it false), tags (Name and Tier).
- ``internet_gateway``: DescribeInternetGateways attached to the VPC: id,
  attachment, tags.
- ``nat_gateways`` and ``elastic_ips``: DescribeNatGateways of the VPC in
  ``pending``/``available`` (the states the role counts as existing; which
  of the two is a state in transition and is dropped): subnet, connectivity,
  tags; the Elastic IPs are read from the same answer (each NAT
  gateway's allocation id and public IP). The role tags an Elastic IP only
  when it allocates it for a NAT gateway still to be made, never afterwards,
  so DescribeAddresses (a 14th call) would add nothing the role converges.
- ``route_tables``: DescribeRouteTables of the VPC, main table included:
  routes (without their ``State``) and subnet associations, tags. The
  prefix-list routes of Gateway endpoints (target ``vpce-...``) belong to the
  endpoints layer (``ec2_vpc_route_table`` never purges them), so they are
  left to that layer's observer.
- ``security_groups``: DescribeSecurityGroups of the VPC by the six names the
  role manages (``default``, which it empties and tags, and ``<prefix>-alb``,
  ``-alb-http``, ``-alb-test``, ``-ecs``, ``-endpoints``): description, ingress and egress
  rules with their descriptions, tags.
- ``flow_log``: DescribeFlowLogs on the VPC: traffic type, destination, role,
  aggregation interval, format, tags (not the delivery status).
- ``flow_log_group``: DescribeLogGroups by the exact name
  ``<prefix>-vpc-flow-logs``: retention, KMS key; and ListTagsForResource for
  its tags (DescribeLogGroups does not return them).
- ``flow_log_role``: GetRole ``<prefix>-vpc-flow-logs`` (trust policy,
  description, tags) and GetRolePolicy ``write-flow-logs`` (its inline policy).

Each kind is a list (empty when nothing exists), sorted by id; rule, route and
policy lists are sorted by ``layer_state.canonical``; tags become dicts; policy
documents are parsed JSON. Timestamps, owner ids, states in transition and
counts AWS changes by itself (free IP addresses, metric filters, stored bytes)
are dropped.
"""

import json
from urllib.parse import unquote

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import canonical
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import sorted_by
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import tag_dict

# The NAT gateway states the role counts as existing (ec2_vpc_nat_gateway_info in routing.yml).
NAT_GATEWAY_STATES = ["pending", "available"]

# The inline policy the role puts on the flow logs role.
FLOW_LOG_POLICY_NAME = "write-flow-logs"


def _pages(client, operation, key, **params):
    """Every item of a (possibly paginated) describe call's ``key`` list."""
    if client.can_paginate(operation):
        items = []
        for page in client.get_paginator(operation).paginate(**params):
            items.extend(page.get(key, []))
        return items
    return getattr(client, operation)(**params).get(key, [])


def _error_code(client, exc):
    if isinstance(exc, client.exceptions.ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def _policy(document):
    """A policy document as a JSON value: IAM answers URL-encoded JSON (boto3 decodes it)."""
    if document is None or isinstance(document, dict):
        return canonical(document)
    text = document if document.lstrip().startswith("{") else unquote(document)
    return canonical(json.loads(text))


def _pick(item, *keys):
    return {key: item[key] for key in keys if key in item}


def _vpc_filter(vpc_ids):
    return [{"Name": "vpc-id", "Values": vpc_ids}]


# --- VPC ---------------------------------------------------------------------


def _vpc_attribute(ec2, vpc_id, attribute):
    """The value of a boolean VPC attribute (None when the VPC just went away)."""
    try:
        answer = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
    except ec2.exceptions.ClientError as exc:
        if _error_code(ec2, exc) == "InvalidVpcID.NotFound":
            return None
        raise
    key = attribute[0].upper() + attribute[1:]
    return answer.get(key, {}).get("Value")


def find_vpcs(ec2, scope):
    """The VPCs named ``<prefix>-vpc`` (normally one)."""
    filters = [{"Name": "tag:Name", "Values": [f"{scope.name_prefix}-vpc"]}]
    return _pages(ec2, "describe_vpcs", "Vpcs", Filters=filters)


def observe_vpc(ec2, vpcs):
    observed = []
    for vpc in vpcs:
        entry = _pick(vpc, "VpcId", "CidrBlock", "InstanceTenancy")
        entry["Tags"] = tag_dict(vpc.get("Tags"))
        entry["EnableDnsSupport"] = _vpc_attribute(ec2, vpc["VpcId"], "enableDnsSupport")
        entry["EnableDnsHostnames"] = _vpc_attribute(ec2, vpc["VpcId"], "enableDnsHostnames")
        observed.append(entry)
    return sorted_by(observed, "VpcId")


# --- subnets, gateways -------------------------------------------------------


def observe_subnets(ec2, vpc_ids):
    if not vpc_ids:
        return []
    observed = []
    for subnet in _pages(ec2, "describe_subnets", "Subnets", Filters=_vpc_filter(vpc_ids)):
        entry = _pick(
            subnet,
            "SubnetId",
            "VpcId",
            "CidrBlock",
            "AvailabilityZone",
            "MapPublicIpOnLaunch",
            "AssignIpv6AddressOnCreation",
        )
        entry["Tags"] = tag_dict(subnet.get("Tags"))
        observed.append(entry)
    return sorted_by(observed, "SubnetId")


def observe_internet_gateway(ec2, vpc_ids):
    if not vpc_ids:
        return []
    filters = [{"Name": "attachment.vpc-id", "Values": vpc_ids}]
    observed = []
    for igw in _pages(ec2, "describe_internet_gateways", "InternetGateways", Filters=filters):
        observed.append(
            {
                "InternetGatewayId": igw["InternetGatewayId"],
                "Attachments": sorted(a["VpcId"] for a in igw.get("Attachments") or []),
                "Tags": tag_dict(igw.get("Tags")),
            }
        )
    return sorted_by(observed, "InternetGatewayId")


def find_nat_gateways(ec2, vpc_ids):
    if not vpc_ids:
        return []
    filters = _vpc_filter(vpc_ids) + [{"Name": "state", "Values": NAT_GATEWAY_STATES}]
    return _pages(ec2, "describe_nat_gateways", "NatGateways", Filters=filters)


def observe_nat_gateways(nat_gateways):
    observed = []
    for nat in nat_gateways:
        entry = _pick(nat, "NatGatewayId", "VpcId", "SubnetId", "ConnectivityType")
        entry["Tags"] = tag_dict(nat.get("Tags"))
        observed.append(entry)
    return sorted_by(observed, "NatGatewayId")


def observe_elastic_ips(nat_gateways):
    """The NAT gateways' Elastic IPs: allocation, address and the gateway holding it."""
    observed = []
    for nat in nat_gateways:
        for address in nat.get("NatGatewayAddresses") or []:
            entry = _pick(address, "AllocationId", "PublicIp")
            entry["NatGatewayId"] = nat["NatGatewayId"]
            observed.append(entry)
    return sorted_by(observed, "AllocationId", "NatGatewayId")


# --- route tables --------------------------------------------------------------

_ROUTE_KEYS = (
    "DestinationCidrBlock",
    "DestinationIpv6CidrBlock",
    "DestinationPrefixListId",
    "GatewayId",
    "NatGatewayId",
    "InstanceId",
    "NetworkInterfaceId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
    "Origin",
)


def _endpoints_route(route):
    """A Gateway endpoint's route: the endpoints layer's, not this one's."""
    return "DestinationPrefixListId" in route and str(route.get("GatewayId", "")).startswith("vpce-")


def observe_route_tables(ec2, vpc_ids):
    if not vpc_ids:
        return []
    observed = []
    for table in _pages(ec2, "describe_route_tables", "RouteTables", Filters=_vpc_filter(vpc_ids)):
        routes = [_pick(route, *_ROUTE_KEYS) for route in table.get("Routes") or [] if not _endpoints_route(route)]
        associations = [
            _pick(association, "RouteTableAssociationId", "SubnetId", "GatewayId", "Main")
            for association in table.get("Associations") or []
        ]
        observed.append(
            {
                "RouteTableId": table["RouteTableId"],
                "VpcId": table.get("VpcId"),
                "Routes": canonical(routes),
                "Associations": canonical(associations),
                "PropagatingVgws": sorted(vgw["GatewayId"] for vgw in table.get("PropagatingVgws") or []),
                "Tags": tag_dict(table.get("Tags")),
            }
        )
    return sorted_by(observed, "RouteTableId")


# --- security groups -----------------------------------------------------------


def _permission(permission):
    """One rule set without the owner ids AWS adds to group pairs."""
    entry = _pick(permission, "IpProtocol", "FromPort", "ToPort", "IpRanges", "Ipv6Ranges", "PrefixListIds")
    entry["UserIdGroupPairs"] = [
        _pick(pair, "GroupId", "Description", "VpcPeeringConnectionId")
        for pair in permission.get("UserIdGroupPairs") or []
    ]
    return entry


def security_group_names(scope):
    """The security groups the role manages in the VPC, by name."""
    components = ("alb", "alb-http", "alb-test", "ecs", "endpoints")
    return ["default"] + [f"{scope.name_prefix}-{component}" for component in components]


def observe_security_groups(ec2, scope, vpc_ids):
    if not vpc_ids:
        return []
    filters = _vpc_filter(vpc_ids) + [{"Name": "group-name", "Values": security_group_names(scope)}]
    observed = []
    for group in _pages(ec2, "describe_security_groups", "SecurityGroups", Filters=filters):
        observed.append(
            {
                "GroupId": group["GroupId"],
                "GroupName": group.get("GroupName"),
                "VpcId": group.get("VpcId"),
                "Description": group.get("Description"),
                "IpPermissions": canonical([_permission(p) for p in group.get("IpPermissions") or []]),
                "IpPermissionsEgress": canonical([_permission(p) for p in group.get("IpPermissionsEgress") or []]),
                "Tags": tag_dict(group.get("Tags")),
            }
        )
    return sorted_by(observed, "GroupId")


# --- flow logs -----------------------------------------------------------------


def observe_flow_log(ec2, vpc_ids):
    if not vpc_ids:
        return []
    filters = [{"Name": "resource-id", "Values": vpc_ids}]
    observed = []
    for flow_log in _pages(ec2, "describe_flow_logs", "FlowLogs", Filters=filters):
        entry = _pick(
            flow_log,
            "FlowLogId",
            "ResourceId",
            "TrafficType",
            "LogDestinationType",
            "LogDestination",
            "LogGroupName",
            "DeliverLogsPermissionArn",
            "DeliverCrossAccountRole",
            "MaxAggregationInterval",
            "LogFormat",
            "DestinationOptions",
        )
        entry["Tags"] = tag_dict(flow_log.get("Tags"))
        observed.append(entry)
    return sorted_by(observed, "FlowLogId")


def flow_log_name(scope):
    """The name of the flow log group and of the role VPC Flow Logs writes with."""
    return f"{scope.name_prefix}-vpc-flow-logs"


def _log_group_tags(logs, arn):
    try:
        return logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
    except logs.exceptions.ResourceNotFoundException:
        return None


def observe_flow_log_group(logs, scope):
    name = flow_log_name(scope)
    groups = [
        group
        for group in _pages(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=name)
        if group.get("logGroupName") == name
    ]
    observed = []
    for group in groups:
        arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
        entry = _pick(group, "logGroupName", "retentionInDays", "kmsKeyId", "logGroupClass")
        entry["tags"] = _log_group_tags(logs, arn)
        observed.append(entry)
    return sorted_by(observed, "logGroupName")


def _role_policy(iam, role_name, policy_name):
    try:
        return _policy(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
    except iam.exceptions.NoSuchEntityException:
        return None


def observe_flow_log_role(iam, scope):
    name = flow_log_name(scope)
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return []
    entry = _pick(role, "RoleName", "RoleId", "Arn", "Path", "Description", "MaxSessionDuration")
    entry["AssumeRolePolicyDocument"] = _policy(role.get("AssumeRolePolicyDocument"))
    entry["PermissionsBoundary"] = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    entry["Tags"] = tag_dict(role.get("Tags"))
    entry["InlinePolicies"] = {FLOW_LOG_POLICY_NAME: _role_policy(iam, name, FLOW_LOG_POLICY_NAME)}
    return [entry]


# --- the layer -----------------------------------------------------------------


def observe(client, scope):
    """The network layer's state: ``{kind: sorted list}`` (see the module docstring)."""
    ec2 = client("ec2")
    vpcs = find_vpcs(ec2, scope)
    vpc_ids = sorted(vpc["VpcId"] for vpc in vpcs)
    nat_gateways = find_nat_gateways(ec2, vpc_ids)
    return {
        "vpc": observe_vpc(ec2, vpcs),
        "subnets": observe_subnets(ec2, vpc_ids),
        "internet_gateway": observe_internet_gateway(ec2, vpc_ids),
        "nat_gateways": observe_nat_gateways(nat_gateways),
        "elastic_ips": observe_elastic_ips(nat_gateways),
        "route_tables": observe_route_tables(ec2, vpc_ids),
        "security_groups": observe_security_groups(ec2, scope, vpc_ids),
        "flow_log": observe_flow_log(ec2, vpc_ids),
        "flow_log_group": observe_flow_log_group(client("logs"), scope),
        "flow_log_role": observe_flow_log_role(client("iam"), scope),
    }
