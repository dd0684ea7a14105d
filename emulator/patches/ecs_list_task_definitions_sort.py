"""ECS ListTaskDefinitions honours ``sort``.

AWS (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html):
"sort — The order to sort the results in. Valid values are ASC and DESC. By
default, (ASC), task definitions are listed lexicographically by family name
and in ascending numerical order by revision so that the newest task
definitions in a family are listed last. Setting this parameter to DESC
reverses the sort order on family name and revision."

moto ignores ``sort``. ``ecspresso rollback`` lists a family with DESC and
takes the revision after the one the service runs, i.e. the one before it;
in ascending order it would take the one after it (a newer, maybe broken,
release) instead.
"""

import functools

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse


def _key(arn):
    family, revision = arn.rsplit("/", 1)[-1].rsplit(":", 1)
    return family, int(revision)


def apply():
    original = EC2ContainerServiceResponse.list_task_definitions

    @functools.wraps(original)
    def list_task_definitions(self):
        arns = self.ecs_backend.list_task_definitions(
            self._get_param("familyPrefix"), self._get_param("status", "ACTIVE")
        )
        arns = sorted(arns, key=_key, reverse=self._get_param("sort", "ASC") == "DESC")
        return ActionResult({"taskDefinitionArns": arns})

    EC2ContainerServiceResponse.list_task_definitions = list_task_definitions
