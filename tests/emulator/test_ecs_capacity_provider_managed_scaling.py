"""emulator/patches/ecs_capacity_provider_managed_scaling.py: tasks waiting for
capacity make the capacity provider grow its group, up to its maximum size."""


def desired(world):
    [group] = world.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[world.group])["AutoScalingGroups"]
    return group["DesiredCapacity"]


def test_waiting_tasks_grow_the_group(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=1, max_size=3)
    world.create_service(world.register(cpu="1024", memory="512"), count=4)  # two per t3.small
    service = world.describe()
    assert (service["runningCount"], service["pendingCount"]) == (4, 0)
    assert desired(world) == 2 and len(world.instances()) == 2


def test_the_group_stops_at_its_maximum_size(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=1, max_size=2)
    world.create_service(world.register(cpu="1024", memory="512"), count=6)
    service = world.describe()
    assert (service["runningCount"], service["pendingCount"]) == (4, 2)
    assert desired(world) == 2


def test_without_managed_scaling_the_group_keeps_its_size(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=1, max_size=3, managed_scaling="DISABLED")
    world.create_service(world.register(cpu="1024", memory="512"), count=3)
    assert world.describe()["pendingCount"] == 1 and desired(world) == 1
