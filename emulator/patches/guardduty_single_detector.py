"""GuardDuty CreateDetector: one detector per account and region.

AWS (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html):
"Creates a single GuardDuty detector. A detector is a resource that represents
the GuardDuty service. To start using GuardDuty, you must create a detector in
each Region where you enable the service. You can have only one detector per
account per Region." A second call answers HTTP 400 ``BadRequestException``
("The request is rejected because a detector already exists for the current
account."). moto creates another detector on every call.
"""

import functools

from moto.guardduty.exceptions import GuardDutyException
from moto.guardduty.models import GuardDutyBackend


class DetectorAlreadyExists(GuardDutyException):
    code = 400

    def __init__(self):
        super().__init__(
            "BadRequestException",
            "The request is rejected because a detector already exists for the current account.",
        )


def apply():
    original = GuardDutyBackend.create_detector

    @functools.wraps(original)
    def create_detector(self, *args, **kwargs):
        if self.detectors:
            raise DetectorAlreadyExists()
        return original(self, *args, **kwargs)

    GuardDutyBackend.create_detector = create_detector
