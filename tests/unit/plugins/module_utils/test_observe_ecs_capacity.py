"""observe_ecs_capacity against moto in-process: a small prod ecs_capacity layer built as the role builds it."""

import base64
import json
from pathlib import Path

import boto3
import jinja2
import pytest
import yaml
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.module_utils import layer_state, observe_ecs_capacity
from emulator.patches import (
    ec2_launch_template_version_tags,
    ecs_cluster_capacity_providers,
    ecs_managed_policies,
    ssm_managed_instance_core_policy,
)
from kumo_testlib import CountingClients

for _patch in (
    ec2_launch_template_version_tags,
    ecs_cluster_capacity_providers,
    ecs_managed_policies,
    ssm_managed_instance_core_policy,
):
    _patch.apply()

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
SCOPE = layer_state.Scope("kumo", "prod", "kumo-prod", REGION, ACCOUNT, "aws")
PREFIX = SCOPE.name_prefix
SERVICES = ["frontend", "backend"]
TAGS = {"Project": "kumo", "Environment": "prod", "ManagedBy": "ansible"}
BUDGET = 17
TEMPLATES = Path(__file__).parents[4] / "roles" / "ecs_capacity" / "templates"


def render(name, **extra):
    variables = {
        "kumo_name_prefix": PREFIX,
        "kumo_project": "kumo",
        "kumo_environment": "prod",
        "kumo_region": REGION,
        "ecs_capacity_partition": "aws",
        "ecs_capacity_account_id": ACCOUNT,
        "ecs_capacity_cluster_name": f"{PREFIX}-cluster",
        "ecs_capacity_ecr_untagged_expiry_days": 1,
        "ecs_capacity_ecr_tagged_images_kept": 30,
        **extra,
    }
    return jinja2.Template((TEMPLATES / name).read_text()).render(**variables)


def tag_list(name, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in dict(TAGS, Name=name).items()]


def observe():
    clients = CountingClients()
    return observe_ecs_capacity.observe(clients, SCOPE), clients.calls


