import json
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
import pytest


@pytest.fixture
def faults(emulator_url):
    def configure(**settings):
        request = urllib.request.Request(
            emulator_url + "/_kumo/faults", data=json.dumps(settings).encode(), method="POST"
        )
        return json.load(urllib.request.urlopen(request))

    yield configure
    configure(rate=0)


def client(emulator_url, service, attempts):
    return boto3.client(
        service,
        endpoint_url=emulator_url,
        region_name="us-east-1" if service == "cloudfront" else "ap-northeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": attempts}),
    )


@pytest.mark.parametrize(
    ("service", "call", "code"),
    [
        ("ec2", lambda c: c.describe_vpcs(), "RequestLimitExceeded"),
        ("ecs", lambda c: c.list_clusters(), "ThrottlingException"),
        ("elbv2", lambda c: c.describe_load_balancers(), "Throttling"),
        ("s3", lambda c: c.list_buckets(), "SlowDown"),
        ("cloudfront", lambda c: c.list_distributions(), "Throttling"),
        ("guardduty", lambda c: c.list_detectors(), "ThrottlingException"),
    ],
)
def test_throttling_speaks_each_protocol(emulator_url, faults, service, call, code):
    faults(rate=1, kinds=["throttle"])
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(client(emulator_url, service, attempts=1))
    assert caught.value.response["Error"]["Code"] == code


def test_server_errors_are_500s(emulator_url, faults):
    faults(rate=1, kinds=["error"])
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client(emulator_url, "ec2", attempts=1).describe_vpcs()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_botocore_retries_carry_calls_through_a_share_of_faults(emulator_url, faults):
    faults(rate=0.4, kinds=["throttle", "error"], seed=3)
    ec2 = client(emulator_url, "ec2", attempts=10)
    for _ in range(10):
        ec2.describe_vpcs()
    injected = json.load(urllib.request.urlopen(emulator_url + "/_kumo/faults"))["injected"]
    assert injected["throttle"] + injected["error"] > 0


def test_faults_can_be_confined_to_one_tool(emulator_url, faults):
    """``agents`` limits faults to requests whose User-Agent starts with one of
    them: here botocore's calls are spared and another tool's are not."""
    state = faults(rate=1, kinds=["throttle"], agents=["aws-sdk-go-v2"])
    assert state["agents"] == ["aws-sdk-go-v2"]
    client(emulator_url, "ecs", attempts=1).list_clusters()  # Boto3/... is spared
    request = urllib.request.Request(
        emulator_url + "/",
        data=b"{}",
        method="POST",
        headers={
            "User-Agent": "aws-sdk-go-v2/1.24.1 os/linux lang/go#1.26",
            "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261201/ap-northeast-1/ecs/aws4_request, "
            "SignedHeaders=host, Signature=0",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert json.load(caught.value)["__type"] == "ThrottlingException"
    assert json.load(urllib.request.urlopen(emulator_url + "/_kumo/faults"))["injected"]["throttle"] == 1
