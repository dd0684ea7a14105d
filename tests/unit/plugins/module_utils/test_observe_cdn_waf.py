"""observe_cdn_waf against moto in-process: a prod-like cdn_waf layer built with
boto3 as roles/cdn_waf builds it (with the emulator's CloudFront patches: moto
drops S3OriginConfig and OriginAccessControlId)."""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_cdn_waf
from ansible_collections.kumo.platform.plugins.modules.cloudfront_distribution import with_quantities
from emulator.patches import cloudfront_origin_access_control_id, cloudfront_s3_origin_config
from kumo_testlib import CountingClients

for _patch in (cloudfront_origin_access_control_id, cloudfront_s3_origin_config):
    _patch.apply()

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, ACCOUNT, "aws")
PREFIX = SCOPE.name_prefix
STATIC = f"{PREFIX}-static-assets-{ACCOUNT}"
LOGS = f"{PREFIX}-cdn-logs-{ACCOUNT}"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
SECRET = "unit-test-origin-secret-0123456789"
BUDGET = 22
METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]


def tags(name):
    return {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible", "Name": name}


def tag_list(name):
    return [{"Key": key, "Value": value} for key, value in tags(name).items()]


def tls_only(bucket):
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def make_bucket(s3, name, kms, ownership, lifecycle):
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    if kms:
        rule = {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KMS_KEY},
            "BucketKeyEnabled": True,
        }
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [lifecycle]})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(name)})


def web_acl_rules(limit=2000):
    def visibility(name):
        return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": f"{PREFIX}-{name}"}

    rules = [
        {
            "Name": "rate-limit-per-ip",
            "Priority": 0,
            "Action": {"Block": {}},
            "Statement": {"RateBasedStatement": {"Limit": limit, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}},
            "VisibilityConfig": visibility("rate-limit-per-ip"),
        }
    ]
    for index, group in enumerate(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"], 1):
        rules.append(
            {
                "Name": group,
                "Priority": index,
                "OverrideAction": {"None": {}},
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                "VisibilityConfig": visibility(group),
            }
        )
    return rules


def distribution_config(oac_id, web_acl_arn):
    behaviour = {
        "ViewerProtocolPolicy": "redirect-to-https",
        "Compress": True,
    }
    return with_quantities(
        {
            "CallerReference": f"{PREFIX}-cdn",
            "Comment": f"{PREFIX}-cdn",
            "Enabled": True,
            "Aliases": {"Items": []},
            "PriceClass": "PriceClass_200",
            "HttpVersion": "http2and3",
            "IsIPV6Enabled": True,
            "WebACLId": web_acl_arn,
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            "Logging": {
                "Enabled": True,
                "IncludeCookies": False,
                "Bucket": f"{LOGS}.s3.amazonaws.com",
                "Prefix": "cloudfront/",
            },
            "Origins": {
                "Items": [
                    {
                        "Id": "static-assets",
                        "DomainName": f"{STATIC}.s3.{REGION}.amazonaws.com",
                        "OriginPath": "",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                        "OriginAccessControlId": oac_id,
                        "CustomHeaders": {"Items": []},
                    },
                    {
                        "Id": "alb",
                        "DomainName": f"{PREFIX}-alb-1234.{REGION}.elb.amazonaws.com",
                        "OriginPath": "",
                        "CustomHeaders": {"Items": [{"HeaderName": "X-Origin-Verify", "HeaderValue": SECRET}]},
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "http-only",
                            "OriginSslProtocols": {"Items": ["TLSv1.2"]},
                            "OriginReadTimeout": 30,
                            "OriginKeepaliveTimeout": 5,
                        },
                    },
                ]
            },
            "DefaultCacheBehavior": dict(
                behaviour,
                TargetOriginId="alb",
                AllowedMethods={"Items": METHODS, "CachedMethods": {"Items": ["GET", "HEAD"]}},
                ForwardedValues={
                    "QueryString": True,
                    "Cookies": {"Forward": "all"},
                    "Headers": {"Items": ["Accept-Language", "RSC"]},
                },
                MinTTL=0,
                DefaultTTL=0,
                MaxTTL=31536000,
            ),
            "CacheBehaviors": {
                "Items": [
                    dict(
                        behaviour,
                        PathPattern="/_next/static/*",
                        TargetOriginId="static-assets",
                        AllowedMethods={"Items": ["GET", "HEAD"], "CachedMethods": {"Items": ["GET", "HEAD"]}},
                        ForwardedValues={"QueryString": False, "Cookies": {"Forward": "none"}},
                        MinTTL=31536000,
                        DefaultTTL=31536000,
                        MaxTTL=31536000,
                    )
                ]
            },
        }
    )


