"""The network layer's filters."""

from ansible_collections.kumo.platform.plugins.filter.network import cidr_problems, nat_allocations, subnet_plan

PUBLIC = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
PRIVATE = ["10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"]


def test_the_spec_cidrs_have_no_problem():
    assert cidr_problems("10.0.0.0/16", {"public": PUBLIC, "private": PRIVATE}) == []


def test_overlap_names_both_variables():
    problems = cidr_problems("10.0.0.0/16", {"public": PUBLIC, "private": ["10.0.1.0/25", *PRIVATE[1:]]})
    assert problems == ["private[0]: '10.0.1.0/25' overlaps public[1] '10.0.1.0/24'"]


def test_outside_the_vpc():
    problems = cidr_problems("10.0.0.0/16", {"private": ["10.1.0.0/24"]}, "network_vpc_cidr")
    assert problems == ["private[0]: '10.1.0.0/24' is not inside network_vpc_cidr '10.0.0.0/16'"]


def test_not_a_cidr_and_host_bits_set():
    assert cidr_problems("10.0.0.0/16", {"p": ["10.0.0.300/24"]})[0].startswith("p[0]: '10.0.0.300/24' is not a CIDR")
    assert cidr_problems("10.0.0.1/16", {}, "network_vpc_cidr")[0].startswith("network_vpc_cidr: '10.0.0.1/16'")


def test_vpc_prefix_limits():
    assert "between /16 and /28" in cidr_problems("10.0.0.0/8", {})[0]


def test_subnet_plan_names_by_az_letter():
    plan = subnet_plan("kumo-dev", ["ap-northeast-1a", "ap-northeast-1c"], PUBLIC[:2], PRIVATE[:2])
    assert [p["name"] for p in plan] == [
        "kumo-dev-public-a",
        "kumo-dev-public-c",
        "kumo-dev-private-a",
        "kumo-dev-private-c",
    ]
    assert plan[2] == {
        "tier": "private",
        "az": "ap-northeast-1a",
        "cidr": "10.0.128.0/24",
        "name": "kumo-dev-private-a",
    }


def test_nat_allocations_maps_public_subnets_to_azs():
    subnet_ids = {
        "public/ap-northeast-1a": "subnet-a",
        "public/ap-northeast-1c": "subnet-c",
        "private/ap-northeast-1a": "subnet-p",
    }
    nats = [
        {"subnet_id": "subnet-c", "nat_gateway_addresses": [{"allocation_id": "eipalloc-c"}]},
        {"subnet_id": "subnet-p", "nat_gateway_addresses": [{"allocation_id": "eipalloc-p"}]},
        {"subnet_id": "subnet-a", "nat_gateway_addresses": []},
    ]
    assert nat_allocations(nats, subnet_ids) == {"ap-northeast-1c": "eipalloc-c"}
