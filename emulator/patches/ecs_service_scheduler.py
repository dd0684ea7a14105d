"""ECS services run their tasks on the cluster's container instances, and
deployments roll as the ECS deployment controller rolls them.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html):
"the service scheduler launches, monitors, and maintains the desired number
of tasks"; tasks are placed on container instances with enough free CPU and
memory, following the service's placement strategy
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html);
in bridge mode a container port mapped to host port 0 gets a host port from
the instance's ephemeral range, 32768-60999 on Amazon Linux 2023
(API_PortMapping: "the host port is selected from the default ephemeral port
range of the container instance operating system"). A task that no instance
can hold, on a capacity provider, waits in PROVISIONING for the provider's
managed scaling (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html).
``runningCount`` counts RUNNING tasks, ``pendingCount`` the others (API_Service).

Deployments (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html,
API_Deployment, API_DeploymentConfiguration): UpdateService with a new task
definition (or forceNewDeployment) starts a new PRIMARY deployment; the old
one becomes ACTIVE and is drained. "maximumPercent" caps the tasks running
or pending during the rollout, "minimumHealthyPercent" is the floor of
RUNNING tasks below which the scheduler does not stop old ones. A
deployment is COMPLETED when it alone remains with its desired count
running. The deployment circuit breaker
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html)
fails a deployment once the number of tasks that failed to start reaches
"0.5 * desired task count", at least 3 and at most 200; with ``rollback`` it
"rolls back to the last deployment that completed successfully" with a new
deployment of that task definition. DeleteService moves the service to
DRAINING until its tasks stop, then INACTIVE (API_DeleteService).

moto's services never run a task: runningCount is whatever
MOTO_ECS_SERVICE_RUNNING says, whatever the capacity, and UpdateService
neither starts a deployment nor rolls one. This patch replaces both with the
scheduler above; the control plane (``_ecs_runtime``) runs it before every
ECS request, so a rollout that AWS would finish, given the capacity,
is finished when the caller next looks, and one it would not is not. Its
launch, placement and start helpers also run the task sets of CODE_DEPLOY
services (``ecs_service_task_sets``).
"""

import functools
import math

from moto.core.utils import utcnow
from moto.ecs.models import Container, EC2ContainerServiceBackend
from moto.moto_api._internal import mock_random

from emulator.patches import _ecs_runtime

EPHEMERAL_PORTS = range(32768, 61000)
_LIVE = ("PROVISIONING", "PENDING", "RUNNING")
_MAX_EVENTS = 100
# A FAILED deployment with nothing to roll back to keeps launching, as on
# AWS, but once per control-plane step rather than in a tight loop.
_failed_launches = {}


def _event(service, message):
    service.events.insert(
        0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"}
    )
    del service.events[_MAX_EVENTS:]


def new_deployment(service, task_definition):
    now = utcnow()
    return {
        "id": f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}",
        "status": "PRIMARY",
        "taskDefinition": task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "launchType": None if getattr(service, "capacity_provider_strategy", None) else service.launch_type,
        "capacityProviderStrategy": getattr(service, "capacity_provider_strategy", None),
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": "ECS deployment in progress.",
    }


def service_tasks(backend, service, live=True):
    group = f"service:{service.name}"
    tasks = [t for t in backend.tasks.get(service.cluster_name, {}).values() if t.group == group]
    return [t for t in tasks if t.last_status in _LIVE] if live else tasks


def _requirements(task_definition):
    containers = task_definition.container_definitions
    cpu = int(task_definition.cpu or 0) or sum(int(c.get("cpu") or 0) for c in containers)
    memory = int(task_definition.memory or 0) or sum(
        int(c.get("memoryReservation") or c.get("memory") or 0) for c in containers
    )
    return cpu, memory


def _port_mappings(task_definition):
    for container in task_definition.container_definitions:
        for mapping in container.get("portMappings") or []:
            yield container["name"], mapping


def _choose_ports(instance, task_definition):
    """Host ports for each mapping on this instance, or None when a static one is taken."""
    taken = {"tcp": _ecs_runtime.used_ports(instance, "tcp"), "udp": _ecs_runtime.used_ports(instance, "udp")}
    bindings = []
    for name, mapping in _port_mappings(task_definition):
        protocol = mapping.get("protocol", "tcp")
        host_port = mapping.get("hostPort") or 0
        if task_definition.network_mode in ("host", "awsvpc"):
            host_port = mapping["containerPort"]
        if host_port:
            if str(host_port) in taken[protocol]:
                return None
        else:
            host_port = next(p for p in EPHEMERAL_PORTS if str(p) not in taken[protocol])
        taken[protocol].add(str(host_port))
        bindings.append(
            {
                "name": name,
                "bindIP": "0.0.0.0",  # noqa: S104 - what ECS reports for a bridge-mode binding
                "containerPort": mapping["containerPort"],
                "hostPort": host_port,
                "protocol": protocol,
            }
        )
    return bindings


