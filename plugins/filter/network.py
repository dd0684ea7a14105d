"""Filters for the network layer: inventory checks and per-AZ plans, no AWS call."""

import ipaddress


def _network(value, name):
    try:
        return ipaddress.ip_network(str(value), strict=True), None
    except ValueError as exc:
        return None, f"{name}: '{value}' is not a CIDR block ({exc})"


def cidr_problems(vpc_cidr, subnets, vpc_name="vpc_cidr"):
    """Every problem with ``subnets`` (a dict of variable name -> list of CIDRs)
    against ``vpc_cidr``: bad syntax, a block outside the VPC, two blocks that overlap.
    """
    problems = []
    vpc, error = _network(vpc_cidr, vpc_name)
    if error:
        return [error]
    if not 16 <= vpc.prefixlen <= 28:
        problems.append(f"{vpc_name}: '{vpc_cidr}' must have a prefix between /16 and /28 (an AWS VPC limit)")
    seen = []
    for var_name, cidrs in subnets.items():
        for index, cidr in enumerate(cidrs):
            where = f"{var_name}[{index}]"
            net, error = _network(cidr, where)
            if error:
                problems.append(error)
                continue
            if not net.subnet_of(vpc):
                problems.append(f"{where}: '{cidr}' is not inside {vpc_name} '{vpc_cidr}'")
            for other_where, other in seen:
                if net.overlaps(other):
                    problems.append(f"{where}: '{cidr}' overlaps {other_where} '{other}'")
            seen.append((where, net))
    return problems


def subnet_plan(name_prefix, azs, public, private):
    """One entry per subnet: tier, az, cidr and name (``<prefix>-<tier>-<az letter>``)."""
    return [
        {"tier": tier, "az": az, "cidr": cidr, "name": f"{name_prefix}-{tier}-{az[-1]}"}
        for tier, cidrs in (("public", public), ("private", private))
        for az, cidr in zip(azs, cidrs, strict=False)
    ]


def nat_allocations(nat_gateways, subnet_ids):
    """AZ -> EIP allocation id of the NAT gateway already in that AZ's public subnet.

    ``subnet_ids`` maps ``"public/<az>"`` to a subnet id; ``nat_gateways`` is
    ``ec2_vpc_nat_gateway_info``'s ``result``.
    """
    az_by_subnet = {sid: key.split("/", 1)[1] for key, sid in subnet_ids.items() if key.startswith("public/")}
    found = {}
    for nat in nat_gateways:
        az = az_by_subnet.get(nat.get("subnet_id"))
        addresses = nat.get("nat_gateway_addresses") or []
        if az and addresses and az not in found:
            found[az] = addresses[0]["allocation_id"]
    return found


class FilterModule:
    def filters(self):
        return {
            "cidr_problems": cidr_problems,
            "subnet_plan": subnet_plan,
            "nat_allocations": nat_allocations,
        }
