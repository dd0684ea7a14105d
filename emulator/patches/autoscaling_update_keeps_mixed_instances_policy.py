"""Auto Scaling UpdateAutoScalingGroup leaves a mixed instances policy alone
unless the request replaces it.

AWS (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html):
"To update an Auto Scaling group, specify the name of the group and the
property that you want to change. Any properties that you don't specify are
not changed by this update request." A request that names a LaunchTemplate or
LaunchConfigurationName replaces the policy ("If you specify LaunchTemplate in
your update request, you can't specify LaunchConfigurationName or
MixedInstancesPolicy"), and one that names a MixedInstancesPolicy sets it.
moto sets the group's policy to what the request holds, so any update that
does not repeat the policy (a size change, NewInstancesProtectedFromScaleIn,
CapacityRebalance) silently turns a mixed instances group into a plain one.
"""

import copy
import functools

from moto.autoscaling.models import FakeAutoScalingGroup

# The update arguments that name the group's launch settings.
_LAUNCH_SETTINGS = ("mixed_instances_policy", "launch_template", "launch_config_name")


def _as_requested(policy):
    """The group's policy as a request gives one: moto stores the launch
    template's id and name, and refuses a request that names both."""
    policy = copy.deepcopy(policy)
    spec = policy.get("LaunchTemplate", {}).get("LaunchTemplateSpecification", {})
    if spec.get("LaunchTemplateId"):
        spec.pop("LaunchTemplateName", None)
    return policy


def apply():
    original = FakeAutoScalingGroup.update

    @functools.wraps(original)
    def update(self, **kwargs):
        if self.mixed_instances_policy and not any(kwargs.get(name) for name in _LAUNCH_SETTINGS):
            kwargs["mixed_instances_policy"] = _as_requested(self.mixed_instances_policy)
        return original(self, **kwargs)

    FakeAutoScalingGroup.update = update
