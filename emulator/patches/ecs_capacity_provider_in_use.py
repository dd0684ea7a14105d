"""ECS keeps a capacity provider that is still in use.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCapacityProvider.html):
"Only capacity providers that aren't associated with a cluster can be
deleted. To remove a capacity provider from a cluster, you can either use
PutClusterCapacityProviders or delete the cluster." Asked to delete one that
is, ECS leaves it in place with ``updateStatus`` ``DELETE_FAILED``. And
PutClusterCapacityProviders refuses to take a provider away from a cluster
while a service's capacity provider strategy uses it: ResourceInUseException,
"The specified capacity provider is in use and cannot be removed."
(API_PutClusterCapacityProviders: "the capacity provider must be removed from
the capacity provider strategy from all services" first).

moto deletes and disassociates a capacity provider whoever still uses it.
"""

import functools

from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend


def apply():
    delete_provider = EC2ContainerServiceBackend.delete_capacity_provider

    @functools.wraps(delete_provider)
    def delete_capacity_provider(self, name_or_arn):
        provider = self._get_provider(name_or_arn)
        if provider is not None and any(
            provider.name in (cluster.capacity_providers or [])
            for cluster in self.clusters.values()
            if cluster.status == "ACTIVE"
        ):
            provider.update_status = "DELETE_FAILED"
            provider.update_status_reason = (
                "The capacity provider cannot be deleted because it is associated with cluster. "
                "Remove the capacity provider from the cluster and try again."
            )
            return provider
        return delete_provider(self, name_or_arn)

    put_providers = EC2ContainerServiceBackend.put_cluster_capacity_providers

    @functools.wraps(put_providers)
    def put_cluster_capacity_providers(self, cluster_name, capacity_providers, *args, **kwargs):
        cluster = self._get_cluster(cluster_name)
        removed = set(cluster.capacity_providers or []) - set(capacity_providers or [])
        in_use = {
            s["capacityProvider"]
            for service in self.services.values()
            if service.cluster_name == cluster.name and service.status in ("ACTIVE", "DRAINING")
            for s in getattr(service, "capacity_provider_strategy", None) or []
        }
        if removed & in_use:
            raise ECSException(
                "ResourceInUseException", "The specified capacity provider is in use and cannot be removed."
            )
        return put_providers(self, cluster_name, capacity_providers, *args, **kwargs)

    EC2ContainerServiceBackend.delete_capacity_provider = delete_capacity_provider
    EC2ContainerServiceBackend.put_cluster_capacity_providers = put_cluster_capacity_providers
