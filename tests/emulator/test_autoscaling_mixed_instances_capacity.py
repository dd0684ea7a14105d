import pytest

POLICY_TYPES = ["t3.small", "t3a.small"]


def _template(aws, name):
    return aws("ec2").create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
    )["LaunchTemplate"]["LaunchTemplateId"]


def _mixed_group(aws, name, desired, base, percent):
    template = _template(aws, name)
    autoscaling = aws("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                "Overrides": [{"InstanceType": t} for t in POLICY_TYPES],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": base,
                "OnDemandPercentageAboveBaseCapacity": percent,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        MinSize=0,
        MaxSize=5,
        DesiredCapacity=desired,
        AvailabilityZones=["ap-northeast-1a"],
    )
    return autoscaling


def instances(autoscaling, name):
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return group["Instances"]


@pytest.mark.parametrize(
    ("name", "desired", "base", "percent"),
    [
        ("mixed-half-of-one", 1, 0, 50),  # On-Demand rounds 0.5 up to 1, Spot gets none
        ("mixed-base-and-half", 3, 1, 50),
        ("mixed-all-spot", 4, 0, 0),
    ],
)
def test_a_mixed_group_runs_its_desired_capacity(aws, name, desired, base, percent):
    autoscaling = _mixed_group(aws, name, desired, base, percent)
    running = instances(autoscaling, name)
    assert len(running) == desired
    assert {i["LifecycleState"] for i in running} == {"InService"}


def test_setting_the_desired_capacity_scales_a_mixed_group_out_and_in(aws):
    autoscaling = _mixed_group(aws, "mixed-rescaled", 0, 0, 50)
    assert instances(autoscaling, "mixed-rescaled") == []
    autoscaling.set_desired_capacity(AutoScalingGroupName="mixed-rescaled", DesiredCapacity=3)
    assert len(instances(autoscaling, "mixed-rescaled")) == 3
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="mixed-rescaled", DesiredCapacity=1)
    assert len(instances(autoscaling, "mixed-rescaled")) == 1


def test_a_plain_group_is_unchanged(aws):
    template = _template(aws, "plain-capacity")
    autoscaling = aws("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="plain-capacity",
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=5,
        DesiredCapacity=1,
        AvailabilityZones=["ap-northeast-1a"],
    )
    assert len(instances(autoscaling, "plain-capacity")) == 1
    autoscaling.set_desired_capacity(AutoScalingGroupName="plain-capacity", DesiredCapacity=3)
    assert len(instances(autoscaling, "plain-capacity")) == 3
