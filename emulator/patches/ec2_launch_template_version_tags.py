"""EC2 CreateLaunchTemplate: the template's own tags stay out of version 1's data.

AWS (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html):
"TagSpecification.N — The tags to apply to the launch template on creation.
To tag the launch template, the resource type must be launch-template." They
tag the template; the version's LaunchTemplateData keeps only its own
TagSpecifications (instance, volume, ...), whose valid resource types
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateTagSpecificationRequest.html)
do not include launch-template. moto appends the request's launch-template tag
specification to version 1's LaunchTemplateData, so DescribeLaunchTemplateVersions
shows it, and amazon.aws ``ec2_launch_template`` then finds the data changed
and adds a version on every later run.
"""

import functools

from moto.ec2.models.launch_templates import LaunchTemplateBackend


def apply():
    original = LaunchTemplateBackend.create_launch_template

    @functools.wraps(original)
    def create_launch_template(self, name, description, template_data, tag_spec):
        specs = template_data.get("TagSpecifications")
        if specs:
            kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
            if kept:
                template_data["TagSpecifications"] = kept
            else:
                del template_data["TagSpecifications"]
        return original(self, name, description, template_data, tag_spec)

    LaunchTemplateBackend.create_launch_template = create_launch_template
