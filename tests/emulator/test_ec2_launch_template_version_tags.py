def test_template_tags_tag_the_template_not_the_version_data(aws):
    ec2 = aws("ec2")
    instance_tags = {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "node"}]}
    ec2.create_launch_template(
        LaunchTemplateName="tagged-template",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "TagSpecifications": [instance_tags]},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": "tmpl"}]}],
    )
    [template] = ec2.describe_launch_templates(LaunchTemplateNames=["tagged-template"])["LaunchTemplates"]
    assert template["Tags"] == [{"Key": "Name", "Value": "tmpl"}]
    [version] = ec2.describe_launch_template_versions(LaunchTemplateName="tagged-template")["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"]["TagSpecifications"] == [instance_tags]


def test_a_template_without_data_tags_has_none_in_its_version(aws):
    ec2 = aws("ec2")
    ec2.create_launch_template(
        LaunchTemplateName="only-template-tags",
        LaunchTemplateData={"ImageId": "ami-12c6146b"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": "tmpl"}]}],
    )
    [version] = ec2.describe_launch_template_versions(LaunchTemplateName="only-template-tags")["LaunchTemplateVersions"]
    assert "TagSpecifications" not in version["LaunchTemplateData"]
