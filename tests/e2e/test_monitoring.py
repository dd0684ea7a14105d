"""The monitoring layer, converged on the emulator and read back (SPEC.md,
"Monitoring", the per-environment table and the "Security baseline")."""

import json

import pytest

from kumo_testlib import REGION, exhaustive, expected_tags, sampled, tags_of

pytestmark = pytest.mark.e2e

LAYERS = ("network", "ecs_capacity", "alb", "monitoring")
RETENTION = {"dev": 7, "staging": 14, "prod": 30}
AUDIT = {"dev": False, "staging": True, "prod": True}
SWITCHES_OFF = {
    "monitoring_enable_guardduty": False,
    "monitoring_enable_config": False,
    "monitoring_enable_cloudtrail": False,
    "monitoring_enable_xray": False,
}
SWITCHES_ON = dict.fromkeys(SWITCHES_OFF, True)
# dev leaves the account-level services alone; switching them needs manage.
MANAGE = {"kumo_account_services": "manage"}
ACCOUNT_ON = {"monitoring_enable_guardduty": True, "monitoring_enable_config": True} | MANAGE
ACCOUNT_OFF = {"monitoring_enable_guardduty": False, "monitoring_enable_config": False} | MANAGE


@pytest.fixture(scope="module")
def monitoring(stacks, env):
    stack = stacks[env]
    stack.converged(*LAYERS)
    return stack


def _alb_ids(stack, env):
    elbv2 = stack.client("elbv2")
    [alb] = elbv2.describe_load_balancers(Names=[f"kumo-{env}-alb"])["LoadBalancers"]
    groups = [
        g for g in elbv2.describe_target_groups()["TargetGroups"] if g["TargetGroupName"].startswith(f"kumo-{env}-")
    ]
    return (
        alb["LoadBalancerArn"].split(":loadbalancer/")[1],
        {g["TargetGroupName"]: g["TargetGroupArn"].rsplit(":", 1)[1] for g in groups},
    )


def _topic_arn(stack, env):
    topics = [t["TopicArn"] for t in stack.client("sns").list_topics()["Topics"]]
    [arn] = [t for t in topics if t.endswith(f":kumo-{env}-alerts")]
    return arn


def test_second_run_changes_nothing(monitoring):
    _, second = monitoring.converged(*LAYERS)
    assert second.changed == 0, second.changed_tasks()


# One environment in make test: the layer's tasks are the same in each (the
# shared stack's second run already ran every task of every layer in both).
@sampled("dev")
def test_the_layer_alone_changes_nothing(monitoring, env):
    run = monitoring.run(tags=["monitoring"], refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()


def test_service_log_groups_are_encrypted_with_the_retention(monitoring, env):
    logs = monitoring.client("logs")
    [key] = [
        a["TargetKeyId"]
        for a in monitoring.client("kms").list_aliases()["Aliases"]
        if a["AliasName"] == f"alias/kumo-{env}"
    ]
    key_arn = monitoring.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    for service in ("frontend", "backend"):
        name = f"/ecs/kumo-{env}/{service}"
        [group] = [
            g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name
        ]
        assert group["retentionInDays"] == RETENTION[env]
        assert group["kmsKeyId"] == key_arn
        assert logs.list_tags_for_resource(resourceArn=group["arn"].removesuffix(":*"))["tags"] == expected_tags(
            env, name
        )


def test_alert_topic_with_email_subscriptions(monitoring, env):
    sns = monitoring.client("sns")
    arn = _topic_arn(monitoring, env)
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", f"ops+kumo-{env}@example.com")]
    assert tags_of(sns.list_tags_for_resource(ResourceArn=arn)) == expected_tags(env, f"kumo-{env}-alerts")


def test_alarms_watch_the_spec_metrics_and_notify_the_topic(monitoring, env):
    alb, target_groups = _alb_ids(monitoring, env)
    cluster = f"kumo-{env}-cluster"
    expected = {}
    for service in ("frontend", "backend"):
        ecs = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": f"kumo-{env}-{service}"}]
        expected[f"kumo-{env}-{service}-cpu-high"] = ("AWS/ECS", "CPUUtilization", "Average", None, 80.0, 300, ecs)
        expected[f"kumo-{env}-{service}-memory-high"] = (
            "AWS/ECS",
            "MemoryUtilization",
            "Average",
            None,
            80.0,
            300,
            ecs,
        )
        # blue/green (staging, prod): either target group of the pair may serve, both are watched
        for group in [f"kumo-{env}-{service}"] + ([f"kumo-{env}-{service}-alt"] if env != "dev" else []):
            tg = [
                {"Name": "LoadBalancer", "Value": alb},
                {"Name": "TargetGroup", "Value": target_groups[group]},
            ]
            expected[f"{group}-unhealthy-hosts"] = (
                "AWS/ApplicationELB",
                "UnHealthyHostCount",
                "Maximum",
                None,
                0.0,
                300,
                tg,
            )
    lb = [{"Name": "LoadBalancer", "Value": alb}]
    expected[f"kumo-{env}-alb-5xx"] = ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", None, 10.0, 300, lb)
    expected[f"kumo-{env}-alb-response-time-p95"] = (
        "AWS/ApplicationELB",
        "TargetResponseTime",
        None,
        "p95",
        1.0,
        300,
        lb,
    )

    alarms = {
        a["AlarmName"]: a
        for a in monitoring.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"kumo-{env}-")["MetricAlarms"]
    }
    assert set(alarms) == set(expected)
    topic = _topic_arn(monitoring, env)
    for name, (namespace, metric, statistic, extended, threshold, period, dimensions) in expected.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric), name
        assert alarm.get("Statistic") == statistic, name
        assert alarm.get("ExtendedStatistic") == extended, name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", name
        assert alarm["Threshold"] == threshold, name
        assert alarm["Period"] == period, name
        assert sorted(alarm["Dimensions"], key=lambda d: d["Name"]) == dimensions, name
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic], name
        assert alarm["TreatMissingData"] == ("missing" if namespace == "AWS/ECS" else "notBreaching"), name
        tags = monitoring.client("cloudwatch").list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]
        assert tags_of({"Tags": tags}) == expected_tags(env, name), name


