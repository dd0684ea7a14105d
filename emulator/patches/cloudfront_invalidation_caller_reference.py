"""CloudFront CreateInvalidation: the caller reference de-duplicates.

AWS (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html,
``CallerReference``): "If you make a second invalidation request with the same
value for CallerReference, and if the rest of the request is the same,
CloudFront doesn't create a new invalidation request. Instead, CloudFront
returns information about the invalidation request that you previously created
with the same CallerReference. If CallerReference is a value you already sent
in a previous invalidation batch request but the content of any Path is
different from the original request, CloudFront returns an
InvalidationBatchAlreadyExists error." moto creates a new invalidation on every
call.
"""

import functools

from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.models import CloudFrontBackend


class InvalidationBatchAlreadyExists(CloudFrontException):
    code = 409

    def __init__(self):
        super().__init__(
            "InvalidationBatchAlreadyExists",
            "The caller reference you attempted to create the invalidation batch with is already in use.",
        )


def apply():
    original = CloudFrontBackend.create_invalidation

    @functools.wraps(original)
    def create_invalidation(self, dist_id, paths, caller_ref):
        wanted = sorted(paths if isinstance(paths, list) else [paths])
        for existing in self.invalidations.get(dist_id) or []:
            if existing.caller_ref == caller_ref:
                if sorted(existing.paths if isinstance(existing.paths, list) else [existing.paths]) != wanted:
                    raise InvalidationBatchAlreadyExists()
                return existing
        return original(self, dist_id, paths, caller_ref)

    CloudFrontBackend.create_invalidation = create_invalidation
