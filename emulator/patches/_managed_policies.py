"""AWS managed policies from moto's own copy, for the patches that add a few of
them to every IAM backend.

moto keeps the copy as one 4.7 MB JSON string. IAM makes a backend for each
account and again on every reset, and parsing the string each time (once per
patch) cost about a tenth of a second a backend: most of the unit tests' set-up
and teardown. It is parsed once per process here.
"""

import copy
import functools
import json

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend


@functools.cache
def _parsed():
    return json.loads(aws_managed_policies_data)


def add_managed_policies(backend, policies, names):
    """Append to ``policies`` (a backend's AWS managed policies) those of
    ``names`` it does not hold yet; returns ``policies``."""
    present = {p.name for p in policies}
    for name in names:
        if name not in present:
            data = copy.deepcopy(_parsed()[name])
            policies.append(AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data))
    return policies


def load_into_every_backend(names):
    """Make every IAM backend, made now or later, hold the AWS managed policies ``names``."""
    original = IAMBackend._init_aws_policies

    @functools.wraps(original)
    def _init_aws_policies(self):
        return add_managed_policies(self, original(self), names)

    IAMBackend._init_aws_policies = _init_aws_policies
