# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cdn_waf layer as roles/cdn_waf leaves it, read for layer_state.

Every resource is found by the exact name the role gives it:

- ``buckets``: ``<prefix>-static-assets-<account>`` and ``<prefix>-cdn-logs-<account>``
  with what ``amazon.aws.s3_bucket``/``community.aws.s3_lifecycle`` set on them:
  default encryption (and bucket key), versioning (static assets only; the log
  bucket's is not managed), object ownership, public access block, lifecycle
  rules, policy (parsed) and tags. S3 has no batched read: one call per setting,
  and a missing bucket stops after its first call.
- ``origin_access_controls``: the OAC named ``<prefix>-static-assets`` (its
  summary in ListOriginAccessControls carries every setting).
- ``distributions``: the distribution whose comment is ``<prefix>-cdn``: its
  whole DistributionConfig (origins and cache behaviours keep their order, it
  is meaningful) and tags. The ALB origin's secret header value is replaced by
  its SHA-256, so drift shows without the secret leaving AWS.
- ``web_acls``: the CLOUDFRONT-scoped web ACL ``<prefix>-web-acl`` (us-east-1),
  rules sorted by priority, and its tags.

Dropped as volatile: ETags, lock tokens, the distribution's Status
(InProgress/Deployed) and modification times, the web ACL's Capacity (AWS
derives it from the rules, which are kept).

Calls for prod: 7 + 6 (buckets) + 1 (OAC) + 3 (distribution) + 3 (web ACL) = 20.
"""

import hashlib
import json

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import error_code, plain, tag_dict, without

# CloudFront and CLOUDFRONT-scoped WAF live in us-east-1.
GLOBAL_REGION = "us-east-1"

# Error codes meaning "not there" for one bucket setting.
NO_BUCKET = "NoSuchBucket"
BUCKET_READS = {
    "Encryption": (
        "get_bucket_encryption",
        ("ServerSideEncryptionConfigurationNotFoundError",),
        lambda answer: answer["ServerSideEncryptionConfiguration"]["Rules"],
    ),
    "Versioning": (
        "get_bucket_versioning",
        (),
        lambda answer: without(answer, "ResponseMetadata"),
    ),
    "OwnershipControls": (
        "get_bucket_ownership_controls",
        ("OwnershipControlsNotFoundError",),
        lambda answer: answer["OwnershipControls"]["Rules"],
    ),
    "PublicAccessBlock": (
        "get_public_access_block",
        ("NoSuchPublicAccessBlockConfiguration",),
        lambda answer: answer["PublicAccessBlockConfiguration"],
    ),
    "Lifecycle": (
        "get_bucket_lifecycle_configuration",
        ("NoSuchLifecycleConfiguration",),
        lambda answer: sorted(answer["Rules"], key=lambda rule: rule.get("ID", "")),
    ),
    "Policy": (
        "get_bucket_policy",
        ("NoSuchBucketPolicy",),
        lambda answer: json.loads(answer["Policy"]),
    ),
    "Tags": (
        "get_bucket_tagging",
        ("NoSuchTagSet",),
        lambda answer: tag_dict(answer["TagSet"]),
    ),
}
# The log bucket's versioning is not set by the role.
STATIC_BUCKET_SETTINGS = tuple(BUCKET_READS)
LOG_BUCKET_SETTINGS = tuple(name for name in BUCKET_READS if name != "Versioning")

HEADER_DIGEST = "sha256:"


class _Missing(Exception):
    """The bucket itself does not exist."""


def bucket(s3, name, settings=STATIC_BUCKET_SETTINGS):
    """A bucket's managed settings (each None when unset), or None when there is no bucket.

    Shared with observe_monitoring (the audit buckets). Tags are read only when
    "Tags" is in ``settings``.
    """
    found = {"Name": name}
    try:
        for setting in settings:
            found[setting] = _bucket_setting(s3, name, setting)
    except _Missing:
        return None
    return found


def _bucket_setting(s3, name, setting):
    method, missing, shape = BUCKET_READS[setting]
    try:
        answer = getattr(s3, method)(Bucket=name)
    except s3.exceptions.ClientError as error:
        code = error_code(error)
        if code == NO_BUCKET:
            raise _Missing(name) from error
        if code in missing:
            return None
        raise
    return shape(answer)


def static_bucket_name(scope):
    return f"{scope.name_prefix}-static-assets-{scope.account_id}"


def log_bucket_name(scope):
    return f"{scope.name_prefix}-cdn-logs-{scope.account_id}"


def buckets(s3, scope):
    found = [
        bucket(s3, static_bucket_name(scope), STATIC_BUCKET_SETTINGS),
        bucket(s3, log_bucket_name(scope), LOG_BUCKET_SETTINGS),
    ]
    return sorted((item for item in found if item), key=lambda item: item["Name"])


def origin_access_controls(cloudfront, scope):
    name = f"{scope.name_prefix}-static-assets"
    found = []
    for page in cloudfront.get_paginator("list_origin_access_controls").paginate():
        found.extend(item for item in page["OriginAccessControlList"].get("Items") or [] if item["Name"] == name)
    return sorted(found, key=lambda item: item["Id"])


def masked_headers(value):
    """A copy of a DistributionConfig with every origin header value replaced by its digest."""
    if isinstance(value, dict):
        return {
            key: HEADER_DIGEST + hashlib.sha256(str(item).encode("utf-8")).hexdigest()
            if key == "HeaderValue"
            else masked_headers(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked_headers(item) for item in value]
    return value


def distributions(cloudfront, scope):
    comment = f"{scope.name_prefix}-cdn"
    summaries = []
    for page in cloudfront.get_paginator("list_distributions").paginate():
        summaries.extend(item for item in page["DistributionList"].get("Items") or [] if item["Comment"] == comment)
    found = []
    for summary in sorted(summaries, key=lambda item: item["Id"]):
        config = cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
        tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"].get("Items")
        found.append(
            {
                "Id": summary["Id"],
                "ARN": summary["ARN"],
                "DomainName": summary["DomainName"],
                "DistributionConfig": masked_headers(config),
                "Tags": tag_dict(tags),
            }
        )
    return found


def web_acls(wafv2, scope):
    name = f"{scope.name_prefix}-web-acl"
    summaries, marker = [], None
    while True:
        params = {"Scope": "CLOUDFRONT", "Limit": 100}
        if marker:
            params["NextMarker"] = marker
        page = wafv2.list_web_acls(**params)
        summaries.extend(item for item in page.get("WebACLs") or [] if item["Name"] == name)
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            break
    found = []
    for summary in sorted(summaries, key=lambda item: item["Id"]):
        acl = wafv2.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])["WebACL"]
        acl = without(acl, "LockToken", "Capacity")
        acl["Rules"] = sorted(acl.get("Rules") or [], key=lambda rule: rule["Priority"])
        tags = wafv2.list_tags_for_resource(ResourceARN=summary["ARN"])["TagInfoForResource"].get("TagList")
        acl["Tags"] = tag_dict(tags)
        found.append(acl)
    return found


def observe(client, scope):
    """{kind: value} of the cdn_waf layer (see the module docstring)."""
    s3 = client("s3")
    cloudfront = client("cloudfront", GLOBAL_REGION)
    wafv2 = client("wafv2", GLOBAL_REGION)
    return plain(
        {
            "buckets": buckets(s3, scope),
            "origin_access_controls": origin_access_controls(cloudfront, scope),
            "distributions": distributions(cloudfront, scope),
            "web_acls": web_acls(wafv2, scope),
        }
    )
