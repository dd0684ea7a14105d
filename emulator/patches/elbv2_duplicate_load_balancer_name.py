"""ELBv2 CreateLoadBalancer: a name already in use returns that load balancer, or fails.

AWS (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html):
"This operation is idempotent, which means that it completes at most one time.
If you attempt to create multiple load balancers with the same settings, each
call succeeds." and, under Errors, "DuplicateLoadBalancerName - A load
balancer with the specified name already exists." moto makes a second load
balancer with the same name on every call, so a retried create doubles it.
"""

import functools

from moto.elbv2.exceptions import DuplicateLoadBalancerName
from moto.elbv2.models import ELBv2Backend


def _same_settings(existing, subnet_ids, subnet_mappings, security_groups, scheme, loadbalancer_type):
    wanted_subnets = set(subnet_ids or []) | {m["SubnetId"] for m in subnet_mappings or []}
    return (
        {s.id for s in existing.subnets} == wanted_subnets
        and set(existing.security_groups or []) == set(security_groups or [])
        and existing.scheme == scheme
        and existing.type == (loadbalancer_type or "application")
    )


def apply():
    original = ELBv2Backend.create_load_balancer

    @functools.wraps(original)
    def create_load_balancer(
        self,
        name,
        security_groups,
        subnet_ids,
        subnet_mappings=None,
        scheme="internet-facing",
        loadbalancer_type=None,
        ip_address_type="ipv4",
        tags=None,
    ):
        for existing in self.load_balancers.values():
            if existing.name == name:
                if _same_settings(existing, subnet_ids, subnet_mappings, security_groups, scheme, loadbalancer_type):
                    return existing
                raise DuplicateLoadBalancerName()
        return original(
            self,
            name,
            security_groups,
            subnet_ids,
            subnet_mappings=subnet_mappings,
            scheme=scheme,
            loadbalancer_type=loadbalancer_type,
            ip_address_type=ip_address_type,
            tags=tags,
        )

    ELBv2Backend.create_load_balancer = create_load_balancer
