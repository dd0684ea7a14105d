def test_updating_a_rule_description_returns_true(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    group_id = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc_id)["GroupId"]
    rule = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "everything"}]}
    assert ec2.update_security_group_rule_descriptions_egress(GroupId=group_id, IpPermissions=[rule])["Return"] is True
    ingress = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[ingress])
    ingress["IpRanges"][0]["Description"] = "https"
    assert (
        ec2.update_security_group_rule_descriptions_ingress(GroupId=group_id, IpPermissions=[ingress])["Return"] is True
    )
