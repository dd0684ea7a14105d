"""CloudFront distributions: return an S3 origin's ``S3OriginConfig``.

AWS returns the ``S3OriginConfig`` it was given (with ``OriginAccessIdentity``
empty when an Origin Access Control signs the requests instead)
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_S3OriginConfig.html:
"If you're using origin access control (OAC) instead of origin access identity,
specify an empty OriginAccessIdentity element."). moto keeps the identity in an
attribute its response serializer does not read, so GetDistribution reports an
S3 origin that is neither an S3 nor a custom origin.
"""

import functools

from moto.cloudfront.models import Origin


def apply():
    original = Origin.__init__

    @functools.wraps(original)
    def __init__(self, origin):
        original(self, origin)
        if "S3OriginConfig" in origin:
            self.s3_origin_config = {"OriginAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity", "")}

    Origin.__init__ = __init__
