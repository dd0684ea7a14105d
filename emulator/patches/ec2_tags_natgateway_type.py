"""EC2 DescribeTags: a NAT gateway's resource type is ``natgateway``.

AWS names the type ``natgateway``, in the ``resource-type`` filter and in each
returned TagDescription
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html,
"resource-type - The resource type (customer-gateway | ... | natgateway |
network-acl | ...)"). moto calls it ``nat-gateway``, so a filter on
``natgateway`` finds nothing, and amazon.aws ``ec2_vpc_nat_gateway`` re-tags
(reports a change) on every run.
"""

from moto.ec2.models import tags


def apply():
    prefix_to_resource = dict(tags.EC2_PREFIX_TO_RESOURCE)
    prefix_to_resource["nat"] = "natgateway"
    tags.EC2_PREFIX_TO_RESOURCE = prefix_to_resource
