"""The ecs_capacity layer, converged on the emulator and read back (SPEC.md, "ECS capacity")."""

import base64
import json
import shutil

import pytest
import yaml

from kumo_testlib import ROOT, exhaustive, expected_tags, run_playbook, sampled, tags_of

pytestmark = pytest.mark.e2e

AZS = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
INSTANCE_TYPE = {"dev": "t3.small", "staging": "t3.medium", "prod": "t3a.large"}
# The cost design: dev and staging run on Spot only, from these types; prod
# On-Demand only (inventories/<env>/group_vars/all/ecs_capacity.yml).
SPOT_TYPES = {"dev": ["t3.small", "t3a.small"], "staging": ["t3.medium", "t3a.medium"], "prod": None}
SIZES = {"dev": (0, 1, 3), "staging": (1, 2, 5), "prod": (2, 3, 10)}
ASG_AZS = {"dev": AZS[:1], "staging": AZS, "prod": AZS}
CONTAINER_INSIGHTS = {"dev": "disabled", "staging": "enabled", "prod": "enabled"}
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def stack(stacks, env):
    stack = stacks[env]
    stack.converged("network", "ecs_capacity")
    return stack


@pytest.fixture(scope="module")
def key(stack, env):
    kms = stack.client("kms")
    [alias] = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/kumo-{env}"]
    return kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]


def ecs_tags(tags):
    return {t["key"]: t["value"] for t in tags}


def test_second_run_changes_nothing(stack):
    _, second = stack.converged("network", "ecs_capacity")
    assert second.changed == 0, second.changed_tasks()


# One environment in make test: the layer's tasks are the same in each (the
# shared stack's second run already ran every task of every layer in both).
@sampled("dev")
def test_the_layer_alone_on_the_existing_network_changes_nothing(stack, env):
    alone = stack.run(tags=["ecs_capacity"], refresh="full")
    assert alone.returncode == 0, alone.tail()
    assert alone.changed == 0, alone.changed_tasks()


def test_kms_key_rotates_and_lets_the_services_use_it(stack, env, key):
    kms = stack.client("kms")
    assert key["KeyState"] == "Enabled"
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT" and key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
    assert tags == expected_tags(env, f"kumo-{env}")
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["AccountRootAdministers"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert by_sid["AccountRootAdministers"]["Action"] == "kms:*"
    logs = by_sid["CloudWatchLogsUse"]
    assert logs["Principal"] == {"Service": "logs.ap-northeast-1.amazonaws.com"}
    assert logs["Condition"]["ArnLike"] == {
        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:ap-northeast-1:{ACCOUNT}:*"
    }
    cloudfront = by_sid["CloudFrontReadsS3Objects"]
    assert cloudfront["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "kms:Decrypt" in cloudfront["Action"]
    assert cloudfront["Condition"]["StringLike"] == {"AWS:SourceArn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/*"}
    autoscaling = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    assert by_sid["AutoScalingUsesKeyForEbs"]["Principal"] == {"AWS": autoscaling}
    assert set(by_sid["AutoScalingUsesKeyForEbs"]["Action"]) == {
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    }
    grants = by_sid["AutoScalingGrantsForEbs"]
    assert grants["Principal"] == {"AWS": autoscaling} and grants["Action"] == "kms:CreateGrant"
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    trail = by_sid["CloudTrailEncryptsLogs"]
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert set(trail["Action"]) == {"kms:GenerateDataKey*", "kms:DescribeKey", "kms:Decrypt"}
    services = set(by_sid["ServicesUseKeyInThisAccount"]["Principal"]["Service"])
    assert {"config.amazonaws.com", "sns.amazonaws.com"} <= services
    via = by_sid["AccountPrincipalsUseKeyViaServices"]["Condition"]["StringEquals"]["kms:ViaService"]
    assert "ecr.ap-northeast-1.amazonaws.com" in via and "ec2.ap-northeast-1.amazonaws.com" in via


def test_iam_roles_and_instance_profile(stack, env):
    iam = stack.client("iam")

    def attached(role):
        return sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])

    def trusted(role):
        document = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        return [s["Principal"]["Service"] for s in document["Statement"]]

    instance = f"kumo-{env}-ecs-instance"
    assert attached(instance) == [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]
    assert trusted(instance) == ["ec2.amazonaws.com"]
    profile = iam.get_instance_profile(InstanceProfileName=instance)["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [instance]

    execution = f"kumo-{env}-ecs-task-execution"
    assert attached(execution) == ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    assert trusted(execution) == ["ecs-tasks.amazonaws.com"]
    assert iam.list_role_policies(RoleName=execution)["PolicyNames"] == ["read-secrets"]
    for service in ("frontend", "backend"):
        role = f"kumo-{env}-{service}-task"
        assert trusted(role) == ["ecs-tasks.amazonaws.com"]
        assert attached(role) == ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]
        assert tags_of(iam.get_role(RoleName=role)["Role"]) == expected_tags(env, role)
    assert tags_of(iam.get_role(RoleName=instance)["Role"]) == expected_tags(env, instance)

    # blue/green (staging, prod): CodeDeploy moves the services between their target groups
    codedeploy = f"kumo-{env}-codedeploy"
    names = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    if env == "dev":
        assert codedeploy not in names
        return
    assert attached(codedeploy) == ["arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"]
    assert trusted(codedeploy) == ["codedeploy.amazonaws.com"]
    assert tags_of(iam.get_role(RoleName=codedeploy)["Role"]) == expected_tags(env, codedeploy)


