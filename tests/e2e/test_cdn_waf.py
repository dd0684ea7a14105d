"""The cdn_waf layer, converged on the emulator and read back (SPEC.md, "CDN and WAF",
Security baseline CloudFront.3/5/6/13, WAF.10/12, S3.5/8/12)."""

import json
import os

import pytest

from kumo_testlib import exhaustive, expected_tags, sampled, tags_of

pytestmark = pytest.mark.e2e

LAYERS = ("network", "ecs_capacity", "alb", "cdn_waf")
VERSIONING = {"dev": False, "staging": True, "prod": True}
BACKUP_DAYS = {"staging": 14, "prod": 30}
LOGGING = {"dev": False, "staging": True, "prod": True}
LOG_RETENTION = {"staging": 14, "prod": 30}
YEAR = 31536000
ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
HEADER = "X-Origin-Verify"
SECRET = os.environ.get("KUMO_ALB_ORIGIN_VERIFY_SECRET", "emulator-only-origin-verify-not-a-secret")
CACHE_KEY_HEADERS = ["Accept-Language", "Next-Router-Prefetch", "Next-Router-State-Tree", "Next-Url", "RSC"]


@pytest.fixture(scope="module")
def cdn(stacks, env):
    stack = stacks[env]
    stack.converged(*LAYERS)
    cloudfront = stack.client("cloudfront", "us-east-1")
    [summary] = [
        d
        for d in cloudfront.list_distributions()["DistributionList"].get("Items", [])
        if d["Comment"] == f"kumo-{env}-cdn"
    ]
    distribution = cloudfront.get_distribution(Id=summary["Id"])["Distribution"]
    account = stack.client("sts").get_caller_identity()["Account"]
    return stack, cloudfront, distribution, account


def _behaviours(config):
    found = {b["PathPattern"]: b for b in config["CacheBehaviors"].get("Items", [])}
    found["default"] = config["DefaultCacheBehavior"]
    return found


def _origins(config):
    return {o["Id"]: o for o in config["Origins"]["Items"]}


def test_second_run_changes_nothing_and_hides_the_secret(cdn):
    stack = cdn[0]
    first, second = stack.converged(*LAYERS)
    assert second.changed == 0, second.changed_tasks()
    for run in (first, second):
        assert SECRET not in run.output


