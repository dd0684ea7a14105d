"""ECS services report each capacity provider strategy item whole.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html):
"base — ... If no value is specified, the default value of 0 is used";
"weight — ... The default value is 0". DescribeServices returns both members
of every item. Clients built on the AWS SDK for Go v2 (ecspresso) do not send
a zero ``base`` at all, so the request carries ``{capacityProvider, weight}``.

moto stores and returns the item as sent, without ``base``.
"""

from moto.ecs.models import Service


def whole(strategy):
    return [{"base": 0, "weight": 0, **item} for item in strategy] if strategy else strategy


def apply():
    # A property, so that every way the strategy is set (CreateService,
    # UpdateService, the create-settings patch) reads back whole.
    Service.capacity_provider_strategy = property(
        lambda self: whole(self.__dict__.get("_capacity_provider_strategy")),
        lambda self, value: self.__dict__.__setitem__("_capacity_provider_strategy", value),
    )
