"""A service's running tasks are registered in its target groups, and
deregistered when they stop.

AWS: "Amazon ECS automatically registers and deregisters tasks with your load
balancer's target groups"; for tasks on EC2 instances in bridge mode the
target is the container instance's EC2 instance id and the host port bound
to the container port the service's ``loadBalancers`` entry names
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html,
API_LoadBalancer: "containerName", "containerPort"). A stopped task is
deregistered (its target drains for the deregistration delay). A task of a
task set (a CODE_DEPLOY service) is registered in that task set's
``loadBalancers`` (API_TaskSet: "loadBalancers — Details on a load balancer
that are used with a task set"): the replacement task set of a blue/green
deployment fills the other target group of the pair.

moto's services never register a target, so a target group behind a service
stays empty.
"""

from moto.ec2.models import ec2_backends
from moto.elbv2.models import elbv2_backends

from emulator.patches import _ecs_runtime


def _targets(backend, task):
    """(target group ARN, {Id, Port}) for each load balancer of the task's task set, or else its service."""
    name = task.group.split(":", 1)[1] if task.group.startswith("service:") else None
    service = backend.services.get(f"{task.cluster_name}:{name}") if name else None
    instance = _ecs_runtime.container_instance_of(backend, task)
    if service is None or not task.container_instance_arn:
        return []
    instance_id = instance.ec2_instance_id if instance else getattr(task, "_kumo_instance_id", None)
    balancers = next(
        (ts.load_balancers for ts in service.task_sets if ts.id == task.started_by), service.load_balancers
    )
    found = []
    for balancer in balancers or []:
        for container in task.containers:
            if container.name != balancer.get("containerName"):
                continue
            for binding in getattr(container, "network_bindings", []):
                if binding["containerPort"] == balancer.get("containerPort"):
                    found.append((balancer["targetGroupArn"], {"Id": instance_id, "Port": binding["hostPort"]}))
    return found


def register(backend, task):
    instance = _ecs_runtime.container_instance_of(backend, task)
    task._kumo_instance_id = instance.ec2_instance_id if instance else None
    elbv2 = elbv2_backends[backend.account_id][backend.region_name]
    for arn, target in _targets(backend, task):
        elbv2.register_targets(arn, [target])


def deregister(backend, task, was):
    if was != "RUNNING":
        return
    elbv2 = elbv2_backends[backend.account_id][backend.region_name]
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    for arn, target in _targets(backend, task):
        group = elbv2.target_groups.get(arn)
        if group is None or (target["Id"], target["Port"]) not in group.targets:
            continue
        instance = ec2.get_instance_by_id(target["Id"])
        if instance is not None and instance.state == "running":
            elbv2.deregister_targets(arn, [target])
        else:
            group.targets.pop((target["Id"], target["Port"]), None)


def apply():
    _ecs_runtime.install()
    _ecs_runtime.listener(on_running=register, on_stopped=deregister)
