"""Auto Scaling DeleteAutoScalingGroup with ForceDelete terminates every instance.

AWS (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html):
"ForceDelete - Specifies that the group is to be deleted along with all
instances associated with the group, without waiting for all instances to be
terminated." moto ignores ForceDelete: it scales the group to 0, which leaves
instances protected from scale-in running (the ECS capacity provider's managed
termination protection needs that protection), and drops the group.
"""

import functools

from moto.autoscaling.responses import AutoScalingResponse


def apply():
    original = AutoScalingResponse.delete_auto_scaling_group

    @functools.wraps(original)
    def delete_auto_scaling_group(self):
        group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
        if group is not None and str(self._get_param("ForceDelete")).lower() == "true":
            instance_ids = [state.instance.id for state in group.instance_states]
            if instance_ids:
                self.autoscaling_backend.ec2_backend.terminate_instances(instance_ids)
            group.instance_states = []
        return original(self)

    AutoScalingResponse.delete_auto_scaling_group = delete_auto_scaling_group
