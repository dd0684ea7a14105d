import json

import pytest

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("AmazonEC2ContainerServiceforEC2Role", "/service-role/"),
        ("AmazonECSTaskExecutionRolePolicy", "/service-role/"),
        ("AWSXRayDaemonWriteAccess", "/"),
    ],
)
def test_the_ecs_managed_policies_can_be_attached(aws, name, path):
    iam = aws("iam")
    arn = f"arn:aws:iam::aws:policy{path}{name}"
    role = f"ecs-{name[-20:]}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert attached == [{"PolicyName": name, "PolicyArn": arn}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Path"] == path