class Layer:
    """Handles on the layer built by ``build``."""

    def __init__(self):
        self.s3 = boto3.client("s3", region_name=REGION)
        self.cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        self.wafv2 = boto3.client("wafv2", region_name="us-east-1")

    def build(self):
        make_bucket(
            self.s3,
            STATIC,
            kms=True,
            ownership="BucketOwnerEnforced",
            lifecycle={
                "ID": "expire-noncurrent-versions",
                "Filter": {"Prefix": ""},
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
        )
        self.s3.put_bucket_versioning(Bucket=STATIC, VersioningConfiguration={"Status": "Enabled"})
        make_bucket(
            self.s3,
            LOGS,
            kms=False,
            ownership="BucketOwnerPreferred",
            lifecycle={
                "ID": "expire-access-logs",
                "Filter": {"Prefix": ""},
                "Status": "Enabled",
                "Expiration": {"Days": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
        )
        self.s3.put_bucket_policy(
            Bucket=LOGS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only(LOGS)]})
        )

        acl = self.wafv2.create_web_acl(
            Name=f"{PREFIX}-web-acl",
            Scope="CLOUDFRONT",
            DefaultAction={"Allow": {}},
            Description=f"{PREFIX} CloudFront: managed rules, per-IP rate limit, optional geo block",
            Rules=web_acl_rules(),
            VisibilityConfig={
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": f"{PREFIX}-web-acl",
            },
            Tags=tag_list(f"{PREFIX}-web-acl"),
        )["Summary"]
        self.acl = acl
        oac = self.cloudfront.create_origin_access_control(
            OriginAccessControlConfig={
                "Name": f"{PREFIX}-static-assets",
                "Description": f"{PREFIX} CloudFront to s3://{STATIC}",
                "SigningProtocol": "sigv4",
                "SigningBehavior": "always",
                "OriginAccessControlOriginType": "s3",
            }
        )["OriginAccessControl"]
        self.oac_id = oac["Id"]
        distribution = self.cloudfront.create_distribution_with_tags(
            DistributionConfigWithTags={
                "DistributionConfig": distribution_config(self.oac_id, acl["ARN"]),
                "Tags": {"Items": tag_list(f"{PREFIX}-cdn")},
            }
        )["Distribution"]
        self.distribution = distribution
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                tls_only(STATIC),
                {
                    "Sid": "AllowCloudFrontReadOnlyThisDistribution",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{STATIC}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": distribution["ARN"]}},
                },
            ],
        }
        self.s3.put_bucket_policy(Bucket=STATIC, Policy=json.dumps(policy, indent=2))
        return self


def observe():
    counter = CountingClients(SCOPE.region)
    return observe_cdn_waf.observe(counter, SCOPE), counter.calls


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
    assert [bucket["Name"] for bucket in first["buckets"]] == sorted([STATIC, LOGS])
    [distribution] = first["distributions"]
    assert distribution["Id"] == layer.distribution["Id"]
    assert distribution["Tags"] == tags(f"{PREFIX}-cdn")
    [acl] = first["web_acls"]
    assert acl["Tags"] == tags(f"{PREFIX}-web-acl")
    assert [rule["Priority"] for rule in acl["Rules"]] == [0, 1, 2]
    assert [oac["Id"] for oac in first["origin_access_controls"]] == [layer.oac_id]


def test_the_origin_secret_is_not_observed_but_its_change_is(layer):
    before = observe()[0]
    assert SECRET not in json.dumps(before)
    answer = layer.cloudfront.get_distribution_config(Id=layer.distribution["Id"])
    config = answer["DistributionConfig"]
    config["Origins"]["Items"][1]["CustomHeaders"]["Items"][0]["HeaderValue"] = "another-secret"
    layer.cloudfront.update_distribution(Id=layer.distribution["Id"], DistributionConfig=config, IfMatch=answer["ETag"])
    after = observe()[0]
    assert changed_kinds(before, after) == ["distributions"]