# One environment in make test: the layer's tasks are the same in each (the
# shared stack's second run already ran every task of every layer in both).
@sampled("dev")
def test_the_cdn_waf_tag_alone_changes_nothing(cdn, env):
    stack = cdn[0]
    run = stack.run(tags=["cdn_waf"], refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()
    assert SECRET not in run.output
    assert "TASK [kumo.platform.cdn_waf : Create the CloudFront distribution]" in run.output
    assert "TASK [kumo.platform.alb : Create the load balancer and its listeners]" not in run.output


@sampled("dev")
def test_check_mode_on_the_converged_stack_changes_nothing(cdn, env):
    stack = cdn[0]
    run = stack.run(tags=["cdn_waf"], check=True, diff=True, refresh="full")
    assert run.returncode == 0, run.tail()
    assert run.changed == 0, run.changed_tasks()
    assert SECRET not in run.output


def test_one_distribution_with_the_spec_settings(cdn, env):
    _, cloudfront, distribution, _ = cdn
    config = distribution["DistributionConfig"]
    assert config["Enabled"] is True
    assert config["IsIPV6Enabled"] is True
    assert config["PriceClass"] == "PriceClass_200"
    assert config["HttpVersion"] == "http2and3"
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True  # no custom certificate
    assert config["Aliases"]["Quantity"] == 0
    tags = cloudfront.list_tags_for_resource(Resource=distribution["ARN"])["Tags"]["Items"]
    assert tags_of({"Tags": tags}) == expected_tags(env, f"kumo-{env}-cdn")


def test_every_behaviour_redirects_viewers_to_https(cdn):  # CloudFront.3
    config = cdn[2]["DistributionConfig"]
    assert {b["ViewerProtocolPolicy"] for b in _behaviours(config).values()} == {"redirect-to-https"}


def test_origins_s3_with_oac_and_the_alb_with_the_secret_header(cdn, env):
    stack, cloudfront, distribution, account = cdn
    origins = _origins(distribution["DistributionConfig"])
    assert set(origins) == {"static-assets", "alb"}
    s3 = origins["static-assets"]
    assert s3["DomainName"] == f"kumo-{env}-static-assets-{account}.s3.ap-northeast-1.amazonaws.com"
    assert s3["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # CloudFront.13: OAC, not OAI
    oac = cloudfront.get_origin_access_control(Id=s3["OriginAccessControlId"])["OriginAccessControl"]
    assert oac["OriginAccessControlConfig"]["Name"] == f"kumo-{env}-static-assets"
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert oac["OriginAccessControlConfig"]["SigningProtocol"] == "sigv4"
    assert oac["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"

    alb = origins["alb"]
    [balancer] = stack.client("elbv2").describe_load_balancers(Names=[f"kumo-{env}-alb"])["LoadBalancers"]
    assert alb["DomainName"] == balancer["DNSName"]  # no origin domain in the inventory
    assert alb["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
    [header] = alb["CustomHeaders"]["Items"]
    assert header["HeaderName"] == HEADER
    # The value is the alb layer's secret (compared, never printed).
    assert header["HeaderValue"] == SECRET, "the ALB origin does not send the alb layer's secret"


def test_cache_behaviours(cdn):
    behaviours = _behaviours(cdn[2]["DistributionConfig"])
    assert set(behaviours) == {"/_next/static/*", "/api/*", "default"}

    static = behaviours["/_next/static/*"]
    assert static["TargetOriginId"] == "static-assets"
    assert (static["MinTTL"], static["DefaultTTL"], static["MaxTTL"]) == (YEAR, YEAR, YEAR)
    assert static["ForwardedValues"]["QueryString"] is False
    assert static["ForwardedValues"]["Cookies"]["Forward"] == "none"
    assert sorted(static["AllowedMethods"]["Items"]) == ["GET", "HEAD"]

    api = behaviours["/api/*"]
    assert api["TargetOriginId"] == "alb"
    assert (api["MinTTL"], api["DefaultTTL"], api["MaxTTL"]) == (0, 0, 0)
    assert api["ForwardedValues"]["QueryString"] is True
    assert api["ForwardedValues"]["Cookies"]["Forward"] == "all"
    assert api["ForwardedValues"]["Headers"]["Items"] == ["*"]
    assert sorted(api["AllowedMethods"]["Items"]) == ALL_METHODS

    default = behaviours["default"]
    assert default["TargetOriginId"] == "alb"
    assert (default["MinTTL"], default["DefaultTTL"], default["MaxTTL"]) == (0, 0, YEAR)
    assert sorted(default["ForwardedValues"]["Headers"]["Items"]) == CACHE_KEY_HEADERS
    assert sorted(default["AllowedMethods"]["Items"]) == ALL_METHODS


def test_access_logging_per_environment(cdn, env):  # CloudFront.5
    stack, _, distribution, account = cdn
    logging = distribution["DistributionConfig"]["Logging"]
    s3 = stack.client("s3")
    bucket = f"kumo-{env}-cdn-logs-{account}"
    names = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"kumo-{env}-cdn-logs")]
    if not LOGGING[env]:
        assert logging["Enabled"] is False
        assert names == []
        return
    assert logging["Enabled"] is True
    assert logging["Bucket"] == f"{bucket}.s3.amazonaws.com"
    assert names == [bucket]
    # The documented S3.12 exception: CloudFront standard logs are delivered through the bucket ACL.
    [controls] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert controls["ObjectOwnership"] == "BucketOwnerPreferred"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    [expiry] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert expiry["Expiration"]["Days"] == LOG_RETENTION[env]
    [deny] = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert tags_of(s3.get_bucket_tagging(Bucket=bucket), "TagSet") == expected_tags(env, bucket)


def test_static_assets_bucket(cdn, env):  # S3.5, S3.8, S3.12
    stack, _, distribution, account = cdn
    s3 = stack.client("s3")
    bucket = f"kumo-{env}-static-assets-{account}"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    [controls] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert controls["ObjectOwnership"] == "BucketOwnerEnforced"
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    key = stack.client("kms").describe_key(KeyId=f"alias/kumo-{env}")["KeyMetadata"]["Arn"]
    assert default["KMSMasterKeyID"] == key
    versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    if VERSIONING[env]:
        assert versioning == "Enabled"
        [expiry] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        assert expiry["NoncurrentVersionExpiration"]["NoncurrentDays"] == BACKUP_DAYS[env]
    else:
        assert versioning != "Enabled"
    statements = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]}
    assert set(statements) == {"DenyInsecureTransport", "AllowCloudFrontReadOnlyThisDistribution"}
    deny = statements["DenyInsecureTransport"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allow = statements["AllowCloudFrontReadOnlyThisDistribution"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == f"arn:aws:s3:::{bucket}/*"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution["ARN"]}}
    assert tags_of(s3.get_bucket_tagging(Bucket=bucket), "TagSet") == expected_tags(env, bucket)