def _provider_instances(backend, spec):
    """EC2 instance ids a service (or task set) may use: its capacity provider's group, or any."""
    from moto.autoscaling.models import autoscaling_backends

    strategy = getattr(spec, "capacity_provider_strategy", None) or []
    names = [s["capacityProvider"] for s in strategy]
    if not names:
        return None
    groups = autoscaling_backends[backend.account_id][backend.region_name].autoscaling_groups
    allowed = set()
    for provider in backend.capacity_providers.values():
        if provider.name in names:
            arn = provider.auto_scaling_group_provider.get("autoScalingGroupArn", "")
            group = groups.get(arn.rsplit("autoScalingGroupName/", 1)[-1])
            if group:
                allowed.update(state.instance.id for state in group.instance_states)
    return allowed


def _placement_key(backend, service, instance):
    live = [t for t in service_tasks(backend, service) if t.container_instance_arn]
    on_instance = [t for t in live if t.container_instance_arn == instance.container_instance_arn]
    key = []
    for strategy in getattr(service, "placement_strategy", None) or []:
        field = (strategy.get("field") or "").lower()
        if strategy["type"] == "spread" and field == "attribute:ecs.availability-zone":
            zone = instance.attributes.get("ecs.availability-zone")
            key.append(
                sum(
                    1
                    for t in live
                    if (ci := _ecs_runtime.container_instance_of(backend, t))
                    and ci.attributes.get("ecs.availability-zone") == zone
                )
            )
        elif strategy["type"] == "spread":
            key.append(len(on_instance))
        elif strategy["type"] == "binpack":
            name = "MEMORY" if field == "memory" else "CPU"
            key.append(next(r["integerValue"] for r in instance.remaining_resources if r["name"] == name))
    return (*key, len(on_instance), instance.ec2_instance_id)


def place(backend, service, task, task_definition, spec=None):
    """Put a task on the best instance that holds it (PENDING); False when none does.
    ``spec`` (the service unless a task set says otherwise) names the capacity."""
    cpu, memory = _requirements(task_definition)
    allowed = _provider_instances(backend, spec or service)
    candidates = []
    for instance in backend.container_instances.get(service.cluster_name, {}).values():
        if instance.status != "ACTIVE" or (allowed is not None and instance.ec2_instance_id not in allowed):
            continue
        if not _ecs_runtime.fits(instance, {"CPU": cpu, "MEMORY": memory}):
            continue
        bindings = _choose_ports(instance, task_definition)
        if bindings is not None:
            candidates.append((_placement_key(backend, service, instance), instance, bindings))
    if not candidates:
        return False
    _, instance, bindings = min(candidates, key=lambda c: c[0])
    task.container_instance_arn = instance.container_instance_arn
    task.resource_requirements = {
        "CPU": cpu,
        "MEMORY": memory,
        "PORTS": [b["hostPort"] for b in bindings if b["protocol"] == "tcp"],
        "PORTS_UDP": [b["hostPort"] for b in bindings if b["protocol"] == "udp"],
    }
    _ecs_runtime.reserve(instance, task.resource_requirements)
    for container in task.containers:
        container.network_bindings = [
            {k: v for k, v in b.items() if k != "name"} for b in bindings if b["name"] == container.name
        ]
    task.last_status = "PENDING"
    return True


def _containers(task_definition):
    containers = []
    for definition in task_definition.container_definitions:
        container = Container(task_definition)
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = definition.get("cpu", 0)
        container.memory = definition.get("memory")
        container.environment = definition.get("environment")
        container.network_bindings = []
        containers.append(container)
    return containers


def launch(backend, cluster, service, task_definition_arn, started_by, spec=None):
    """Start one task of a deployment (or task set, ``spec``): placed (PENDING),
    waiting for capacity (PROVISIONING, on a capacity provider), or not at all (False)."""
    spec = spec or service
    task_definition = backend.describe_task_definition(task_definition_arn)
    strategy = getattr(spec, "capacity_provider_strategy", None) or []
    task = _ecs_runtime.ServiceTask(
        cluster,
        task_definition,
        None,
        {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []},
        backend=backend,
        group=f"service:{service.name}",
        launch_type=spec.launch_type if not strategy else "",
        started_by=started_by,
        tags=list(service.tags) if getattr(service, "propagate_tags", "NONE") == "SERVICE" else [],
        networking_configuration=spec.network_configuration or None,
        capacity_provider_name=strategy[0]["capacityProvider"] if strategy else None,
    )
    task.containers = _containers(task_definition)
    task.status = "PROVISIONING"
    if not place(backend, service, task, task_definition, spec) and not strategy:
        _event(
            service,
            "was unable to place a task because no container instance met all of its requirements.",
        )
        return False
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return True


