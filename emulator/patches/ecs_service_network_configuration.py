"""ECS DescribeServices: no ``networkConfiguration`` on a service that has none.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html):
"networkConfiguration — The VPC subnet and security group configuration for
tasks that receive their own elastic network interface by using the awsvpc
networking mode"; a bridge-mode service, created without one, is described
without the member.

moto returns ``"networkConfiguration": {}`` for such a service, which
``ecspresso diff`` reports as a change on every deploy.
"""

import functools

from moto.ecs.models import Service


def apply():
    original = Service.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if not kwargs.get("network_configuration"):
            self.network_configuration = None

    Service.__init__ = __init__
