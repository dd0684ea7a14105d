import botocore.exceptions
import pytest
from test_cloudfront_s3_origin_config import distribution_config


def test_an_enabled_distribution_cannot_be_deleted_until_disabled(aws):
    cloudfront = aws("cloudfront", "us-east-1")
    created = cloudfront.create_distribution(DistributionConfig=distribution_config("delete-enabled"))
    distribution_id = created["Distribution"]["Id"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        cloudfront.delete_distribution(Id=distribution_id, IfMatch=created["ETag"])
    assert error.value.response["Error"]["Code"] == "DistributionNotDisabled"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    answer = cloudfront.get_distribution_config(Id=distribution_id)
    config = dict(answer["DistributionConfig"], Enabled=False)
    updated = cloudfront.update_distribution(Id=distribution_id, DistributionConfig=config, IfMatch=answer["ETag"])
    cloudfront.delete_distribution(Id=distribution_id, IfMatch=updated["ETag"])
    remaining = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    assert distribution_id not in [d["Id"] for d in remaining]
