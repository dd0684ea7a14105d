def _alb(aws, cidr):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", f"{i}.0/24"), AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(["ap-northeast-1a", "ap-northeast-1c"])
    ]
    return elbv2, elbv2.create_load_balancer(Name=f"defaults-{cidr.split('.')[1]}", Subnets=subnets)["LoadBalancers"][0]


def test_an_alb_reports_every_attribute_with_its_documented_default(aws):
    elbv2, alb = _alb(aws, "10.20.0.0/16")
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=alb["LoadBalancerArn"])["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "false"
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert attributes["routing.http2.enabled"] == "true"
    assert attributes["load_balancing.cross_zone.enabled"] == "true"
    assert attributes["waf.fail_open.enabled"] == "false"


def test_a_set_attribute_keeps_its_value(aws):
    elbv2, alb = _alb(aws, "10.21.0.0/16")
    arn = alb["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"}]
    )
    attributes = {
        a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    }
    assert attributes["routing.http.desync_mitigation_mode"] == "strictest"
