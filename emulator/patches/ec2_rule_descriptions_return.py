"""EC2 UpdateSecurityGroupRuleDescriptionsIngress/Egress: the ``return`` element.

AWS answers both actions with ``<return>true</return>``
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UpdateSecurityGroupRuleDescriptionsEgress.html,
"Response Elements: return — Returns true if the request succeeds; otherwise,
returns an error."). moto answers with an empty body, so amazon.aws
``ec2_security_group`` fails with KeyError 'Return' when it sets the
description of an existing rule (the default egress rule, for instance).
"""

import functools

from moto.core.responses import ActionResult
from moto.ec2.responses.security_groups import SecurityGroups


def _returning_true(method):
    @functools.wraps(method)
    def wrapper(self):
        method(self)
        return ActionResult({"Return": True})

    return wrapper


def apply():
    for name in ("update_security_group_rule_descriptions_ingress", "update_security_group_rule_descriptions_egress"):
        setattr(SecurityGroups, name, _returning_true(getattr(SecurityGroups, name)))
