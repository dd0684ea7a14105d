"""ECS DeleteCluster refuses a cluster that still has services, container
instances or tasks.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html):
"You must deregister all container instances from this cluster before you may
delete it", with the errors ClusterContainsContainerInstancesException ("You
can't delete a cluster that has registered container instances. First,
deregister the container instances before you can delete the cluster."),
ClusterContainsServicesException ("You can't delete a cluster that contains
services. First, update the service to reduce its desired task count to 0,
and then delete the service.") and ClusterContainsTasksException ("You can't
delete a cluster that has active tasks."). A service counts while ACTIVE or
DRAINING.

moto deletes any cluster, so a teardown in the wrong order passes here and
fails on AWS.
"""

import functools

from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend


def apply():
    original = EC2ContainerServiceBackend.delete_cluster

    @functools.wraps(original)
    def delete_cluster(self, cluster_str):
        cluster = self._get_cluster(cluster_str)
        if any(s.cluster_name == cluster.name and s.status in ("ACTIVE", "DRAINING") for s in self.services.values()):
            raise ECSException(
                "ClusterContainsServicesException",
                "You can't delete a cluster that contains services. First, update the service to reduce its "
                "desired task count to 0, and then delete the service.",
            )
        if self.container_instances.get(cluster.name):
            raise ECSException(
                "ClusterContainsContainerInstancesException",
                "You can't delete a cluster that has registered container instances. First, deregister the "
                "container instances before you can delete the cluster.",
            )
        if any(t.last_status != "STOPPED" for t in self.tasks.get(cluster.name, {}).values()):
            raise ECSException("ClusterContainsTasksException", "You can't delete a cluster that has active tasks.")
        return original(self, cluster_str)

    EC2ContainerServiceBackend.delete_cluster = delete_cluster
