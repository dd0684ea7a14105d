REGION = "ca-central-1"


def make_nat(ec2, environment):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(
        SubnetId=subnet,
        AllocationId=allocation,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Environment", "Value": environment}]}],
    )["NatGateway"]["NatGatewayId"]


def ids(ec2, filters):
    return sorted(n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filters=filters)["NatGateways"])


def test_tag_filters_narrow_the_nat_gateways(aws):
    ec2 = aws("ec2", REGION)
    dev, prod = make_nat(ec2, "dev"), make_nat(ec2, "prod")
    assert ids(ec2, [{"Name": "tag:Environment", "Values": ["prod"]}]) == [prod]
    assert ids(ec2, [{"Name": "tag:Environment", "Values": ["dev", "prod"]}]) == sorted([dev, prod])
    assert ids(ec2, [{"Name": "tag:Environment", "Values": ["staging"]}]) == []
    assert ids(ec2, [{"Name": "tag-key", "Values": ["Environment"]}]) == sorted([dev, prod])
    assert ids(ec2, [{"Name": "tag-key", "Values": ["Owner"]}]) == []


def test_the_other_filters_still_apply(aws):
    ec2 = aws("ec2", REGION)
    prod = make_nat(ec2, "prod")
    [nat] = ec2.describe_nat_gateways(NatGatewayIds=[prod])["NatGateways"]
    assert ids(ec2, [{"Name": "vpc-id", "Values": [nat["VpcId"]]}]) == [prod]
