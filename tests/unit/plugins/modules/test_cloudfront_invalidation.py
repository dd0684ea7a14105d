"""kumo.platform.cloudfront_invalidation against moto in-process (with the
emulator's caller-reference patch, as the e2e emulator runs it)."""

import collections

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import cloudfront_invalidation
from emulator.patches import cloudfront_invalidation_caller_reference

# The cdn fixture: a client, the id of the tagged distribution, the id of the aliased one.
Cdn = collections.namedtuple("Cdn", "client tagged commented")

cloudfront_invalidation_caller_reference.apply()


def distribution_config(reference, comment):
    return {
        "CallerReference": reference,
        "Comment": comment,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [{"Id": "s3", "DomainName": "b.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }


@pytest.fixture
def cdn():
    with mock_aws():
        client = boto3.client("cloudfront", region_name="us-east-1")
        tagged = client.create_distribution_with_tags(
            DistributionConfigWithTags={
                "DistributionConfig": distribution_config("a", "the tagged one"),
                "Tags": {"Items": [{"Key": "Name", "Value": "kumo-test-cdn"}]},
            }
        )["Distribution"]["Id"]
        aliased = dict(
            distribution_config("b", "kumo-other-cdn"), Aliases={"Quantity": 1, "Items": ["www.example.com"]}
        )
        commented = client.create_distribution(DistributionConfig=aliased)
        yield Cdn(client, tagged, commented["Distribution"]["Id"])


def invalidations(client, dist):
    return client.list_invalidations(DistributionId=dist)["InvalidationList"].get("Items", [])


ARGS = {"distribution_name": "kumo-test-cdn", "paths": ["/_next/static/*", "/index.html"], "caller_reference": "r1"}


def test_check_mode_reports_a_change_and_creates_nothing(cdn, run_module):
    client = cdn.client
    tagged = cdn.tagged
    result = run_module(cloudfront_invalidation, ARGS, check_mode=True)
    assert result["changed"] is True and result["distribution_id"] == tagged
    assert invalidations(client, tagged) == []


def test_create_by_tag_then_the_same_reference_changes_nothing(cdn, run_module):
    client = cdn.client
    tagged = cdn.tagged
    commented = cdn.commented
    first = run_module(cloudfront_invalidation, dict(ARGS, wait=True))
    assert first["changed"] is True
    assert first["invalidation"]["status"] == "Completed"
    [made] = invalidations(client, tagged)
    batch = client.get_invalidation(DistributionId=tagged, Id=made["Id"])["Invalidation"]["InvalidationBatch"]
    assert sorted(batch["Paths"]["Items"]) == ["/_next/static/*", "/index.html"]
    assert batch["CallerReference"] == "r1"
    again = run_module(cloudfront_invalidation, ARGS)
    assert again["changed"] is False and again["invalidation"]["id"] == made["Id"]
    check = run_module(cloudfront_invalidation, ARGS, check_mode=True)
    assert check["changed"] is False
    assert len(invalidations(client, tagged)) == 1 and invalidations(client, commented) == []


def test_a_new_reference_makes_a_second_invalidation(cdn, run_module):
    client = cdn.client
    tagged = cdn.tagged
    run_module(cloudfront_invalidation, ARGS)
    result = run_module(cloudfront_invalidation, dict(ARGS, caller_reference="r2"))
    assert result["changed"] is True
    assert len(invalidations(client, tagged)) == 2


def test_found_by_comment_or_id(cdn, run_module):
    client = cdn.client
    commented = cdn.commented
    by_comment = run_module(cloudfront_invalidation, dict(ARGS, distribution_name="kumo-other-cdn"))
    assert by_comment["distribution_id"] == commented
    by_id = run_module(cloudfront_invalidation, {"distribution_id": commented, "paths": ["/x"]})
    assert by_id["changed"] is True
    assert len(invalidations(client, commented)) == 2


def test_an_unknown_distribution_fails_with_its_name(cdn, run_module):
    result = run_module(cloudfront_invalidation, dict(ARGS, distribution_name="nope"))
    assert result["failed"] is True and "'nope'" in result["msg"]


def test_an_empty_path_list_fails(cdn, run_module):
    result = run_module(cloudfront_invalidation, dict(ARGS, paths=["", "  "]))
    assert result["failed"] is True and "paths" in result["msg"]


def test_found_by_alias(cdn, run_module):
    commented = cdn.commented
    result = run_module(cloudfront_invalidation, {"distribution_alias": "WWW.example.com", "paths": ["/x"]})
    assert result["distribution_id"] == commented
    missing = run_module(cloudfront_invalidation, {"distribution_alias": "nope.example.com", "paths": ["/x"]})
    assert missing["failed"] is True and "alias 'nope.example.com'" in missing["msg"]


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("_next/static/*", "/_next/static/*"),
        ("/news/spring sale.html", "/news/spring%20sale.html"),
        ("/already%20encoded.html", "/already%20encoded.html"),
        ("/100%.html", "/100%25.html"),
        ("/ja/\u304a\u77e5\u3089\u305b", "/ja/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B"),
        ("/a{b}|c", "/a%7Bb%7D%7Cc"),
    ],
)
def test_paths_are_normalised(given, sent):
    assert cloudfront_invalidation.normalise_path(given) == sent


def test_duplicates_and_paths_under_a_wildcard_are_dropped():
    paths = ["/a/*", "a/x.js", "/a/*", "/b.html", "b.html", "/c d"]
    assert cloudfront_invalidation.normalise_paths(paths) == ["/a/*", "/b.html", "/c%20d"]


def test_batches_stay_under_cloudfronts_limits():
    wildcards = [f"/w{i}/*" for i in range(20)]
    plain = [f"/p{i}.html" for i in range(5990)]
    batches = cloudfront_invalidation.batches(sorted(wildcards + plain))
    assert sum(len(b) for b in batches) == 6010 and len(batches) == 3
    for batch in batches:
        assert len(batch) <= 3000 and sum("*" in p for p in batch) <= 15


def test_release_id_makes_one_reference_per_batch_and_a_rerun_creates_nothing(cdn, run_module):
    client = cdn.client
    tagged = cdn.tagged
    args = {"distribution_id": tagged, "paths": [f"/w{i}/*" for i in range(20)], "release_id": "kumo-dev-rel1"}
    first = run_module(cloudfront_invalidation, args)
    assert first["changed"] is True and len(first["invalidations"]) == 2
    made = [
        client.get_invalidation(DistributionId=tagged, Id=i["Id"])["Invalidation"]["InvalidationBatch"]
        for i in invalidations(client, tagged)
    ]
    assert sorted(len(b["Paths"]["Items"]) for b in made) == [5, 15]
    assert all(b["CallerReference"].startswith("kumo-dev-rel1-") for b in made)
    again = run_module(cloudfront_invalidation, dict(args, paths=list(reversed(args["paths"]))))
    assert again["changed"] is False
    assert len(invalidations(client, tagged)) == 2
    check = run_module(cloudfront_invalidation, dict(args, release_id="kumo-dev-rel2"), check_mode=True)
    assert check["changed"] is True and len(invalidations(client, tagged)) == 2


def test_caller_reference_refuses_more_than_one_batch(cdn, run_module):
    result = run_module(cloudfront_invalidation, dict(ARGS, paths=[f"/w{i}/*" for i in range(16)]))
    assert result["failed"] is True and "release_id" in result["msg"]


def test_too_many_invalidations_in_progress_is_retried(cdn, run_module, monkeypatch):
    client = cdn.client
    tagged = cdn.tagged
    calls = []
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def flaky(self, operation, params):
        if operation == "CreateInvalidation":
            calls.append(operation)
            if len(calls) == 1:
                from botocore.exceptions import ClientError

                error = {"Error": {"Code": "TooManyInvalidationsInProgress", "Message": "slow down"}}
                raise ClientError(error, operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", flaky)
    monkeypatch.setattr("time.sleep", lambda *_: None)
    result = run_module(cloudfront_invalidation, {"distribution_id": tagged, "paths": ["/x"], "release_id": "r"})
    assert result["changed"] is True and calls == ["CreateInvalidation", "CreateInvalidation"]
    assert len(invalidations(client, tagged)) == 1
