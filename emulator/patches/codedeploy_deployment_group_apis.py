"""CodeDeploy BatchGetDeploymentGroups, UpdateDeploymentGroup,
DeleteDeploymentGroup and DeleteApplication.

AWS (https://docs.aws.amazon.com/codedeploy/latest/APIReference/):
- API_BatchGetDeploymentGroups: "Gets information about one or more
  deployment groups" of ``applicationName``, answering
  ``deploymentGroupsInfo`` and "errorMessage — Information about errors that
  might have occurred during the API call" (here: the names not found);
  errors ApplicationDoesNotExistException, DeploymentGroupNameRequiredException,
  BatchLimitExceededException (more than 100 names).
- API_UpdateDeploymentGroup: names the group by ``currentDeploymentGroupName``;
  "newDeploymentGroupName — The new name of the deployment group, if you want
  to change it"; every other parameter given replaces the group's ("The
  replacement list of ..."), the rest stay; answers ``hooksNotCleanedUp``.
  A new name already used is DeploymentGroupAlreadyExistsException. The
  group's ARN (``deploymentgroup:<application>/<group>``) follows its name, and
  so do its tags.
- API_DeleteDeploymentGroup: "Deletes a deployment group", answering
  ``hooksNotCleanedUp``; its errors do not include a missing group or
  application, so deleting one that is gone succeeds.
- API_DeleteApplication: "Deletes an application", with its deployment
  groups; likewise no error for an application that is gone.

moto 5.2.5 implements none of the four: they answer an error, so a
deployment group can be neither found by ecspresso (BatchGetDeploymentGroups)
nor changed or removed.
"""

import botocore
from moto.codedeploy import responses
from moto.codedeploy.exceptions import DeploymentGroupAlreadyExistsException, DeploymentGroupNameRequiredException
from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.responses import ActionResult, EmptyResult

from emulator.patches._codedeploy import CodeDeployError

_BATCH_LIMIT = 100


def update_deployment_group(self, application_name, current_name, new_name=None, **changes):
    """Change the group; ``changes`` are moto's attribute names, None for what stays."""
    group = self.get_deployment_group(application_name, current_name)
    groups = self.deployment_groups[application_name]
    if new_name and new_name != current_name and new_name in groups:
        raise DeploymentGroupAlreadyExistsException(f"Deployment group {new_name} already exists.")
    for name, value in changes.items():
        if value is not None:
            setattr(group, name, value)
    if new_name and new_name != current_name:
        old_arn, new_arn = (self._deployment_group_arn(application_name, n) for n in (current_name, new_name))
        self.tagger.copy_tags(old_arn, new_arn)
        self.tagger.delete_all_tags_for_resource(old_arn)
        groups[new_name] = groups.pop(current_name)
        group.deployment_group_name = new_name
    return group


def delete_deployment_group(self, application_name, name):
    if self.deployment_groups.get(application_name, {}).pop(name, None) is not None:
        self.tagger.delete_all_tags_for_resource(self._deployment_group_arn(application_name, name))


def delete_application(self, application_name):
    for name in list(self.deployment_groups.get(application_name, {})):
        self.delete_deployment_group(application_name, name)
    self.deployment_groups.pop(application_name, None)
    if self.applications.pop(application_name, None) is not None:
        self.tagger.delete_all_tags_for_resource(self._application_arn(application_name))


def _batch_get_deployment_groups(self):
    application_name = self._get_param("applicationName")
    names = self._get_param("deploymentGroupNames") or []
    self.codedeploy_backend.get_application(application_name)
    if not names:
        raise DeploymentGroupNameRequiredException("Deployment group name is required.")
    if len(names) > _BATCH_LIMIT:
        raise CodeDeployError("BatchLimitExceededException", f"The maximum number of names is {_BATCH_LIMIT}.")
    groups = self.codedeploy_backend.deployment_groups.get(application_name, {})
    result = {"deploymentGroupsInfo": [responses._deployment_group_info(groups[n]) for n in names if n in groups]}
    missing = [name for name in names if name not in groups]
    if missing:
        result["errorMessage"] = f"Deployment groups not found: {', '.join(missing)}"
    return ActionResult(result)


def _update_deployment_group(self):
    params = {botocore.xform_name(key): value for key, value in self._get_params().items()}
    self.codedeploy_backend.update_deployment_group(
        params.pop("application_name"),
        params.pop("current_deployment_group_name"),
        params.pop("new_deployment_group_name", None),
        **params,
    )
    return ActionResult({"hooksNotCleanedUp": []})


def _delete_deployment_group(self):
    self.codedeploy_backend.delete_deployment_group(
        self._get_param("applicationName"), self._get_param("deploymentGroupName")
    )
    return ActionResult({"hooksNotCleanedUp": []})


def _delete_application(self):
    self.codedeploy_backend.delete_application(self._get_param("applicationName"))
    return EmptyResult()


def apply():
    CodeDeployBackend.update_deployment_group = update_deployment_group
    CodeDeployBackend.delete_deployment_group = delete_deployment_group
    CodeDeployBackend.delete_application = delete_application
    CodeDeployResponse.batch_get_deployment_groups = _batch_get_deployment_groups
    CodeDeployResponse.update_deployment_group = _update_deployment_group
    CodeDeployResponse.delete_deployment_group = _delete_deployment_group
    CodeDeployResponse.delete_application = _delete_application
