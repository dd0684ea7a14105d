def _protected_group(aws, name):
    ec2 = aws("ec2")
    template = ec2.create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.small"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    aws("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=2,
        MaxSize=2,
        DesiredCapacity=2,
        NewInstancesProtectedFromScaleIn=True,
        AvailabilityZones=["ap-northeast-1a"],
    )
    return [
        i["InstanceId"]
        for i in aws("autoscaling").describe_auto_scaling_instances()["AutoScalingInstances"]
        if i["AutoScalingGroupName"] == name
    ]


def states(aws, instance_ids):
    reservations = aws("ec2").describe_instances(InstanceIds=instance_ids)["Reservations"]
    return sorted(i["State"]["Name"] for r in reservations for i in r["Instances"])


def test_a_forced_delete_terminates_protected_instances(aws):
    instances = _protected_group(aws, "force-delete")
    assert len(instances) == 2
    aws("autoscaling").delete_auto_scaling_group(AutoScalingGroupName="force-delete", ForceDelete=True)
    assert (
        aws("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["force-delete"])["AutoScalingGroups"]
        == []
    )
    assert states(aws, instances) == ["terminated", "terminated"]
