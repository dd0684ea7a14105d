"""emulator/patches/ecs_capacity_provider_in_use.py: a capacity provider a
cluster or a service still uses stays."""

import pytest
from botocore.exceptions import ClientError


def test_a_provider_used_by_a_service_stays_with_its_cluster(ecs_world):
    world = ecs_world(desired=1)
    world.create_service(world.register(), count=1)
    with pytest.raises(ClientError, match="ResourceInUseException"):
        world.ecs.put_cluster_capacity_providers(
            cluster=world.cluster, capacityProviders=[], defaultCapacityProviderStrategy=[]
        )
    world.ecs.delete_service(cluster=world.cluster, service=world.service_name, force=True)
    world.ecs.put_cluster_capacity_providers(
        cluster=world.cluster, capacityProviders=[], defaultCapacityProviderStrategy=[]
    )


def test_a_provider_associated_with_a_cluster_is_not_deleted(ecs_world):
    world = ecs_world(desired=1)
    answer = world.ecs.delete_capacity_provider(capacityProvider=world.name)["capacityProvider"]
    assert answer["updateStatus"] == "DELETE_FAILED"
    [still] = world.ecs.describe_capacity_providers(capacityProviders=[world.name])["capacityProviders"]
    assert still["status"] == "ACTIVE"
    world.ecs.put_cluster_capacity_providers(
        cluster=world.cluster, capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    world.ecs.delete_capacity_provider(capacityProvider=world.name)
    assert world.ecs.describe_capacity_providers(capacityProviders=[world.name])["capacityProviders"] == []
