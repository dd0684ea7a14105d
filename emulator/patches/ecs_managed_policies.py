"""IAM: the AWS managed policies of ECS exist, so ECS roles can attach them.

AWS (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerServiceforEC2Role.html):
"AmazonEC2ContainerServiceforEC2Role - Policy ARN:
arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role ...
Default policy for the Amazon EC2 Role for Amazon EC2 Container Service", and
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSTaskExecutionRolePolicy.html):
"AmazonECSTaskExecutionRolePolicy - Policy ARN:
arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy". The ECS
developer guide attaches the first to the container instance role and the
second to the task execution role; the X-Ray daemon sidecar writes traces with
the task role, which carries
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXRayDaemonWriteAccess.html)
"AWSXRayDaemonWriteAccess - Policy ARN: arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess".
AttachRolePolicy with any of these ARNs succeeds
on AWS. moto loads no AWS managed policy unless told to load all of them, and
answers ``NoSuchEntity``. This patch adds only these three (from moto's own copy
of the managed policies) to every IAM backend.
"""

from ._managed_policies import load_into_every_backend

POLICY_NAMES = ("AmazonEC2ContainerServiceforEC2Role", "AmazonECSTaskExecutionRolePolicy", "AWSXRayDaemonWriteAccess")


def apply():
    load_into_every_backend(POLICY_NAMES)
