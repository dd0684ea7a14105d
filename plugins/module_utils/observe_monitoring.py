# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The monitoring layer as roles/monitoring leaves it, read for layer_state.

Every resource is found by the exact name the role gives it (``<prefix>`` is
``<project>-<env>``):

- ``log_groups``: ``/ecs/<prefix>/<service>`` (every service: the service list
  is the role's) and ``/aws/cloudtrail/<prefix>``, with retention, KMS key and
  tags; one DescribeLogGroups with ``logGroupNamePattern=<prefix>``.
- ``topics``: ``<prefix>-alerts``: attributes (policies parsed; subscription
  counts and owner dropped), subscriptions (protocol and endpoint: an e-mail
  subscription's ARN is ``PendingConfirmation`` until someone confirms it) and tags.
- ``alarms``: every metric and composite alarm named ``<prefix>-*``
  (one DescribeAlarms with ``AlarmNamePrefix``), state and timestamps dropped.
- ``guardduty_detectors``: the region's detector: status, finding publishing
  frequency and tags (what kumo.platform.guardduty_detector manages; its
  features are AWS's and change by themselves).
- ``config_recorders`` (with ``recording``, the only status the role sets) and
  ``config_delivery_channels`` named ``<prefix>-config``.
- ``trails``: ``<prefix>-trail``: its settings, ``IsLogging`` and tags.
- ``buckets``: ``<prefix>-cloudtrail-<account>`` and ``<prefix>-config-<account>``:
  encryption, object ownership, public access block, policy and tags.
- ``xray_sampling_rules``: the rule named ``<prefix>`` and its tags.
- ``iam_roles``: ``<prefix>-cloudtrail-logs`` and ``<prefix>-config``: trust
  policy, description, tags, inline and attached managed policies, from one
  account-wide authorization report (as the ecs_capacity observer reads its roles).

Tags of the log groups, topic, alarms and buckets come from one Resource
Groups Tagging API GetResources call by ARN list: a call per resource (eight
alarms alone) would not fit the budget. The trail's, detector's and rule's
tags come from their own calls.

Calls for prod: 1 (log groups) + 2 (topic) + 1 (alarms) + 2 (GuardDuty)
+ 3 (Config) + 3 (trail) + 8 (buckets) + 2 (X-Ray) + 5 (IAM) + 1 (tags) = 28.
"""

import json

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import (
    call_or_none,
    canonical,
    plain,
    tag_dict,
    without,
)
from ansible_collections.kumo.platform.plugins.module_utils.observe_cdn_waf import bucket
from ansible_collections.kumo.platform.plugins.module_utils.observe_ecs_capacity import roles_where

# What amazon.aws.s3_bucket sets on the audit buckets (no versioning, no lifecycle);
# their tags come from GetResources.
AUDIT_BUCKET_SETTINGS = ("Encryption", "OwnershipControls", "PublicAccessBlock", "Policy")

# SNS attributes AWS changes by itself.
TOPIC_VOLATILE = ("Owner", "SubscriptionsConfirmed", "SubscriptionsPending", "SubscriptionsDeleted")

# Alarm fields AWS changes by itself (besides timestamps, dropped everywhere).
ALARM_VOLATILE = ("StateValue", "StateReason", "StateReasonData", "EvaluationState")

# Alarm lists whose order means nothing.
ALARM_SETS = ("Dimensions", "AlarmActions", "OKActions", "InsufficientDataActions")

# The inline policy amazon.aws.iam_policy puts on each role, and whether the
# role's managed policies are purged to the listed ones.
# GetResources takes at most 100 ARNs.
ARNS_PER_CALL = 100

# The roles the monitoring role makes, after <prefix>-.
ROLES = ("cloudtrail-logs", "config")


def _arn(scope, service, resource, region=True):
    return f"arn:{scope.partition}:{service}:{scope.region if region else ''}:{scope.account_id}:{resource}"


def topic_arn(scope):
    return _arn(scope, "sns", f"{scope.name_prefix}-alerts")


def trail_name(scope):
    return f"{scope.name_prefix}-trail"


def trail_log_group(scope):
    return f"/aws/cloudtrail/{scope.name_prefix}"


def bucket_names(scope):
    return [f"{scope.name_prefix}-cloudtrail-{scope.account_id}", f"{scope.name_prefix}-config-{scope.account_id}"]


def bucket_arn(scope, name):
    return f"arn:{scope.partition}:s3:::{name}"


def _parsed(value):
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def log_groups(logs, scope):
    """The service log groups and the trail's (the pattern narrows, the names decide)."""
    services = f"/ecs/{scope.name_prefix}/"
    found = []
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePattern=scope.name_prefix):
        for group in page["logGroups"]:
            name = group["logGroupName"]
            if name.startswith(services) or name == trail_log_group(scope):
                group.setdefault("logGroupArn", group["arn"].removesuffix(":*"))
                found.append(without(group, "arn", "creationTime", "storedBytes", "metricFilterCount"))
    return sorted(found, key=lambda group: group["logGroupName"])


def topics(sns, scope):
    arn = topic_arn(scope)
    answer = call_or_none(sns.get_topic_attributes, ("NotFound", "NotFoundException"), TopicArn=arn)
    if answer is None:
        return []
    attributes = {
        key: _parsed(value) if key.endswith("Policy") else value
        for key, value in without(answer["Attributes"], *TOPIC_VOLATILE).items()
    }
    subscriptions = []
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn):
        subscriptions.extend(
            {"Protocol": item["Protocol"], "Endpoint": item["Endpoint"]} for item in page["Subscriptions"]
        )
    subscriptions.sort(key=lambda item: (item["Protocol"], item["Endpoint"]))
    return [{"TopicArn": arn, "Attributes": attributes, "Subscriptions": subscriptions}]


def _alarm(alarm):
    alarm = without(alarm, *ALARM_VOLATILE)
    for key in ALARM_SETS:
        if key in alarm:
            alarm[key] = canonical(alarm[key])
    return alarm


def alarms(cloudwatch, scope):
    found = []
    paginator = cloudwatch.get_paginator("describe_alarms")
    for page in paginator.paginate(
        AlarmNamePrefix=f"{scope.name_prefix}-", AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    ):
        found.extend(_alarm(alarm) for alarm in page.get("MetricAlarms") or [])
        found.extend(_alarm(alarm) for alarm in page.get("CompositeAlarms") or [])
    return sorted(found, key=lambda alarm: alarm["AlarmName"])


def guardduty_detectors(guardduty):
    ids = []
    for page in guardduty.get_paginator("list_detectors").paginate():
        ids.extend(page["DetectorIds"])
    found = []
    for detector_id in sorted(ids):
        detector = call_or_none(guardduty.get_detector, ("BadRequestException",), DetectorId=detector_id)
        if detector is not None:
            found.append(
                {
                    "DetectorId": detector_id,
                    "Status": detector.get("Status"),
                    "FindingPublishingFrequency": detector.get("FindingPublishingFrequency"),
                    "Tags": detector.get("Tags") or {},
                }
            )
    return found


def config_recorders(config, scope):
    name = f"{scope.name_prefix}-config"
    answer = call_or_none(
        config.describe_configuration_recorders,
        ("NoSuchConfigurationRecorderException",),
        ConfigurationRecorderNames=[name],
    )
    if not answer or not answer["ConfigurationRecorders"]:
        return []
    statuses = call_or_none(
        config.describe_configuration_recorder_status,
        ("NoSuchConfigurationRecorderException",),
        ConfigurationRecorderNames=[name],
    )
    recording = {
        status["name"]: status.get("recording") for status in (statuses or {}).get("ConfigurationRecordersStatus", [])
    }
    return sorted(
        (
            dict(canonical(recorder), recording=recording.get(recorder["name"]))
            for recorder in answer["ConfigurationRecorders"]
        ),
        key=lambda recorder: recorder["name"],
    )


def config_delivery_channels(config, scope):
    answer = call_or_none(
        config.describe_delivery_channels,
        ("NoSuchDeliveryChannelException",),
        DeliveryChannelNames=[f"{scope.name_prefix}-config"],
    )
    return sorted((answer or {}).get("DeliveryChannels", []), key=lambda channel: channel["name"])


def trails(cloudtrail, scope):
    answer = call_or_none(cloudtrail.get_trail, ("TrailNotFoundException",), Name=trail_name(scope))
    if answer is None:
        return []
    trail = answer["Trail"]
    status = cloudtrail.get_trail_status(Name=trail["TrailARN"])
    tags = []
    for page in cloudtrail.get_paginator("list_tags").paginate(ResourceIdList=[trail["TrailARN"]]):
        for item in page["ResourceTagList"]:
            tags.extend(item.get("TagsList") or [])
    return [dict(trail, IsLogging=status.get("IsLogging"), Tags=tag_dict(tags))]


def buckets(s3, scope):
    found = (bucket(s3, name, AUDIT_BUCKET_SETTINGS) for name in bucket_names(scope))
    return sorted((item for item in found if item), key=lambda item: item["Name"])


def xray_sampling_rules(xray, scope):
    found = []
    for page in xray.get_paginator("get_sampling_rules").paginate():
        found.extend(
            record["SamplingRule"]
            for record in page["SamplingRuleRecords"]
            if record["SamplingRule"].get("RuleName") == scope.name_prefix
        )
    for rule in found:
        tags = []
        for page in xray.get_paginator("list_tags_for_resource").paginate(ResourceARN=rule["RuleARN"]):
            tags.extend(page.get("Tags") or [])
        rule["Tags"] = tag_dict(tags)
    return found


def iam_roles(iam, scope):
    """The CloudTrail and Config roles, read as the ecs_capacity observer reads its own."""
    wanted = {f"{scope.name_prefix}-{suffix}" for suffix in ROLES}
    return roles_where(iam, wanted.__contains__)


def tags_by_arn(tagging, arns):
    """ARN -> tags, one GetResources call per 100 ARNs (its limit; prod has 14).

    With ResourceARNList AWS refuses the pagination parameters and answers for
    every listed ARN at once, so no paginator; an ARN that does not exist is
    left out of the answer, not an error.
    """
    arns = sorted(set(arns))
    found = {}
    for start in range(0, len(arns), ARNS_PER_CALL):
        answer = tagging.get_resources(ResourceARNList=arns[start : start + ARNS_PER_CALL])
        for item in answer["ResourceTagMappingList"]:
            found[item["ResourceARN"]] = tag_dict(item.get("Tags"))
    return found


def _with_tags(items, arn_of, tags):
    for item in items:
        item["Tags"] = tags.get(arn_of(item), {})
    return items


def observe(client, scope):
    """{kind: value} of the monitoring layer (see the module docstring)."""
    observation = {
        "log_groups": log_groups(client("logs"), scope),
        "topics": topics(client("sns"), scope),
        "alarms": alarms(client("cloudwatch"), scope),
        "guardduty_detectors": guardduty_detectors(client("guardduty")),
        "config_recorders": config_recorders(client("config"), scope),
        "config_delivery_channels": config_delivery_channels(client("config"), scope),
        "trails": trails(client("cloudtrail"), scope),
        "buckets": buckets(client("s3"), scope),
        "xray_sampling_rules": xray_sampling_rules(client("xray"), scope),
        "iam_roles": iam_roles(client("iam"), scope),
    }
    arns = (
        [group["logGroupArn"] for group in observation["log_groups"]]
        + [topic_arn(scope)]
        + [alarm["AlarmArn"] for alarm in observation["alarms"]]
        + [bucket_arn(scope, name) for name in bucket_names(scope)]
    )
    tags = tags_by_arn(client("resourcegroupstaggingapi"), arns)
    _with_tags(observation["log_groups"], lambda group: group["logGroupArn"], tags)
    _with_tags(observation["topics"], lambda topic: topic["TopicArn"], tags)
    _with_tags(observation["alarms"], lambda alarm: alarm["AlarmArn"], tags)
    _with_tags(observation["buckets"], lambda item: bucket_arn(scope, item["Name"]), tags)
    return plain(observation)
