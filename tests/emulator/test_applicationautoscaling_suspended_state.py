"""emulator/patches/applicationautoscaling_suspended_state.py: a scalable target
always reports its SuspendedState, all running unless told otherwise."""

RESOURCE = "service/suspended-cluster/web"  # the service must exist, as on AWS


def described(scaling):
    [target] = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"]
    return target["SuspendedState"]


def test_a_new_target_runs_every_activity_and_keeps_what_is_not_changed(aws):
    ecs, scaling = aws("ecs"), aws("application-autoscaling")
    ecs.create_cluster(clusterName="suspended-cluster")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}])
    ecs.create_service(cluster="suspended-cluster", serviceName="web", taskDefinition="web", desiredCount=0)
    common = {"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount"}
    scaling.register_scalable_target(**common, MinCapacity=1, MaxCapacity=3)
    assert described(scaling) == {
        "DynamicScalingInSuspended": False,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }
    scaling.register_scalable_target(**common, SuspendedState={"DynamicScalingInSuspended": True})
    assert described(scaling) == {
        "DynamicScalingInSuspended": True,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }
    scaling.register_scalable_target(**common, MinCapacity=2)
    assert described(scaling)["DynamicScalingInSuspended"] is True
