"""kumo.platform.resource_tags against moto in-process: ECR repositories and CloudWatch alarms."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import resource_tags

REGION = "ap-northeast-1"


@pytest.fixture
def repository():
    with mock_aws():
        client = boto3.client("ecr", region_name=REGION)
        arn = client.create_repository(repositoryName="kumo/backend", tags=[{"Key": "Old", "Value": "x"}])
        yield arn["repository"]["repositoryArn"]


@pytest.fixture
def alarm():
    with mock_aws():
        client = boto3.client("cloudwatch", region_name=REGION)
        client.put_metric_alarm(
            AlarmName="kumo-dev-alb-5xx",
            MetricName="HTTPCode_ELB_5XX_Count",
            Namespace="AWS/ApplicationELB",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=10,
            ComparisonOperator="GreaterThanThreshold",
            Tags=[{"Key": "Old", "Value": "x"}],
        )
        yield client.describe_alarms(AlarmNames=["kumo-dev-alb-5xx"])["MetricAlarms"][0]["AlarmArn"]


def tags(arn):
    service = arn.split(":")[2]
    client = boto3.client(service, region_name=REGION)
    if service == "ecr":
        return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(resourceArn=arn)["tags"]}
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn)["Tags"]}


@pytest.fixture(params=["repository", "alarm"])
def arn(request):
    return request.getfixturevalue(request.param)


def test_check_mode_reports_a_change_and_changes_nothing(arn, run_module):
    result = run_module(resource_tags, {"resource_arn": arn, "tags": {"Name": "b"}}, check_mode=True)
    assert result["changed"] is True
    assert result["tags"] == {"Name": "b"}
    assert tags(arn) == {"Old": "x"}


def test_tags_are_set_and_purged_then_nothing_to_do(arn, run_module):
    first = run_module(resource_tags, {"resource_arn": arn, "tags": {"Name": "b"}}, diff=True)
    assert first["changed"] is True
    assert first["diff"] == {"before": {"tags": {"Old": "x"}}, "after": {"tags": {"Name": "b"}}}
    assert tags(arn) == {"Name": "b"}
    second = run_module(resource_tags, {"resource_arn": arn, "tags": {"Name": "b"}})
    assert second["changed"] is False


def test_tags_are_kept_without_purge(arn, run_module):
    run_module(resource_tags, {"resource_arn": arn, "tags": {"Name": "b"}, "purge_tags": False})
    assert tags(arn) == {"Old": "x", "Name": "b"}


def test_a_missing_repository_fails(repository, run_module):
    missing = repository.replace("kumo/backend", "kumo/missing")
    result = run_module(resource_tags, {"resource_arn": missing, "tags": {}})
    assert result["failed"] is True
    assert "kumo/missing does not exist" in result["msg"]


def test_an_unsupported_arn_fails_naming_the_option(run_module):
    result = run_module(resource_tags, {"resource_arn": "arn:aws:sqs:ap-northeast-1:1:q", "tags": {}})
    assert result["failed"] is True
    assert "resource_arn must be the ARN of one of: cloudwatch, ecr" in result["msg"]
