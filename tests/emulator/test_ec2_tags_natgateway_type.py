def test_nat_gateway_tags_are_found_by_the_natgateway_type(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.6.0.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_id = ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=allocation,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat"}]}],
    )["NatGateway"]["NatGatewayId"]
    filters = [{"Name": "resource-id", "Values": [nat_id]}, {"Name": "resource-type", "Values": ["natgateway"]}]
    [tag] = ec2.describe_tags(Filters=filters)["Tags"]
    assert tag == {"Key": "Name", "ResourceId": nat_id, "ResourceType": "natgateway", "Value": "nat"}