def _stop(backend, task, reason):
    _ecs_runtime.task_stopped(backend, task, reason)
    return True


def failure_threshold(desired):
    return max(3, min(200, math.ceil(desired * 0.5)))


def _circuit_breaker(service, primary, deployments):
    config = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    if not config.get("enable") or primary["rolloutState"] == "FAILED":
        return False
    if primary["failedTasks"] < failure_threshold(service.desired_count):
        return False
    primary["rolloutState"] = "FAILED"
    primary["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
    _event(service, f"deployment {primary['id']} deployment failed: tasks failed to start.")
    completed = next((d for d in deployments[1:] if d.get("rolloutState") == "COMPLETED"), None)
    if config.get("rollback") and completed:
        primary["status"] = "ACTIVE"
        rollback = new_deployment(service, completed["taskDefinition"])
        service.task_definition = completed["taskDefinition"]
        deployments.insert(0, rollback)
        _event(service, f"rolling back to deployment {completed['id']}.")
    return True


def progress_tasks(backend, service, failed, spec=lambda task: None):
    """Placed tasks start, or fail to (``failed(task)`` counts it); tasks waiting
    for capacity are placed once there is some (on ``spec(task)``'s capacity)."""
    changed = False
    tasks = service_tasks(backend, service)
    for task in [t for t in tasks if t.last_status == "PENDING"]:
        task_definition = backend.describe_task_definition(task.task_definition_arn)
        reason = _ecs_runtime.why_task_cannot_start(task, task_definition)
        if reason:
            _ecs_runtime.task_stopped(backend, task, reason, code="TaskFailedToStart")
            failed(task)
        else:
            _ecs_runtime.task_running(backend, task)
        changed = True
    for task in [t for t in tasks if t.last_status == "PROVISIONING"]:
        task_definition = backend.describe_task_definition(task.task_definition_arn)
        changed |= place(backend, service, task, task_definition, spec(task))
    return changed


def stop_extra(backend, tasks, count, reason):
    """Stop ``count`` of these tasks, the least started first."""
    order = {"PROVISIONING": 0, "PENDING": 1, "RUNNING": 2}
    for task in sorted(tasks, key=lambda t: order[t.last_status])[: max(count, 0)]:
        _stop(backend, task, reason)
    return count > 0


def schedule(backend, cluster, service, step_id):
    """One pass of the scheduler over one service; True when it changed something."""
    tasks = service_tasks(backend, service)
    if service.status == "DRAINING":
        for task in tasks:
            _stop(backend, task, "Service was deleted.")
        service.status = "INACTIVE"
        service.deployments = []
        service.task_sets = []
        recount(backend, service)
        return True
    deployments = service.deployments
    if service.status != "ACTIVE" or not deployments or service.deployment_controller.get("type") != "ECS":
        return False
    by_deployment = {d["id"]: d for d in deployments}

    def failed(task):
        if task.started_by in by_deployment:
            by_deployment[task.started_by]["failedTasks"] += 1

    changed = progress_tasks(backend, service, failed)

    primary = deployments[0]
    changed |= _circuit_breaker(service, primary, deployments)
    primary = deployments[0]
    primary["desiredCount"] = service.desired_count
    tasks = service_tasks(backend, service)
    mine = [t for t in tasks if t.started_by == primary["id"]]
    others = [t for t in tasks if t.started_by != primary["id"]]

    # Start the primary's missing tasks, within maximumPercent.
    config = getattr(service, "deployment_configuration", None) or {}
    ceiling = math.floor(service.desired_count * config.get("maximumPercent", 200) / 100)
    room = min(service.desired_count - len(mine), ceiling - len(tasks))
    if primary["rolloutState"] == "FAILED":
        room = room if _failed_launches.get(primary["id"]) != step_id else 0
        _failed_launches[primary["id"]] = step_id
    for _ in range(max(room, 0)):
        if not launch(backend, cluster, service, primary["taskDefinition"], primary["id"]):
            break
        changed = True
    tasks = service_tasks(backend, service)
    mine = [t for t in tasks if t.started_by == primary["id"]]

    # Old deployments' tasks go: the ones not running at once, the running
    # ones while minimumHealthyPercent stays met.
    for task in [t for t in others if t.last_status != "RUNNING"]:
        changed |= _stop(backend, task, "Task stopped by the deployment: it belongs to an older deployment.")
    floor = math.ceil(service.desired_count * config.get("minimumHealthyPercent", 100) / 100)
    running_mine = sum(1 for t in mine if t.last_status == "RUNNING")
    running_old = [t for t in others if t.last_status == "RUNNING"]
    while running_old and running_mine + len(running_old) - 1 >= floor:
        changed |= _stop(backend, running_old.pop(0), "Task stopped by the deployment: replaced by a newer one.")
    # Scale in: the primary's extra tasks.
    changed |= stop_extra(
        backend, mine, len(mine) - service.desired_count, "Task stopped because the desired count was lowered."
    )

    service.deployments = [d for d in deployments if d is primary or service_tasks_of(backend, service, d)]
    changed |= recount(backend, service)
    return changed


def service_tasks_of(backend, service, deployment):
    return [t for t in service_tasks(backend, service) if t.started_by == deployment["id"]]


def recount(backend, service):
    """Counts and rollout state from the tasks; True when the rollout completed now."""
    tasks = service_tasks(backend, service)
    service.running_count = sum(1 for t in tasks if t.last_status == "RUNNING")
    service.pending_count = len(tasks) - service.running_count
    for deployment in service.deployments:
        own = [t for t in tasks if t.started_by == deployment["id"]]
        deployment["runningCount"] = sum(1 for t in own if t.last_status == "RUNNING")
        deployment["pendingCount"] = len(own) - deployment["runningCount"]
    if not service.deployments:
        return False
    primary = service.deployments[0]
    primary["status"] = "PRIMARY"
    for deployment in service.deployments[1:]:
        deployment["status"] = "ACTIVE"
    done = (
        len(service.deployments) == 1
        and primary["runningCount"] == service.desired_count
        and primary["pendingCount"] == 0
        and primary["rolloutState"] != "FAILED"
    )
    if done and primary["rolloutState"] != "COMPLETED":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        primary["updatedAt"] = utcnow()
        _event(service, f"deployment {primary['id']} has completed.")
        _event(service, "has reached a steady state.")
        return True
    if not done and primary["rolloutState"] == "COMPLETED":
        primary["rolloutState"] = "IN_PROGRESS"
    return False


def run_scheduler(backend):
    changed = False
    for service in list(backend.services.values()):
        cluster = backend.clusters.get(service.cluster_name)
        if cluster is not None:
            changed |= schedule(backend, cluster, service, _ecs_runtime.generation())
    _refresh_cluster_counts(backend)
    return changed


def _refresh_cluster_counts(backend):
    for name, cluster in backend.clusters.items():
        tasks = [t for t in backend.tasks.get(name, {}).values() if t.last_status in _LIVE]
        cluster.running_tasks_count = sum(1 for t in tasks if t.last_status == "RUNNING")
        cluster.pending_tasks_count = len(tasks) - cluster.running_tasks_count
        cluster.registered_container_instances_count = len(backend.container_instances.get(name, {}))
        cluster.active_services_count = sum(
            1 for s in backend.services.values() if s.cluster_name == name and s.status == "ACTIVE"
        )


def apply():
    _ecs_runtime.install()
    _ecs_runtime.reconciler(20, run_scheduler)

    create_service = EC2ContainerServiceBackend.create_service

    @functools.wraps(create_service)
    def create(self, *args, **kwargs):
        service = create_service(self, *args, **kwargs)
        if service.deployment_controller.get("type") == "ECS":
            service.deployments = [new_deployment(service, service.task_definition)]
        service.running_count, service.pending_count = 0, 0
        return service

    update_service = EC2ContainerServiceBackend.update_service

    @functools.wraps(update_service)
    def update(self, properties):
        cluster, name = properties.get("cluster", "default"), properties["service"].split("/")[-1]
        before = self._get_service(cluster, name)
        was = before.task_definition
        force = properties.get("force_new_deployment", False)
        service = update_service(self, properties)
        if service.task_definition:
            service.task_definition = self.describe_task_definition(service.task_definition).arn
        if service.deployment_controller.get("type") == "ECS" and (service.task_definition != was or force):
            service.deployments.insert(0, new_deployment(service, service.task_definition))
        recount(self, service)
        return service

    delete_service = EC2ContainerServiceBackend.delete_service

    @functools.wraps(delete_service)
    def delete(self, cluster_name, service_name, force):
        service = delete_service(self, cluster_name, service_name, force)
        service.desired_count = 0
        if service_tasks(self, service):
            service.status = "DRAINING"
        else:
            service.task_sets = []
        return service

    EC2ContainerServiceBackend.create_service = create
    EC2ContainerServiceBackend.update_service = update
    EC2ContainerServiceBackend.delete_service = delete
