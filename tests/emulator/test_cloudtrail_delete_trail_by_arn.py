import botocore.exceptions
import pytest


def _trail(aws, name, region):
    aws("s3", region).create_bucket(Bucket=f"{name}-bucket", CreateBucketConfiguration={"LocationConstraint": region})
    return aws("cloudtrail", region).create_trail(Name=name, S3BucketName=f"{name}-bucket")["TrailARN"]


def test_a_trail_is_deleted_by_its_arn(aws):
    cloudtrail = aws("cloudtrail", "eu-west-1")
    arn = _trail(aws, "by-arn", "eu-west-1")
    cloudtrail.delete_trail(Name=arn)
    assert cloudtrail.describe_trails()["trailList"] == []


def test_deleting_a_missing_trail_is_trail_not_found(aws):
    cloudtrail = aws("cloudtrail", "eu-west-1")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        cloudtrail.delete_trail(Name="arn:aws:cloudtrail:eu-west-1:123456789012:trail/none")
    assert error.value.response["Error"]["Code"] == "TrailNotFoundException"
