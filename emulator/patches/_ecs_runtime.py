"""What the ECS patches share: the moment ECS's control plane acts, and the task
life cycle they all see.

AWS runs ECS asynchronously: the container agent registers instances as they
boot, the service scheduler places and replaces tasks, load balancers learn
the tasks' ports, managed scaling grows the Auto Scaling group. moto has no
clock of its own, so here the control plane acts just before each ECS request
is answered: ``step()`` runs every registered reconciler (agent, scheduler,
task sets, CodeDeploy, managed scaling, in their order) until none has
anything left to do. A caller therefore sees the state AWS reaches once the
work it asked for has settled (CodeDeploy's lifecycle events also take
wall-clock time, see ``codedeploy_ecs_deployments``), never a state AWS could
not reach. Requests are answered one at a time (the lock), as the
reconcilers share moto's ECS, EC2, ELBv2 and CodeDeploy state. A patch whose
control plane also answers another service's requests (CodeDeploy moves ECS
task sets and ELBv2 listeners) runs the same step before those requests,
under the same lock: ``install(ResponseClass)``.

Patches register here:
- ``reconciler(order, fn)``: ``fn(backend) -> bool`` (did it change anything);
- ``start_check(fn)``: ``fn(task, task_definition) -> reason | None``, a reason
  why a placed task cannot start (it stops with that reason);
- ``listener(on_running=..., on_stopped=...)``: told when a task starts or stops.
"""

import functools
import threading

from moto.ecs.models import Task, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse

_lock = threading.RLock()
_reconcilers = []
_start_checks = []
_listeners = []
_installed = set()
_generation = [0]
# Enough rounds for any rollout here: each round moves every task one state.
_MAX_ROUNDS = 100


class ServiceTask(Task):
    """A task the reconcilers drive. moto's Task advances its own status each
    time it is described (RUNNING to STOPPED after one DescribeTasks); these
    keep the status the control plane gives them, as on AWS."""

    @property
    def status(self):
        return self._status

    @status.setter
    def status(self, value):
        self._status = value

    def advance(self):
        """No self-advancing: see the class docstring."""


def reconciler(order, fn):
    _reconcilers.append((order, fn))
    _reconcilers.sort(key=lambda entry: entry[0])


def start_check(fn):
    _start_checks.append(fn)


def listener(on_running=None, on_stopped=None):
    _listeners.append((on_running, on_stopped))


def why_task_cannot_start(task, task_definition):
    return next((reason for check in _start_checks if (reason := check(task, task_definition))), None)


def task_running(backend, task):
    task.last_status = "RUNNING"
    for on_running, _ in _listeners:
        if on_running:
            on_running(backend, task)


def task_stopped(backend, task, reason, code="ServiceSchedulerInitiated"):
    """Stop a task: its container instance gets its resources back, listeners hear of it."""
    was = task.last_status
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = code
    instance = container_instance_of(backend, task)
    if instance is not None and was in ("PENDING", "RUNNING"):
        release(instance, task.resource_requirements)
    for _, on_stopped in _listeners:
        if on_stopped:
            on_stopped(backend, task, was)


def container_instance_of(backend, task):
    if not task.container_instance_arn:
        return None
    instance_id = task.container_instance_arn.rsplit("/", 1)[-1]
    return backend.container_instances.get(task.cluster_name, {}).get(instance_id)


def _resource(instance, name):
    return next(r for r in instance.remaining_resources if r["name"] == name)


def fits(instance, requirements):
    return (
        requirements["CPU"] <= _resource(instance, "CPU")["integerValue"]
        and requirements["MEMORY"] <= _resource(instance, "MEMORY")["integerValue"]
    )


def used_ports(instance, protocol):
    return set(_resource(instance, "PORTS_UDP" if protocol == "udp" else "PORTS")["stringSetValue"])


def reserve(instance, requirements):
    _adjust(instance, requirements, 1)


def release(instance, requirements):
    _adjust(instance, requirements, -1)


def _adjust(instance, requirements, sign):
    _resource(instance, "CPU")["integerValue"] -= sign * requirements["CPU"]
    _resource(instance, "MEMORY")["integerValue"] -= sign * requirements["MEMORY"]
    for name in ("PORTS", "PORTS_UDP"):
        ports = _resource(instance, name)["stringSetValue"]
        for port in requirements.get(name, []):
            if sign > 0:
                ports.append(str(port))
            elif str(port) in ports:
                ports.remove(str(port))
    instance.running_tasks_count += sign


def generation():
    """Which step this is: a reconciler may do some things once per step."""
    return _generation[0]


def step(backend):
    """Let the control plane act until it has nothing left to do."""
    _generation[0] += 1
    for _ in range(_MAX_ROUNDS):
        if not any([fn(backend) for _, fn in _reconcilers]):
            return


def install(response_class=EC2ContainerServiceResponse):
    """Run the control plane before each request of this service (ECS unless
    told otherwise), once per service whichever patch asks first."""
    if response_class in _installed:
        return
    original = response_class.call_action

    @functools.wraps(original)
    def call_action(self):
        with _lock:
            step(ecs_backends[self.current_account][self.region])
            return original(self)

    response_class.call_action = call_action
    _installed.add(response_class)
