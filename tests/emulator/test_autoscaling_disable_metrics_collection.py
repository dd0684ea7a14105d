def enabled(autoscaling, name):
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return sorted(m["Metric"] for m in group["EnabledMetrics"])


def test_disabling_some_metrics_keeps_the_others(auto_scaling_group):
    autoscaling, _ = auto_scaling_group("metrics-some")
    autoscaling.enable_metrics_collection(
        AutoScalingGroupName="metrics-some", Granularity="1Minute", Metrics=["GroupMinSize", "GroupMaxSize"]
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="metrics-some", Metrics=["GroupMinSize"])
    assert enabled(autoscaling, "metrics-some") == ["GroupMaxSize"]


def test_disabling_without_metrics_disables_all(auto_scaling_group):
    autoscaling, _ = auto_scaling_group("metrics-all")
    autoscaling.enable_metrics_collection(
        AutoScalingGroupName="metrics-all", Granularity="1Minute", Metrics=["GroupMinSize", "GroupMaxSize"]
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="metrics-all")
    assert enabled(autoscaling, "metrics-all") == []
