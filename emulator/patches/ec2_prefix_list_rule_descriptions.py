"""EC2 DescribeSecurityGroups: a prefix-list rule keeps its description.

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_PrefixListId.html):
a rule's ``PrefixListId`` carries "Description -- A description for the
security group rule that references this prefix list ID", as set by
AuthorizeSecurityGroupIngress/Egress, and DescribeSecurityGroups returns it in
``IpPermissions[].PrefixListIds[]``. moto drops it, so amazon.aws
``ec2_security_group`` finds the description changed on every run.
"""

import functools
import inspect

from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupRule


def apply():
    original_init = SecurityGroupRule.__init__
    original_flattened = SecurityGroup._flattened_rules

    signature = inspect.signature(original_init)

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        prefix_list_id = signature.bind(self, *args, **kwargs).arguments.get("prefix_list_id")
        self.prefix_list_description = (prefix_list_id or {}).get("Description")

    @functools.wraps(original_flattened)
    def _flattened_rules(self, rules):
        views = original_flattened(self, rules)
        described = {
            (rule.ip_protocol, rule.from_port, rule.to_port, rule.prefix_list_id): rule.prefix_list_description
            for rule in rules
            if rule.prefix_list_id and getattr(rule, "prefix_list_description", None) is not None
        }
        for view in views:
            for entry in view.prefix_list_ids:
                key = (view.ip_protocol, view.from_port, view.to_port, entry["PrefixListId"])
                if key in described:
                    entry["Description"] = described[key]
        return views

    SecurityGroupRule.__init__ = __init__
    SecurityGroup._flattened_rules = _flattened_rules
