"""IAM: the AWS managed policy AWS_ConfigRole exists, so a Config role can attach it.

AWS (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWS_ConfigRole.html):
"AWS_ConfigRole - Policy ARN: arn:aws:iam::aws:policy/service-role/AWS_ConfigRole
... Use this policy to grant AWS Config permissions to get configuration
details for supported AWS resources", and AWS Config's set-up guide
(https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html)
attaches it to the role a configuration recorder uses. AttachRolePolicy with
that ARN succeeds on AWS; moto loads no AWS managed policy unless told to
load all of them, and answers ``NoSuchEntity``. This patch adds only
AWS_ConfigRole (from moto's own copy of the managed policies) to every IAM
backend; MOTO_IAM_LOAD_MANAGED_POLICIES still loads the rest.
"""

from ._managed_policies import load_into_every_backend

POLICY_NAME = "AWS_ConfigRole"


def apply():
    load_into_every_backend((POLICY_NAME,))
