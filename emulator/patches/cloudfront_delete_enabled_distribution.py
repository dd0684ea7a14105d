"""CloudFront DeleteDistribution: refuse a distribution that is still enabled.

AWS deletes only a disabled distribution
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteDistribution.html:
"DistributionNotDisabled - The specified CloudFront distribution is not
disabled. You must disable the distribution before you can delete it." HTTP 409).
moto deletes an enabled one, so a teardown that forgets to disable first would
pass on the emulator and fail on AWS.
"""

import functools

from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.models import CloudFrontBackend


class DistributionNotDisabled(CloudFrontException):
    def __init__(self):
        super().__init__(
            "DistributionNotDisabled",
            "The distribution you are trying to delete has not been disabled.",
        )


def apply():
    original = CloudFrontBackend.delete_distribution

    @functools.wraps(original)
    def delete_distribution(self, distribution_id, if_match):
        distribution = self.distributions.get(distribution_id)
        if distribution is not None and if_match and distribution.distribution_config.Enabled:
            raise DistributionNotDisabled()
        return original(self, distribution_id, if_match)

    CloudFrontBackend.delete_distribution = delete_distribution
