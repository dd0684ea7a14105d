"""emulator/patches/elbv2_targets_by_id_and_port.py: one instance may be a
target several times, on different ports."""

import pytest
from botocore.exceptions import ClientError


def test_one_instance_on_two_ports(ecs_world):
    world = ecs_world(desired=1)
    [instance] = world.instances()
    target = instance["ec2InstanceId"]
    world.elbv2.register_targets(
        TargetGroupArn=world.target_group, Targets=[{"Id": target, "Port": 32768}, {"Id": target, "Port": 32769}]
    )
    assert sorted(t["Target"]["Port"] for t in world.targets()) == [32768, 32769]
    world.elbv2.deregister_targets(TargetGroupArn=world.target_group, Targets=[{"Id": target, "Port": 32768}])
    assert [t["Target"]["Port"] for t in world.targets()] == [32769]
    with pytest.raises(ClientError, match="InvalidTarget"):
        world.elbv2.deregister_targets(TargetGroupArn=world.target_group, Targets=[{"Id": target, "Port": 32768}])
