"""The launcher sets MOTO_ECS_SERVICE_RUNNING (emulator/server.py): a new
one-task ECS service reports its task running and its deployment completed, so
the services-stable waiter (what ecspresso deploy --wait-until stable and
``aws ecs wait services-stable`` poll) succeeds, as on AWS with healthy capacity."""

import os

from emulator import server


def test_the_launcher_sets_the_running_task_count(emulator_url):
    assert os.environ["MOTO_ECS_SERVICE_RUNNING"] == server.ECS_SERVICE_RUNNING


def test_a_new_service_becomes_stable(aws):
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="running")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster="running", serviceName="web", taskDefinition="web", desiredCount=1)
    [service] = ecs.describe_services(cluster="running", services=["web"])["services"]
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (1, 1, 0)
    [deployment] = service["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    ecs.get_waiter("services_stable").wait(
        cluster="running", services=["web"], WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