def test_the_observation_is_within_budget(layer):
    calls = observe()[1]
    assert len(calls) <= BUDGET, calls
    assert len(calls) == 20


# Applied one after another on one layer: a fresh moto account per drift costs seconds.
DRIFTS = [
    (
        "buckets",
        lambda layer: layer.s3.put_bucket_versioning(Bucket=STATIC, VersioningConfiguration={"Status": "Suspended"}),
    ),
    (
        "buckets",
        lambda layer: layer.s3.put_bucket_encryption(
            Bucket=STATIC,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        ),
    ),
    (
        "buckets",
        lambda layer: layer.s3.put_public_access_block(
            Bucket=LOGS,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": False,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        ),
    ),
    ("buckets", lambda layer: layer.s3.delete_bucket_policy(Bucket=STATIC)),
    (
        "buckets",
        lambda layer: layer.s3.put_bucket_tagging(Bucket=LOGS, Tagging={"TagSet": tag_list("renamed")}),
    ),
    (
        "buckets",
        lambda layer: layer.s3.put_bucket_lifecycle_configuration(
            Bucket=LOGS,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "expire-access-logs",
                        "Filter": {"Prefix": ""},
                        "Status": "Enabled",
                        "Expiration": {"Days": 7},
                    }
                ]
            },
        ),
    ),
    ("web_acls", lambda layer: change_rate_limit(layer, 1000)),
    (
        "web_acls",
        lambda layer: layer.wafv2.tag_resource(ResourceARN=layer.acl["ARN"], Tags=[{"Key": "Name", "Value": "x"}]),
    ),
    ("distributions", lambda layer: change_distribution(layer, PriceClass="PriceClass_All")),
    ("distributions", lambda layer: change_distribution(layer, WebACLId="")),
    (
        "distributions",
        lambda layer: layer.cloudfront.tag_resource(
            Resource=layer.distribution["ARN"], Tags={"Items": [{"Key": "Name", "Value": "x"}]}
        ),
    ),
    ("origin_access_controls", lambda layer: change_oac(layer, SigningBehavior="no-override")),
]


def test_each_changed_setting_changes_its_kind_only(layer):
    for kind, change in DRIFTS:
        before = observe()[0]
        change(layer)
        after = observe()[0]
        assert changed_kinds(before, after) == [kind], (kind, change)


def change_rate_limit(layer, limit):
    acl = layer.wafv2.get_web_acl(Name=layer.acl["Name"], Scope="CLOUDFRONT", Id=layer.acl["Id"])
    web_acl = acl["WebACL"]
    layer.wafv2.update_web_acl(
        Name=web_acl["Name"],
        Scope="CLOUDFRONT",
        Id=web_acl["Id"],
        DefaultAction=web_acl["DefaultAction"],
        Rules=web_acl_rules(limit),
        VisibilityConfig=web_acl["VisibilityConfig"],
        LockToken=acl["LockToken"],
    )


def change_distribution(layer, **settings):
    answer = layer.cloudfront.get_distribution_config(Id=layer.distribution["Id"])
    config = dict(answer["DistributionConfig"], **settings)
    layer.cloudfront.update_distribution(Id=layer.distribution["Id"], DistributionConfig=config, IfMatch=answer["ETag"])


def change_oac(layer, **settings):
    answer = layer.cloudfront.get_origin_access_control(Id=layer.oac_id)
    config = dict(answer["OriginAccessControl"]["OriginAccessControlConfig"], **settings)
    layer.cloudfront.update_origin_access_control(
        Id=layer.oac_id, OriginAccessControlConfig=config, IfMatch=answer["ETag"]
    )


def test_a_replaced_distribution_shows(layer):
    before = observe()[0]
    layer.cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": dict(distribution_config(layer.oac_id, layer.acl["ARN"]), CallerReference="another"),
            "Tags": {"Items": tag_list(f"{PREFIX}-cdn")},
        }
    )
    after = observe()[0]
    assert changed_kinds(before, after) == ["distributions"]
    assert len(after["distributions"]) == 2


def test_an_empty_account_observes_without_raising():
    with mock_aws():
        observation, calls = observe()
    assert observation == {"buckets": [], "origin_access_controls": [], "distributions": [], "web_acls": []}
    assert len(calls) <= BUDGET
