CLOUDFRONT = "com.amazonaws.global.cloudfront.origin-facing"


def test_a_prefix_list_rule_keeps_its_description(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="described", Description="described", VpcId=vpc)["GroupId"]
    [cloudfront] = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT]}])[
        "PrefixLists"
    ]
    entry = {"PrefixListId": cloudfront["PrefixListId"], "Description": "HTTPS from CloudFront"}
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [entry]}]
    )
    [permission] = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"]
    assert permission["PrefixListIds"] == [entry]
