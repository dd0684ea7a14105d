POLICY_TYPES = ["t3.small", "t3a.small"]
DISTRIBUTION = {
    "OnDemandBaseCapacity": 0,
    "OnDemandPercentageAboveBaseCapacity": 50,
    "SpotAllocationStrategy": "price-capacity-optimized",
}


def _mixed_group(aws, name):
    template = aws("ec2").create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling = aws("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=["ap-northeast-1a"],
    )
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=name,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                "Overrides": [{"InstanceType": t} for t in POLICY_TYPES],
            },
            "InstancesDistribution": DISTRIBUTION,
        },
    )
    return autoscaling, template


def group(autoscaling, name):
    [found] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return found


def test_an_update_of_other_settings_keeps_the_policy(aws):
    autoscaling, template = _mixed_group(aws, "mixed-kept")
    before = group(autoscaling, "mixed-kept")["MixedInstancesPolicy"]
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="mixed-kept", MaxSize=3, NewInstancesProtectedFromScaleIn=True
    )
    after = group(autoscaling, "mixed-kept")
    assert after["MaxSize"] == 3 and after["NewInstancesProtectedFromScaleIn"] is True
    assert after["MixedInstancesPolicy"] == before
    spec = after["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    assert spec == {"LaunchTemplateId": template, "LaunchTemplateName": "mixed-kept", "Version": "$Latest"}
    assert [o["InstanceType"] for o in after["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"]] == POLICY_TYPES
    assert after["MixedInstancesPolicy"]["InstancesDistribution"] == DISTRIBUTION


def test_an_update_naming_a_launch_template_replaces_the_policy(aws):
    autoscaling, template = _mixed_group(aws, "mixed-replaced")
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="mixed-replaced", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}
    )
    after = group(autoscaling, "mixed-replaced")
    assert "MixedInstancesPolicy" not in after
    assert after["LaunchTemplate"]["LaunchTemplateName"] == "mixed-replaced"


def test_a_plain_group_stays_plain(aws):
    autoscaling, template = _mixed_group(aws, "plain-kept")
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="plain-kept", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}
    )
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="plain-kept", MinSize=1)
    after = group(autoscaling, "plain-kept")
    assert after["MinSize"] == 1 and "MixedInstancesPolicy" not in after
