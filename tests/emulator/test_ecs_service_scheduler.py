"""emulator/patches/ecs_service_scheduler.py: services run their tasks on the
registered instances, within their CPU and memory, and roll as ECS rolls them."""

import pytest


def test_a_service_runs_its_tasks_on_the_instances(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=1)
    world.create_service(world.register(), count=2)
    service = world.describe()
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (2, 2, 0)
    [deployment] = service["deployments"]
    assert deployment["rolloutState"] == "COMPLETED" and deployment["runningCount"] == 2
    assert "networkConfiguration" not in service
    arns = world.ecs.list_tasks(cluster=world.cluster)["taskArns"]
    tasks = world.ecs.describe_tasks(cluster=world.cluster, tasks=arns)["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["RUNNING", "RUNNING"]
    assert {t["group"] for t in tasks} == {f"service:{world.service_name}"}
    assert {t["startedBy"] for t in tasks} == {deployment["id"]}
    ports = sorted(t["containers"][0]["networkBindings"][0]["hostPort"] for t in tasks)
    assert ports[0] >= 32768 and ports[0] != ports[1] and ports[1] <= 60999
    [instance] = world.instances()
    remaining = {r["name"]: r.get("integerValue") for r in instance["remainingResources"]}
    registered = {r["name"]: r.get("integerValue") for r in instance["registeredResources"]}
    assert remaining["CPU"] == registered["CPU"] - 2 * 256
    assert remaining["MEMORY"] == registered["MEMORY"] - 2 * 512
    world.wait_stable()


def test_without_room_tasks_wait_and_the_service_is_not_stable(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=1, max_size=1)
    world.create_service(world.register(cpu="1024", memory="512"), count=3)  # a t3.small has 2048 CPU units
    service = world.describe()
    assert (service["runningCount"], service["pendingCount"]) == (2, 1)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    with pytest.raises(Exception, match="Max attempts exceeded"):
        world.wait_stable()


def test_a_new_task_definition_rolls_the_service(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    first = world.register("repo/app:v1")
    world.create_service(first, count=2)
    old_deployment = world.describe()["deployments"][0]["id"]
    second = world.register("repo/app:v2")
    updated = world.ecs.update_service(cluster=world.cluster, service=world.service_name, taskDefinition=second)
    # The answer to UpdateService: a new PRIMARY deployment that has not started yet.
    assert [(d["status"], d["runningCount"]) for d in updated["service"]["deployments"]] == [
        ("PRIMARY", 0),
        ("ACTIVE", 2),
    ]
    service = world.describe()
    [deployment] = service["deployments"]
    assert deployment["taskDefinition"] == second and deployment["id"] != old_deployment
    assert deployment["rolloutState"] == "COMPLETED" and service["runningCount"] == 2
    stopped = world.ecs.list_tasks(cluster=world.cluster, desiredStatus="STOPPED")["taskArns"]
    old = world.ecs.describe_tasks(cluster=world.cluster, tasks=stopped)["tasks"]
    assert [t["taskDefinitionArn"] for t in old] == [first, first]


def test_a_rollout_without_room_keeps_the_old_tasks(ecs_world):
    # minimumHealthyPercent 100 with no room for a new task: nothing old may stop.
    world = ecs_world(instance_type="t3.small", desired=1, max_size=1)
    world.create_service(world.register("repo/app:v1", cpu="1024", memory="512"), count=2)
    world.ecs.update_service(
        cluster=world.cluster, service=world.service_name, taskDefinition=world.register("repo/app:v2", cpu="1024")
    )
    service = world.describe()
    assert [(d["status"], d["runningCount"], d["pendingCount"]) for d in service["deployments"]] == [
        ("PRIMARY", 0, 2),
        ("ACTIVE", 2, 0),
    ]
    assert service["runningCount"] == 2


def test_lowering_the_desired_count_stops_tasks(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    world.create_service(world.register(), count=3)
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=1)
    service = world.describe()
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (1, 1, 0)
    assert len(world.targets()) == 1


def test_a_deleted_service_drains_its_tasks(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    world.create_service(world.register(), count=2)
    world.ecs.delete_service(cluster=world.cluster, service=world.service_name, force=True)
    service = world.describe()
    assert (service["status"], service["runningCount"], service["pendingCount"]) == ("INACTIVE", 0, 0)
    running = world.ecs.list_tasks(cluster=world.cluster, desiredStatus="RUNNING")["taskArns"]
    assert running == [] and world.targets() == []
