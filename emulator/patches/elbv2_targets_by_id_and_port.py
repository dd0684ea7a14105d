"""ELBv2 target groups hold one target per instance *and port*.

AWS (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RegisterTargets.html):
"If the target is an EC2 instance, it must be in the running state when you
register it. ... you can register each EC2 instance or IP address with the
same target group multiple times using different ports." This is how ECS
registers several bridge-mode tasks of one service on one instance, each on
its own dynamic host port (API_TargetDescription: "Port — The port on which
the target is listening"). DeregisterTargets removes the target with that
port; DescribeTargetHealth lists each (instance, port) pair.

moto keys a group's targets by instance id alone: a second task on the same
instance replaces the first, and deregistering either removes both.
"""

from moto.elbv2.exceptions import InvalidTargetError, TargetNotRunning
from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup


def _port(group, target):
    port = target.get("Port") or group.port
    return int(port) if str(port).isdigit() else port


def _key(group, target, known):
    """The (id, port) a request names; without a port, the instance's only registration."""
    if "Port" in target:
        return (target["Id"], _port(group, target))
    same = [key for key in known if key[0] == target["Id"]]
    return same[0] if len(same) == 1 else (target["Id"], _port(group, target))


def register(self, targets):
    for target in targets:
        instance = self.ec2_backend.get_instance_by_id(target["Id"])
        if instance and instance.state != "running":
            raise TargetNotRunning(instance_id=target["Id"])
        key = (target["Id"], _port(self, target))
        self.targets[key] = {"Id": target["Id"], "Port": key[1]}
        self.deregistered_targets.pop(key, None)
        self.terminated_targets.pop(key, None)


def deregister(self, targets):
    for target in targets:
        key = _key(self, target, self.targets)
        found = self.targets.pop(key, None)
        if not found:
            raise InvalidTargetError()
        self.deregistered_targets[key] = found


def deregister_terminated_instances(self, instance_ids):
    for key in list(self.targets):
        if key[0] in instance_ids:
            self.terminated_targets[key] = self.targets.pop(key)


def health_for(self, target, ec2_backend):
    key = _key(self, target, list(self.targets) or list(self.deregistered_targets) or list(self.terminated_targets))
    port = key[1]
    found = self.targets.get(key)
    if found is None:
        if key in self.terminated_targets:
            return FakeHealthStatus(
                key[0],
                port,
                self.health_check_port,
                "draining",
                "Target.DeregistrationInProgress",
                "Target deregistration is in progress",
            )
        return FakeHealthStatus(
            key[0],
            port,
            self.health_check_port,
            "unused",
            "Target.NotRegistered",
            "Target is not registered to the target group",
        )
    if found["Id"].startswith("i-"):
        instance = ec2_backend.get_instance_by_id(found["Id"])
        if instance and instance.state == "stopped":
            return FakeHealthStatus(
                found["Id"],
                port,
                self.health_check_port,
                "unused",
                "Target.InvalidState",
                "Target is in the stopped state",
            )
    return FakeHealthStatus(found["Id"], port, self.health_check_port, "healthy")


def apply():
    FakeTargetGroup.register = register
    FakeTargetGroup.deregister = deregister
    FakeTargetGroup.deregister_terminated_instances = deregister_terminated_instances
    FakeTargetGroup.health_for = health_for
