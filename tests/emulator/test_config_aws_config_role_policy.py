import json

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ARN = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"


def test_the_config_managed_policy_can_be_attached(aws):
    iam = aws("iam")
    iam.create_role(RoleName="config-recorder", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="config-recorder", PolicyArn=ARN)
    attached = iam.list_attached_role_policies(RoleName="config-recorder")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWS_ConfigRole", "PolicyArn": ARN}]
    policy = iam.get_policy(PolicyArn=ARN)["Policy"]
    assert policy["Path"] == "/service-role/"
