import pytest

POLICY_TYPES = ["t3.small", "t3a.small"]


def _mixed_group(auto_scaling_group, name, desired, base, percent):
    distribution = {
        "OnDemandBaseCapacity": base,
        "OnDemandPercentageAboveBaseCapacity": percent,
        "SpotAllocationStrategy": "price-capacity-optimized",
    }
    autoscaling, _ = auto_scaling_group(name, mixed=(distribution, POLICY_TYPES), MaxSize=5, DesiredCapacity=desired)
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
def test_a_mixed_group_runs_its_desired_capacity(auto_scaling_group, name, desired, base, percent):
    autoscaling = _mixed_group(auto_scaling_group, name, desired, base, percent)
    running = instances(autoscaling, name)
    assert len(running) == desired
    assert {i["LifecycleState"] for i in running} == {"InService"}


def test_setting_the_desired_capacity_scales_a_mixed_group_out_and_in(auto_scaling_group):
    autoscaling = _mixed_group(auto_scaling_group, "mixed-rescaled", 0, 0, 50)
    assert instances(autoscaling, "mixed-rescaled") == []
    autoscaling.set_desired_capacity(AutoScalingGroupName="mixed-rescaled", DesiredCapacity=3)
    assert len(instances(autoscaling, "mixed-rescaled")) == 3
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="mixed-rescaled", DesiredCapacity=1)
    assert len(instances(autoscaling, "mixed-rescaled")) == 1


def test_a_plain_group_is_unchanged(auto_scaling_group):
    autoscaling, _ = auto_scaling_group("plain-capacity", MaxSize=5, DesiredCapacity=1)
    assert len(instances(autoscaling, "plain-capacity")) == 1
    autoscaling.set_desired_capacity(AutoScalingGroupName="plain-capacity", DesiredCapacity=3)
    assert len(instances(autoscaling, "plain-capacity")) == 3
