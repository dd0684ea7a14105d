"""ECS container instances: the agent on each EC2 instance registers it with
the cluster its user data names, and a terminated instance leaves the cluster.

AWS: "When you launch a container instance, you can pass user data to the
instance ... ECS_CLUSTER=your_cluster_name" and the container agent registers
the instance into that cluster
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_container_instance.html,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bootstrap_container_instance.html).
It registers the instance's CPU (1,024 units per vCPU) and the memory the
operating system reports, less than the installed amount: "an m4.large
instance has 8 GiB of installed memory. However, this does not always
translate to exactly 8192 MiB of memory available for tasks"; the worked
example registers 7985 MiB of 8192
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html),
the ratio used here for every type. The agent reserves ports 22, 2375, 2376,
51678 and 51679 (API_Resource, DescribeContainerInstances). "If you terminate
a container instance in the RUNNING state, that container instance is
automatically deregistered from the cluster"
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterContainerInstance.html),
and the tasks on it stop.

moto never registers an instance by itself: an Auto Scaling group's
instances exist in EC2 but the cluster has no capacity, so no task is ever
placed. Here the agent registers every running instance whose user data sets
ECS_CLUSTER to an ACTIVE cluster, and deregisters it once it is terminated
(by the group scaling in, a forced delete, or TerminateInstances).
"""

import base64
import binascii
import contextlib
import re

from moto.core.types import Base64EncodedString
from moto.ec2.models import ec2_backends
from moto.ec2.models.instance_types import INSTANCE_TYPES

from emulator.patches import _ecs_runtime

_CLUSTER = re.compile(r"ECS_CLUSTER=([A-Za-z0-9_-]+)")
# 7985 MiB registered of 8192 installed (the developer guide's m4.large example).
MEMORY_SHARE = 7985 / 8192
_GONE = ("shutting-down", "terminated")


def cluster_in_user_data(instance):
    data = instance.user_data or ""
    if isinstance(data, Base64EncodedString):
        text = data.decode()
    else:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        with contextlib.suppress(binascii.Error, ValueError):  # not base64: read it as it is
            text = base64.b64decode(text, validate=True).decode("utf-8", "replace")
    match = _CLUSTER.search(text)
    return match.group(1) if match else None


def registered_resources(instance_type):
    info = INSTANCE_TYPES.get(instance_type, {})
    cpu = info.get("VCpuInfo", {}).get("DefaultVCpus", 2) * 1024
    memory = int(info.get("MemoryInfo", {}).get("SizeInMiB", 4096) * MEMORY_SHARE)
    return cpu, memory


def _set_resources(container_instance, cpu, memory):
    for resources in (container_instance.registered_resources, container_instance.remaining_resources):
        for resource in resources:
            if resource["name"] == "CPU":
                resource["integerValue"] = cpu
            elif resource["name"] == "MEMORY":
                resource["integerValue"] = memory
            elif resource["name"] in ("PORTS", "PORTS_UDP"):
                resource["stringSetValue"] = list(resource["stringSetValue"])  # not shared between the two lists


def sync_agents(backend):
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    changed = False
    registered = {
        ci.ec2_instance_id: (cluster, ci_id)
        for cluster, instances in backend.container_instances.items()
        for ci_id, ci in instances.items()
    }
    active = {name for name, cluster in backend.clusters.items() if cluster.status == "ACTIVE"}
    for instance in ec2.all_instances():
        cluster = cluster_in_user_data(instance)
        if instance.state == "running" and cluster in active and instance.id not in registered:
            container_instance = backend.register_container_instance(cluster, instance.id)
            _set_resources(container_instance, *registered_resources(instance.instance_type))
            changed = True
    for instance_id, (cluster, ci_id) in registered.items():
        instance = ec2.get_instance_by_id(instance_id)
        if instance is None or instance.state in _GONE:
            deregister(backend, cluster, ci_id, f"Host EC2 (instance {instance_id}) terminated.")
            changed = True
    return changed


def deregister(backend, cluster, ci_id, reason):
    container_instance = backend.container_instances[cluster].pop(ci_id)
    for task in backend.tasks.get(cluster, {}).values():
        if task.container_instance_arn == container_instance.container_instance_arn and task.last_status != "STOPPED":
            _ecs_runtime.task_stopped(backend, task, reason, code="TerminationNotice")
    if cluster in backend.clusters:
        backend.clusters[cluster].registered_container_instances_count -= 1


def apply():
    _ecs_runtime.install()
    _ecs_runtime.reconciler(10, sync_agents)
