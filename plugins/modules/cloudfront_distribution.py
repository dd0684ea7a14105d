#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_distribution
version_added: 0.1.0
short_description: Manage a CloudFront distribution from a whole DistributionConfig
description:
  - Creates, updates, or disables and deletes one CloudFront web distribution, found by its
    comment (the role gives every distribution a unique one).
  - O(distribution_config) is the API's C(DistributionConfig) (CamelCase, as boto3 takes it)
    without C(CallerReference) and C(Comment); C(Quantity) may be left out wherever C(Items)
    is given, the module counts them.
  - A setting counts as changed only when a key given in O(distribution_config) differs from
    what CloudFront reports; keys left out are left as they are. Lists of plain values
    (methods, headers, aliases) are compared as sets, lists of objects (origins, cache
    behaviours) in order.
  - community.aws C(cloudfront_distribution) was not used because it has no check mode,
    cannot set an origin's C(OriginAccessControlId) and compares merged configurations
    in ways that report changes on every run.
  - The values of origin custom headers (a shared secret) are masked in the result and diff.
author:
  - Kumo developers (@kumo-platform)
options:
  comment:
    description: The distribution's comment, which identifies it (unique in the account by convention).
    required: true
    type: str
  distribution_config:
    description:
      - The distribution's configuration in the API's shape; required when O(state=present).
    type: dict
  caller_reference:
    description:
      - The C(CallerReference) used on creation; defaults to O(comment).
    type: str
  wait:
    description:
      - Wait until the distribution is C(Deployed) after a create or update.
      - With O(state=absent) the module always waits for a disabled distribution to deploy,
        because CloudFront deletes only disabled, deployed distributions.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for a deployment.
    type: int
    default: 1800
  state:
    description: Whether the distribution should exist.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - amazon.aws.tags.modules
"""

EXAMPLES = r"""
- name: A distribution in front of an S3 bucket
  kumo.platform.cloudfront_distribution:
    comment: kumo-prod-cdn
    region: us-east-1
    distribution_config:
      Enabled: true
      PriceClass: PriceClass_200
      HttpVersion: http2and3
      IsIPV6Enabled: true
      Origins:
        Items:
          - Id: static-assets
            DomainName: kumo-prod-static-assets.s3.ap-northeast-1.amazonaws.com
            S3OriginConfig: {OriginAccessIdentity: ""}
            OriginAccessControlId: E2QWRUHEXAMPLE
      DefaultCacheBehavior:
        TargetOriginId: static-assets
        ViewerProtocolPolicy: redirect-to-https
        ForwardedValues: {QueryString: false, Cookies: {Forward: none}}
        MinTTL: 0
    tags:
      Name: kumo-prod-cdn

- name: Disable, then delete it
  kumo.platform.cloudfront_distribution:
    comment: kumo-prod-cdn
    state: absent
    region: us-east-1
"""

RETURN = r"""
distribution:
  description: The distribution (snake_case, custom header values masked); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The distribution's id.
      type: str
      sample: E1ABCDEFGHIJKL
    arn:
      description: The distribution's ARN (what a bucket policy's C(AWS:SourceArn) names).
      type: str
      sample: arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJKL
    domain_name:
      description: The C(*.cloudfront.net) name.
      type: str
      sample: d111111abcdef8.cloudfront.net
    status:
      description: C(InProgress) or C(Deployed).
      type: str
      sample: Deployed
    distribution_config:
      description: The configuration CloudFront reports.
      type: dict
    tags:
      description: The distribution's tags.
      type: dict
      sample: {Name: kumo-prod-cdn}
"""

import copy
import time

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

MASK = "********"


@AWSRetry.jittered_backoff()
def list_distributions(client):
    found, marker = [], None
    while True:
        params = {"Marker": marker} if marker else {}
        page = client.list_distributions(**params)["DistributionList"]
        found.extend(page.get("Items") or [])
        marker = page.get("NextMarker")
        if not page.get("IsTruncated") or not marker:
            return found


@AWSRetry.jittered_backoff()
def get_distribution(client, distribution_id):
    return client.get_distribution(Id=distribution_id)


@AWSRetry.jittered_backoff()
def create_distribution(client, config, tags):
    return client.create_distribution_with_tags(
        DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": tags}}
    )


@AWSRetry.jittered_backoff()
def update_distribution(client, distribution_id, config, etag):
    return client.update_distribution(Id=distribution_id, DistributionConfig=config, IfMatch=etag)


@AWSRetry.jittered_backoff()
def delete_distribution(client, distribution_id, etag):
    return client.delete_distribution(Id=distribution_id, IfMatch=etag)


@AWSRetry.jittered_backoff()
def list_tags(client, arn):
    return client.list_tags_for_resource(Resource=arn)["Tags"].get("Items", [])


@AWSRetry.jittered_backoff()
def tag_resource(client, arn, tags):
    return client.tag_resource(Resource=arn, Tags={"Items": tags})


@AWSRetry.jittered_backoff()
def untag_resource(client, arn, keys):
    return client.untag_resource(Resource=arn, TagKeys={"Items": keys})


def with_quantities(value):
    """A copy of ``value`` where every dict holding ``Items`` also holds its ``Quantity``."""
    if isinstance(value, dict):
        result = {key: with_quantities(item) for key, item in value.items()}
        if isinstance(result.get("Items"), list):
            result["Quantity"] = len(result["Items"])
        return result
    if isinstance(value, list):
        return [with_quantities(item) for item in value]
    return value


def _empty(key, value):
    """True for a value AWS reports by leaving the key out (an empty list, a zero Quantity, ...)."""
    if isinstance(value, dict):
        return all(_empty(k, v) for k, v in value.items())
    return value in ([], "", None) or (key == "Quantity" and value == 0)


def _scalars(values):
    return all(not isinstance(v, (dict, list)) for v in values)


def differences(wanted, current, path=""):
    """Paths where ``current`` does not hold what ``wanted`` asks for (keys not in ``wanted`` are ignored)."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return [path or "/"]
        found = []
        for key, value in wanted.items():
            if key not in current:
                if _empty(key, value):
                    continue
                found.append(f"{path}/{key}")
            else:
                found.extend(differences(value, current[key], f"{path}/{key}"))
        return found
    if isinstance(wanted, list):
        current = current or []
        if not isinstance(current, list) or len(wanted) != len(current):
            return [path]
        if _scalars(wanted) and _scalars(current):
            return [] if sorted(map(str, wanted)) == sorted(map(str, current)) else [path]
        found = []
        for index, (want, have) in enumerate(zip(wanted, current, strict=True)):
            found.extend(differences(want, have, f"{path}[{index}]"))
        return found
    return [] if wanted == current else [path]


