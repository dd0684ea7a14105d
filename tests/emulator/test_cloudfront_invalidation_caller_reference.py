import botocore.exceptions
import pytest


def distribution(cloudfront, reference):
    config = {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [{"Id": "s3", "DomainName": "b.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "s3",
            "ViewerProtocolPolicy": "allow-all",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def batch(reference, *paths):
    return {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": reference}


def test_the_same_reference_and_paths_return_the_first_invalidation(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    dist = distribution(cloudfront, "patch-same")
    first = cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r1", "/a/*", "/b"))
    again = cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r1", "/b", "/a/*"))
    assert again["Invalidation"]["Id"] == first["Invalidation"]["Id"]
    assert cloudfront.list_invalidations(DistributionId=dist)["InvalidationList"]["Quantity"] == 1


def test_the_same_reference_with_other_paths_is_refused(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    dist = distribution(cloudfront, "patch-other")
    cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r1", "/a/*"))
    with pytest.raises(botocore.exceptions.ClientError) as error:
        cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r1", "/c"))
    assert error.value.response["Error"]["Code"] == "InvalidationBatchAlreadyExists"


def test_a_new_reference_makes_a_new_invalidation(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    dist = distribution(cloudfront, "patch-new")
    cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r1", "/a/*"))
    cloudfront.create_invalidation(DistributionId=dist, InvalidationBatch=batch("r2", "/a/*"))
    assert cloudfront.list_invalidations(DistributionId=dist)["InvalidationList"]["Quantity"] == 2
