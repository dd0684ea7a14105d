"""EC2 AuthorizeSecurityGroupIngress/Egress: a prefix list counts as its weight.

AWS (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html,
"AWS-managed prefix list weight"): "When you reference a prefix list in a
security group rule, [its] weight counts against the quota for rules per
security group" -- 55 for ``com.amazonaws.global.cloudfront.origin-facing``
(IPv4 and IPv6), 1 for the S3 and DynamoDB lists, 5 for Ground Station, 10 for
VPC Lattice; a customer-managed list counts as its maximum number of entries
(https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).
A group in a VPC holds 60 inbound and 60 outbound rules by default
(https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html), so
two rules from the CloudFront list (110), or one and six CIDRs (61), are
refused with ``RulesPerSecurityGroupLimitExceeded``. moto counts such a rule
as one.
"""

import functools
import inspect

from moto.ec2.exceptions import RulesPerSecurityGroupLimitExceededError
from moto.ec2.models import EC2Backend

RULES_PER_VPC_GROUP = 60

# The weights the VPC User Guide gives, by the name each list has in every region.
AWS_MANAGED_WEIGHTS = {
    "cloudfront.origin-facing": 55,
    "ipv6.cloudfront.origin-facing": 55,
    "dynamodb": 1,
    "s3": 1,
    "groundstation": 5,
    "vpc-lattice": 10,
    "ipv6.vpc-lattice": 10,
}


def _weight(backend, prefix_list_id):
    prefix_list = backend.managed_prefix_lists.get(prefix_list_id)
    if prefix_list is None:
        return 1
    if prefix_list.owner_id == "AWS":
        # com.amazonaws.<global or the region>.<name>
        name = prefix_list.prefix_list_name.split(".", 3)[-1]
        return AWS_MANAGED_WEIGHTS.get(name, 1)
    return int(prefix_list.max_entries or 1)


def _rule_weight(backend, rule):
    return _weight(backend, rule.prefix_list_id) if rule.prefix_list_id else 1


def _count(ranges):
    if not ranges:
        return 0
    return len(ranges) if isinstance(ranges, list) else 1


def _counting(original, egress):
    signature = inspect.signature(original)

    @functools.wraps(original)
    def authorize(self, *args, **kwargs):
        request = signature.bind(self, *args, **kwargs).arguments
        group = self.get_security_group_by_name_or_id(request["group_name_or_id"], request.get("vpc_id"))
        if group is not None and group.vpc_id:
            rules = group.egress_rules if egress else group.ingress_rules
            prefix_lists = request.get("prefix_list_ids") or []
            weight = sum(_rule_weight(self, rule) for rule in rules)
            weight += _count(request.get("ip_ranges")) + _count(request.get("source_groups"))
            weight += sum(_weight(self, entry.get("PrefixListId")) for entry in prefix_lists)
            if weight > RULES_PER_VPC_GROUP:
                raise RulesPerSecurityGroupLimitExceededError()
        return original(self, *args, **kwargs)

    return authorize


def apply():
    EC2Backend.authorize_security_group_ingress = _counting(EC2Backend.authorize_security_group_ingress, False)
    EC2Backend.authorize_security_group_egress = _counting(EC2Backend.authorize_security_group_egress, True)
