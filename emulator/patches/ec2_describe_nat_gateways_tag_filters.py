"""EC2 DescribeNatGateways: the tag filters narrow the answer.

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNatGateways.html),
Filter: "tag:<key> - The key/value combination of a tag assigned to the
resource. Use the tag key in the filter name and the tag value as the filter
value." and "tag-key - The key of a tag assigned to the resource. Use this
filter to find all resources assigned a tag with a specific key, regardless of
the tag value." moto reads only the nat-gateway-id, vpc-id, subnet-id and
state filters and ignores the others, so a tag filter returned every
environment's NAT gateways.
"""

import functools

from moto.ec2.models.nat_gateways import NatGatewayBackend
from moto.ec2.utils import generic_filter


def apply():
    original = NatGatewayBackend.describe_nat_gateways

    @functools.wraps(original)
    def describe_nat_gateways(self, filters, nat_gateway_ids):
        found = original(self, filters, nat_gateway_ids)
        tagged = {k: v for k, v in (filters or {}).items() if k.startswith("tag:") or k in ("tag-key", "tag-value")}
        return generic_filter(tagged, found)

    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways
