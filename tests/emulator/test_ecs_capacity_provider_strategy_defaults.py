"""emulator/patches/ecs_capacity_provider_strategy_defaults.py: a strategy item
sent without base (as the Go SDK sends a zero) is described with base 0."""


def test_an_item_without_base_reads_back_with_base_0(ecs_world):
    world = ecs_world(desired=1)
    world.ecs.create_service(
        cluster=world.cluster,
        serviceName=world.service_name,
        taskDefinition=world.register(),
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": world.name, "weight": 1}],
    )
    assert world.describe()["capacityProviderStrategy"] == [{"capacityProvider": world.name, "weight": 1, "base": 0}]
    world.ecs.update_service(
        cluster=world.cluster,
        service=world.service_name,
        capacityProviderStrategy=[{"capacityProvider": world.name, "weight": 2}],
        forceNewDeployment=True,
    )
    assert world.describe()["capacityProviderStrategy"] == [{"capacityProvider": world.name, "weight": 2, "base": 0}]
