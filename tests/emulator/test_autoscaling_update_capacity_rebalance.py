import pytest
from botocore.exceptions import ClientError


def rebalancing(autoscaling, name):
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return group["CapacityRebalance"]


def test_an_update_turns_capacity_rebalancing_on_and_off(auto_scaling_group):
    autoscaling, _ = auto_scaling_group("rebalance-toggle")
    assert rebalancing(autoscaling, "rebalance-toggle") is False
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="rebalance-toggle", CapacityRebalance=True)
    assert rebalancing(autoscaling, "rebalance-toggle") is True
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="rebalance-toggle", CapacityRebalance=False)
    assert rebalancing(autoscaling, "rebalance-toggle") is False


def test_an_update_without_it_leaves_capacity_rebalancing_alone(auto_scaling_group):
    autoscaling, _ = auto_scaling_group("rebalance-kept", CapacityRebalance=True)
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="rebalance-kept", MaxSize=2)
    assert rebalancing(autoscaling, "rebalance-kept") is True


def test_an_unknown_group_is_still_refused(aws):
    with pytest.raises(ClientError, match="AutoScalingGroup name not found"):
        aws("autoscaling").update_auto_scaling_group(AutoScalingGroupName="rebalance-missing", CapacityRebalance=True)
