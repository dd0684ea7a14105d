"""IAM: the AWS managed policy AmazonSSMManagedInstanceCore exists.

AWS (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html):
"AmazonSSMManagedInstanceCore - Policy ARN:
arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore ... The policy for Amazon
EC2 Role to enable AWS Systems Manager service core functionality." Systems
Manager's set-up guide attaches it to an instance profile's role so Session
Manager reaches the instance; AttachRolePolicy with that ARN succeeds on AWS.
moto loads no AWS managed policy unless told to load all of them, and answers
``NoSuchEntity``. This patch adds only this one (from moto's own copy of the
managed policies) to every IAM backend.
"""

from ._managed_policies import load_into_every_backend

POLICY_NAME = "AmazonSSMManagedInstanceCore"


def apply():
    load_into_every_backend((POLICY_NAME,))
