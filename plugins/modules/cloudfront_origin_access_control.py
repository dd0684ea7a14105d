#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_origin_access_control
version_added: 0.1.0
short_description: Manage a CloudFront Origin Access Control
description:
  - Creates, updates or deletes one CloudFront Origin Access Control (OAC), found by its name
    (names are unique in an account).
  - An OAC lets CloudFront sign its requests to an origin (an S3 bucket) so that the bucket
    policy can allow C(cloudfront.amazonaws.com) for one distribution only.
  - Neither amazon.aws nor community.aws manages Origin Access Controls
    (community.aws only has the legacy Origin Access Identity).
  - CloudFront is a global service; its API lives in C(us-east-1).
author:
  - Kumo developers (@kumo-platform)
options:
  name:
    description: The OAC's name, unique in the account (up to 64 characters).
    required: true
    type: str
  description:
    description: A description of the OAC.
    type: str
    default: ""
  origin_type:
    description: The kind of origin the OAC signs requests to.
    type: str
    default: s3
    choices: [s3, mediastore, mediapackagev2, lambda]
  signing_behavior:
    description:
      - V(always) signs every request (and replaces a viewer's C(Authorization) header);
        V(no-override) keeps a viewer's header; V(never) signs nothing.
    type: str
    default: always
    choices: [always, never, no-override]
  signing_protocol:
    description: How requests are signed.
    type: str
    default: sigv4
    choices: [sigv4]
  state:
    description: Whether the OAC should exist.
    type: str
    default: present
    choices: [present, absent]
notes:
  - Deleting an OAC that a distribution still uses fails with C(OriginAccessControlInUse);
    remove it from the distribution first.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let CloudFront sign its requests to the static-assets bucket
  kumo.platform.cloudfront_origin_access_control:
    name: kumo-prod-static-assets
    description: CloudFront to s3://kumo-prod-static-assets-123456789012
    origin_type: s3
    signing_behavior: always
    signing_protocol: sigv4
    region: us-east-1

- name: Remove it (after the distribution no longer uses it)
  kumo.platform.cloudfront_origin_access_control:
    name: kumo-prod-static-assets
    state: absent
    region: us-east-1
"""

RETURN = r"""
origin_access_control:
  description: The OAC (snake_case); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The OAC's id, what a distribution origin's C(OriginAccessControlId) names.
      type: str
      sample: E2QWRUHEXAMPLE
    name:
      description: The OAC's name.
      type: str
      sample: kumo-prod-static-assets
    description:
      description: Its description.
      type: str
      sample: CloudFront to s3://kumo-prod-static-assets-123456789012
    origin_access_control_origin_type:
      description: The kind of origin.
      type: str
      sample: s3
    signing_behavior:
      description: When requests are signed.
      type: str
      sample: always
    signing_protocol:
      description: How requests are signed.
      type: str
      sample: sigv4
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Module option -> OriginAccessControlConfig key.
_SETTINGS = {
    "description": "Description",
    "origin_type": "OriginAccessControlOriginType",
    "signing_behavior": "SigningBehavior",
    "signing_protocol": "SigningProtocol",
}


@AWSRetry.jittered_backoff()
def list_origin_access_controls(client):
    found, marker = [], None
    while True:
        params = {"Marker": marker} if marker else {}
        page = client.list_origin_access_controls(**params)["OriginAccessControlList"]
        found.extend(page.get("Items") or [])
        marker = page.get("NextMarker")
        if not page.get("IsTruncated") or not marker:
            return found


@AWSRetry.jittered_backoff()
def get_origin_access_control(client, control_id):
    return client.get_origin_access_control(Id=control_id)


@AWSRetry.jittered_backoff()
def create_origin_access_control(client, config):
    return client.create_origin_access_control(OriginAccessControlConfig=config)


@AWSRetry.jittered_backoff()
def update_origin_access_control(client, control_id, config, etag):
    return client.update_origin_access_control(Id=control_id, OriginAccessControlConfig=config, IfMatch=etag)


@AWSRetry.jittered_backoff()
def delete_origin_access_control(client, control_id, etag):
    return client.delete_origin_access_control(Id=control_id, IfMatch=etag)


def find(client, name):
    """(OriginAccessControl, ETag) of the OAC called ``name``, or (None, None)."""
    for summary in list_origin_access_controls(client):
        if summary["Name"] == name:
            answer = get_origin_access_control(client, summary["Id"])
            return answer["OriginAccessControl"], answer["ETag"]
    return None, None


def describe(control):
    if not control:
        return {}
    result = {"id": control["Id"]}
    result.update(camel_dict_to_snake_dict(control["OriginAccessControlConfig"]))
    return result


def wanted_config(params):
    config = {"Name": params["name"]}
    config.update({key: params[option] for option, key in _SETTINGS.items()})
    return config


def ensure_present(client, module, existing, etag):
    wanted = wanted_config(module.params)
    before = describe(existing)
    if existing:
        current = dict(existing["OriginAccessControlConfig"])
        current.setdefault("Description", "")
        changed = any(current.get(key) != value for key, value in wanted.items())
    else:
        changed = True
    after = describe({"Id": existing["Id"] if existing else "", "OriginAccessControlConfig": wanted})
    if changed and not module.check_mode:
        if existing:
            answer = update_origin_access_control(client, existing["Id"], wanted, etag)
        else:
            answer = create_origin_access_control(client, wanted)
        after = describe(answer["OriginAccessControl"])
    elif not changed:
        after = before
    module.exit_json(changed=changed, origin_access_control=after, diff={"before": before, "after": after})


def ensure_absent(client, module, existing, etag):
    if existing and not module.check_mode:
        try:
            delete_origin_access_control(client, existing["Id"], etag)
        except is_boto3_error_code("NoSuchOriginAccessControl"):
            pass
    module.exit_json(changed=bool(existing), origin_access_control={}, diff={"before": describe(existing), "after": {}})


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str", default=""),
        origin_type=dict(type="str", default="s3", choices=["s3", "mediastore", "mediapackagev2", "lambda"]),
        signing_behavior=dict(type="str", default="always", choices=["always", "never", "no-override"]),
        signing_protocol=dict(type="str", default="sigv4", choices=["sigv4"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing, etag = find(client, module.params["name"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not list the Origin Access Controls")
    try:
        if module.params["state"] == "present":
            ensure_present(client, module, existing, etag)
        else:
            ensure_absent(client, module, existing, etag)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not manage the Origin Access Control {module.params['name']}")


if __name__ == "__main__":
    main()
