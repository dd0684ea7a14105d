"""emulator/patches/ecs_service_network_configuration.py: a bridge-mode service
is described without networkConfiguration, as AWS describes it."""


def test_a_bridge_service_has_no_network_configuration(ecs_world):
    world = ecs_world(desired=1)
    created = world.create_service(world.register(), count=1)
    assert "networkConfiguration" not in created
    service = world.describe()
    assert "networkConfiguration" not in service
    assert all("networkConfiguration" not in d for d in service["deployments"])