def test_guardduty_per_environment(monitoring, env):
    guardduty = monitoring.client("guardduty")
    detectors = guardduty.list_detectors()["DetectorIds"]
    if not AUDIT[env]:
        assert detectors == []
        return
    [detector_id] = detectors
    detector = guardduty.get_detector(DetectorId=detector_id)
    assert detector["Status"] == "ENABLED"
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert detector["Tags"] == expected_tags(env, f"kumo-{env}-guardduty")


@pytest.mark.xdist_group(name="dev")
def test_the_accounts_detector_and_recorder_made_by_others_are_adopted_and_never_deleted(stacks):
    """The dev stack's account holds a GuardDuty detector and a Config recorder
    someone else made (the security team's, another environment's). dev
    (kumo_account_services leave) does not touch them; with manage it adopts
    them, and switching the services off keeps them. Puts the stack back."""
    stack = stacks["dev"]
    stack.converged(*LAYERS)
    guardduty, config, s3 = stack.client("guardduty"), stack.client("config"), stack.client("s3")
    theirs = {"Name": "security-team"}
    detector_id = guardduty.create_detector(Enable=False, Tags=theirs)["DetectorId"]
    bucket = "security-team-config-123456789012"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    role = "arn:aws:iam::123456789012:role/security-team-config"
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": role})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})

    def account_services():
        detector = guardduty.get_detector(DetectorId=detector_id)
        statuses = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
        return {
            "detectors": guardduty.list_detectors()["DetectorIds"],
            "detector": (detector["Status"], detector["FindingPublishingFrequency"], detector["Tags"]),
            "recording": {status["name"]: status["recording"] for status in statuses},
            "channels": [c["name"] for c in config.describe_delivery_channels()["DeliveryChannels"]],
        }

    try:
        left = stack.run(tags=["monitoring"], refresh="full")
        assert left.returncode == 0, left.tail()
        assert account_services() == {
            "detectors": [detector_id],
            "detector": ("DISABLED", "SIX_HOURS", theirs),
            "recording": {"default": False},
            "channels": ["default"],
        }
        adopted = stack.run(tags=["monitoring"], extra_vars=ACCOUNT_ON)
        assert adopted.returncode == 0, adopted.tail()
        # enabled as the inventory asks, its tags left; the recorder made to record, nothing added beside it
        assert account_services() == {
            "detectors": [detector_id],
            "detector": ("ENABLED", "FIFTEEN_MINUTES", theirs),
            "recording": {"default": True},
            "channels": ["default"],
        }
        again = stack.run(tags=["monitoring"], extra_vars=ACCOUNT_ON, refresh="full")
        assert again.returncode == 0 and again.changed == 0, again.changed_tasks()
        off = stack.run(tags=["monitoring"], extra_vars=ACCOUNT_OFF)
        assert off.returncode == 0, off.tail()
        kept = account_services()
        assert (kept["detectors"], kept["detector"][2], kept["channels"]) == ([detector_id], theirs, ["default"])
        assert kept["recording"] == {"default": True}
    finally:
        config.stop_configuration_recorder(ConfigurationRecorderName="default")
        config.delete_delivery_channel(DeliveryChannelName="default")
        config.delete_configuration_recorder(ConfigurationRecorderName="default")
        guardduty.delete_detector(DetectorId=detector_id)
        s3.delete_bucket(Bucket=bucket)
        back = stack.run(tags=["monitoring"])
        assert back.returncode == 0, back.tail()


def _bucket_is_locked_down(s3, bucket, key_arn):
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    [deny] = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    return policy


def _key_arn(stack, env):
    kms = stack.client("kms")
    return kms.describe_key(KeyId=f"alias/kumo-{env}")["KeyMetadata"]["Arn"]


