#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_endpoint
version_added: 0.1.0
short_description: Manage one VPC endpoint, converging it in place
description:
  - Creates, modifies in place, or deletes one VPC endpoint (Interface or Gateway),
    found by its VPC, service name and type, and by its C(Name) tag when O(tags) has one.
  - An existing endpoint is converged with ModifyVpcEndpoint (subnets, security
    groups, private DNS, route tables, policy), never replaced, so its id, network
    interfaces and DNS names stay.
  - Unlike amazon.aws.ec2_vpc_endpoint, this module sets and converges private DNS,
    converges subnets and security groups of an Interface endpoint, and never makes
    a second endpoint when the route tables differ.
  - Options left unset are not changed on an existing endpoint.
author:
  - Kumo developers (@kumo-platform)
options:
  vpc_id:
    description: The VPC the endpoint belongs to.
    required: true
    type: str
  service_name:
    description: The service, such as C(com.amazonaws.ap-northeast-1.s3).
    required: true
    type: str
    aliases: [service]
  vpc_endpoint_type:
    description: The type of endpoint; part of what identifies it.
    type: str
    default: Gateway
    choices: [Interface, Gateway]
  subnet_ids:
    description:
      - Interface endpoints only. The subnets the endpoint has a network interface in, one per AZ.
    type: list
    elements: str
  security_group_ids:
    description: Interface endpoints only. The security groups of the endpoint's network interfaces.
    type: list
    elements: str
  private_dns_enabled:
    description:
      - Interface endpoints only. Whether the service's default DNS name resolves to the endpoint
        inside the VPC (the VPC needs DNS support and DNS hostnames).
    type: bool
  route_table_ids:
    description: Gateway endpoints only. The route tables that route to the service through the endpoint.
    type: list
    elements: str
  policy:
    description: The endpoint policy (a JSON document or a dict); unset leaves the current policy alone.
    type: json
  wait:
    description: Wait until the endpoint is C(available) (or, for O(state=absent), deleted).
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait.
    type: int
    default: 600
  state:
    description: Whether the endpoint should exist.
    type: str
    default: present
    choices: [present, absent]
notes:
  - When more than one endpoint matches (same VPC, service, type and C(Name)), the module fails
    rather than guess; it lists their ids.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - amazon.aws.tags.modules
"""

EXAMPLES = r"""
- name: ECR API endpoint in the private subnets, private DNS on
  kumo.platform.ec2_vpc_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service_name: com.amazonaws.ap-northeast-1.ecr.api
    vpc_endpoint_type: Interface
    subnet_ids: [subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb, subnet-0cccccccccccccccc]
    security_group_ids: [sg-0123456789abcdef0]
    private_dns_enabled: true
    tags:
      Name: kumo-prod-ecr-api-endpoint

- name: S3 gateway endpoint on the private route tables
  kumo.platform.ec2_vpc_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service_name: com.amazonaws.ap-northeast-1.s3
    vpc_endpoint_type: Gateway
    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa, rtb-0bbbbbbbbbbbbbbbb]
    tags:
      Name: kumo-prod-s3-endpoint

- name: Remove it
  kumo.platform.ec2_vpc_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service_name: com.amazonaws.ap-northeast-1.s3
    vpc_endpoint_type: Gateway
    tags:
      Name: kumo-prod-s3-endpoint
    state: absent
