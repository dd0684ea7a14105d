"""ECS CreateService: the service keeps its capacity provider strategy,
deployment configuration, health check grace period and placement settings.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html)
returns on every Service what CreateService set: "capacityProviderStrategy —
The capacity provider strategy the service uses", "deploymentConfiguration —
Optional deployment parameters that control how many tasks run during the
deployment and the ordering of stopping and starting tasks",
"healthCheckGracePeriodSeconds", "placementConstraints", "placementStrategy",
"enableECSManagedTags", "enableExecuteCommand". moto's CreateService drops
them all (its UpdateService keeps what it is given), so DescribeServices
omits them and a deploy tool that compares the service with its definition
(ecspresso diff) sees a difference forever.
"""

import functools

from botocore import xform_name
from moto.ecs.responses import EC2ContainerServiceResponse

SETTINGS = [
    "capacityProviderStrategy",
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "placementConstraints",
    "placementStrategy",
    "enableECSManagedTags",
    "enableExecuteCommand",
]


def apply():
    original = EC2ContainerServiceResponse.create_service

    @functools.wraps(original)
    def create_service(self):
        result = original(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        for name in SETTINGS:
            value = self._get_param(name)
            if value is not None:
                setattr(service, xform_name(name), value)  # the name moto's serializer reads
        return result

    EC2ContainerServiceResponse.create_service = create_service
