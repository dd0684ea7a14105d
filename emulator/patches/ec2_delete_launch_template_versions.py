"""EC2 DeleteLaunchTemplateVersions, which moto does not implement (HTTP 500).

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteLaunchTemplateVersions.html):
"Deletes one or more versions of a launch template. You can't delete the
default version of a launch template; you must first assign a different
version as the default." The answer lists SuccessfullyDeletedLaunchTemplateVersions
(LaunchTemplateId, LaunchTemplateName, VersionNumber) and
UnsuccessfullyDeletedLaunchTemplateVersions, each with a ResponseError whose
Code is a LaunchTemplateErrorCode (launchTemplateVersionDoesNotExist, ...;
the reference names none for the default version, so that one is
unexpectedError). A deleted version is gone from DescribeLaunchTemplateVersions,
and $Latest is the highest version left.

amazon.aws.ec2_launch_template (state=absent) deletes every version but the
default before the template: a teardown after any change of the launch
template (a new AMI) failed on the emulator.
"""

import functools

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidLaunchTemplateVersionNotFound
from moto.ec2.models.launch_templates import LaunchTemplate, LaunchTemplateBackend
from moto.ec2.responses.launch_templates import LaunchTemplates


def _deleted(template):
    return template.__dict__.setdefault("kumo_deleted_versions", set())


def _left(template):
    return [v for v in template.versions if v.number not in _deleted(template)]


def apply():
    original_get_version = LaunchTemplate.get_version

    @functools.wraps(original_get_version)
    def get_version(self, num):
        if str(num).lower() == "$latest":
            return _left(self)[-1]
        version = original_get_version(self, num)
        if version.number in _deleted(self):
            raise InvalidLaunchTemplateVersionNotFound(template_id=self.id, version=num)
        return version

    LaunchTemplate.get_version = get_version
    LaunchTemplate.latest_version = lambda self: _left(self)[-1]

    original_describe = LaunchTemplateBackend.describe_launch_template_versions

    @functools.wraps(original_describe)
    def describe_launch_template_versions(self, *args, **kwargs):
        found = original_describe(self, *args, **kwargs)
        return [(t, v) for t, v in found if v.number not in _deleted(t)]

    LaunchTemplateBackend.describe_launch_template_versions = describe_launch_template_versions

    def delete_launch_template_versions(self, name, template_id, versions):
        template = self.get_launch_template_by_name(name) if name else self.get_launch_template(template_id)
        numbers = {v.number for v in _left(template)}
        done, failed = [], []
        for asked in versions:
            number = int(asked) if str(asked).isdigit() else None
            if number == template.default_version_number:
                failed.append((asked, "unexpectedError", "You can't delete the default version of a launch template"))
            elif number not in numbers:
                failed.append((asked, "launchTemplateVersionDoesNotExist", f"Version {asked} does not exist"))
            else:
                _deleted(template).add(number)
                numbers.discard(number)
                done.append(number)
        return template, done, failed

    LaunchTemplateBackend.delete_launch_template_versions = delete_launch_template_versions

    def delete_launch_template_versions_response(self):
        self.error_on_dryrun()
        template, done, failed = self.ec2_backend.delete_launch_template_versions(
            self._get_param("LaunchTemplateName"),
            self._get_param("LaunchTemplateId"),
            self._get_param("Versions", []),
        )
        named = {"LaunchTemplateId": template.id, "LaunchTemplateName": template.name}
        return ActionResult(
            {
                "SuccessfullyDeletedLaunchTemplateVersions": [dict(named, VersionNumber=n) for n in done],
                "UnsuccessfullyDeletedLaunchTemplateVersions": [
                    dict(
                        named,
                        VersionNumber=int(asked) if str(asked).isdigit() else None,
                        ResponseError={"Code": code, "Message": message},
                    )
                    for asked, code, message in failed
                ],
            }
        )

    LaunchTemplates.delete_launch_template_versions = delete_launch_template_versions_response
