#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_invalidation
version_added: 0.2.0
short_description: Invalidate paths of a CloudFront distribution, once per release
description:
  - Invalidates a list of paths on a distribution found by its id, by one of its
    alternate domain names (C(Aliases)), or by its C(Name) tag or comment.
  - Paths are normalised (a leading C(/) added; spaces, non-ASCII and the other
    characters RFC 1738 calls unsafe percent-encoded, already-encoded C(%XX) kept),
    de-duplicated, and paths a wildcard of the same list already covers are dropped.
  - The paths are split into batches under CloudFront's limits (at most 3000 paths
    and 15 wildcard paths per invalidation); each batch is one invalidation.
  - Each batch has a deterministic caller reference, O(release_id) plus a hash of the
    batch's paths (or O(caller_reference) for a single batch). When an invalidation
    with that reference already exists nothing is created (C(changed=false)), so
    re-running the same release invalidates nothing twice.
  - C(TooManyInvalidationsInProgress) is retried with backoff.
  - Unlike M(community.aws.cloudfront_invalidation), the distribution can be found
    by alias, tag or comment, check mode is honoured, and the module can wait for the
    invalidations to complete.
author:
  - Kumo developers (@kumo-platform)
options:
  distribution_id:
    description: The distribution's id.
    type: str
  distribution_name:
    description:
      - Find the distribution whose C(Name) tag, or else whose comment, equals this value.
      - Exactly one distribution must match.
    type: str
  distribution_alias:
    description:
      - Find the distribution that has this alternate domain name (CNAME) among its C(Aliases).
    type: str
  paths:
    description:
      - The paths to invalidate; C(*) may end a path. A missing leading C(/) is added.
    required: true
    type: list
    elements: str
  release_id:
    description:
      - The release these paths belong to (for example the image tag). Each batch's caller
        reference is this value plus a hash of its paths, so the same release and paths
        again find the earlier invalidation instead of making one.
      - Without it or O(caller_reference), every run makes new invalidations.
    type: str
  caller_reference:
    description:
      - An explicit caller reference (only when the paths fit in one batch).
      - The same value again finds the earlier invalidation instead of making one.
    type: str
  wait:
    description: Wait until the invalidations are C(Completed).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true); the task fails when they have not completed by then.
    type: int
    default: 900
  lookback:
    description:
      - How many of the distribution's most recent invalidations are searched for
        O(caller_reference) (each costs a C(GetInvalidation) call).
    type: int
    default: 100
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Invalidate the static assets after an upload
  kumo.platform.cloudfront_invalidation:
    distribution_name: kumo-prod-cdn
    paths: ["/_next/static/*", "/index.html"]
    release_id: kumo-prod-abc123
    wait: true

- name: Invalidate a page on the distribution serving www.example.com
  kumo.platform.cloudfront_invalidation:
    distribution_alias: www.example.com
    paths: ["/news/spring sale.html"]
    release_id: kumo-prod-abc123
"""

RETURN = r"""
distribution_id:
  description: The distribution invalidated.
  returned: always
  type: str
  sample: E2QWRUHAPOMQZL
paths:
  description: The normalised, de-duplicated paths.
  returned: always
  type: list
  elements: str
  sample: ["/_next/static/*", "/news/spring%20sale.html"]
invalidations:
  description: One entry per batch (new or found by caller reference), snake_case; empty in check mode for a new batch.
  returned: always
  type: list
  elements: dict
invalidation:
  description:
    - The first batch's invalidation (new or found by caller reference), snake_case.
    - Empty in check mode when it would be created.
  returned: always
  type: dict
  contains:
    id:
      description: The invalidation's id.
      type: str
      sample: I2J0I21PCUYOIK
    status:
      description: C(InProgress) or C(Completed).
      type: str
      sample: InProgress
    invalidation_batch:
      description: The paths and the caller reference.
      type: dict
