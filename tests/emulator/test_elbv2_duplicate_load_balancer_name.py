import botocore.exceptions
import pytest


def _network(aws, cidr):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", f"{i}.0/24"), AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"])
    ]


def test_the_same_create_twice_returns_the_one_load_balancer(aws):
    elbv2 = aws("elbv2")
    subnets = _network(aws, "10.22.0.0/16")
    first = elbv2.create_load_balancer(Name="twice", Subnets=subnets)["LoadBalancers"][0]
    second = elbv2.create_load_balancer(Name="twice", Subnets=subnets)["LoadBalancers"][0]
    assert second["LoadBalancerArn"] == first["LoadBalancerArn"]
    assert len(elbv2.describe_load_balancers(Names=["twice"])["LoadBalancers"]) == 1


def test_the_same_name_with_other_settings_is_refused(aws):
    elbv2 = aws("elbv2")
    subnets = _network(aws, "10.23.0.0/16")
    elbv2.create_load_balancer(Name="taken", Subnets=subnets)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        elbv2.create_load_balancer(Name="taken", Subnets=subnets[:2])
    assert error.value.response["Error"]["Code"] == "DuplicateLoadBalancerName"
    assert len(elbv2.describe_load_balancers(Names=["taken"])["LoadBalancers"]) == 1