def merged(current, wanted):
    """``current`` with every key of ``wanted`` put in (dicts merged, everything else replaced)."""
    result = copy.deepcopy(current)
    for key, value in wanted.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def masked(value):
    """A copy with every custom header value replaced, so the shared secret never leaves the module."""
    if isinstance(value, dict):
        return {key: MASK if key == "HeaderValue" else masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def snake(config):
    return camel_dict_to_snake_dict(masked(config)) if config else {}


def describe(distribution, tags):
    if not distribution:
        return {}
    return {
        "id": distribution["Id"],
        "arn": distribution["ARN"],
        "domain_name": distribution["DomainName"],
        "status": distribution["Status"],
        "distribution_config": snake(distribution["DistributionConfig"]),
        "tags": boto3_tag_list_to_ansible_dict(tags),
    }


def find(client, comment):
    """(Distribution, ETag) of the distribution whose comment is ``comment``, or (None, None)."""
    for summary in list_distributions(client):
        if summary.get("Comment") == comment:
            answer = get_distribution(client, summary["Id"])
            return answer["Distribution"], answer["ETag"]
    return None, None


def wait_deployed(client, module, distribution_id):
    deadline = time.monotonic() + module.params["wait_timeout"]
    delay = 1
    while True:
        answer = get_distribution(client, distribution_id)
        if answer["Distribution"]["Status"] == "Deployed":
            return answer
        if time.monotonic() > deadline:
            module.fail_json(msg=f"CloudFront distribution {distribution_id} still not deployed")
        time.sleep(delay)
        delay = min(delay * 2, 30)


def ensure_tags(client, module, arn):
    if module.params["tags"] is None:
        return False
    current = boto3_tag_list_to_ansible_dict(list_tags(client, arn))
    to_set, to_remove = compare_aws_tags(current, module.params["tags"], module.params["purge_tags"])
    if not module.check_mode:
        if to_remove:
            untag_resource(client, arn, to_remove)
        if to_set:
            tag_resource(client, arn, ansible_dict_to_boto3_tag_list(to_set))
    return bool(to_set or to_remove)


def ensure_present(client, module, existing, etag):
    wanted = with_quantities(module.params["distribution_config"])
    wanted["Comment"] = module.params["comment"]
    if not existing:
        config = dict(wanted, CallerReference=module.params["caller_reference"] or module.params["comment"])
        diff = {"before": {}, "after": snake(config)}
        if module.check_mode:
            module.exit_json(changed=True, distribution={}, diff=diff)
        answer = create_distribution(client, config, ansible_dict_to_boto3_tag_list(module.params["tags"] or {}))
        distribution = answer["Distribution"]
        if module.params["wait"]:
            distribution = wait_deployed(client, module, distribution["Id"])["Distribution"]
        tags = list_tags(client, distribution["ARN"])
        module.exit_json(changed=True, distribution=describe(distribution, tags), diff=diff)

    current = existing["DistributionConfig"]
    changed_paths = differences(wanted, current)
    config = merged(current, wanted) if changed_paths else current
    diff = {"before": snake(current), "after": snake(config)}
    distribution = existing
    if changed_paths and not module.check_mode:
        distribution = update_distribution(client, existing["Id"], config, etag)["Distribution"]
    tags_changed = ensure_tags(client, module, existing["ARN"])
    if (changed_paths or tags_changed) and module.params["wait"] and not module.check_mode:
        distribution = wait_deployed(client, module, existing["Id"])["Distribution"]
    tags = list_tags(client, existing["ARN"])
    module.exit_json(
        changed=bool(changed_paths) or tags_changed,
        changed_settings=changed_paths,
        distribution=describe(distribution, tags),
        diff=diff,
    )


def ensure_absent(client, module, existing, etag):
    diff = {"before": snake(existing["DistributionConfig"]) if existing else {}, "after": {}}
    if existing and not module.check_mode:
        if existing["DistributionConfig"]["Enabled"]:
            config = dict(existing["DistributionConfig"], Enabled=False)
            update_distribution(client, existing["Id"], config, etag)
        # CloudFront deletes a distribution only once it is disabled and deployed, with the latest ETag.
        etag = wait_deployed(client, module, existing["Id"])["ETag"]
        delete_distribution(client, existing["Id"], etag)
    module.exit_json(changed=bool(existing), distribution={}, diff=diff)


def main():
    argument_spec = dict(
        comment=dict(type="str", required=True),
        distribution_config=dict(type="dict"),
        caller_reference=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[["state", "present", ["distribution_config"]]],
        supports_check_mode=True,
    )
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing, etag = find(client, module.params["comment"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not list the CloudFront distributions")
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing, etag)
        else:
            ensure_absent(client, module, existing, etag)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not manage the CloudFront distribution {module.params['comment']}")


if __name__ == "__main__":
    main()
