import pytest

REGION = "eu-north-1"


@pytest.fixture
def template(aws):
    ec2 = aws("ec2", REGION)
    made = ec2.create_launch_template(LaunchTemplateName="kumo-lt-versions", LaunchTemplateData={"ImageId": "ami-1"})
    template_id = made["LaunchTemplate"]["LaunchTemplateId"]
    for image in ("ami-2", "ami-3"):
        ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"ImageId": image})
    yield ec2, template_id
    ec2.delete_launch_template(LaunchTemplateId=template_id)


def numbers(ec2, template_id):
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"]
    return sorted(v["VersionNumber"] for v in versions)


def test_versions_other_than_the_default_are_deleted(template):
    ec2, template_id = template
    answer = ec2.delete_launch_template_versions(LaunchTemplateId=template_id, Versions=["2", "3"])
    assert sorted(v["VersionNumber"] for v in answer["SuccessfullyDeletedLaunchTemplateVersions"]) == [2, 3]
    assert answer["UnsuccessfullyDeletedLaunchTemplateVersions"] == []
    assert numbers(ec2, template_id) == [1]
    [latest] = ec2.describe_launch_template_versions(LaunchTemplateId=template_id, Versions=["$Latest"])[
        "LaunchTemplateVersions"
    ]
    assert latest["VersionNumber"] == 1


def test_the_default_and_a_missing_version_are_refused_and_the_rest_deleted(template):
    ec2, template_id = template
    answer = ec2.delete_launch_template_versions(LaunchTemplateName="kumo-lt-versions", Versions=["1", "2", "9"])
    assert [v["VersionNumber"] for v in answer["SuccessfullyDeletedLaunchTemplateVersions"]] == [2]
    refused = {
        v["VersionNumber"]: v["ResponseError"]["Code"] for v in answer["UnsuccessfullyDeletedLaunchTemplateVersions"]
    }
    assert refused == {1: "unexpectedError", 9: "launchTemplateVersionDoesNotExist"}
    assert numbers(ec2, template_id) == [1, 3]


def test_a_new_version_after_a_deletion_takes_the_next_number(template):
    ec2, template_id = template
    ec2.delete_launch_template_versions(LaunchTemplateId=template_id, Versions=["3"])
    made = ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"ImageId": "ami-4"})
    assert made["LaunchTemplateVersion"]["VersionNumber"] == 4
    assert numbers(ec2, template_id) == [1, 2, 4]
