"""observe_monitoring against moto in-process: a prod-like monitoring layer built
with boto3 as roles/monitoring builds it (with the emulator's patches for the
X-Ray sampling-rule API, GuardDuty's single detector and IAM's AWS_ConfigRole)."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_monitoring
from emulator.patches import config_aws_config_role_policy, guardduty_single_detector, xray_sampling_rules
from kumo_testlib import CountingClients

for _patch in (config_aws_config_role_policy, guardduty_single_detector, xray_sampling_rules):
    _patch.apply()

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, ACCOUNT, "aws")
PREFIX = SCOPE.name_prefix
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
TRAIL_BUCKET = f"{PREFIX}-cloudtrail-{ACCOUNT}"
CONFIG_BUCKET = f"{PREFIX}-config-{ACCOUNT}"
TRAIL_LOG_GROUP = f"/aws/cloudtrail/{PREFIX}"
SERVICES = ["frontend", "backend"]
BUDGET = 30
ALARM_NAMES = sorted(
    [f"{PREFIX}-{service}-{what}-high" for service in SERVICES for what in ("cpu", "memory")]
    + [f"{PREFIX}-alb-5xx", f"{PREFIX}-alb-response-time-p95"]
    + [f"{PREFIX}-{service}-unhealthy-hosts" for service in SERVICES]
)


def tags(name):
    return {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible", "Name": name}


def tag_list(name):
    return [{"Key": key, "Value": value} for key, value in tags(name).items()]


def trust(service):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            ],
        }
    )


def audit_bucket(s3, name, service_statement):
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KMS_KEY},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            service_statement,
        ],
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy, indent=2))
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(name)})


class Layer:
    """Handles on the layer built by ``build``."""

    def __init__(self):
        def make(service):
            return boto3.client(service, region_name=REGION)

        self.logs, self.sns, self.cloudwatch = make("logs"), make("sns"), make("cloudwatch")
        self.guardduty, self.config, self.cloudtrail = make("guardduty"), make("config"), make("cloudtrail")
        self.s3, self.xray, self.iam = make("s3"), make("xray"), make("iam")

    def build(self):
        # Another layer's resources with the same prefix: not this layer's.
        self.logs.create_log_group(logGroupName=f"/aws/vpc/{PREFIX}-flow-logs", tags=tags("flow"))
        self.cloudwatch.put_metric_alarm(
            AlarmName=f"TargetTracking-service/{PREFIX}-cluster/{PREFIX}-frontend-AlarmHigh",
            MetricName="CPUUtilization",
            Namespace="AWS/ECS",
            Statistic="Average",
            Period=60,
            EvaluationPeriods=3,
            Threshold=70.0,
            ComparisonOperator="GreaterThanThreshold",
        )

        for name in [f"/ecs/{PREFIX}/{service}" for service in SERVICES] + [TRAIL_LOG_GROUP]:
            self.logs.create_log_group(logGroupName=name, kmsKeyId=KMS_KEY, tags=tags(name))
            self.logs.put_retention_policy(logGroupName=name, retentionInDays=30)

        self.topic_arn = self.sns.create_topic(
            Name=f"{PREFIX}-alerts",
            Attributes={"DisplayName": f"{PREFIX} alerts"},
            Tags=tag_list(f"{PREFIX}-alerts"),
        )["TopicArn"]
        self.sns.subscribe(TopicArn=self.topic_arn, Protocol="email", Endpoint="ops+kumo-prod@example.com")

        for name in ALARM_NAMES:
            self.put_alarm(name)
            arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"
            self.cloudwatch.tag_resource(ResourceARN=arn, Tags=tag_list(name))

        self.detector_id = self.guardduty.create_detector(
            Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES", Tags=tags(f"{PREFIX}-guardduty")
        )["DetectorId"]

        trail_arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{PREFIX}-trail"
        audit_bucket(
            self.s3,
            TRAIL_BUCKET,
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}",
                "Condition": {"StringEquals": {"AWS:SourceArn": trail_arn}},
            },
        )
        audit_bucket(
            self.s3,
            CONFIG_BUCKET,
            {
                "Sid": "AWSConfigBucketPermissionsCheck",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": f"arn:aws:s3:::{CONFIG_BUCKET}",
                "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
            },
        )

        trail_role = self.make_role(
            f"{PREFIX}-cloudtrail-logs",
            "cloudtrail.amazonaws.com",
            "write-cloudtrail-logs",
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
        )
        config_role = self.make_role(
            f"{PREFIX}-config",
            "config.amazonaws.com",
            "deliver-config",
            {"Effect": "Allow", "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{CONFIG_BUCKET}"},
        )
        self.iam.attach_role_policy(
            RoleName=f"{PREFIX}-config", PolicyArn="arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
        )

        self.cloudtrail.create_trail(
            Name=f"{PREFIX}-trail",
            S3BucketName=TRAIL_BUCKET,
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=True,
            EnableLogFileValidation=True,
            KmsKeyId=KMS_KEY,
            CloudWatchLogsRoleArn=trail_role,
            CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{TRAIL_LOG_GROUP}:*",
            TagsList=tag_list(f"{PREFIX}-trail"),
        )
        self.cloudtrail.start_logging(Name=f"{PREFIX}-trail")

        self.config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": f"{PREFIX}-config",
                "roleARN": config_role,
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        self.put_delivery_channel("TwentyFour_Hours")
        self.config.start_configuration_recorder(ConfigurationRecorderName=f"{PREFIX}-config")

        self.rule_arn = self.xray.create_sampling_rule(
            SamplingRule={
                "RuleName": PREFIX,
                "ResourceARN": "*",
                "Priority": 1000,
                "FixedRate": 0.05,
                "ReservoirSize": 1,
                "ServiceName": "*",
                "ServiceType": "*",
                "Host": "*",
                "HTTPMethod": "*",
                "URLPath": "*",
                "Version": 1,
            },
            Tags=tag_list(PREFIX),
        )["SamplingRuleRecord"]["SamplingRule"]["RuleARN"]
        return self

    def put_alarm(self, name, threshold=80.0):
        self.cloudwatch.put_metric_alarm(
            AlarmName=name,
            AlarmDescription=f"{name} above threshold",
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            ComparisonOperator="GreaterThanThreshold",
            Threshold=threshold,
            Unit="Percent",
            Period=300,
            EvaluationPeriods=2,
            TreatMissingData="missing",
            Dimensions=[
                {"Name": "ClusterName", "Value": f"{PREFIX}-cluster"},
                {"Name": "ServiceName", "Value": f"{PREFIX}-frontend"},
            ],
            AlarmActions=[self.topic_arn],
            OKActions=[self.topic_arn],
        )

    def put_delivery_channel(self, frequency):
        self.config.put_delivery_channel(
            DeliveryChannel={
                "name": f"{PREFIX}-config",
                "s3BucketName": CONFIG_BUCKET,
                "s3KmsKeyArn": KMS_KEY,
                "configSnapshotDeliveryProperties": {"deliveryFrequency": frequency},
            }
        )

    def make_role(self, name, service, policy_name, statement):
        arn = self.iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=trust(service),
            Description=f"{name} role",
            Tags=tag_list(name),
        )["Role"]["Arn"]
        self.iam.put_role_policy(
            RoleName=name,
            PolicyName=policy_name,
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
        return arn


def observe():
    counter = CountingClients(SCOPE.region)
    return observe_monitoring.observe(counter, SCOPE), counter.calls


@pytest.fixture
def layer():
    with mock_aws():
        yield Layer().build()


def changed_kinds(before, after):
    return sorted(kind for kind in before if before[kind] != after[kind])


def test_two_observations_are_equal_and_json(layer):
    first = observe()[0]
    second = observe()[0]
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert [group["logGroupName"] for group in first["log_groups"]] == sorted(
        [f"/ecs/{PREFIX}/{service}" for service in SERVICES] + [TRAIL_LOG_GROUP]
    )
    assert all(group["Tags"] == tags(group["logGroupName"]) for group in first["log_groups"])
    assert [alarm["AlarmName"] for alarm in first["alarms"]] == ALARM_NAMES
    assert all(alarm["Tags"] == tags(alarm["AlarmName"]) for alarm in first["alarms"])
    [topic] = first["topics"]
    assert topic["Tags"] == tags(f"{PREFIX}-alerts")
    assert topic["Subscriptions"] == [{"Protocol": "email", "Endpoint": "ops+kumo-prod@example.com"}]
    assert [item["Name"] for item in first["buckets"]] == sorted([TRAIL_BUCKET, CONFIG_BUCKET])
    assert all(item["Tags"] == tags(item["Name"]) for item in first["buckets"])
    [trail] = first["trails"]
    assert (trail["IsLogging"], trail["Tags"]) == (True, tags(f"{PREFIX}-trail"))
    [recorder] = first["config_recorders"]
    assert recorder["recording"] is True
    [detector] = first["guardduty_detectors"]
    assert detector["DetectorId"] == layer.detector_id
    [rule] = first["xray_sampling_rules"]
    assert rule["Tags"] == tags(PREFIX)
    assert [role["RoleName"] for role in first["iam_roles"]] == [f"{PREFIX}-cloudtrail-logs", f"{PREFIX}-config"]
    assert first["iam_roles"][1]["AttachedManagedPolicies"] == ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"]


def test_the_observation_is_within_budget(layer):
    calls = observe()[1]
    assert len(calls) <= BUDGET, calls
    assert len(calls) == 25


def untag_alarm(layer):
    arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ALARM_NAMES[0]}"
    layer.cloudwatch.untag_resource(ResourceARN=arn, TagKeys=["Name"])


def update_rule(layer, **settings):
    layer.xray.update_sampling_rule(SamplingRuleUpdate=dict(RuleName=PREFIX, **settings))


# Applied one after another on one layer: a fresh moto account per drift costs seconds.
DRIFTS = [
    ("log_groups", lambda layer: layer.logs.put_retention_policy(logGroupName=TRAIL_LOG_GROUP, retentionInDays=7)),
    (
        "log_groups",
        lambda layer: layer.logs.tag_log_group(logGroupName=f"/ecs/{PREFIX}/frontend", tags={"Name": "x"}),
    ),
    ("log_groups", lambda layer: layer.logs.delete_log_group(logGroupName=f"/ecs/{PREFIX}/backend")),
    (
        "topics",
        lambda layer: layer.sns.set_topic_attributes(
            TopicArn=layer.topic_arn, AttributeName="DisplayName", AttributeValue="changed"
        ),
    ),
    (
        "topics",
        lambda layer: layer.sns.subscribe(TopicArn=layer.topic_arn, Protocol="email", Endpoint="x@example.com"),
    ),
    ("topics", lambda layer: layer.sns.untag_resource(ResourceArn=layer.topic_arn, TagKeys=["Name"])),
    ("alarms", lambda layer: layer.put_alarm(ALARM_NAMES[0], threshold=90.0)),
    ("alarms", untag_alarm),
    ("alarms", lambda layer: layer.cloudwatch.delete_alarms(AlarmNames=[ALARM_NAMES[-1]])),
    (
        "guardduty_detectors",
        lambda layer: layer.guardduty.update_detector(
            DetectorId=layer.detector_id, FindingPublishingFrequency="SIX_HOURS"
        ),
    ),
    (
        "config_recorders",
        lambda layer: layer.config.stop_configuration_recorder(ConfigurationRecorderName=f"{PREFIX}-config"),
    ),
    ("config_delivery_channels", lambda layer: layer.put_delivery_channel("One_Hour")),
    ("trails", lambda layer: layer.cloudtrail.stop_logging(Name=f"{PREFIX}-trail")),
    ("trails", lambda layer: layer.cloudtrail.update_trail(Name=f"{PREFIX}-trail", EnableLogFileValidation=False)),
    (
        "trails",
        lambda layer: layer.cloudtrail.remove_tags(
            ResourceId=f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{PREFIX}-trail", TagsList=[{"Key": "Name"}]
        ),
    ),
    ("buckets", lambda layer: layer.s3.delete_bucket_policy(Bucket=CONFIG_BUCKET)),
    ("buckets", lambda layer: layer.s3.put_bucket_tagging(Bucket=TRAIL_BUCKET, Tagging={"TagSet": tag_list("x")})),
    (
        "buckets",
        lambda layer: layer.s3.put_bucket_ownership_controls(
            Bucket=TRAIL_BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
        ),
    ),
    ("xray_sampling_rules", lambda layer: update_rule(layer, FixedRate=0.5)),
    (
        "xray_sampling_rules",
        lambda layer: layer.xray.untag_resource(ResourceARN=layer.rule_arn, TagKeys=["Name"]),
    ),
    (
        "iam_roles",
        lambda layer: layer.iam.update_assume_role_policy(
            RoleName=f"{PREFIX}-config", PolicyDocument=trust("ec2.amazonaws.com")
        ),
    ),
    (
        "iam_roles",
        lambda layer: layer.iam.detach_role_policy(
            RoleName=f"{PREFIX}-config", PolicyArn="arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"
        ),
    ),
    (
        "iam_roles",
        lambda layer: layer.iam.delete_role_policy(
            RoleName=f"{PREFIX}-cloudtrail-logs", PolicyName="write-cloudtrail-logs"
        ),
    ),
]


def test_each_changed_setting_changes_its_kind_only(layer):
    for kind, change in DRIFTS:
        before = observe()[0]
        change(layer)
        after = observe()[0]
        assert changed_kinds(before, after) == [kind], (kind, change)


def test_an_empty_account_observes_without_raising():
    with mock_aws():
        observation, calls = observe()
    assert observation == {
        "log_groups": [],
        "topics": [],
        "alarms": [],
        "guardduty_detectors": [],
        "config_recorders": [],
        "config_delivery_channels": [],
        "trails": [],
        "buckets": [],
        "xray_sampling_rules": [],
        "iam_roles": [],
    }
    assert len(calls) <= BUDGET
