# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Observe the endpoints layer (roles/endpoints) in two read calls.

What is read, and why:

- DescribeVpcs by the ``Name`` tag ``<prefix>-vpc``: the VPC the role puts
  its endpoints in (it finds the VPC the same way).
- DescribeVpcEndpoints of that VPC, every endpoint whatever its tags: the role
  adopts an endpoint of a listed service found by VPC, service and type (and
  ``Name``), and removes this environment's endpoints of services no longer
  listed. Endpoints in a state the role treats as gone (``deleting``,
  ``deleted``, ``rejected``, ``failed``, ``expired``, as
  ``kumo.platform.ec2_vpc_endpoint`` does) are left out; the state of a live
  one (``pending``, ``available``...) is a state in transition and is dropped.

Each endpoint gives its id, VPC, service name, type, subnets, security groups,
route tables, private DNS, policy (parsed JSON, lists sorted) and tags; its
network interfaces, DNS entries, owner and creation time are derived or
volatile and dropped. The routes a Gateway endpoint adds to its route tables
follow its ``RouteTableIds`` (AWS adds and removes them with the association),
so that list stands for them. The endpoints are split by type into
``gateway_endpoints`` (route tables) and ``interface_endpoints`` (network
interfaces: Interface, and any other type found in the VPC), each sorted by
service name then id.

The private subnets, private route tables and endpoints security group the role
looks up belong to the network layer: a change there changes the network
layer's record, which this layer's record chains.
"""

import json

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import canonical
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import sorted_by
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import tag_dict

# Endpoint states kumo.platform.ec2_vpc_endpoint treats as gone (it makes a new endpoint).
GONE_STATES = ("deleting", "deleted", "rejected", "failed", "expired")

# Gateway endpoints work through route tables; every other type (Interface, and
# the network-interface-based GatewayLoadBalancer, Resource, ServiceNetwork) through
# network interfaces in subnets.
GATEWAY_KIND = "gateway_endpoints"
INTERFACE_KIND = "interface_endpoints"


def _pages(client, operation, key, **params):
    """Every item of a paginated describe call's ``key`` list."""
    items = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


def _policy(document):
    """An endpoint policy as a JSON value (None when AWS returns none)."""
    if not document:
        return None
    return canonical(json.loads(document) if isinstance(document, str) else document)


def find_vpc_ids(ec2, scope):
    """The ids of the VPCs named ``<prefix>-vpc`` (normally one)."""
    filters = [{"Name": "tag:Name", "Values": [f"{scope.name_prefix}-vpc"]}]
    return sorted(vpc["VpcId"] for vpc in _pages(ec2, "describe_vpcs", "Vpcs", Filters=filters))


def find_endpoints(ec2, vpc_ids):
    """The live endpoints of the VPCs."""
    if not vpc_ids:
        return []
    filters = [{"Name": "vpc-id", "Values": vpc_ids}]
    endpoints = _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=filters)
    return [endpoint for endpoint in endpoints if str(endpoint.get("State", "")).lower() not in GONE_STATES]


def observe_endpoint(endpoint):
    """The settings of one endpoint the role manages, with its id."""
    return {
        "VpcEndpointId": endpoint["VpcEndpointId"],
        "VpcId": endpoint.get("VpcId"),
        "ServiceName": endpoint.get("ServiceName"),
        "VpcEndpointType": endpoint.get("VpcEndpointType"),
        "SubnetIds": sorted(endpoint.get("SubnetIds") or []),
        "SecurityGroupIds": sorted(group["GroupId"] for group in endpoint.get("Groups") or []),
        "RouteTableIds": sorted(endpoint.get("RouteTableIds") or []),
        "PrivateDnsEnabled": bool(endpoint.get("PrivateDnsEnabled")),
        "PolicyDocument": _policy(endpoint.get("PolicyDocument")),
        "Tags": tag_dict(endpoint.get("Tags")),
    }


def observe(client, scope):
    """The endpoints layer's state: ``{kind: sorted list}`` (see the module docstring)."""
    ec2 = client("ec2")
    observed = {INTERFACE_KIND: [], GATEWAY_KIND: []}
    for endpoint in find_endpoints(ec2, find_vpc_ids(ec2, scope)):
        kind = GATEWAY_KIND if endpoint.get("VpcEndpointType") == "Gateway" else INTERFACE_KIND
        observed[kind].append(observe_endpoint(endpoint))
    return {kind: sorted_by(endpoints, "ServiceName", "VpcEndpointId") for kind, endpoints in observed.items()}
