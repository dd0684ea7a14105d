"""emulator/patches/ecs_delete_cluster_in_use.py: DeleteCluster refuses a
cluster with services or container instances, as AWS does."""

import pytest
from botocore.exceptions import ClientError


def test_a_cluster_with_services_or_instances_cannot_be_deleted(ecs_world):
    world = ecs_world(desired=1)
    world.create_service(world.register(), count=1)
    with pytest.raises(ClientError, match="ClusterContainsServicesException"):
        world.ecs.delete_cluster(cluster=world.cluster)
    world.ecs.update_service(cluster=world.cluster, service=world.service_name, desiredCount=0)
    world.ecs.delete_service(cluster=world.cluster, service=world.service_name)
    with pytest.raises(ClientError, match="ClusterContainsContainerInstancesException"):
        world.ecs.delete_cluster(cluster=world.cluster)
    world.autoscaling.delete_auto_scaling_group(AutoScalingGroupName=world.group, ForceDelete=True)
    deleted = world.ecs.delete_cluster(cluster=world.cluster)["cluster"]
    assert deleted["status"] == "INACTIVE"
