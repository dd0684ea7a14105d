"""ECS tasks whose image cannot be pulled never reach RUNNING.

AWS: a task whose container image cannot be pulled stops before it runs, with
``stopCode`` ``TaskFailedToStart`` and a ``stoppedReason`` beginning
``CannotPullContainerError``
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html), and
the service's deployment counts it in ``failedTasks`` (API_Deployment), which
is what the deployment circuit breaker reads.

The emulator pulls no image, so it needs a way to be told which images are
bad: an image whose tag ends in ``-broken`` (``repo/app:rel3-broken``) stands
for a release that fails to start. Every other image starts. moto starts
every task whatever its image.
"""

from emulator.patches import _ecs_runtime

BROKEN_SUFFIX = "-broken"


def image_cannot_be_pulled(task, task_definition):
    for container in task_definition.container_definitions:
        image = container.get("image") or ""
        tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
        if tag.endswith(BROKEN_SUFFIX):
            return (
                f"CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                f"failed to resolve ref {image}: not found"
            )
    return None


def apply():
    _ecs_runtime.install()
    _ecs_runtime.start_check(image_cannot_be_pulled)
