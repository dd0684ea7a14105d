"""A capacity provider with managed scaling grows its Auto Scaling group when
tasks wait for capacity.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html,
API_ManagedScaling): with managed scaling ENABLED, tasks that no instance can
hold wait in PROVISIONING and "Amazon ECS scales out the Auto Scaling group"
to make room for them, up to the group's maximum size; tasks stay in
PROVISIONING when the group is at its maximum. Scale-in happens only after
the CapacityProviderReservation metric has stayed below the target for 15
minutes, longer than any run here, so it is not modelled: the group keeps
the instances it grew (and the instances running tasks are protected from
scale-in anyway, by managed termination protection).

moto's capacity providers never change their group, so a rollout that needs
one more instance (prod's rolling update, whose tasks fill every instance's
CPU) would wait forever.
"""

from moto.autoscaling.models import autoscaling_backends

from emulator.patches import _ecs_runtime


def grow_for_waiting_tasks(backend):
    groups = autoscaling_backends[backend.account_id][backend.region_name]
    waiting = {
        task.capacity_provider_name
        for tasks in backend.tasks.values()
        for task in tasks.values()
        if task.last_status == "PROVISIONING" and task.capacity_provider_name
    }
    changed = False
    for provider in backend.capacity_providers.values():
        settings = provider.auto_scaling_group_provider
        if provider.name not in waiting or settings.get("managedScaling", {}).get("status") != "ENABLED":
            continue
        name = settings.get("autoScalingGroupArn", "").rsplit("autoScalingGroupName/", 1)[-1]
        group = groups.autoscaling_groups.get(name)
        if group is not None and (group.desired_capacity or 0) < group.max_size:
            groups.set_desired_capacity(name, (group.desired_capacity or 0) + 1)
            changed = True
    return changed


def apply():
    _ecs_runtime.install()
    _ecs_runtime.reconciler(30, grow_for_waiting_tasks)
