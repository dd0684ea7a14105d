"""emulator/patches/ecs_service_task_sets.py: a CODE_DEPLOY service runs its
tasks in a PRIMARY task set, registered in the task set's target group, and
the desired count applies to every task set."""


def test_a_code_deploy_service_runs_one_primary_task_set(blue_green):
    world = blue_green(count=2)
    service = world.describe()
    assert service["deploymentController"] == {"type": "CODE_DEPLOY"}
    assert service["deployments"] == []  # API_CreateService: "an empty list"
    [task_set] = service["taskSets"]
    assert task_set["status"] == "PRIMARY" and task_set["stabilityStatus"] == "STEADY_STATE"
    assert task_set["scale"] == {"value": 100.0, "unit": "PERCENT"}
    assert task_set["taskDefinition"] == service["taskDefinition"]
    assert task_set["loadBalancers"] == service["loadBalancers"]
    assert task_set["capacityProviderStrategy"] == service["capacityProviderStrategy"]
    assert "startedBy" not in task_set  # created by ECS with the service, not by CodeDeploy
    assert (task_set["computedDesiredCount"], task_set["runningCount"], task_set["pendingCount"]) == (2, 2, 0)
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    arns = world.ecs.list_tasks(cluster=world.cluster)["taskArns"]
    tasks = world.ecs.describe_tasks(cluster=world.cluster, tasks=arns)["tasks"]
    assert {t["startedBy"] for t in tasks} == {task_set["id"]} and {t["lastStatus"] for t in tasks} == {"RUNNING"}
    ports = {t["containers"][0]["networkBindings"][0]["hostPort"] for t in tasks}
    assert {t["Target"]["Port"] for t in world.registered(world.blue)} == ports
    assert world.registered(world.green) == []


def test_the_desired_count_applies_to_the_task_sets(blue_green):
    world = blue_green(count=2)
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=3)
    service = world.describe()
    [task_set] = service["taskSets"]
    assert (task_set["computedDesiredCount"], task_set["runningCount"], service["runningCount"]) == (3, 3, 3)
    assert len(world.registered(world.blue)) == 3
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=1)
    [task_set] = world.describe()["taskSets"]
    assert (task_set["computedDesiredCount"], task_set["runningCount"]) == (1, 1)
    assert len(world.registered(world.blue)) == 1


def test_without_room_the_task_set_is_stabilizing(blue_green):
    world = blue_green(count=2)
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=40)
    [task_set] = world.describe()["taskSets"]
    assert task_set["stabilityStatus"] == "STABILIZING" and task_set["pendingCount"] > 0


def test_deleting_the_service_stops_every_task_set(blue_green, instant_codedeploy):
    world = blue_green(count=2)
    world.deploy("repo/app:v2")
    world.ecs.delete_service(cluster=world.cluster, service=world.service_name, force=True)
    service = world.describe()
    assert (service["status"], service["runningCount"], service["taskSets"]) == ("INACTIVE", 0, [])
    assert world.ecs.list_tasks(cluster=world.cluster, desiredStatus="RUNNING")["taskArns"] == []
    assert world.registered(world.blue) == [] and world.registered(world.green) == []