def test_ecr_repositories_are_the_accounts_scan_encrypt_keep_their_tags_and_expire(stack):
    """The account's repositories (no Environment tag), encrypted with the
    account's AWS managed key for ECR, not with an environment's key."""
    ecr = stack.client("ecr")
    managed = stack.client("kms").describe_key(KeyId="alias/aws/ecr")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    for service in ("frontend", "backend"):
        name = f"kumo/{service}"
        [repo] = ecr.describe_repositories(repositoryNames=[name])["repositories"]
        assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repo["imageTagMutability"] == "IMMUTABLE"
        assert repo["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": managed["Arn"]}
        tags = {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]}
        assert tags == {"Project": "kumo", "ManagedBy": "ansible", "Name": name}
        rules = json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])["rules"]
        untagged, tagged = sorted(rules, key=lambda r: r["rulePriority"])
        assert untagged["selection"] == {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": 1,
        }
        assert tagged["selection"] == {
            "tagStatus": "tagged",
            "tagPatternList": ["*"],
            "countType": "imageCountMoreThan",
            "countNumber": 30,
        }
        assert untagged["action"] == tagged["action"] == {"type": "expire"}


def test_launch_template(stack, env, key):
    ec2 = stack.client("ec2")
    [template] = ec2.describe_launch_templates(LaunchTemplateNames=[f"kumo-{env}-ecs"])["LaunchTemplates"]
    assert tags_of(template) == expected_tags(env, f"kumo-{env}-ecs")
    assert template["DefaultVersionNumber"] == template["LatestVersionNumber"]
    [version] = ec2.describe_launch_template_versions(LaunchTemplateName=f"kumo-{env}-ecs", Versions=["$Latest"])[
        "LaunchTemplateVersions"
    ]
    data = version["LaunchTemplateData"]
    ami = stack.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    assert data["ImageId"] == ami
    assert data["InstanceType"] == INSTANCE_TYPE[env]
    assert data["IamInstanceProfile"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/kumo-{env}-ecs-instance"
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    assert data["MetadataOptions"]["HttpEndpoint"] == "enabled"
    [root] = data["BlockDeviceMappings"]
    assert root["DeviceName"] == "/dev/xvda"
    assert root["Ebs"] == {
        "Encrypted": True,
        "DeleteOnTermination": True,
        "KmsKeyId": key["Arn"],
        "VolumeSize": 30,
        "VolumeType": "gp3",
    }
    [interface] = data["NetworkInterfaces"]
    assert interface["AssociatePublicIpAddress"] is False
    [sg] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"kumo-{env}-ecs"]}])[
        "SecurityGroups"
    ]
    assert interface["Groups"] == [sg["GroupId"]]
    user_data = base64.b64decode(data["UserData"]).decode()
    assert f"ECS_CLUSTER=kumo-{env}-cluster\n" in user_data


def test_the_instances_the_group_launched_run_as_the_launch_template_says(stack, env, key):
    """EC2.8, EC2.7 and the instance profile on what runs, not only in the template
    (emulator/patches/ec2_run_instances_launch_template.py)."""
    ec2, autoscaling = stack.client("ec2"), stack.client("autoscaling")
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"kumo-{env}-ecs"])["AutoScalingGroups"]
    ids = [i["InstanceId"] for i in group["Instances"]]
    instances = [i for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]]
    assert len(instances) == group["DesiredCapacity"] > 0
    for instance in instances:
        assert (instance["MetadataOptions"]["HttpTokens"], instance["MetadataOptions"]["HttpPutResponseHopLimit"]) == (
            "required",
            1,
        )
        assert instance["IamInstanceProfile"]["Arn"].endswith(f":instance-profile/kumo-{env}-ecs-instance")
        assert "PublicIpAddress" not in instance
        volume_ids = [b["Ebs"]["VolumeId"] for b in instance["BlockDeviceMappings"]]
        [root] = ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"]
        assert (root["Attachments"][0]["Device"], root["Encrypted"], root["KmsKeyId"]) == (
            "/dev/xvda",
            True,
            key["Arn"],
        )


