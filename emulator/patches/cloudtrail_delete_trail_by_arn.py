"""CloudTrail DeleteTrail: the trail may be named by its ARN.

AWS (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html):
"Name - Specifies the name or the CloudTrail ARN of the trail to be deleted.
The following is the format of a trail ARN.
arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail", and a trail that does
not exist is ``TrailNotFoundException``. moto looks the trail up by name only,
so a delete by ARN (what amazon.aws.cloudtrail sends) answers 200 and deletes
nothing.
"""

import functools

from moto.cloudtrail.models import CloudTrailBackend


def apply():
    original = CloudTrailBackend.delete_trail

    @functools.wraps(original)
    def delete_trail(self, name):
        return original(self, self.get_trail(name).trail_name)

    CloudTrailBackend.delete_trail = delete_trail
