import json
import urllib.request


def test_the_log_names_service_and_action_and_can_be_cleared(aws, emulator_url):
    urllib.request.urlopen(urllib.request.Request(emulator_url + "/_kumo/requests", method="DELETE"))
    aws("ec2").describe_vpcs()
    aws("ecs").list_clusters()
    aws("s3").list_buckets()
    log = json.load(urllib.request.urlopen(emulator_url + "/_kumo/requests"))
    assert [(e["service"], e["action"]) for e in log] == [
        ("ec2", "DescribeVpcs"),
        ("ecs", "ListClusters"),
        ("s3", "GET /"),
    ]
    assert log[0]["region"] == "ap-northeast-1"


def test_the_log_names_the_agent(aws, emulator_url):
    urllib.request.urlopen(urllib.request.Request(emulator_url + "/_kumo/requests", method="DELETE"))
    aws("ecs").list_clusters()
    [entry] = json.load(urllib.request.urlopen(emulator_url + "/_kumo/requests"))
    assert entry["agent"].startswith("Boto3/")