"""

RETURN = r"""
vpc_endpoint:
  description: The endpoint, as DescribeVpcEndpoints returns it (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    vpc_endpoint_id:
      description: The endpoint's id.
      type: str
      sample: vpce-0123456789abcdef0
    vpc_endpoint_type:
      description: Interface or Gateway.
      type: str
      sample: Interface
    service_name:
      description: The service.
      type: str
      sample: com.amazonaws.ap-northeast-1.ecr.api
    state:
      description: The endpoint's state.
      type: str
      sample: available
    subnet_ids:
      description: The subnets of an Interface endpoint.
      type: list
      elements: str
    groups:
      description: The security groups of an Interface endpoint.
      type: list
      elements: dict
    private_dns_enabled:
      description: Whether private DNS is on.
      type: bool
    route_table_ids:
      description: The route tables of a Gateway endpoint.
      type: list
      elements: str
    tags:
      description: The endpoint's tags.
      type: dict
      sample: {Name: kumo-prod-ecr-api-endpoint}
modifications:
  description: The ModifyVpcEndpoint parameters the run sent (or, in check mode, would send).
  returned: always
  type: dict
  sample: {AddSubnetIds: [subnet-0cccccccccccccccc], PrivateDnsEnabled: true}
"""

import json
import time
import uuid

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import add_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import remove_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# States of an endpoint that is gone or going; such an endpoint is never reused.
_GONE = ("deleting", "deleted", "rejected", "failed", "expired")
_INTERFACE_ONLY = ("subnet_ids", "security_group_ids", "private_dns_enabled")
_GATEWAY_ONLY = ("route_table_ids",)
_POLL_SECONDS = 5


@AWSRetry.jittered_backoff()
def describe_vpc_endpoints(client, **params):
    paginator = client.get_paginator("describe_vpc_endpoints")
    return paginator.paginate(**params).build_full_result()["VpcEndpoints"]


@AWSRetry.jittered_backoff()
def create_vpc_endpoint(client, **params):
    return client.create_vpc_endpoint(**params)["VpcEndpoint"]


@AWSRetry.jittered_backoff()
def modify_vpc_endpoint(client, endpoint_id, changes):
    return client.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **changes)


@AWSRetry.jittered_backoff()
def delete_vpc_endpoints(client, endpoint_ids):
    return client.delete_vpc_endpoints(VpcEndpointIds=endpoint_ids)


def describe_one(client, endpoint_id):
    try:
        found = describe_vpc_endpoints(client, VpcEndpointIds=[endpoint_id])
    except is_boto3_error_code("InvalidVpcEndpointId.NotFound"):
        return None
    return found[0] if found else None


def find_endpoints(client, module):
    """Live endpoints of this VPC, service and type (and Name, when one is given)."""
    params = module.params
    filters = [
        {"Name": "vpc-id", "Values": [params["vpc_id"]]},
        {"Name": "service-name", "Values": [params["service_name"]]},
    ]
    name = (params["tags"] or {}).get("Name")
    found = []
    for endpoint in describe_vpc_endpoints(client, Filters=filters):
        if endpoint.get("State", "").lower() in _GONE:
            continue
        if endpoint.get("VpcEndpointType", "").lower() != params["vpc_endpoint_type"].lower():
            continue
        if name is not None and boto3_tag_list_to_ansible_dict(endpoint.get("Tags", [])).get("Name") != name:
            continue
        found.append(endpoint)
    return found


def describe(endpoint):
    if not endpoint:
        return {}
    result = camel_dict_to_snake_dict(endpoint, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(endpoint.get("Tags", []))
    return result


def summary(endpoint):
    """The settings this module manages, for diff."""
    if not endpoint:
        return {}
    return {
        "vpc_endpoint_id": endpoint.get("VpcEndpointId"),
        "vpc_endpoint_type": endpoint.get("VpcEndpointType"),
        "service_name": endpoint.get("ServiceName"),
        "subnet_ids": sorted(endpoint.get("SubnetIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in endpoint.get("Groups") or []),
        "private_dns_enabled": endpoint.get("PrivateDnsEnabled"),
        "route_table_ids": sorted(endpoint.get("RouteTableIds") or []),
        "tags": boto3_tag_list_to_ansible_dict(endpoint.get("Tags", [])),
    }


def _set_changes(wanted, current, add_key, remove_key):
    if wanted is None:
        return {}
    changes = {}
    to_add = sorted(set(wanted) - set(current))
    to_remove = sorted(set(current) - set(wanted))
    if to_add:
        changes[add_key] = to_add
    if to_remove:
        changes[remove_key] = to_remove
    return changes


def modifications(module, endpoint):
    """The ModifyVpcEndpoint parameters that bring ``endpoint`` to the module's options."""
    params = module.params
    current = summary(endpoint)
    changes = {}
    changes.update(_set_changes(params["subnet_ids"], current["subnet_ids"], "AddSubnetIds", "RemoveSubnetIds"))
    changes.update(
        _set_changes(
            params["security_group_ids"],
            current["security_group_ids"],
            "AddSecurityGroupIds",
            "RemoveSecurityGroupIds",
        )
    )
    changes.update(
        _set_changes(params["route_table_ids"], current["route_table_ids"], "AddRouteTableIds", "RemoveRouteTableIds")
    )
    wanted_dns = params["private_dns_enabled"]
    if wanted_dns is not None and bool(current["private_dns_enabled"]) != wanted_dns:
        changes["PrivateDnsEnabled"] = wanted_dns
    policy = wanted_policy(module)
    if policy is not None:
        existing = json.loads(endpoint.get("PolicyDocument") or "{}")
        if compare_policies(existing, policy):
            changes["PolicyDocument"] = json.dumps(policy)
    return changes


def predicted(endpoint, changes, tags, purge_tags):
    """What summary(endpoint) will be once ``changes`` and ``tags`` are applied (for check mode's diff)."""
    after = summary(endpoint)
    for field, add_key, remove_key in (
        ("subnet_ids", "AddSubnetIds", "RemoveSubnetIds"),
        ("security_group_ids", "AddSecurityGroupIds", "RemoveSecurityGroupIds"),
        ("route_table_ids", "AddRouteTableIds", "RemoveRouteTableIds"),
    ):
        after[field] = sorted((set(after[field]) | set(changes.get(add_key, []))) - set(changes.get(remove_key, [])))
    if "PrivateDnsEnabled" in changes:
        after["private_dns_enabled"] = changes["PrivateDnsEnabled"]
    if tags is not None:
        after["tags"] = dict(tags) if purge_tags else dict(after["tags"], **tags)
    return after


def wanted_policy(module):
    policy = module.params["policy"]
    if policy is None:
        return None
    return json.loads(policy) if isinstance(policy, str) else policy


def wait_for(client, module, endpoint_id, states):
    """Poll until the endpoint's state is one of ``states`` (``deleted`` includes gone)."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    while True:
        endpoint = describe_one(client, endpoint_id)
        state = (endpoint or {}).get("State", "deleted").lower()
        if state in states:
            return endpoint
        if state in ("failed", "rejected", "expired"):
            module.fail_json(msg=f"VPC endpoint {endpoint_id} is {state}", vpc_endpoint=describe(endpoint))
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"Timed out after {module.params['wait_timeout']} s waiting for VPC endpoint {endpoint_id} "
                f"to be {' or '.join(states)} (it is {state})",
                vpc_endpoint=describe(endpoint),
            )
        time.sleep(_POLL_SECONDS)


def create(client, module):
    params = module.params
    request = {
        "VpcId": params["vpc_id"],
        "ServiceName": params["service_name"],
        "VpcEndpointType": params["vpc_endpoint_type"],
        # Retries of this one call (botocore's own) return the same endpoint.
        "ClientToken": str(uuid.uuid4()),
    }
    if params["vpc_endpoint_type"] == "Interface":
        if params["subnet_ids"] is not None:
            request["SubnetIds"] = params["subnet_ids"]
        if params["security_group_ids"] is not None:
            request["SecurityGroupIds"] = params["security_group_ids"]
        if params["private_dns_enabled"] is not None:
            request["PrivateDnsEnabled"] = params["private_dns_enabled"]
    elif params["route_table_ids"] is not None:
        request["RouteTableIds"] = params["route_table_ids"]
    policy = wanted_policy(module)
    if policy is not None:
        request["PolicyDocument"] = json.dumps(policy)
    if params["tags"]:
        request["TagSpecifications"] = boto3_tag_specifications(params["tags"], types="vpc-endpoint")
    return create_vpc_endpoint(client, **request)


def update_tags(client, module, endpoint):
    tags = module.params["tags"]
    if tags is None:
        return False
    current = boto3_tag_list_to_ansible_dict(endpoint.get("Tags", []))
    to_set, to_unset = compare_aws_tags(current, tags, module.params["purge_tags"])
    changed = remove_ec2_tags(client, module, endpoint["VpcEndpointId"], to_unset)
    changed |= add_ec2_tags(client, module, endpoint["VpcEndpointId"], to_set)
    return changed


def ensure_present(client, module, existing):
    params = module.params
    if not existing:
        after = {
            "vpc_endpoint_id": None,
            "vpc_endpoint_type": params["vpc_endpoint_type"],
            "service_name": params["service_name"],
            "subnet_ids": sorted(params["subnet_ids"] or []),
            "security_group_ids": sorted(params["security_group_ids"] or []),
            "private_dns_enabled": params["private_dns_enabled"],
            "route_table_ids": sorted(params["route_table_ids"] or []),
            "tags": params["tags"] or {},
        }
        if module.check_mode:
            module.exit_json(changed=True, vpc_endpoint={}, modifications={}, diff={"before": {}, "after": after})
        endpoint = create(client, module)
        if params["wait"]:
            endpoint = wait_for(client, module, endpoint["VpcEndpointId"], ("available",))
        else:
            endpoint = describe_one(client, endpoint["VpcEndpointId"]) or endpoint
        diff = {"before": {}, "after": summary(endpoint)}
        module.exit_json(changed=True, vpc_endpoint=describe(endpoint), modifications={}, diff=diff)

    endpoint_id = existing["VpcEndpointId"]
    changes = modifications(module, existing)
    before = summary(existing)
    if module.check_mode:
        tags_changed = update_tags(client, module, existing)
        after = predicted(existing, changes, params["tags"], params["purge_tags"])
        module.exit_json(
            changed=bool(changes) or tags_changed,
            vpc_endpoint=describe(existing),
            modifications=changes,
            diff={"before": before, "after": after},
        )
    if changes:
        modify_vpc_endpoint(client, endpoint_id, changes)
    tags_changed = update_tags(client, module, existing)
    if changes and params["wait"]:
        endpoint = wait_for(client, module, endpoint_id, ("available",))
    else:
        endpoint = describe_one(client, endpoint_id) or existing
    module.exit_json(
        changed=bool(changes) or tags_changed,
        vpc_endpoint=describe(endpoint),
        modifications=changes,
        diff={"before": before, "after": summary(endpoint)},
    )


def ensure_absent(client, module, existing):
    diff = {"before": summary(existing), "after": {}}
    if not existing:
        module.exit_json(changed=False, vpc_endpoint={}, modifications={}, diff=diff)
    if not module.check_mode:
        endpoint_id = existing["VpcEndpointId"]
        result = delete_vpc_endpoints(client, [endpoint_id])
        if result.get("Unsuccessful"):
            module.fail_json(
                msg=f"AWS refused to delete VPC endpoint {endpoint_id}", unsuccessful=result["Unsuccessful"]
            )
        if module.params["wait"]:
            wait_for(client, module, endpoint_id, ("deleted",))
    module.exit_json(changed=True, vpc_endpoint={}, modifications={}, diff=diff)


def check_options(module):
    params = module.params
    wrong = _GATEWAY_ONLY if params["vpc_endpoint_type"] == "Interface" else _INTERFACE_ONLY
    misplaced = [option for option in wrong if params[option] is not None]
    if misplaced:
        module.fail_json(
            msg=f"{', '.join(misplaced)} cannot be set on a {params['vpc_endpoint_type']} endpoint "
            f"(subnet_ids, security_group_ids and private_dns_enabled are for Interface endpoints, "
            f"route_table_ids for Gateway endpoints)"
        )


def main():
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        service_name=dict(type="str", required=True, aliases=["service"]),
        vpc_endpoint_type=dict(type="str", default="Gateway", choices=["Interface", "Gateway"]),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str"),
        private_dns_enabled=dict(type="bool"),
        route_table_ids=dict(type="list", elements="str"),
        policy=dict(type="json"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["state"] == "present":
        check_options(module)
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    try:
        found = find_endpoints(client, module)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not describe the VPC's endpoints")
    if len(found) > 1:
        module.fail_json(
            msg=f"{len(found)} endpoints match {module.params['service_name']} in {module.params['vpc_id']}; "
            "tag the one to keep with a distinct Name",
            vpc_endpoint_ids=[e["VpcEndpointId"] for e in found],
        )
    existing = found[0] if found else None
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing)
        else:
            ensure_absent(client, module, existing)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not manage the VPC endpoint")


if __name__ == "__main__":
    main()
