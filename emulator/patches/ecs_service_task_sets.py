"""ECS services with the CODE_DEPLOY deployment controller run their tasks in
task sets.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html):
"if the service uses the CODE_DEPLOY deployment controller, the
deploymentController, taskSets and deployments parameters will be returned,
however the deployments parameter will be an empty list"; the service starts
with one task set, which serves production traffic (status PRIMARY, scale
100 PERCENT) with the service's task definition and load balancers
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html).
API_TaskSet (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html):
"computedDesiredCount — The computed desired count for the task set. This is
calculated by multiplying the service's desiredCount by the task set's scale
percentage. The result is always rounded up"; "runningCount — The number of
tasks in the task set that are in the RUNNING status"; "pendingCount — ...
PENDING status"; "stabilityStatus — ... STEADY_STATE: All tasks are running,
no tasks are pending ... STABILIZING: The task counts are not matching the
desired count"; "startedBy — ... If a CodeDeploy deployment created the task
set, the startedBy parameter is CODE_DEPLOY". The service's taskDefinition and
loadBalancers are those of its PRIMARY task set (after a blue/green
deployment DescribeServices names the replacement's target group), and so
are its runningCount and pendingCount here.

moto creates no task set for such a service and its scheduler (the
``ecs_service_scheduler`` patch) runs ECS-controller services only, so a
CODE_DEPLOY service never runs a task. Here the initial task set is created
with the service, and each task set's tasks are launched, placed, started (or
fail to start) and stopped by the same scheduler helpers, on the task set's
own capacity and load balancers (``ecs_service_load_balancer_targets``
registers a task in its task set's target group). ``create_task_set``,
``make_primary`` and ``delete_task_set`` are how CodeDeploy (the
``codedeploy_ecs_deployments`` patch) changes them, as it does on AWS.
"""

import functools
import math

from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend, TaskSet
from moto.ecs.responses import EC2ContainerServiceResponse

from emulator.patches import _ecs_runtime
from emulator.patches.ecs_service_scheduler import failure_threshold, launch, progress_tasks, service_tasks, stop_extra


def is_code_deploy(service):
    return service.deployment_controller.get("type") == "CODE_DEPLOY"


def create_task_set(backend, service, task_definition, load_balancers, started_by=None, strategy=None, network=None):
    """A new ACTIVE task set at 100 percent, whose tasks the scheduler starts."""
    strategy = strategy or getattr(service, "capacity_provider_strategy", None) or []
    task_set = TaskSet(
        service.arn,
        service.cluster_arn,
        backend.describe_task_definition(task_definition).arn,
        backend.account_id,
        backend.region_name,
        network_configuration=network or service.network_configuration or None,
        load_balancers=load_balancers,
        launch_type=None if strategy else service.launch_type,
        capacity_provider_strategy=strategy,
    )
    task_set.service_arn, task_set.cluster_arn = service.arn, service.cluster_arn
    task_set.platform_version = service.platform_version
    task_set.started_by = started_by
    task_set.failed_tasks = 0
    task_set.last_relaunch = None
    service.task_sets.append(task_set)
    _recount(backend, service)
    return task_set


def make_primary(backend, service, task_set):
    """The task set serves production traffic: the service follows its task definition and load balancers."""
    backend.update_service_primary_task_set(service.cluster_name, service.name, task_set.task_set_arn)
    _recount(backend, service)


def delete_task_set(backend, service, task_set, reason):
    """DRAINING, then gone once its tasks have stopped (and left its target group)."""
    task_set.status = "DRAINING"
    for task in tasks_of(backend, service, task_set):
        _ecs_runtime.task_stopped(backend, task, reason)
    service.task_sets.remove(task_set)
    _recount(backend, service)


def tasks_of(backend, service, task_set):
    return [t for t in service_tasks(backend, service) if t.started_by == task_set.id]


def _schedule(backend, cluster, service):
    """One pass over a CODE_DEPLOY service's task sets; True when it changed something."""
    by_id = {task_set.id: task_set for task_set in service.task_sets}

    def failed(task):
        if task.started_by in by_id:
            by_id[task.started_by].failed_tasks += 1

    changed = progress_tasks(backend, service, failed, spec=lambda task: by_id.get(task.started_by))
    for task_set in service.task_sets:
        desired = math.ceil(service.desired_count * task_set.scale["value"] / 100)
        mine = tasks_of(backend, service, task_set)
        room = desired - len(mine)
        # A task set whose tasks keep failing keeps relaunching them, as ECS
        # does, but once per control-plane step rather than in a tight loop.
        if room > 0 and task_set.failed_tasks >= failure_threshold(desired):
            if task_set.last_relaunch == _ecs_runtime.generation():
                room = 0
            task_set.last_relaunch = _ecs_runtime.generation()
        for _ in range(max(room, 0)):
            if not launch(backend, cluster, service, task_set.task_definition, task_set.id, spec=task_set):
                break
            changed = True
        changed |= stop_extra(backend, mine, len(mine) - desired, "Task stopped because the desired count was lowered.")
    _recount(backend, service)
    return changed


def _recount(backend, service):
    now = utcnow()
    for task_set in service.task_sets:
        tasks = tasks_of(backend, service, task_set)
        task_set.computed_desired_count = math.ceil(service.desired_count * task_set.scale["value"] / 100)
        task_set.running_count = sum(1 for t in tasks if t.last_status == "RUNNING")
        task_set.pending_count = len(tasks) - task_set.running_count
        steady = task_set.running_count == task_set.computed_desired_count and task_set.pending_count == 0
        stability = "STEADY_STATE" if steady else "STABILIZING"
        if stability != task_set.stabilityStatus:
            task_set.stabilityStatus, task_set.stabilityStatusAt, task_set.updatedAt = stability, now, now
    service.task_sets.sort(key=lambda task_set: task_set.status != "PRIMARY")
    primary = next((ts for ts in service.task_sets if ts.status == "PRIMARY"), None)
    service.running_count = primary.running_count if primary else 0
    service.pending_count = primary.pending_count if primary else 0


def run_task_sets(backend):
    changed = False
    for service in list(backend.services.values()):
        cluster = backend.clusters.get(service.cluster_name)
        if cluster is not None and service.status == "ACTIVE" and is_code_deploy(service):
            changed |= _schedule(backend, cluster, service)
    return changed


def apply():
    _ecs_runtime.install()
    _ecs_runtime.reconciler(21, run_task_sets)

    create = EC2ContainerServiceResponse.create_service

    @functools.wraps(create)
    def create_service(self):
        # After CreateService has kept the service's capacity provider strategy
        # (ecs_service_create_settings), which the initial task set uses.
        result = create(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        if is_code_deploy(service):
            task_set = create_task_set(self.ecs_backend, service, service.task_definition, service.load_balancers)
            make_primary(self.ecs_backend, service, task_set)
        return result

    update = EC2ContainerServiceBackend.update_service

    @functools.wraps(update)
    def update_service(self, properties):
        service = update(self, properties)
        if is_code_deploy(service):
            _recount(self, service)  # moto counts the new desired count as running
        return service

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceBackend.update_service = update_service
