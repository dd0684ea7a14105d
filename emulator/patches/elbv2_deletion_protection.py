"""ELBv2 DeleteLoadBalancer: refused while deletion protection is on.

AWS (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html):
"deletion_protection.enabled - Indicates whether deletion protection is
enabled. The value is true or false. The default is false." and DeleteLoadBalancer
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html)
lists "OperationNotPermitted - This operation is not allowed." It answers
"Load balancer '<arn>' cannot be deleted because deletion protection is
enabled". moto deletes the load balancer anyway.
"""

import functools

from moto.elbv2.exceptions import ELBClientError
from moto.elbv2.models import ELBv2Backend


class OperationNotPermitted(ELBClientError):
    def __init__(self, arn):
        super().__init__(
            "OperationNotPermitted",
            f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled",
        )


def apply():
    original = ELBv2Backend.delete_load_balancer

    @functools.wraps(original)
    def delete_load_balancer(self, arn):
        balancer = self.load_balancers.get(arn)
        if balancer is not None and balancer.attrs.get("deletion_protection.enabled") == "true":
            raise OperationNotPermitted(arn)
        return original(self, arn)

    ELBv2Backend.delete_load_balancer = delete_load_balancer
