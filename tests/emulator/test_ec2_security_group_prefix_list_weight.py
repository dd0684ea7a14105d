import botocore.exceptions
import pytest

CLOUDFRONT = "com.amazonaws.global.cloudfront.origin-facing"


def _group(ec2, name):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]


def _cloudfront_list(ec2):
    lists = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT]}])
    return lists["PrefixLists"][0]["PrefixListId"]


def _from_list(port, prefix_list):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "PrefixListIds": [{"PrefixListId": prefix_list}]}


def test_one_rule_from_the_cloudfront_list_fits_a_group(aws):
    ec2 = aws("ec2")
    group = _group(ec2, "one-cloudfront-rule")
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[_from_list(443, _cloudfront_list(ec2))])
    (permission,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"]
    assert permission["PrefixListIds"][0]["PrefixListId"] == _cloudfront_list(ec2)


def test_a_second_rule_from_the_cloudfront_list_exceeds_the_60_rules(aws):
    ec2 = aws("ec2")
    group = _group(ec2, "two-cloudfront-rules")
    cloudfront = _cloudfront_list(ec2)
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[_from_list(443, cloudfront)])
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[_from_list(80, cloudfront)])
    assert error.value.response["Error"]["Code"] == "RulesPerSecurityGroupLimitExceeded"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2.authorize_security_group_ingress(
            GroupId=_group(ec2, "both-at-once"), IpPermissions=[_from_list(80, cloudfront), _from_list(443, cloudfront)]
        )
    assert error.value.response["Error"]["Code"] == "RulesPerSecurityGroupLimitExceeded"


def test_a_customer_list_weighs_its_maximum_entries(aws):
    ec2 = aws("ec2")
    group = _group(ec2, "customer-lists")
    big = ec2.create_managed_prefix_list(PrefixListName="big", MaxEntries=40, AddressFamily="IPv4")
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[_from_list(22, big["PrefixList"]["PrefixListId"])]
    )
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[_from_list(23, big["PrefixList"]["PrefixListId"])]
        )
    assert error.value.response["Error"]["Code"] == "RulesPerSecurityGroupLimitExceeded"


def test_cidrs_added_beside_the_cloudfront_list_count_against_what_it_leaves(aws):
    ec2 = aws("ec2")
    group = _group(ec2, "cloudfront-and-cidrs")
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[_from_list(443, _cloudfront_list(ec2))])
    five = [{"CidrIp": f"192.0.2.{n}/32"} for n in range(5)]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": five}]
    )
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "IpRanges": [{"CidrIp": "192.0.2.9/32"}]}
            ],
        )
    assert error.value.response["Error"]["Code"] == "RulesPerSecurityGroupLimitExceeded"
