"""kumo.platform.cloudfront_distribution against moto in-process, with the
emulator's CloudFront patches (moto drops S3OriginConfig and OriginAccessControlId,
and deletes enabled distributions)."""

import copy

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import cloudfront_distribution
from emulator.patches import (
    cloudfront_delete_enabled_distribution,
    cloudfront_origin_access_control_id,
    cloudfront_s3_origin_config,
)

for _patch in (
    cloudfront_delete_enabled_distribution,
    cloudfront_origin_access_control_id,
    cloudfront_s3_origin_config,
):
    _patch.apply()

SECRET = "unit-test-secret-value-0123456789abcdef"
CONFIG = {
    "Enabled": True,
    "PriceClass": "PriceClass_200",
    "HttpVersion": "http2and3",
    "IsIPV6Enabled": True,
    "Origins": {
        "Items": [
            {
                "Id": "static-assets",
                "DomainName": "bucket.s3.ap-northeast-1.amazonaws.com",
                "OriginPath": "",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
                "OriginAccessControlId": "E2QWRUHEXAMPLE",
                "CustomHeaders": {"Items": []},
            },
            {
                "Id": "alb",
                "DomainName": "alb.example.com",
                "OriginPath": "",
                "CustomHeaders": {"Items": [{"HeaderName": "X-Origin-Verify", "HeaderValue": SECRET}]},
                "CustomOriginConfig": {
                    "HTTPPort": 80,
                    "HTTPSPort": 443,
                    "OriginProtocolPolicy": "http-only",
                    "OriginSslProtocols": {"Items": ["TLSv1.2"]},
                },
            },
        ]
    },
    "DefaultCacheBehavior": {
        "TargetOriginId": "alb",
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {
            "Items": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            "CachedMethods": {"Items": ["HEAD", "GET"]},
        },
        "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"}, "Headers": {"Items": ["Accept"]}},
        "MinTTL": 0,
        "DefaultTTL": 0,
        "MaxTTL": 31536000,
    },
    "CacheBehaviors": {
        "Items": [
            {
                "PathPattern": "/_next/static/*",
                "TargetOriginId": "static-assets",
                "ViewerProtocolPolicy": "redirect-to-https",
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 31536000,
                "DefaultTTL": 31536000,
                "MaxTTL": 31536000,
            }
        ]
    },
    "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
}
ARGS = {"comment": "kumo-test-cdn", "region": "us-east-1", "tags": {"Name": "kumo-test-cdn"}}


@pytest.fixture
def cloudfront():
    with mock_aws():
        yield boto3.client("cloudfront", region_name="us-east-1")


def args(config=None, **extra):
    return dict(ARGS, distribution_config=copy.deepcopy(config or CONFIG), **extra)


def distributions(client):
    return client.list_distributions()["DistributionList"].get("Items") or []


def test_quantities_are_counted_and_differences_found():
    counted = cloudfront_distribution.with_quantities({"A": {"Items": [1, 2]}, "B": [{"Items": []}]})
    assert counted == {"A": {"Items": [1, 2], "Quantity": 2}, "B": [{"Items": [], "Quantity": 0}]}
    differences = cloudfront_distribution.differences
    assert differences({"X": {"Items": ["b", "a"]}}, {"X": {"Items": ["a", "b"]}, "Y": 1}) == []
    assert differences({"X": [{"V": 1}]}, {"X": [{"V": 2, "W": 3}]}) == ["/X[0]/V"]
    assert differences({"X": {"Quantity": 0}}, {}) == []


def test_check_mode_reports_a_change_and_creates_nothing(cloudfront, run_module):
    result = run_module(cloudfront_distribution, args(), check_mode=True, diff=True)
    assert result["changed"] is True
    assert distributions(cloudfront) == []
    assert SECRET not in repr(result)


def test_create_then_nothing_to_do_and_the_secret_never_returned(cloudfront, run_module):
    first = run_module(cloudfront_distribution, args())
    assert first["changed"] is True
    [created] = distributions(cloudfront)
    config = cloudfront.get_distribution_config(Id=created["Id"])["DistributionConfig"]
    assert config["HttpVersion"] == "http2and3"
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == "E2QWRUHEXAMPLE"
    assert config["Origins"]["Items"][1]["CustomHeaders"]["Items"][0]["HeaderValue"] == SECRET
    assert config["CacheBehaviors"]["Quantity"] == 1
    assert SECRET not in repr(first)
    tags = cloudfront.list_tags_for_resource(Resource=created["ARN"])["Tags"]["Items"]
    assert tags == [{"Key": "Name", "Value": "kumo-test-cdn"}]

    second = run_module(cloudfront_distribution, args(), diff=True)
    assert second["changed"] is False, second["changed_settings"]
    assert second["distribution"]["id"] == created["Id"]
    assert SECRET not in repr(second)
    assert len(distributions(cloudfront)) == 1


def test_a_changed_setting_updates_in_place_and_check_mode_does_not(cloudfront, run_module):
    run_module(cloudfront_distribution, args())
    changed = copy.deepcopy(CONFIG)
    changed["PriceClass"] = "PriceClass_All"
    check = run_module(cloudfront_distribution, args(changed), check_mode=True)
    assert check["changed"] is True and check["changed_settings"] == ["/PriceClass"]
    [dist] = distributions(cloudfront)
    assert dist["PriceClass"] == "PriceClass_200"
    result = run_module(cloudfront_distribution, args(changed))
    assert result["changed"] is True
    [after] = distributions(cloudfront)
    assert after["Id"] == dist["Id"] and after["PriceClass"] == "PriceClass_All"


def test_tags_are_updated(cloudfront, run_module):
    run_module(cloudfront_distribution, args())
    result = run_module(cloudfront_distribution, args(tags={"Name": "kumo-test-cdn", "Team": "web"}))
    assert result["changed"] is True
    assert result["distribution"]["tags"] == {"Name": "kumo-test-cdn", "Team": "web"}


def test_absent_disables_then_deletes(cloudfront, run_module):
    run_module(cloudfront_distribution, args())
    absent = {"comment": ARGS["comment"], "region": "us-east-1", "state": "absent"}
    check = run_module(cloudfront_distribution, absent, check_mode=True)
    assert check["changed"] is True and len(distributions(cloudfront)) == 1
    assert run_module(cloudfront_distribution, absent)["changed"] is True
    assert distributions(cloudfront) == []
    assert run_module(cloudfront_distribution, absent)["changed"] is False


def test_present_needs_a_config(cloudfront, run_module):
    result = run_module(cloudfront_distribution, dict(ARGS))
    assert result["failed"] is True
    assert "distribution_config" in result["msg"]
