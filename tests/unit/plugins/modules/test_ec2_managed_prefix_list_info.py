"""kumo.platform.ec2_managed_prefix_list_info against moto in-process."""

import boto3
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import ec2_managed_prefix_list_info

CLOUDFRONT = "com.amazonaws.global.cloudfront.origin-facing"


def test_finds_the_aws_managed_list_by_name_and_skips_a_missing_one(run_module):
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="ap-northeast-1")
        [expected] = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT]}])[
            "PrefixLists"
        ]
        result = run_module(ec2_managed_prefix_list_info, {"names": ["no-such-list", CLOUDFRONT]}, check_mode=True)
    assert result["changed"] is False
    [found] = result["prefix_lists"]
    assert (found["prefix_list_id"], found["prefix_list_name"], found["owner_id"]) == (
        expected["PrefixListId"],
        CLOUDFRONT,
        "AWS",
    )
