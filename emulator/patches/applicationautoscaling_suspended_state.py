"""Application Auto Scaling: every scalable target has a ``SuspendedState``.

AWS (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ScalableTarget.html,
API_SuspendedState): a target registered without ``SuspendedState`` has all
three activities running, and DescribeScalableTargets reports it as
``{"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false,
"ScheduledScalingSuspended": false}``; a RegisterScalableTarget that sets some
of the three leaves the others as they were.

moto leaves the member out unless it was given, and ecspresso (which prints
a service's scalable targets before each deploy) dereferences it and crashes.
"""

import functools

from moto.applicationautoscaling.models import FakeScalableTarget

RUNNING = {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False, "ScheduledScalingSuspended": False}


def apply():
    original_init = FakeScalableTarget.__init__
    original_update = FakeScalableTarget.update

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.suspended_state = {**RUNNING, **(self.suspended_state or {})}

    @functools.wraps(original_update)
    def update(self, min_capacity, max_capacity, suspended_state):
        before = self.suspended_state
        original_update(self, min_capacity, max_capacity, suspended_state)
        self.suspended_state = {**RUNNING, **(before or {}), **(suspended_state or {})}

    FakeScalableTarget.__init__ = __init__
    FakeScalableTarget.update = update
