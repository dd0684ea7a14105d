def test_modify_vpc_endpoint_switches_private_dns(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.ap-northeast-1.logs",
        VpcEndpointType="Interface",
        SubnetIds=[subnet_id],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]["VpcEndpointId"]

    def private_dns():
        return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]["PrivateDnsEnabled"]

    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert private_dns() is True
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[])
    assert private_dns() is True, "a modification without the parameter leaves private DNS alone"
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=False)
    assert private_dns() is False
