"""emulator/patches/ecs_container_instance_agent.py: the group's instances
register with the cluster their user data names, with their type's CPU and
memory, and leave it when terminated."""

from emulator.patches.ecs_container_instance_agent import MEMORY_SHARE


def resources(instance, key):
    return {r["name"]: r.get("integerValue") for r in instance[key]}


def test_instances_register_with_their_type_s_cpu_and_memory(ecs_world):
    world = ecs_world(instance_type="t3.large", desired=2)
    instances = world.instances()
    assert len(instances) == 2
    for instance in instances:
        registered = resources(instance, "registeredResources")
        assert registered["CPU"] == 2 * 1024
        assert registered["MEMORY"] == int(8192 * MEMORY_SHARE) == 7985
        assert instance["status"] == "ACTIVE" and instance["agentConnected"] is True
    [group] = world.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[world.group])["AutoScalingGroups"]
    assert sorted(i["ec2InstanceId"] for i in instances) == sorted(i["InstanceId"] for i in group["Instances"])
    cluster = world.ecs.describe_clusters(clusters=[world.cluster])["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 2


def test_instances_without_the_cluster_in_their_user_data_do_not_register(ecs_world):
    world = ecs_world(desired=1)
    world.ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.small")
    assert len(world.instances()) == 1


def test_scale_in_and_termination_deregister_and_stop_the_tasks(ecs_world):
    world = ecs_world(instance_type="t3.small", desired=2)
    world.create_service(world.register(cpu="1024", memory="512"), count=2)
    assert len(world.instances()) == 2
    world.autoscaling.set_desired_capacity(AutoScalingGroupName=world.group, DesiredCapacity=1)
    assert len(world.instances()) == 1
    [group] = world.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[world.group])["AutoScalingGroups"]
    gone = {i["InstanceId"] for i in group["Instances"]}
    world.ec2.terminate_instances(InstanceIds=list(gone))
    # The group replaces the terminated instance; the cluster holds the new one only.
    assert {i["ec2InstanceId"] for i in world.instances()}.isdisjoint(gone)
    stopped = world.ecs.list_tasks(cluster=world.cluster, desiredStatus="STOPPED")["taskArns"]
    reasons = {t["stoppedReason"] for t in world.ecs.describe_tasks(cluster=world.cluster, tasks=stopped)["tasks"]}
    assert any(r.startswith("Host EC2 (instance i-") and r.endswith("terminated.") for r in reasons), reasons
