import botocore.exceptions
import pytest


def _alb(aws, cidr, name):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", f"{i}.0/24"), AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(["ap-northeast-1a", "ap-northeast-1c"])
    ]
    return elbv2, elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]


def _protect(elbv2, arn, on):
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": str(on).lower()}]
    )


def test_a_protected_load_balancer_cannot_be_deleted(aws):
    elbv2, arn = _alb(aws, "10.24.0.0/16", "protected")
    _protect(elbv2, arn, True)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert error.value.response["Error"]["Code"] == "OperationNotPermitted"
    assert len(elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]) == 1


def test_turning_protection_off_allows_the_delete(aws):
    elbv2, arn = _alb(aws, "10.25.0.0/16", "unprotected")
    _protect(elbv2, arn, True)
    _protect(elbv2, arn, False)
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]].count(arn) == 0
