"""ELBv2 DescribeTargetGroupAttributes: ``stickiness.lb_cookie.duration_seconds``.

AWS reports this attribute on every HTTP/HTTPS target group, default 86400
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html:
"stickiness.lb_cookie.duration_seconds - The time period, in seconds ...
The default value is 1 day (86400 seconds)."). moto omits it until it is set,
and community.aws ``elb_target_group`` fails with a KeyError when it compares.
"""

import functools

from moto.elbv2.models import FakeTargetGroup


def apply():
    original = FakeTargetGroup.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.attributes.get("stickiness.type") == "lb_cookie":
            self.attributes.setdefault("stickiness.lb_cookie.duration_seconds", "86400")

    FakeTargetGroup.__init__ = __init__
