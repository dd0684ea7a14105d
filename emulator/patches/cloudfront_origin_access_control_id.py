"""CloudFront distributions: keep an origin's ``OriginAccessControlId``.

AWS stores and returns the Origin Access Control an S3 origin uses
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html:
"OriginAccessControlId - The unique identifier of an origin access control for
this origin."). moto accepts the field on CreateDistribution/UpdateDistribution
and drops it, so GetDistribution reports an S3 origin without its OAC and a
role comparing its wanted configuration would update the distribution forever.
"""

import functools

from moto.cloudfront.models import Origin


def apply():
    original = Origin.__init__

    @functools.wraps(original)
    def __init__(self, origin):
        original(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""

    Origin.__init__ = __init__