"""

import datetime
import hashlib
import re
import time

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# CloudFront quotas: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
MAX_PATHS = 3000
MAX_WILDCARDS = 15
# RFC 1738 section 2.2 unsafe characters ('%' is handled apart: a valid %XX is kept).
_UNSAFE = set(' <>"#{}|\\^~[]`')
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


@AWSRetry.jittered_backoff()
def list_distributions(client):
    paginator = client.get_paginator("list_distributions")
    items = []
    for page in paginator.paginate():
        items.extend(page["DistributionList"].get("Items", []))
    return items


@AWSRetry.jittered_backoff()
def list_tags(client, arn):
    return client.list_tags_for_resource(Resource=arn)["Tags"].get("Items", [])


@AWSRetry.jittered_backoff()
def list_invalidations(client, distribution_id, limit):
    paginator = client.get_paginator("list_invalidations")
    items = []
    for page in paginator.paginate(DistributionId=distribution_id):
        items.extend(page["InvalidationList"].get("Items", []))
    items.sort(key=lambda item: item["CreateTime"], reverse=True)
    return items[:limit]


@AWSRetry.jittered_backoff()
def get_invalidation(client, distribution_id, invalidation_id):
    return client.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)["Invalidation"]


@AWSRetry.jittered_backoff(
    retries=10, delay=5, max_delay=60, catch_extra_error_codes=["TooManyInvalidationsInProgress"]
)
def create_invalidation(client, distribution_id, paths, caller_reference):
    batch = {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": caller_reference}
    return client.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)["Invalidation"]


def normalise_path(path):
    """A leading '/', and RFC 1738 unsafe and non-ASCII characters percent-encoded (CloudFront
    invalidates the encoded form; a valid %XX stays as it is)."""
    path = path.strip()
    if not path.startswith("/"):
        path = "/" + path
    out = []
    i = 0
    while i < len(path):
        char = path[i]
        if char == "%" and _ENCODED.match(path, i):
            out.append(path[i : i + 3].upper())
            i += 3
            continue
        if char == "%" or char in _UNSAFE or ord(char) > 126 or ord(char) < 33:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        else:
            out.append(char)
        i += 1
    return "".join(out)


def normalise_paths(paths):
    """Normalised, unique, sorted; a path a wildcard of the list already covers is dropped."""
    unique = sorted({normalise_path(p) for p in paths})
    wildcards = [p[:-1] for p in unique if p.endswith("*")]
    return [p for p in unique if not any(p != w + "*" and p.startswith(w) for w in wildcards)]


def batches(paths):
    """Lists of at most MAX_PATHS paths with at most MAX_WILDCARDS wildcards each."""
    wildcards = [p for p in paths if "*" in p]
    plain = [p for p in paths if "*" not in p]
    result = []
    while wildcards or plain:
        batch = wildcards[:MAX_WILDCARDS]
        wildcards = wildcards[MAX_WILDCARDS:]
        room = MAX_PATHS - len(batch)
        batch += plain[:room]
        plain = plain[room:]
        result.append(sorted(batch))
    return result


def reference_for(module, batch):
    if module.params["caller_reference"]:
        return module.params["caller_reference"]
    if module.params["release_id"]:
        digest = hashlib.sha256("\n".join(batch).encode("utf-8")).hexdigest()[:12]
        return f"{module.params['release_id']}-{digest}"
    return None


def find_distribution(client, module):
    if module.params["distribution_id"]:
        return module.params["distribution_id"]
    distributions = list_distributions(client)
    alias = module.params["distribution_alias"]
    if alias:
        matches = [d for d in distributions if alias.lower() in [a.lower() for a in d["Aliases"].get("Items", [])]]
        described = f"with alias '{alias}'"
    else:
        name = module.params["distribution_name"]
        by_tag = [
            d for d in distributions if boto3_tag_list_to_ansible_dict(list_tags(client, d["ARN"])).get("Name") == name
        ]
        matches = by_tag or [d for d in distributions if d.get("Comment") == name]
        described = f"named '{name}' (Name tag or comment)"
    if len(matches) != 1:
        module.fail_json(msg=f"Expected one CloudFront distribution {described}, found {len(matches)}")
    return matches[0]["Id"]


def existing_by_reference(client, module, distribution_id, references):
    """reference -> invalidation, for the references asked for, among the recent invalidations."""
    wanted = {r for r in references if r}
    found = {}
    if not wanted:
        return found
    for summary in list_invalidations(client, distribution_id, module.params["lookback"]):
        invalidation = get_invalidation(client, distribution_id, summary["Id"])
        reference = invalidation["InvalidationBatch"]["CallerReference"]
        if reference in wanted and reference not in found:
            found[reference] = invalidation
            if len(found) == len(wanted):
                break
    return found


def wait_for(client, module, distribution_id, invalidations, deadline):
    done = []
    for invalidation in invalidations:
        while invalidation["Status"].upper() != "COMPLETED":
            if time.monotonic() > deadline:
                module.fail_json(
                    msg=f"Invalidation {invalidation['Id']} did not complete within {module.params['wait_timeout']} s",
                    changed=True,
                    distribution_id=distribution_id,
                    invalidations=[describe(i) for i in invalidations],
                )
            time.sleep(min(10, max(1, deadline - time.monotonic())))
            invalidation = get_invalidation(client, distribution_id, invalidation["Id"])
        done.append(invalidation)
    return done


def describe(invalidation):
    if not invalidation:
        return {}
    result = camel_dict_to_snake_dict(invalidation)
    # moto answers COMPLETED, AWS Completed; report the documented spelling.
    result["status"] = "Completed" if invalidation["Status"].upper() == "COMPLETED" else invalidation["Status"]
    return result


def main():
    argument_spec = dict(
        distribution_id=dict(type="str"),
        distribution_name=dict(type="str"),
        distribution_alias=dict(type="str"),
        paths=dict(type="list", elements="str", required=True),
        release_id=dict(type="str"),
        caller_reference=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=900),
        lookback=dict(type="int", default=100),
    )
    distribution_options = ["distribution_id", "distribution_name", "distribution_alias"]
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[distribution_options, ["release_id", "caller_reference"]],
        required_one_of=[distribution_options],
        supports_check_mode=True,
    )
    paths = normalise_paths([p for p in module.params["paths"] if p and p.strip()])
    if not paths:
        module.fail_json(msg=f"paths must list at least one path; got {module.params['paths']}")
    planned = batches(paths)
    if module.params["caller_reference"] and len(planned) > 1:
        module.fail_json(
            msg=f"{len(paths)} paths need {len(planned)} invalidations (at most {MAX_PATHS} paths and "
            f"{MAX_WILDCARDS} wildcards each): use release_id, not caller_reference"
        )
    references = [reference_for(module, batch) for batch in planned]
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    deadline = time.monotonic() + module.params["wait_timeout"]
    results, changed = [], False
    try:
        distribution_id = find_distribution(client, module)
        existing = existing_by_reference(client, module, distribution_id, references)
        for index, batch in enumerate(planned):
            reference = references[index]
            if reference in existing:
                results.append(existing[reference])
                continue
            changed = True
            if module.check_mode:
                results.append({})
                continue
            now = datetime.datetime.now(datetime.timezone.utc).isoformat()
            results.append(create_invalidation(client, distribution_id, batch, reference or now))
        if module.params["wait"] and not module.check_mode:
            results = wait_for(client, module, distribution_id, results, deadline)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Could not invalidate the CloudFront distribution")
    described = [describe(i) for i in results]
    module.exit_json(
        changed=changed,
        distribution_id=distribution_id,
        paths=paths,
        invalidations=described,
        invalidation=described[0] if described else {},
    )


if __name__ == "__main__":
    main()
