#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_detector
version_added: 0.1.0
short_description: Manage the GuardDuty detector of a region
description:
  - Creates, updates or deletes the Amazon GuardDuty detector of the current
    account and region.
  - AWS allows one detector per account and region, so the module finds it
    with ListDetectors rather than by a name; a second CreateDetector would be
    refused.
  - Neither amazon.aws nor community.aws manages GuardDuty.
  - With O(owner), several callers can share the account's detector safely. A
    detector that does not carry the owner's tags was made by someone else. It
    is adopted (enabled and set to O(finding_publishing_frequency), its tags
    left alone), and O(state=absent) keeps it.
author:
  - Kumo developers (@kumo-platform)
options:
  enable:
    description: Whether the detector is enabled (V(false) suspends it but keeps it).
    type: bool
    default: true
  finding_publishing_frequency:
    description: How often updated findings are exported to EventBridge (and S3 when set up).
    type: str
    default: SIX_HOURS
    choices: [FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS]
  owner:
    description:
      - Tags that mark the detector as the caller's (for example its V(Name) tag). A detector without
        all of them is adopted, not re-tagged, and O(state=absent) does not delete it.
      - When the module creates the detector it tags it with O(tags), which must include these.
    type: dict
  state:
    description: Whether the detector should exist. V(absent) deletes it, and its findings with it.
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
- name: Enable GuardDuty in the region
  kumo.platform.guardduty_detector:
    finding_publishing_frequency: FIFTEEN_MINUTES
    tags:
      Name: kumo-prod-guardduty

- name: Remove the detector
  kumo.platform.guardduty_detector:
    state: absent
- name: Remove the detector only if this environment made it
  kumo.platform.guardduty_detector:
    owner:
      Name: kumo-dev-guardduty
    state: absent
"""

RETURN = r"""
detector:
  description: The detector, as GetDetector returns it (snake_case) plus its id; empty when absent.
  returned: always
  type: dict
  contains:
    detector_id:
      description: The detector's id.
      type: str
      sample: 12abc34d567e8fa901bc2d34e56789f0
    status:
      description: V(ENABLED) or V(DISABLED).
      type: str
      sample: ENABLED
    finding_publishing_frequency:
      description: How often findings are published.
      type: str
      sample: SIX_HOURS
    tags:
      description: The detector's tags.
      type: dict
      sample: {Name: kumo-prod-guardduty}
adopted:
  description: Whether the region's detector was made by someone other than O(owner) (so it was adopted or kept).
  returned: when O(owner) is set and a detector exists
  type: bool
  sample: false
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


@AWSRetry.jittered_backoff()
def list_detectors(client):
    paginator = client.get_paginator("list_detectors")
    return paginator.paginate().build_full_result()["DetectorIds"]


@AWSRetry.jittered_backoff()
def get_detector(client, detector_id):
    return client.get_detector(DetectorId=detector_id)


@AWSRetry.jittered_backoff()
def create_detector(client, **params):
    return client.create_detector(**params)["DetectorId"]


@AWSRetry.jittered_backoff()
def update_detector(client, **params):
    return client.update_detector(**params)


@AWSRetry.jittered_backoff()
def delete_detector(client, detector_id):
    return client.delete_detector(DetectorId=detector_id)


@AWSRetry.jittered_backoff()
def tag_resource(client, arn, tags):
    return client.tag_resource(ResourceArn=arn, Tags=tags)


@AWSRetry.jittered_backoff()
def untag_resource(client, arn, keys):
    return client.untag_resource(ResourceArn=arn, TagKeys=keys)


def find(client):
    ids = list_detectors(client)
    if not ids:
        return None
    detector = get_detector(client, ids[0])
    detector["DetectorId"] = ids[0]
    return detector


def describe(detector):
    if not detector:
        return {}
    result = camel_dict_to_snake_dict(
        {k: v for k, v in detector.items() if k not in ("ResponseMetadata", "Tags")},
    )
    result["tags"] = dict(detector.get("Tags") or {})
    return result


@AWSRetry.jittered_backoff()
def account_id(module):
    return module.client("sts").get_caller_identity()["Account"]


def detector_arn(module, detector_id):
    return f"arn:aws:guardduty:{module.region}:{account_id(module)}:detector/{detector_id}"


def wanted_status(module):
    return "ENABLED" if module.params["enable"] else "DISABLED"


def owned(existing, owner):
    """Whether the detector carries every owner tag (no owner: whoever asks owns it)."""
    tags = existing.get("Tags") or {}
    return not owner or all(tags.get(key) == value for key, value in owner.items())


def ensure_present(client, module, existing):
    params = module.params
    before = describe(existing)
    manage_tags = params["tags"] is not None and (not existing or owned(existing, params["owner"]))
    after = {
        "status": wanted_status(module),
        "finding_publishing_frequency": params["finding_publishing_frequency"],
        "tags": params["tags"] if manage_tags else before.get("tags", {}),
    }
    if not existing:
        if not module.check_mode:
            create_detector(
                client,
                Enable=params["enable"],
                FindingPublishingFrequency=params["finding_publishing_frequency"],
                Tags=params["tags"] or {},
            )
        return True, before, after

    changed = False
    settings_differ = (
        existing.get("Status") != after["status"]
        or existing.get("FindingPublishingFrequency") != after["finding_publishing_frequency"]
    )
    if settings_differ:
        changed = True
        if not module.check_mode:
            update_detector(
                client,
                DetectorId=existing["DetectorId"],
                Enable=params["enable"],
                FindingPublishingFrequency=params["finding_publishing_frequency"],
            )
    if manage_tags:
        to_set, to_unset = compare_aws_tags(existing.get("Tags") or {}, params["tags"], params["purge_tags"])
        if to_set or to_unset:
            changed = True
            if not module.check_mode:
                arn = detector_arn(module, existing["DetectorId"])
                if to_unset:
                    untag_resource(client, arn, to_unset)
                if to_set:
                    tag_resource(client, arn, to_set)
    return changed, before, after


def main():
    argument_spec = dict(
        enable=dict(type="bool", default=True),
        finding_publishing_frequency=dict(
            type="str", default="SIX_HOURS", choices=["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        owner=dict(type="dict"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    owner = params["owner"]
    if owner and params["state"] == "present" and not owned({"Tags": params["tags"]}, owner):
        module.fail_json(msg=f"tags must include the owner tags {owner}: the detector made is tagged with them")
    client = module.client("guardduty", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = find(client)
        adopted = {"adopted": not owned(existing, owner)} if owner and existing else {}
        if params["state"] == "absent":
            doomed = existing if existing and owned(existing, owner) else None
            if doomed and not module.check_mode:
                delete_detector(client, doomed["DetectorId"])
            after = {} if doomed else describe(existing)
            module.exit_json(
                changed=bool(doomed), detector=after, diff={"before": describe(existing), "after": after}, **adopted
            )

        changed, before, after = ensure_present(client, module, existing)
        current = find(client) if not module.check_mode else None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not manage the GuardDuty detector")
    result = describe(current) if current else dict(before, **after)
    module.exit_json(changed=changed, detector=result, diff={"before": before, "after": after}, **adopted)


if __name__ == "__main__":
    main()
