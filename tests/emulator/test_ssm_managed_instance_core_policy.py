import json

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def test_the_ssm_managed_instance_core_policy_can_be_attached(aws):
    iam = aws("iam")
    iam.create_role(RoleName="session-manager", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="session-manager", PolicyArn=ARN)
    attached = iam.list_attached_role_policies(RoleName="session-manager")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonSSMManagedInstanceCore", "PolicyArn": ARN}]
    assert iam.get_policy(PolicyArn=ARN)["Policy"]["Path"] == "/"
