"""IAM: the AWS managed policy AWSCodeDeployRoleForECS exists, so the CodeDeploy
service role of ECS blue/green deployments can attach it.

AWS (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForECS.html):
"AWSCodeDeployRoleForECS - Policy ARN:
arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS ... Provides CodeDeploy service
wide access to perform an ECS blue/green deployment on your behalf"; the
CodeDeploy user guide (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/codedeploy_IAM_role.html)
attaches it to the role that trusts codedeploy.amazonaws.com. AttachRolePolicy
with that ARN succeeds on AWS. moto loads no AWS managed policy unless told to
load all of them, and answers ``NoSuchEntity``. This patch adds only this one
(from moto's own copy of the managed policies) to every IAM backend.
"""

from ._managed_policies import load_into_every_backend

POLICY_NAME = "AWSCodeDeployRoleForECS"


def apply():
    load_into_every_backend((POLICY_NAME,))
