"""CloudTrail DescribeTrails: a trailNameList returns those trails only.

AWS (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html):
"trailNameList - Specifies a list of trail names, trail ARNs, or both, of the
trails to describe. ... If one or more trail names are specified, information
is returned only if the names match the names of trails belonging only to the
current Region and current account. To return information about a trail in
another Region, you must specify its trail ARN." An empty list returns every
trail (and, with includeShadowTrails, the shadow trails). moto ignores the
list and returns every trail, so a module that looks one trail up by name
(amazon.aws.cloudtrail) sees another's: dev's converge with CloudTrail off
deleted prod's trail in a shared account.
"""

import functools
import json

from moto.cloudtrail.models import cloudtrail_backends
from moto.cloudtrail.responses import CloudTrailResponse


def _named(trail, wanted, region):
    return trail.arn in wanted or (trail.trail_name in wanted and trail.region_name == region)


def apply():
    original = CloudTrailResponse.describe_trails

    @functools.wraps(original)
    def describe_trails(self):
        wanted = self._get_param("trailNameList") or []
        if not wanted:
            return original(self)
        regions = cloudtrail_backends[self.current_account].values()
        found = [t for backend in regions for t in backend.trails.values() if _named(t, wanted, self.region)]
        return json.dumps({"trailList": [t.description(include_region=True) for t in found]})

    CloudTrailResponse.describe_trails = describe_trails
