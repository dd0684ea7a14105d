def _group(aws, name):
    ec2 = aws("ec2")
    template = ec2.create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling = aws("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=1,
        AvailabilityZones=["ap-northeast-1a"],
    )
    return autoscaling


def enabled(autoscaling, name):
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return sorted(m["Metric"] for m in group["EnabledMetrics"])


def test_disabling_some_metrics_keeps_the_others(aws):
    autoscaling = _group(aws, "metrics-some")
    autoscaling.enable_metrics_collection(
        AutoScalingGroupName="metrics-some", Granularity="1Minute", Metrics=["GroupMinSize", "GroupMaxSize"]
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="metrics-some", Metrics=["GroupMinSize"])
    assert enabled(autoscaling, "metrics-some") == ["GroupMaxSize"]


def test_disabling_without_metrics_disables_all(aws):
    autoscaling = _group(aws, "metrics-all")
    autoscaling.enable_metrics_collection(
        AutoScalingGroupName="metrics-all", Granularity="1Minute", Metrics=["GroupMinSize", "GroupMaxSize"]
    )
    autoscaling.disable_metrics_collection(AutoScalingGroupName="metrics-all")
    assert enabled(autoscaling, "metrics-all") == []