def test_config_records_per_environment(monitoring, env):
    config = monitoring.client("config")
    recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
    if not AUDIT[env]:
        assert recorders == [] and config.describe_delivery_channels()["DeliveryChannels"] == []
        return
    [recorder] = recorders
    assert recorder["name"] == f"kumo-{env}-config"
    assert recorder["roleARN"].endswith(f":role/kumo-{env}-config")
    assert recorder["recordingGroup"]["allSupported"] is True
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is True
    [status] = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status["recording"] is True
    [channel] = config.describe_delivery_channels()["DeliveryChannels"]
    account = monitoring.client("sts").get_caller_identity()["Account"]
    assert channel["s3BucketName"] == f"kumo-{env}-config-{account}"
    key_arn = _key_arn(monitoring, env)
    assert channel["s3KmsKeyArn"] == key_arn
    policy = _bucket_is_locked_down(monitoring.client("s3"), channel["s3BucketName"], key_arn)
    principals = {s["Sid"]: s["Principal"] for s in policy["Statement"] if s["Effect"] == "Allow"}
    assert principals["AWSConfigBucketDelivery"] == {"Service": "config.amazonaws.com"}
    iam = monitoring.client("iam")
    attached = iam.list_attached_role_policies(RoleName=f"kumo-{env}-config")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"]


def test_cloudtrail_per_environment(monitoring, env):
    cloudtrail = monitoring.client("cloudtrail")
    trails = [t for t in cloudtrail.describe_trails()["trailList"] if t["Name"].startswith(f"kumo-{env}")]
    if not AUDIT[env]:
        assert trails == []
        return
    [trail] = trails
    account = monitoring.client("sts").get_caller_identity()["Account"]
    key_arn = _key_arn(monitoring, env)
    assert trail["Name"] == f"kumo-{env}-trail"
    assert trail["IsMultiRegionTrail"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["KmsKeyId"] == key_arn
    assert trail["S3BucketName"] == f"kumo-{env}-cloudtrail-{account}"
    assert trail["CloudWatchLogsLogGroupArn"].startswith(
        f"arn:aws:logs:ap-northeast-1:{account}:log-group:/aws/cloudtrail/kumo-{env}"
    )
    assert trail["CloudWatchLogsRoleArn"].endswith(f":role/kumo-{env}-cloudtrail-logs")
    assert cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True
    policy = _bucket_is_locked_down(monitoring.client("s3"), trail["S3BucketName"], key_arn)
    allows = {s["Sid"]: s for s in policy["Statement"] if s["Effect"] == "Allow"}
    for sid in ("AWSCloudTrailAclCheck", "AWSCloudTrailWrite"):
        assert allows[sid]["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        assert allows[sid]["Condition"]["StringEquals"]["AWS:SourceArn"] == trail["TrailARN"]
    assert allows["AWSCloudTrailWrite"]["Resource"] == f"arn:aws:s3:::{trail['S3BucketName']}/AWSLogs/{account}/*"


def test_xray_sampling_rule_per_environment(monitoring, env):
    records = monitoring.client("xray").get_sampling_rules()["SamplingRuleRecords"]
    rules = {r["SamplingRule"]["RuleName"]: r["SamplingRule"] for r in records}
    if not AUDIT[env]:
        assert set(rules) == {"Default"}
        return
    rule = rules[f"kumo-{env}"]
    assert (rule["Priority"], rule["ReservoirSize"], rule["FixedRate"]) == (1000, 1, 0.05)


# On the dev stack (dev has the switches off): the prod worker carries the
# crash, fault-injection and teardown tests, so this one balances the two.
@exhaustive
@pytest.mark.xdist_group(name="dev")
def test_switching_the_services_on_then_off_builds_then_removes_them(stacks):
    """Last in the module: it changes the dev stack, and puts it back."""
    stack = stacks["dev"]
    stack.converged(*LAYERS)
    config = stack.client("config")

    def audit_services():
        trails = [t["Name"] for t in stack.client("cloudtrail").describe_trails()["trailList"]]
        rules = [
            r["SamplingRule"]["RuleName"] for r in stack.client("xray").get_sampling_rules()["SamplingRuleRecords"]
        ]
        return {
            "guardduty": len(stack.client("guardduty").list_detectors()["DetectorIds"]),
            "config_recorders": len(config.describe_configuration_recorders()["ConfigurationRecorders"]),
            "delivery_channels": len(config.describe_delivery_channels()["DeliveryChannels"]),
            "trails": [t for t in trails if t.startswith("kumo-")],
            "sampling_rules": sorted(rules),
        }

    on = stack.run(tags=["monitoring"], extra_vars=SWITCHES_ON | MANAGE)
    assert on.returncode == 0, on.tail()
    assert audit_services() == {
        "guardduty": 1,
        "config_recorders": 1,
        "delivery_channels": 1,
        "trails": ["kumo-dev-trail"],
        "sampling_rules": ["Default", "kumo-dev"],
    }
    off = stack.run(tags=["monitoring"], extra_vars=SWITCHES_OFF | MANAGE)
    assert off.returncode == 0, off.tail()
    assert audit_services() == {
        "guardduty": 0,
        "config_recorders": 0,
        "delivery_channels": 0,
        "trails": [],
        "sampling_rules": ["Default"],
    }
    again = stack.run(tags=["monitoring"], extra_vars=SWITCHES_OFF | MANAGE, refresh="full")
    assert again.changed == 0, again.changed_tasks()
