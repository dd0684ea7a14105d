"""A TLS-only bucket policy (Deny when aws:SecureTransport is false) lets SDK
requests through, as on AWS; an unconditional Deny still denies."""

import json

import pytest
from botocore.exceptions import ClientError


def policy(bucket, condition=None):
    statement = {
        "Sid": "Deny",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_a_tls_only_policy_allows_sdk_requests(aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket="tls-only", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_bucket_policy(Bucket="tls-only", Policy=policy("tls-only", {"Bool": {"aws:SecureTransport": "false"}}))
    s3.put_object(Bucket="tls-only", Key="a.js", Body=b"x")
    assert s3.get_object(Bucket="tls-only", Key="a.js")["Body"].read() == b"x"


def test_an_unconditional_deny_still_denies(aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket="deny-all", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_bucket_policy(Bucket="deny-all", Policy=policy("deny-all"))
    with pytest.raises(ClientError) as denied:
        s3.put_object(Bucket="deny-all", Key="a.js", Body=b"x")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_deny_whose_condition_matches_denies(aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket="deny-tls", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_bucket_policy(Bucket="deny-tls", Policy=policy("deny-tls", {"Bool": {"aws:SecureTransport": "true"}}))
    with pytest.raises(ClientError):
        s3.put_object(Bucket="deny-tls", Key="a.js", Body=b"x")
