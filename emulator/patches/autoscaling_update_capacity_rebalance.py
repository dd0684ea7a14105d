"""Auto Scaling UpdateAutoScalingGroup sets CapacityRebalance.

AWS (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html):
"CapacityRebalance - Enables or disables Capacity Rebalancing." and "To
update an Auto Scaling group, specify the name of the group and the property
that you want to change. Any properties that you don't specify are not changed
by this update request."; the group then reports it
(https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AutoScalingGroup.html):
"CapacityRebalance - Indicates whether Capacity Rebalancing is enabled."
moto's CreateAutoScalingGroup takes CapacityRebalance and
DescribeAutoScalingGroups returns it, but UpdateAutoScalingGroup drops the
parameter, so a group's Capacity Rebalancing could never be turned on or off.
"""

import functools

from moto.autoscaling.responses import AutoScalingResponse


def apply():
    original = AutoScalingResponse.update_auto_scaling_group

    @functools.wraps(original)
    def update_auto_scaling_group(self):
        result = original(self)  # refuses an unknown group before anything is set
        if self._get_param("CapacityRebalance") is not None:
            group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
            group.capacity_rebalance = self._get_bool_param("CapacityRebalance")
        return result

    AutoScalingResponse.update_auto_scaling_group = update_auto_scaling_group
