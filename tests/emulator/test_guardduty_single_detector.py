import botocore.exceptions
import pytest


def test_a_second_detector_in_the_region_is_refused(aws):
    guardduty = aws("guardduty", "eu-west-3")
    first = guardduty.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        guardduty.create_detector(Enable=True)
    assert error.value.response["Error"]["Code"] == "BadRequestException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert guardduty.list_detectors()["DetectorIds"] == [first]


def test_after_deleting_it_a_detector_can_be_created_again(aws):
    guardduty = aws("guardduty", "eu-west-2")
    first = guardduty.create_detector(Enable=True)["DetectorId"]
    guardduty.delete_detector(DetectorId=first)
    second = guardduty.create_detector(Enable=True)["DetectorId"]
    assert guardduty.list_detectors()["DetectorIds"] == [second]
