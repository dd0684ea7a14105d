# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The alb layer as roles/alb manages it, read in few calls.

Kinds and the calls that read them (prod: 15 calls, two target groups, two
listeners):

``certificates``, the tags of ``access_log_bucket``
    One Resource Groups Tagging API GetResources finds, by their Name tags,
    the self-signed certificate the role imports (and looks up by that tag)
    and the access log bucket with all its tags (1 call). A certificate given
    by ARN in the inventory is not the role's: the HTTPS listener shows which
    one it presents.
``access_log_bucket``
    <prefix>-alb-logs-<account>: policy, default encryption, object
    ownership, public access block, lifecycle rules (5 calls; 1 when the
    bucket does not exist).
``target_groups``
    Every <prefix>-* target group (one DescribeTargetGroups, its health check
    settings included), each one's attributes (stickiness, deregistration
    delay: no batched read), tags (one DescribeTags for the load balancer and
    all target groups) (1 + 1 per group).
``load_balancer``
    The load balancer by name, its attributes and tags (2 calls + the shared
    DescribeTags).
``listeners``, ``listener_rules``
    The listeners (protocol, port, TLS policy, certificate, default actions),
    and each listener's rules in priority order, but for the default rule,
    which is the listener's default actions again (1 + 1 per listener).

The values of HTTP header conditions (CloudFront's secret origin header) are
kept as SHA-256 digests: a changed secret still shows, and the observation
never carries it. Volatile fields are dropped (creation time, the load
balancer's provisioning state). A missing resource gives None or [], never an
exception.
"""

import hashlib
import json

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import call_or_none
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import canonical
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import error_code
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import plain
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import sorted_by
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import tag_dict
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import without

# Codes AWS answers with when the thing asked about does not exist.
_MISSING = (
    "NoSuchBucketPolicy",
    "ServerSideEncryptionConfigurationNotFoundError",
    "OwnershipControlsNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchLifecycleConfiguration",
    "LoadBalancerNotFound",
    "ListenerNotFound",
    "TargetGroupNotFound",
)

# The blue/green alternate of <prefix>-<service> (alb_alternate_suffix in roles/alb/vars/main.yml).
ALTERNATE_SUFFIX = "-alt"

# ELBv2 DescribeTags takes at most 20 ARNs.
_TAGS_PER_CALL = 20


def _names(scope):
    """The names roles/alb gives (roles/alb/vars/main.yml)."""
    prefix = scope.name_prefix
    return {
        "load_balancer": f"{prefix}-alb",
        "target_group_prefix": f"{prefix}-",
        "self_signed": f"{prefix}-alb-self-signed",
        "bucket": f"{prefix}-alb-logs-{scope.account_id}",
    }


def _hidden(value):
    """A digest standing in for a secret header value."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def tagged_by_name(tagging, names):
    """``{arn: tags}`` of the certificates and buckets carrying the role's Name tags."""
    found = {}
    pages = tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": "Name", "Values": [names["self_signed"], names["bucket"]]}],
        ResourceTypeFilters=["acm:certificate", "s3:bucket"],
    )
    for page in pages:
        for mapping in page.get("ResourceTagMappingList", []):
            found[mapping["ResourceARN"]] = tag_dict(mapping.get("Tags"))
    return found


def certificates(tagged, names):
    """The self-signed certificates the role finds by their Name tag (one, once imported)."""
    return sorted_by(
        [
            {"CertificateArn": arn, "Tags": tags}
            for arn, tags in tagged.items()
            if arn.split(":")[2] == "acm" and tags.get("Name") == names["self_signed"]
        ],
        "CertificateArn",
    )


def access_log_bucket(s3, tagged, names):
    """The access log bucket's policy, encryption, ownership, public access block, lifecycle and tags."""
    bucket = names["bucket"]
    try:
        # The first call tells whether the bucket exists (NoSuchBucket).
        policy = call_or_none(s3.get_bucket_policy, _MISSING, Bucket=bucket)
        encryption = call_or_none(s3.get_bucket_encryption, _MISSING, Bucket=bucket)
        ownership = call_or_none(s3.get_bucket_ownership_controls, _MISSING, Bucket=bucket)
        public_access = call_or_none(s3.get_public_access_block, _MISSING, Bucket=bucket)
        lifecycle = call_or_none(s3.get_bucket_lifecycle_configuration, _MISSING, Bucket=bucket)
    except s3.exceptions.ClientError as error:
        if error_code(error) == "NoSuchBucket":
            return None
        raise
    return {
        "Name": bucket,
        "Policy": json.loads(policy["Policy"]) if policy else None,
        "Encryption": canonical(encryption["ServerSideEncryptionConfiguration"]["Rules"]) if encryption else None,
        "OwnershipControls": canonical(ownership["OwnershipControls"]["Rules"]) if ownership else None,
        "PublicAccessBlock": public_access["PublicAccessBlockConfiguration"] if public_access else None,
        "Lifecycle": sorted_by(canonical(lifecycle["Rules"]), "ID") if lifecycle else None,
        "Tags": next((tags for arn, tags in tagged.items() if arn.endswith(f":s3:::{bucket}")), {}),
    }


def _tags(elbv2, arns):
    """``{arn: tags}`` of load balancers and target groups, 20 ARNs a call."""
    tags = {}
    for start in range(0, len(arns), _TAGS_PER_CALL):
        answer = call_or_none(elbv2.describe_tags, _MISSING, ResourceArns=arns[start : start + _TAGS_PER_CALL]) or {}
        for description in answer.get("TagDescriptions", []):
            tags[description["ResourceArn"]] = tag_dict(description.get("Tags"))
    return tags


def _attributes(answer):
    return {attribute["Key"]: attribute["Value"] for attribute in (answer or {}).get("Attributes", [])}


def find_load_balancer(elbv2, names):
    answer = call_or_none(elbv2.describe_load_balancers, _MISSING, Names=[names["load_balancer"]]) or {}
    found = answer.get("LoadBalancers", [])
    return found[0] if found else None


def find_target_groups(elbv2, names):
    groups = []
    for page in elbv2.get_paginator("describe_target_groups").paginate(PaginationConfig={"PageSize": 400}):
        groups.extend(
            g for g in page.get("TargetGroups", []) if g["TargetGroupName"].startswith(names["target_group_prefix"])
        )
    return sorted_by(groups, "TargetGroupName")


def load_balancer(elbv2, found, tags):
    """The load balancer's settings, attributes and tags."""
    if found is None:
        return None
    arn = found["LoadBalancerArn"]
    attributes = _attributes(call_or_none(elbv2.describe_load_balancer_attributes, _MISSING, LoadBalancerArn=arn))
    return dict(
        without(found, "CreatedTime", "State", "AvailabilityZones", "SecurityGroups"),
        AvailabilityZones=sorted_by(found.get("AvailabilityZones", []), "ZoneName"),
        SecurityGroups=sorted(found.get("SecurityGroups", [])),
        Attributes=attributes,
        Tags=tags.get(arn, {}),
    )


def target_groups(elbv2, found, tags):
    """Each target group's protocol, port, health check, attributes and tags."""
    observed = []
    for group in found:
        arn = group["TargetGroupArn"]
        attributes = _attributes(call_or_none(elbv2.describe_target_group_attributes, _MISSING, TargetGroupArn=arn))
        # LoadBalancerArns follows the listener rules (observed there): with
        # blue/green it moves between a pair at each release.
        observed.append(dict(without(group, "LoadBalancerArns"), Attributes=attributes, Tags=tags.get(arn, {})))
    return observed


def find_listeners(elbv2, balancer):
    if balancer is None:
        return []
    listeners = []
    pages = elbv2.get_paginator("describe_listeners").paginate(LoadBalancerArn=balancer["LoadBalancerArn"])
    for page in pages:
        listeners.extend(page.get("Listeners", []))
    return sorted(listeners, key=lambda listener: (listener.get("Port", 0), listener["ListenerArn"]))


def listeners(found):
    """The listeners, by port: protocol, TLS policy, certificates, default actions."""
    return [
        dict(listener, Certificates=sorted_by(listener.get("Certificates", []), "CertificateArn")) for listener in found
    ]


def _condition(condition):
    """A rule condition with any HTTP header values replaced by their digests."""
    header = condition.get("HttpHeaderConfig")
    if not header:
        return condition
    values = [_hidden(value) for value in header.get("Values", [])]
    hidden = dict(condition, HttpHeaderConfig=dict(header, Values=values))
    if condition.get("Values"):
        hidden["Values"] = [_hidden(value) for value in condition["Values"]]
    return hidden


def _rule_order(rule):
    priority = rule.get("Priority", "")
    return int(priority) if priority.isdigit() else 0


def pair_aliases(groups):
    """ARN of each blue/green alternate target group (<name>-alt) -> the ARN of <name>.

    CodeDeploy moves the production listener's rules between a service's two
    target groups at each release, and roles/alb keeps them where they are:
    which of the pair a rule forwards to is not drift."""
    arns = {group["TargetGroupName"]: group["TargetGroupArn"] for group in groups}
    return {
        arn: arns[name[: -len(ALTERNATE_SUFFIX)]]
        for name, arn in arns.items()
        if name.endswith(ALTERNATE_SUFFIX) and name[: -len(ALTERNATE_SUFFIX)] in arns
    }


def _forward(action, aliases):
    """A forward action as the target groups (blue/green pairs by their first)
    and weights it sends to, however ELB spells it: TargetGroupArn, a
    ForwardConfig, or both."""
    if action.get("Type") != "forward":
        return action
    config = action.get("ForwardConfig") or {}
    groups = config.get("TargetGroups") or [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
    weights = {}
    for group in groups:
        arn = aliases.get(group["TargetGroupArn"], group["TargetGroupArn"])
        weights[arn] = weights.get(arn, 0) + group.get("Weight", 1)
    single = len(weights) == 1
    forward = without(action, "TargetGroupArn", "ForwardConfig")
    forward["TargetGroups"] = [
        {"TargetGroupArn": arn, "Weight": 1 if single else w} for arn, w in sorted(weights.items())
    ]
    forward["Stickiness"] = config.get("TargetGroupStickinessConfig") or {"Enabled": False}
    return forward


def listener_rules(elbv2, found, aliases=None):
    """Each listener's rules in priority order, secrets hidden, each blue/green
    pair named by its first target group (``aliases``, pair_aliases)."""
    observed = []
    for listener in found:
        rules = []
        for page in elbv2.get_paginator("describe_rules").paginate(ListenerArn=listener["ListenerArn"]):
            rules.extend(page.get("Rules", []))
        # The default rule repeats the listener's DefaultActions ("listeners").
        for rule in sorted((rule for rule in rules if not rule.get("IsDefault")), key=_rule_order):
            conditions = [_condition(condition) for condition in rule.get("Conditions", [])]
            actions = [_forward(action, aliases or {}) for action in rule.get("Actions", [])]
            observed.append(
                dict(rule, ListenerArn=listener["ListenerArn"], Conditions=canonical(conditions), Actions=actions)
            )
    return observed


def observe(client, scope):
    """``{kind: value}`` for the alb layer of ``scope``'s environment."""
    names = _names(scope)
    tagged = tagged_by_name(client("resourcegroupstaggingapi"), names)
    elbv2 = client("elbv2")
    balancer = find_load_balancer(elbv2, names)
    groups = find_target_groups(elbv2, names)
    arns = ([balancer["LoadBalancerArn"]] if balancer else []) + [group["TargetGroupArn"] for group in groups]
    tags = _tags(elbv2, arns)
    found_listeners = find_listeners(elbv2, balancer)
    observed = {
        "certificates": certificates(tagged, names),
        "access_log_bucket": access_log_bucket(client("s3"), tagged, names),
        "target_groups": target_groups(elbv2, groups, tags),
        "load_balancer": load_balancer(elbv2, balancer, tags),
        "listeners": listeners(found_listeners),
        "listener_rules": listener_rules(elbv2, found_listeners, pair_aliases(groups)),
    }
    return {kind: plain(value) for kind, value in observed.items()}
