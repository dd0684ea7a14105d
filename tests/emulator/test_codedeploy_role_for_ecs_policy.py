"""emulator/patches/codedeploy_role_for_ecs_policy.py: the CodeDeploy service
role of ECS blue/green deployments can attach AWSCodeDeployRoleForECS."""

import json

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ARN = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"


def test_the_codedeploy_role_for_ecs_policy_can_be_attached(aws):
    iam = aws("iam")
    iam.create_role(RoleName="codedeploy-ecs", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="codedeploy-ecs", PolicyArn=ARN)
    attached = iam.list_attached_role_policies(RoleName="codedeploy-ecs")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSCodeDeployRoleForECS", "PolicyArn": ARN}]
    version = iam.get_policy(PolicyArn=ARN)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=ARN, VersionId=version)["PolicyVersion"]["Document"]
    assert "ecs:CreateTaskSet" in json.dumps(document)