def build():
    """The prod ecs_capacity layer, as roles/ecs_capacity creates it."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("acd")
    ]
    group = ec2.create_security_group(GroupName=f"{PREFIX}-ecs", Description="ecs", VpcId=vpc)["GroupId"]

    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key(
        Description=f"{PREFIX} data at rest (EBS, ECR, logs, S3)",
        KeySpec="SYMMETRIC_DEFAULT",
        KeyUsage="ENCRYPT_DECRYPT",
        Policy=render("kms_key_policy.json.j2"),
        Tags=tag_list(PREFIX, "TagKey", "TagValue"),
    )["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{PREFIX}", TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])

    iam = boto3.client("iam", region_name=REGION)
    roles = {
        f"{PREFIX}-ecs-instance": ("ec2_trust.json.j2", ["service-role/AmazonEC2ContainerServiceforEC2Role"]),
        f"{PREFIX}-ecs-task-execution": ("ecs_tasks_trust.json.j2", ["service-role/AmazonECSTaskExecutionRolePolicy"]),
        **{f"{PREFIX}-{s}-task": ("ecs_tasks_trust.json.j2", ["AWSXRayDaemonWriteAccess"]) for s in SERVICES},
    }
    for name, (trust, policies) in roles.items():
        iam.create_role(
            RoleName=name,
            Description=f"{name} of {PREFIX}",
            AssumeRolePolicyDocument=render(trust),
            Tags=tag_list(name),
        )
        for policy in policies:
            iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    iam.attach_role_policy(
        RoleName=f"{PREFIX}-ecs-instance", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    )
    iam.create_instance_profile(InstanceProfileName=f"{PREFIX}-ecs-instance")
    iam.add_role_to_instance_profile(InstanceProfileName=f"{PREFIX}-ecs-instance", RoleName=f"{PREFIX}-ecs-instance")
    iam.put_role_policy(
        RoleName=f"{PREFIX}-ecs-task-execution",
        PolicyName="read-secrets",
        PolicyDocument=render("task_execution_policy.json.j2", ecs_capacity_kms_key={"key_arn": key["Arn"]}),
    )
    # Another layer's role with the same prefix: not this layer's.
    iam.create_role(RoleName=f"{PREFIX}-vpc-flow-logs", AssumeRolePolicyDocument=render("ec2_trust.json.j2"))

    ecr = boto3.client("ecr", region_name=REGION)
    for service in SERVICES:
        repository = ecr.create_repository(
            repositoryName=f"kumo/{service}",
            imageTagMutability="MUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
            encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key["Arn"]},
        )["repository"]
        ecr.put_lifecycle_policy(
            repositoryName=f"kumo/{service}", lifecyclePolicyText=render("ecr_lifecycle_policy.json.j2")
        )
        ecr.tag_resource(resourceArn=repository["repositoryArn"], tags=tag_list(f"kumo/{service}"))

    image = "ami-12c6146b"  # moto's example AMI
    ec2.create_launch_template(
        LaunchTemplateName=f"{PREFIX}-ecs",
        VersionDescription=image,
        LaunchTemplateData={
            "ImageId": image,
            "InstanceType": "t3.large",
            "IamInstanceProfile": {"Name": f"{PREFIX}-ecs-instance"},
            "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 1},
            "BlockDeviceMappings": [
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {
                        "VolumeType": "gp3",
                        "VolumeSize": 30,
                        "Encrypted": True,
                        "KmsKeyId": key["Arn"],
                        "DeleteOnTermination": True,
                    },
                }
            ],
            "NetworkInterfaces": [
                {
                    "DeviceIndex": 0,
                    "AssociatePublicIpAddress": False,
                    "DeleteOnTermination": True,
                    "Groups": [group],
                }
            ],
            "UserData": base64.b64encode(render("user_data.sh.j2").encode()).decode(),
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": tag_list(f"{PREFIX}-ecs")},
                {"ResourceType": "volume", "Tags": tag_list(f"{PREFIX}-ecs")},
            ],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tag_list(f"{PREFIX}-ecs")}],
    )

    autoscaling = boto3.client("autoscaling", region_name=REGION)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=f"{PREFIX}-ecs",
        LaunchTemplate={"LaunchTemplateName": f"{PREFIX}-ecs", "Version": "$Latest"},
        VPCZoneIdentifier=",".join(subnets),
        MinSize=2,
        MaxSize=10,
        DesiredCapacity=3,
        HealthCheckType="EC2",
        HealthCheckGracePeriod=300,
        NewInstancesProtectedFromScaleIn=True,
        Tags=[
            {"Key": k, "Value": v, "PropagateAtLaunch": True}
            for k, v in dict(TAGS, Name=f"{PREFIX}-ecs", AmazonECSManaged="").items()
        ],
    )
    asg_arn = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{PREFIX}-ecs"])["AutoScalingGroups"][0][
        "AutoScalingGroupARN"
    ]

    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_capacity_provider(
        name=f"{PREFIX}-ecs",
        autoScalingGroupProvider={
            "autoScalingGroupArn": asg_arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
            "managedTerminationProtection": "ENABLED",
        },
        tags=tag_list(f"{PREFIX}-ecs", "key", "value"),
    )
    ecs.create_cluster(
        clusterName=f"{PREFIX}-cluster",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        capacityProviders=[f"{PREFIX}-ecs"],
        defaultCapacityProviderStrategy=[{"capacityProvider": f"{PREFIX}-ecs", "weight": 1, "base": 0}],
        tags=tag_list(f"{PREFIX}-cluster", "key", "value"),
    )
    return {"key": key, "subnets": subnets}


@pytest.fixture
def layer():
    with mock_aws():
        yield build()


def test_two_observations_are_equal_and_json(layer):
    first = observe()[0]
    second = observe()[0]
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert set(first) == {
        "recommended_image",
        "kms_key",
        "iam_roles",
        "ecr_repositories",
        "launch_template",
        "auto_scaling_group",
        "cluster",
        "capacity_provider",
    }


def test_the_observation_holds_the_managed_settings(layer):
    observed = observe()[0]
    key = observed["kms_key"]
    assert key["KeyMetadata"]["KeyId"] == layer["key"]["KeyId"]
    assert key["KeyRotationEnabled"] is True
    assert key["Policy"]["Id"] == f"{PREFIX}-key-policy"
    assert key["Tags"]["Name"] == PREFIX

    roles = {role["RoleName"]: role for role in observed["iam_roles"]}
    assert sorted(roles) == sorted(
        [f"{PREFIX}-backend-task", f"{PREFIX}-ecs-instance", f"{PREFIX}-ecs-task-execution", f"{PREFIX}-frontend-task"]
    )
    instance = roles[f"{PREFIX}-ecs-instance"]
    assert instance["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert instance["InstanceProfiles"][0]["InstanceProfileName"] == f"{PREFIX}-ecs-instance"
    assert "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" in instance["AttachedManagedPolicies"]
    assert instance["Description"] == f"{PREFIX}-ecs-instance of {PREFIX}"
    execution = roles[f"{PREFIX}-ecs-task-execution"]
    assert execution["InlinePolicies"]["read-secrets"]["Statement"][1]["Resource"] == layer["key"]["Arn"]

    repositories = observed["ecr_repositories"]
    assert [r["repositoryName"] for r in repositories] == ["kumo/backend", "kumo/frontend"]
    assert repositories[0]["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repositories[0]["lifecyclePolicy"]["rules"][1]["selection"]["countNumber"] == 30
    assert repositories[0]["tags"]["Name"] == "kumo/backend"

    template = observed["launch_template"]
    assert template["Tags"]["Name"] == f"{PREFIX}-ecs"
    assert template["Versions"][0]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"

    group = observed["auto_scaling_group"]
    assert (group["MinSize"], group["MaxSize"]) == (2, 10)
    assert "DesiredCapacity" not in group and "Instances" not in group
    assert group["VPCZoneIdentifier"] == sorted(layer["subnets"])
    assert group["Tags"]["AmazonECSManaged"] == ["", True]

    assert observed["cluster"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert observed["cluster"]["capacityProviders"] == [f"{PREFIX}-ecs"]
    assert observed["capacity_provider"]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 100


def test_calls_per_observation_are_within_budget(layer):
    calls = observe()[1]
    assert len(calls) <= BUDGET, calls


def disable_rotation(layer):
    boto3.client("kms", region_name=REGION).disable_key_rotation(KeyId=layer["key"]["KeyId"])


def change_key_policy(layer):
    kms = boto3.client("kms", region_name=REGION)
    policy = json.loads(render("kms_key_policy.json.j2"))
    policy["Statement"] = policy["Statement"][:1]
    kms.put_key_policy(KeyId=layer["key"]["KeyId"], PolicyName="default", Policy=json.dumps(policy))


def retag_key(layer):
    kms = boto3.client("kms", region_name=REGION)
    kms.tag_resource(KeyId=layer["key"]["KeyId"], Tags=[{"TagKey": "Owner", "TagValue": "someone"}])


def change_inline_policy(layer):
    boto3.client("iam").put_role_policy(
        RoleName=f"{PREFIX}-ecs-task-execution",
        PolicyName="read-secrets",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )


def detach_managed_policy(layer):
    boto3.client("iam").detach_role_policy(
        RoleName=f"{PREFIX}-ecs-instance", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    )


def change_trust_policy(layer):
    boto3.client("iam").update_assume_role_policy(
        RoleName=f"{PREFIX}-frontend-task", PolicyDocument=render("ec2_trust.json.j2")
    )


def change_role_description(layer):
    boto3.client("iam").update_role(RoleName=f"{PREFIX}-backend-task", Description="changed by hand")


def untag_role(layer):
    boto3.client("iam").untag_role(RoleName=f"{PREFIX}-backend-task", TagKeys=["ManagedBy"])


def remove_role_from_profile(layer):
    boto3.client("iam").remove_role_from_instance_profile(
        InstanceProfileName=f"{PREFIX}-ecs-instance", RoleName=f"{PREFIX}-ecs-instance"
    )


def stop_scan_on_push(layer):
    boto3.client("ecr", region_name=REGION).put_image_scanning_configuration(
        repositoryName="kumo/frontend", imageScanningConfiguration={"scanOnPush": False}
    )


def make_tags_immutable(layer):
    boto3.client("ecr", region_name=REGION).put_image_tag_mutability(
        repositoryName="kumo/backend", imageTagMutability="IMMUTABLE"
    )


def delete_lifecycle_policy(layer):
    boto3.client("ecr", region_name=REGION).delete_lifecycle_policy(repositoryName="kumo/frontend")


def untag_repository(layer):
    ecr = boto3.client("ecr", region_name=REGION)
    arn = ecr.describe_repositories(repositoryNames=["kumo/frontend"])["repositories"][0]["repositoryArn"]
    ecr.untag_resource(resourceArn=arn, tagKeys=["Environment"])


def new_launch_template_version(layer):
    ec2 = boto3.client("ec2", region_name=REGION)
    version = ec2.create_launch_template_version(
        LaunchTemplateName=f"{PREFIX}-ecs",
        SourceVersion="1",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "optional"}},
    )["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateName=f"{PREFIX}-ecs", DefaultVersion=str(version))


def change_max_size(layer):
    boto3.client("autoscaling", region_name=REGION).update_auto_scaling_group(
        AutoScalingGroupName=f"{PREFIX}-ecs", MaxSize=4
    )


def change_health_check(layer):
    boto3.client("autoscaling", region_name=REGION).update_auto_scaling_group(
        AutoScalingGroupName=f"{PREFIX}-ecs", HealthCheckType="ELB", HealthCheckGracePeriod=60
    )


def unprotect_new_instances(layer):
    boto3.client("autoscaling", region_name=REGION).update_auto_scaling_group(
        AutoScalingGroupName=f"{PREFIX}-ecs", NewInstancesProtectedFromScaleIn=False
    )


def disable_container_insights(layer):
    boto3.client("ecs", region_name=REGION).update_cluster(
        cluster=f"{PREFIX}-cluster", settings=[{"name": "containerInsights", "value": "disabled"}]
    )


def drop_default_strategy(layer):
    boto3.client("ecs", region_name=REGION).put_cluster_capacity_providers(
        cluster=f"{PREFIX}-cluster", capacityProviders=[f"{PREFIX}-ecs"], defaultCapacityProviderStrategy=[]
    )


def change_target_capacity(layer):
    boto3.client("ecs", region_name=REGION).update_capacity_provider(
        name=f"{PREFIX}-ecs", autoScalingGroupProvider={"managedScaling": {"status": "ENABLED", "targetCapacity": 80}}
    )


# Applied one after another on one layer: a fresh moto account per drift costs seconds.
DRIFTS = [
    ("kms_key", disable_rotation),
    ("kms_key", change_key_policy),
    ("kms_key", retag_key),
    ("iam_roles", change_inline_policy),
    ("iam_roles", detach_managed_policy),
    ("iam_roles", change_trust_policy),
    ("iam_roles", change_role_description),
    ("iam_roles", untag_role),
    ("iam_roles", remove_role_from_profile),
    ("ecr_repositories", stop_scan_on_push),
    ("ecr_repositories", make_tags_immutable),
    ("ecr_repositories", delete_lifecycle_policy),
    ("ecr_repositories", untag_repository),
    ("launch_template", new_launch_template_version),
    ("auto_scaling_group", change_max_size),
    ("auto_scaling_group", change_health_check),
    ("auto_scaling_group", unprotect_new_instances),
    ("cluster", disable_container_insights),
    ("cluster", drop_default_strategy),
    ("capacity_provider", change_target_capacity),
]


def test_each_changed_setting_changes_its_kind_only(layer):
    for kind, change in DRIFTS:
        before = observe()[0]
        change(layer)
        after = observe()[0]
        assert after[kind] != before[kind], (kind, change)
        assert {k: v for k, v in after.items() if k != kind} == {k: v for k, v in before.items() if k != kind}


def test_what_ecs_scales_by_itself_does_not_count(layer):
    before = observe()[0]
    boto3.client("autoscaling", region_name=REGION).set_desired_capacity(
        AutoScalingGroupName=f"{PREFIX}-ecs", DesiredCapacity=5
    )
    after = observe()[0]
    assert after == before


def test_an_empty_account_observes_as_nothing():
    with mock_aws():
        observed, calls = observe()
    image = observed.pop("recommended_image")  # a public parameter: moto serves it too
    assert image is None or image.startswith("ami-")
    assert observed == {
        "kms_key": None,
        "iam_roles": [],
        "ecr_repositories": [],
        "launch_template": None,
        "auto_scaling_group": None,
        "cluster": None,
        "capacity_provider": None,
    }
    assert len(calls) <= BUDGET


def test_the_ami_parameter_is_the_roles():
    role_vars = yaml.safe_load((TEMPLATES.parent / "vars" / "main.yml").read_text())
    assert role_vars["ecs_capacity_ami_parameter"] == observe_ecs_capacity.AMI_PARAMETER
