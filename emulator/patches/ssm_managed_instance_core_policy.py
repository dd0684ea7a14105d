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

import functools
import json

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend

POLICY_NAME = "AmazonSSMManagedInstanceCore"


def apply():
    original = IAMBackend._init_aws_policies

    @functools.wraps(original)
    def _init_aws_policies(self):
        policies = original(self)
        if not any(p.name == POLICY_NAME for p in policies):
            data = json.loads(aws_managed_policies_data)[POLICY_NAME]
            policies.append(AWSManagedPolicy.from_data(POLICY_NAME, self.account_id, self.region_name, data))
        return policies

    IAMBackend._init_aws_policies = _init_aws_policies