def test_auto_scaling_group(stack, env):
    autoscaling = stack.client("autoscaling")
    [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"kumo-{env}-ecs"])["AutoScalingGroups"]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == SIZES[env]
    if SPOT_TYPES[env]:
        policy = group["MixedInstancesPolicy"]
        spec = policy["LaunchTemplate"]["LaunchTemplateSpecification"]
        assert (spec["LaunchTemplateName"], spec["Version"]) == (f"kumo-{env}-ecs", "$Latest")
        assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == SPOT_TYPES[env]
        distribution = policy["InstancesDistribution"]
        assert (distribution["OnDemandBaseCapacity"], distribution["OnDemandPercentageAboveBaseCapacity"]) == (0, 0)
        assert distribution["SpotAllocationStrategy"] == "price-capacity-optimized"
        assert group["CapacityRebalance"] is True and "LaunchTemplate" not in group
    else:
        assert group["LaunchTemplate"]["LaunchTemplateName"] == f"kumo-{env}-ecs"
        assert "MixedInstancesPolicy" not in group and group["CapacityRebalance"] is False
    assert group["NewInstancesProtectedFromScaleIn"] is True
    assert sorted(group["AvailabilityZones"]) == ASG_AZS[env]
    subnets = stack.client("ec2").describe_subnets(SubnetIds=group["VPCZoneIdentifier"].split(","))["Subnets"]
    assert sorted(tags_of(s)["Name"] for s in subnets) == [f"kumo-{env}-private-{az[-1]}" for az in ASG_AZS[env]]
    tags = {t["Key"]: t["Value"] for t in group["Tags"]}
    assert tags == {**expected_tags(env, f"kumo-{env}-ecs"), "AmazonECSManaged": ""}
    assert all(t["PropagateAtLaunch"] for t in group["Tags"])
    assert len(group["Instances"]) == SIZES[env][1]
    types = SPOT_TYPES[env] or [INSTANCE_TYPE[env]]
    assert all(i["ProtectedFromScaleIn"] and i["InstanceType"] in types for i in group["Instances"])


def test_capacity_provider_and_cluster(stack, env):
    ecs = stack.client("ecs")
    group_arn = stack.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[f"kumo-{env}-ecs"])[
        "AutoScalingGroups"
    ][0]["AutoScalingGroupARN"]
    [provider] = ecs.describe_capacity_providers(capacityProviders=[f"kumo-{env}-ecs"], include=["TAGS"])[
        "capacityProviders"
    ]
    settings = provider["autoScalingGroupProvider"]
    assert settings["autoScalingGroupArn"] == group_arn
    assert settings["managedScaling"]["status"] == "ENABLED"
    assert settings["managedScaling"]["targetCapacity"] == 100
    assert settings["managedTerminationProtection"] == "ENABLED"
    assert ecs_tags(provider["tags"]) == expected_tags(env, f"kumo-{env}-ecs")

    [cluster] = ecs.describe_clusters(clusters=[f"kumo-{env}-cluster"], include=["SETTINGS", "TAGS"])["clusters"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["settings"] == [{"name": "containerInsights", "value": CONTAINER_INSIGHTS[env]}]
    assert cluster["capacityProviders"] == [f"kumo-{env}-ecs"]
    assert cluster["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": f"kumo-{env}-ecs", "weight": 1, "base": 0}
    ]
    assert ecs_tags(cluster["tags"]) == expected_tags(env, f"kumo-{env}-cluster")


# The other side of dev's cost design: half On-Demand above a base of none.
HALF_ON_DEMAND = {"ecs_capacity_on_demand_percentage_above_base_capacity": 50}
ON_DEMAND = {"ecs_capacity_on_demand_percentage_above_base_capacity": 100}
CREATE_ASG = "kumo.platform.ecs_capacity : Create the Auto Scaling group"
PLAN_ASG = "kumo.platform.ecs_capacity : Plan the changes to the existing Auto Scaling group"


