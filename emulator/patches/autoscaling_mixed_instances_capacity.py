"""Auto Scaling runs a mixed instances group's whole desired capacity, rounding
the On-Demand share up.

AWS (https://docs.aws.amazon.com/autoscaling/ec2/userguide/mixed-instances-groups-set-up-overview.html):
"Anything beyond the base capacity uses the On-Demand percentage to determine
how many On-Demand Instances and Spot Instances to launch." and "Amazon EC2
Auto Scaling converts the percentage to the equivalent number of instances. If
the result creates a fractional number, it rounds up to the next integer in
favor of On-Demand Instances."
moto (CreateAutoScalingGroup, UpdateAutoScalingGroup, SetDesiredCapacity, and
every other path through ``FakeAutoScalingGroup.set_desired_capacity``)
truncates both shares instead, so a fraction is lost from each: DesiredCapacity
1 at OnDemandBaseCapacity 0 and OnDemandPercentageAboveBaseCapacity 50 runs no
instance at all (On-Demand int(0.5) = 0, Spot int(1 - 0.5) = 0).

The computation is inline in ``set_desired_capacity``, so ``apply()`` replaces
that method with a copy that differs only in it: On-Demand is the base plus the
percentage of the rest rounded up, Spot is what remains, and each is converted
to instances of the first override's WeightedCapacity (or 1) rounding up, as
moto does. Scaling out, scaling in (only unprotected instances) and the load
balancer updates are moto's, line for line. moto records no purchase option for
an Auto Scaling group's instances (it launches them all alike), so only their
number changes.
"""

import math

from moto.autoscaling.models import FakeAutoScalingGroup


def _mixed_instances(policy, target_capacity):
    """The number of instances a mixed instances policy runs for a desired capacity."""
    # These calculations assume a strategy of "prioritized"
    overrides = policy["LaunchTemplate"]["Overrides"]
    distribution = policy.get("InstancesDistribution", {})

    on_demand_base = int(distribution.get("OnDemandBaseCapacity", 0))
    percent_above_base = int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))

    # moto launches the first override only, so its weight is the unit.
    primary_weight_str = overrides[0].get("WeightedCapacity", "1")
    primary_weight = int(primary_weight_str) if primary_weight_str.isdigit() else 1
    if primary_weight == 0:
        primary_weight = 1

    if on_demand_base >= target_capacity:
        total_on_demand_capacity = target_capacity
    else:
        above_base_capacity = target_capacity - on_demand_base
        # The percentage of the capacity above the base, a fraction rounded up in favour of On-Demand.
        total_on_demand_capacity = on_demand_base + -(-(above_base_capacity * percent_above_base) // 100)
    total_spot_capacity = target_capacity - total_on_demand_capacity

    on_demand_instances = math.ceil(total_on_demand_capacity / primary_weight)
    spot_instances = math.ceil(total_spot_capacity / primary_weight)
    return on_demand_instances + spot_instances


def set_desired_capacity(self, new_capacity: int | None) -> None:
    """moto's ``FakeAutoScalingGroup.set_desired_capacity`` with the mixed
    instances computation in ``_mixed_instances``."""
    if new_capacity is None:
        self.desired_capacity = self.min_size
    else:
        self.desired_capacity = new_capacity

    current_instance_count = len(self.active_instances())

    is_mixed_instances = self.mixed_instances_policy and len(
        self.mixed_instances_policy.get("LaunchTemplate", {}).get("Overrides", [])
    )
    target_capacity = self.desired_capacity or 0

    if is_mixed_instances:
        total_target_instances = _mixed_instances(self.mixed_instances_policy or {}, target_capacity)
    else:
        total_target_instances = target_capacity

    instance_count_delta = total_target_instances - current_instance_count

    if instance_count_delta == 0:
        pass
    elif instance_count_delta > 0:
        count_needed = instance_count_delta
        propagated_tags = self.get_propagated_tags()
        self.replace_autoscaling_group_instances(count_needed, propagated_tags)
    else:
        count_to_remove = abs(instance_count_delta)

        instances_to_remove = [  # only remove unprotected
            state for state in self.instance_states if not state.protected_from_scale_in
        ][:count_to_remove]

        if instances_to_remove:  # just in case not instances to remove
            instance_ids_to_remove = [instance.instance.id for instance in instances_to_remove]
            self.autoscaling_backend.ec2_backend.terminate_instances(instance_ids_to_remove)
            self.instance_states = list(set(self.instance_states) - set(instances_to_remove))

    if self.name in self.autoscaling_backend.autoscaling_groups:
        self.autoscaling_backend.update_attached_elbs(self.name)
        self.autoscaling_backend.update_attached_target_groups(self.name)


def apply():
    FakeAutoScalingGroup.set_desired_capacity = set_desired_capacity
