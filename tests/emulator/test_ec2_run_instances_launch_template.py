import pytest

REGION = "sa-east-1"
HARDENED = {
    "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
    "Monitoring": {"Enabled": True},
    "InstanceType": "t3.small",
}


@pytest.fixture
def launch(aws):
    """A launch template with IMDSv2, an instance profile, monitoring and an
    encrypted root on the AMI's root device; yields (ec2, template name, AMI)."""
    ec2, iam = aws("ec2", REGION), aws("iam", REGION)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]
    profile = iam.create_instance_profile(InstanceProfileName="kumo-lt-instance")["InstanceProfile"]
    data = dict(
        HARDENED,
        ImageId=image["ImageId"],
        IamInstanceProfile={"Arn": profile["Arn"]},
        BlockDeviceMappings=[
            {"DeviceName": image["RootDeviceName"], "Ebs": {"Encrypted": True, "VolumeSize": 30, "VolumeType": "gp3"}}
        ],
    )
    ec2.create_launch_template(LaunchTemplateName="kumo-lt-run", LaunchTemplateData=data)
    yield ec2, image
    ec2.delete_launch_template(LaunchTemplateName="kumo-lt-run")
    iam.delete_instance_profile(InstanceProfileName="kumo-lt-instance")


def described(ec2, instance_ids):
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    return [i for r in reservations for i in r["Instances"]]


def volumes(ec2, instance):
    ids = [b["Ebs"]["VolumeId"] for b in instance["BlockDeviceMappings"]]
    return {v["Attachments"][0]["Device"]: v for v in ec2.describe_volumes(VolumeIds=ids)["Volumes"]}


def assert_hardened(ec2, instance, image):
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    assert instance["IamInstanceProfile"]["Arn"].endswith(":instance-profile/kumo-lt-instance")
    assert instance["Monitoring"]["State"] == "enabled"
    # the template's root replaces the AMI's: one root volume, encrypted, as mapped
    [(device, root)] = volumes(ec2, instance).items()
    assert device == image["RootDeviceName"]
    assert (root["Encrypted"], root["Size"], root["VolumeType"]) == (True, 30, "gp3")


def test_run_instances_takes_the_templates_settings(launch):
    ec2, image = launch
    [made] = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "kumo-lt-run"}, MinCount=1, MaxCount=1)[
        "Instances"
    ]
    [instance] = described(ec2, [made["InstanceId"]])
    assert_hardened(ec2, instance, image)
    ec2.terminate_instances(InstanceIds=[made["InstanceId"]])


def test_parameters_of_the_request_override_the_template(launch):
    ec2, _ = launch
    [made] = ec2.run_instances(
        LaunchTemplate={"LaunchTemplateName": "kumo-lt-run"},
        MinCount=1,
        MaxCount=1,
        MetadataOptions={"HttpTokens": "optional"},
    )["Instances"]
    [instance] = described(ec2, [made["InstanceId"]])
    assert instance["MetadataOptions"]["HttpTokens"] == "optional"
    assert instance["IamInstanceProfile"]["Arn"].endswith(":instance-profile/kumo-lt-instance")
    ec2.terminate_instances(InstanceIds=[made["InstanceId"]])


def test_instances_an_auto_scaling_group_launches_take_the_templates_settings(launch, aws):
    ec2, image = launch
    autoscaling = aws("autoscaling", REGION)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="kumo-lt-asg",
        LaunchTemplate={"LaunchTemplateName": "kumo-lt-run", "Version": "$Default"},
        MinSize=2,
        MaxSize=2,
        AvailabilityZones=[f"{REGION}a"],
    )
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["kumo-lt-asg"])["AutoScalingGroups"]
    instances = described(ec2, [i["InstanceId"] for i in group["Instances"]])
    assert len(instances) == 2
    for instance in instances:
        assert_hardened(ec2, instance, image)
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName="kumo-lt-asg", ForceDelete=True)
