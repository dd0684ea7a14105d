POLICY_TYPES = ["t3.small", "t3a.small"]
DISTRIBUTION = {
    "OnDemandBaseCapacity": 0,
    "OnDemandPercentageAboveBaseCapacity": 50,
    "SpotAllocationStrategy": "price-capacity-optimized",
}


def group(autoscaling, name):
    [found] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return found


def test_an_update_of_other_settings_keeps_the_policy(auto_scaling_group):
    autoscaling, template = auto_scaling_group("mixed-kept", mixed=(DISTRIBUTION, POLICY_TYPES), MaxSize=2)
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


def test_an_update_naming_a_launch_template_replaces_the_policy(auto_scaling_group):
    autoscaling, template = auto_scaling_group("mixed-replaced", mixed=(DISTRIBUTION, POLICY_TYPES), MaxSize=2)
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="mixed-replaced", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}
    )
    after = group(autoscaling, "mixed-replaced")
    assert "MixedInstancesPolicy" not in after
    assert after["LaunchTemplate"]["LaunchTemplateName"] == "mixed-replaced"


def test_a_plain_group_stays_plain(auto_scaling_group):
    autoscaling, template = auto_scaling_group("plain-kept", mixed=(DISTRIBUTION, POLICY_TYPES), MaxSize=2)
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="plain-kept", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}
    )
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="plain-kept", MinSize=1)
    after = group(autoscaling, "plain-kept")
    assert after["MinSize"] == 1 and "MixedInstancesPolicy" not in after
