"""ECS DescribeClusters: ``capacityProviders`` and ``defaultCapacityProviderStrategy``.

AWS returns both lists on every cluster, empty when none is set
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html:
"capacityProviders — The capacity providers associated with the cluster",
an array present on each Cluster object). moto leaves both out of a cluster
created without them, and community.aws ``ecs_cluster`` then fails with a
KeyError on its second run.
"""

import functools

from moto.ecs.models import Cluster


def apply():
    original = Cluster.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.capacity_providers is None:
            self.capacity_providers = []
        if self.default_capacity_provider_strategy is None:
            self.default_capacity_provider_strategy = []

    Cluster.__init__ = __init__
