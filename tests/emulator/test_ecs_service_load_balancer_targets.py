"""emulator/patches/ecs_service_load_balancer_targets.py: running tasks are the
target group's targets (instance id, dynamic host port); stopped ones leave."""


def test_running_tasks_are_registered_by_instance_and_host_port(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    world.create_service(world.register(), count=3)
    arns = world.ecs.list_tasks(cluster=world.cluster)["taskArns"]
    tasks = world.ecs.describe_tasks(cluster=world.cluster, tasks=arns)["tasks"]
    [instance] = world.instances()
    expected = sorted((instance["ec2InstanceId"], t["containers"][0]["networkBindings"][0]["hostPort"]) for t in tasks)
    found = sorted((t["Target"]["Id"], t["Target"]["Port"]) for t in world.targets())
    assert found == expected and len(found) == 3
    assert {t["TargetHealth"]["State"] for t in world.targets()} == {"healthy"}


def test_a_rollout_swaps_the_targets(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    world.create_service(world.register("repo/app:v1"), count=2)
    before = {t["Target"]["Port"] for t in world.targets()}
    world.ecs.update_service(
        cluster=world.cluster, service=world.service_name, taskDefinition=world.register("repo/app:v2")
    )
    world.describe()
    after = {t["Target"]["Port"] for t in world.targets()}
    assert len(after) == 2 and not before & after