# Last: it switches the shared dev stack (in the dev group) from the inventory's
# all-Spot group to half On-Demand, then to On-Demand only (the plain launch
# template group), and back to the inventory, which the last converge leaves as built.
@exhaustive
@pytest.mark.xdist_group(name="dev")
def test_dev_switches_between_spot_and_on_demand_in_place(stacks):
    stack = stacks["dev"]
    stack.converged("network", "ecs_capacity")
    autoscaling = stack.client("autoscaling")

    def group():
        [found] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["kumo-dev-ecs"])["AutoScalingGroups"]
        return found

    built = group()
    policy = built["MixedInstancesPolicy"]
    assert policy["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"] == 0

    half = stack.run(tags=["ecs_capacity"], extra_vars=HALF_ON_DEMAND)
    assert half.returncode == 0, half.tail()
    assert CREATE_ASG in half.changed_tasks(), half.changed_tasks()
    mixed = group()
    assert mixed["AutoScalingGroupARN"] == built["AutoScalingGroupARN"], "updated in place"
    distribution = mixed["MixedInstancesPolicy"]["InstancesDistribution"]
    assert distribution["OnDemandPercentageAboveBaseCapacity"] == 50
    assert distribution["SpotAllocationStrategy"] == "price-capacity-optimized"
    assert mixed["MixedInstancesPolicy"]["LaunchTemplate"] == policy["LaunchTemplate"]
    assert mixed["CapacityRebalance"] is True and mixed["NewInstancesProtectedFromScaleIn"] is True
    again = stack.run(tags=["ecs_capacity"], extra_vars=HALF_ON_DEMAND, refresh="full")
    assert again.returncode == 0, again.tail()
    assert again.changed == 0, again.changed_tasks()

    # A plan to On-Demand only names the policy and Capacity Rebalancing, and writes nothing.
    stack.emulator.clear_requests()
    plan = stack.run(tags=["ecs_capacity"], extra_vars=ON_DEMAND, check=True, diff=True, refresh="full")
    assert plan.returncode == 0, plan.tail()
    assert PLAN_ASG in plan.changed_tasks(), plan.changed_tasks()
    start = plan.output.find("TASK [" + PLAN_ASG)
    asg_plan = plan.output[start : plan.output.find("TASK [", start + 1)]
    assert "mixed_instances_policy" in asg_plan and "capacity_rebalance" in asg_plan, asg_plan
    assert "min_size" not in asg_plan, asg_plan
    writes = stack.emulator.writes()
    assert writes == [], [(w["service"], w["action"]) for w in writes]
    assert group()["MixedInstancesPolicy"] == mixed["MixedInstancesPolicy"]

    on_demand = stack.run(tags=["ecs_capacity"], extra_vars=ON_DEMAND)
    assert on_demand.returncode == 0, on_demand.tail()
    plain = group()
    assert "MixedInstancesPolicy" not in plain
    assert plain["LaunchTemplate"]["LaunchTemplateName"] == "kumo-dev-ecs"
    assert plain["CapacityRebalance"] is False and plain["NewInstancesProtectedFromScaleIn"] is True
    assert (plain["MinSize"], plain["MaxSize"]) == (built["MinSize"], built["MaxSize"])

    back = stack.run(tags=["ecs_capacity"])
    assert back.returncode == 0, back.tail()
    spot = group()
    assert spot["MixedInstancesPolicy"] == policy
    assert spot["CapacityRebalance"] is True
    rerun = stack.run(tags=["ecs_capacity"], refresh="full")
    assert rerun.returncode == 0, rerun.tail()
    assert rerun.changed == 0, rerun.changed_tasks()
    plan = stack.run(tags=["ecs_capacity"], check=True, diff=True, refresh="full")
    assert plan.changed == 0 and "the Auto Scaling group matches the inventory" in plan.output, plan.changed_tasks()


BAD_INPUT = [
    ("instance-type-format", {"ecs_capacity_instance_type": "small"}, ["ecs_capacity_instance_type", "small"]),
    ("min-above-max", {"ecs_capacity_min_size": 4, "ecs_capacity_max_size": 3}, ["ecs_capacity_min_size"]),
    ("desired-above-max", {"ecs_capacity_desired_capacity": 9}, ["ecs_capacity_desired_capacity"]),
    (
        "zone-without-subnets",
        {"ecs_capacity_availability_zones": ["ap-northeast-1b"]},
        ["ecs_capacity_availability_zones", "ap-northeast-1b"],
    ),
    ("size-wrong-type", {"ecs_capacity_max_size": "lots"}, ["ecs_capacity_max_size"]),
]


@pytest.fixture(scope="module")
def quiet_emulator(emulator_factory):
    return emulator_factory("ecs-capacity-input")


@pytest.mark.parametrize(("changes", "words"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT])
def test_bad_input_fails_before_any_aws_call(quiet_emulator, tmp_path, changes, words):
    inventory = tmp_path / "dev"
    shutil.copytree(ROOT / "inventories" / "dev", inventory)
    path = inventory / "group_vars" / "all" / "ecs_capacity.yml"
    path.write_text(yaml.safe_dump({**yaml.safe_load(path.read_text()), **changes}))
    quiet_emulator.clear_requests()
    run = run_playbook(quiet_emulator, inventory=inventory, tags=["ecs_capacity"])
    assert run.returncode != 0, run.tail()
    failure = run.output[run.output.find("fatal:") :]
    for word in words:
        assert word in failure, f"{word!r} not in the failure:\n{run.tail(30)}"
    assert quiet_emulator.requests() == []