def test_web_acl_rules_and_metrics(cdn, env):  # CloudFront.6, WAF.10, WAF.12
    stack, _, distribution, _ = cdn
    wafv2 = stack.client("wafv2", "us-east-1")
    [summary] = [a for a in wafv2.list_web_acls(Scope="CLOUDFRONT")["WebACLs"] if a["Name"] == f"kumo-{env}-web-acl"]
    acl = wafv2.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])["WebACL"]
    assert distribution["DistributionConfig"]["WebACLId"] == acl["ARN"]
    assert ":us-east-1:" in acl["ARN"] and ":global/webacl/" in acl["ARN"]
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    rules = {r["Name"]: r for r in acl["Rules"]}
    assert {name: r["Priority"] for name, r in rules.items()} == {
        "rate-limit-per-ip": 0,
        "AWSManagedRulesCommonRuleSet": 1,
        "AWSManagedRulesKnownBadInputsRuleSet": 2,
    }  # the inventories list no geo block countries
    rate = rules["rate-limit-per-ip"]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert rate["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 300
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        statement = rules[group]["Statement"]["ManagedRuleGroupStatement"]
        assert (statement["VendorName"], statement["Name"]) == ("AWS", group)
        assert rules[group]["OverrideAction"] == {"None": {}}
    for rule in rules.values():
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    tags = wafv2.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"]["TagList"]
    assert tags_of({"Tags": tags}) == expected_tags(env, f"kumo-{env}-web-acl")


def _web_acl_rules(stack, env):
    wafv2 = stack.client("wafv2", "us-east-1")
    [summary] = [a for a in wafv2.list_web_acls(Scope="CLOUDFRONT")["WebACLs"] if a["Name"] == f"kumo-{env}-web-acl"]
    acl = wafv2.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])["WebACL"]
    return {r["Name"]: r for r in acl["Rules"]}


# On dev only (the rule comes from the same template everywhere), in the dev group.
@exhaustive
@pytest.mark.xdist_group(name="dev")
def test_listing_countries_adds_a_geo_block_first_and_emptying_the_list_removes_it(stacks):
    env = "dev"
    stack = stacks[env]
    stack.converged(*LAYERS)
    blocked = stack.run(tags=["cdn_waf"], extra_vars={"cdn_waf_geo_block_countries": ["KP", "RU"]})
    assert blocked.returncode == 0, blocked.tail()
    rules = _web_acl_rules(stack, env)
    assert {name: r["Priority"] for name, r in rules.items()} == {
        "geo-block": 0,
        "rate-limit-per-ip": 1,
        "AWSManagedRulesCommonRuleSet": 2,
        "AWSManagedRulesKnownBadInputsRuleSet": 3,
    }
    assert rules["geo-block"]["Statement"] == {"GeoMatchStatement": {"CountryCodes": ["KP", "RU"]}}
    assert rules["geo-block"]["Action"] == {"Block": {}}

    restored = stack.run(tags=["cdn_waf"])  # the inventory's empty list again
    assert restored.returncode == 0, restored.tail()
    assert "geo-block" not in _web_acl_rules(stack, env)
