"""emulator/patches/ecs_task_image_pull_failure.py with the scheduler's
deployment circuit breaker: a release that cannot start fails its deployment,
and ECS rolls the service back to the last completed one."""

import pytest

from emulator.patches.ecs_service_scheduler import failure_threshold


def test_the_failure_threshold_is_half_the_desired_count_within_3_and_200():
    assert [failure_threshold(n) for n in (1, 3, 7, 1000)] == [3, 3, 4, 200]


def test_a_broken_release_is_rolled_back_to_the_last_completed_deployment(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    good = world.register("repo/app:v2")
    world.create_service(good, count=2)
    completed = world.describe()["deployments"][0]["id"]
    broken = world.register("repo/app:v3-broken")
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, taskDefinition=broken)
    service = world.describe()
    [deployment] = service["deployments"]
    assert service["taskDefinition"] == good == deployment["taskDefinition"]
    assert deployment["rolloutState"] == "COMPLETED" and service["runningCount"] == 2
    messages = [e["message"] for e in service["events"]]
    assert any("deployment failed: tasks failed to start" in m for m in messages)
    assert any(f"rolling back to deployment {completed}" in m for m in messages)
    stopped = world.ecs.list_tasks(cluster=world.cluster, desiredStatus="STOPPED")["taskArns"]
    failed = [
        t
        for t in world.ecs.describe_tasks(cluster=world.cluster, tasks=stopped)["tasks"]
        if t["taskDefinitionArn"] == broken
    ]
    assert len(failed) >= 3
    assert {t["stopCode"] for t in failed} == {"TaskFailedToStart"}
    assert all(t["stoppedReason"].startswith("CannotPullContainerError") for t in failed)
    world.wait_stable()


def test_without_rollback_the_failed_deployment_never_becomes_stable(ecs_world):
    world = ecs_world(instance_type="t3.medium", desired=1)
    world.create_service(world.register("repo/app:v1"), count=1, rollback=False)
    world.ecs.update_service(
        cluster=world.cluster, service=world.service_name, taskDefinition=world.register("repo/app:v2-broken")
    )
    service = world.describe()
    assert service["deployments"][0]["rolloutState"] == "FAILED"
    assert service["deployments"][0]["failedTasks"] >= 3
    assert len(service["deployments"]) == 2  # the old tasks keep serving
    with pytest.raises(Exception, match="Max attempts exceeded"):
        world.wait_stable()
