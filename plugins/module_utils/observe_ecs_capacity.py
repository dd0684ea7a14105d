# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ecs_capacity layer as roles/ecs_capacity manages it, read in few calls.

Kinds and the calls that read them (prod: 17 calls, two services):

``recommended_image``
    The public SSM parameter naming the recommended ECS-optimized AMI, which
    the role writes into the launch template: a newly published AMI makes the
    layer converge in full, as a full run would pick it up (1 call).

``kms_key``
    The key alias/<prefix> resolves to (DescribeKey by alias: the alias and the
    key it names), its default policy, rotation and tags (4 calls).
``iam_roles``
    The instance role, the task execution role, one task role per service
    and, with blue/green, the CodeDeploy service role:
    GetAccountAuthorizationDetails(Filter=Role) gives the trust policy, inline
    and attached policies, tags and instance profiles of every role at once;
    its RoleDetail has no Description, which ListRoles adds (2 calls, more
    only in accounts with over 1000 roles).
``ecr_repositories``
    The repositories <project>/<service>: scanning, tag mutability, encryption
    (one DescribeRepositories), then per repository its lifecycle policy and
    tags, which ECR has no batched read for (1 + 2 per repository).
``launch_template``
    The template with its tags, and its $Latest and $Default versions' data
    (2 calls).
``auto_scaling_group``
    Sizes, subnets, launch template or mixed instances policy (a Spot share),
    Capacity Rebalancing, health check, scale-in protection of new instances
    and tags (1 call). DesiredCapacity is left out: the role sets it
    only at creation and ECS managed scaling owns it after that.
``cluster``, ``capacity_provider``
    Container Insights, capacity providers and default strategy, tags; managed
    scaling and termination protection, tags (1 call each).

Volatile fields are dropped: timestamps, instance lists, task and instance
counts, update states of the capacity provider and cluster attachments. A
missing resource gives None (or an empty list), never an exception.
"""

import json
import re

from ansible_collections.kumo.platform.plugins.module_utils.layer_state import call_or_none
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import plain
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import sorted_by
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import tag_dict
from ansible_collections.kumo.platform.plugins.module_utils.layer_state import without

# Codes AWS answers with when the thing asked about does not exist.
_MISSING = (
    "NotFoundException",
    "NoSuchEntity",
    "RepositoryNotFoundException",
    "LifecyclePolicyNotFoundException",
    "InvalidLaunchTemplateName.NotFoundException",
    "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateId.VersionNotFound",
    "ClusterNotFoundException",
    "KMSInvalidStateException",
)

# The same parameter as ecs_capacity_ami_parameter in roles/ecs_capacity/vars/main.yml
# (a unit test keeps the two equal).
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

# Largest pages the list APIs allow, so a usual account needs one page.
_IAM_PAGE = {"PageSize": 1000}


def _policy(document):
    """A policy document as a dict, whether AWS gave it as JSON text or parsed."""
    if isinstance(document, str):
        return json.loads(document)
    return document


def _names(scope):
    """The names roles/ecs_capacity gives (roles/ecs_capacity/vars/main.yml)."""
    prefix = scope.name_prefix
    return {
        "alias": f"alias/{prefix}",
        "instance_role": f"{prefix}-ecs-instance",
        "execution_role": f"{prefix}-ecs-task-execution",
        "codedeploy_role": f"{prefix}-codedeploy",
        "task_role": re.compile(rf"^{re.escape(prefix)}-[a-z][a-z0-9-]*-task$"),
        "repository": re.compile(rf"^{re.escape(scope.project)}/[a-z][a-z0-9-]*$"),
        "launch_template": f"{prefix}-ecs",
        "asg": f"{prefix}-ecs",
        "cluster": f"{prefix}-cluster",
        "capacity_provider": f"{prefix}-ecs",
    }


def kms_key(kms, names):
    """The key behind the environment's alias: metadata, policy, rotation, tags."""
    described = call_or_none(kms.describe_key, _MISSING, KeyId=names["alias"])
    if described is None:
        return None
    metadata = described["KeyMetadata"]
    key_id = metadata["KeyId"]
    policy = call_or_none(kms.get_key_policy, _MISSING, KeyId=key_id, PolicyName="default")
    rotation = call_or_none(kms.get_key_rotation_status, _MISSING, KeyId=key_id) or {}
    tags = []
    for page in kms.get_paginator("list_resource_tags").paginate(KeyId=key_id):
        tags.extend(page.get("Tags", []))
    return {
        "Alias": names["alias"],
        # CurrentKeyMaterialId changes with every automatic rotation.
        "KeyMetadata": without(
            metadata, "CreationDate", "DeletionDate", "ValidTo", "AWSAccountId", "CurrentKeyMaterialId"
        ),
        "Policy": _policy(policy["Policy"]) if policy else None,
        "KeyRotationEnabled": rotation.get("KeyRotationEnabled"),
        "RotationPeriodInDays": rotation.get("RotationPeriodInDays"),
        "Tags": tag_dict(tags, "TagKey", "TagValue"),
    }


def _is_layer_role(name, names):
    own = (names["instance_role"], names["execution_role"], names["codedeploy_role"])
    return name in own or bool(names["task_role"].match(name))


def _role(detail, description):
    return {
        "RoleName": detail["RoleName"],
        "RoleId": detail["RoleId"],
        "Arn": detail["Arn"],
        "Path": detail.get("Path"),
        "Description": description,
        "AssumeRolePolicyDocument": _policy(detail.get("AssumeRolePolicyDocument")),
        "InlinePolicies": {
            policy["PolicyName"]: _policy(policy["PolicyDocument"]) for policy in detail.get("RolePolicyList", [])
        },
        "AttachedManagedPolicies": sorted(policy["PolicyArn"] for policy in detail.get("AttachedManagedPolicies", [])),
        "PermissionsBoundary": detail.get("PermissionsBoundary"),
        "InstanceProfiles": sorted_by(
            [
                {
                    "InstanceProfileName": profile["InstanceProfileName"],
                    "InstanceProfileId": profile["InstanceProfileId"],
                    "Arn": profile["Arn"],
                    "Path": profile.get("Path"),
                    "Roles": sorted(role["RoleName"] for role in profile.get("Roles", [])),
                    "Tags": tag_dict(profile.get("Tags")),
                }
                for profile in detail.get("InstanceProfileList", [])
            ],
            "InstanceProfileName",
        ),
        "Tags": tag_dict(detail.get("Tags")),
    }


def roles_where(iam, wanted):
    """The roles whose name ``wanted`` accepts (trust, inline and attached
    policies, instance profiles, tags) from one account-wide authorization
    report, and their descriptions, which it leaves out, from the role list:
    two calls however many roles (GetRole, GetRolePolicy and
    ListAttachedRolePolicies would be three per role)."""
    details = []
    pages = iam.get_paginator("get_account_authorization_details").paginate(Filter=["Role"], PaginationConfig=_IAM_PAGE)
    for page in pages:
        details.extend(role for role in page.get("RoleDetailList", []) if wanted(role["RoleName"]))
    if not details:
        return []
    descriptions = {}
    for page in iam.get_paginator("list_roles").paginate(PaginationConfig=_IAM_PAGE):
        for role in page.get("Roles", []):
            if wanted(role["RoleName"]):
                descriptions[role["RoleName"]] = role.get("Description")
    return sorted_by([_role(detail, descriptions.get(detail["RoleName"])) for detail in details], "RoleName")


def iam_roles(iam, names):
    """The layer's roles: the instance, execution, task and CodeDeploy roles."""
    return roles_where(iam, lambda name: _is_layer_role(name, names))


def ecr_repositories(ecr, names):
    """The services' repositories with their lifecycle policies and tags."""
    repositories = []
    for page in ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 1000}):
        repositories.extend(r for r in page.get("repositories", []) if names["repository"].match(r["repositoryName"]))
    observed = []
    for repository in repositories:
        lifecycle = call_or_none(ecr.get_lifecycle_policy, _MISSING, repositoryName=repository["repositoryName"])
        tags = call_or_none(ecr.list_tags_for_resource, _MISSING, resourceArn=repository["repositoryArn"]) or {}
        observed.append(
            dict(
                without(repository, "createdAt", "registryId"),
                lifecyclePolicy=_policy(lifecycle["lifecyclePolicyText"]) if lifecycle else None,
                tags=tag_dict(tags.get("tags")),
            )
        )
    return sorted_by(observed, "repositoryName")


def launch_template(ec2, names):
    """The launch template, its tags and the data of its $Latest and $Default versions."""
    found = ec2.describe_launch_templates(
        Filters=[{"Name": "launch-template-name", "Values": [names["launch_template"]]}]
    ).get("LaunchTemplates", [])
    if not found:
        return None
    template = found[0]
    answer = call_or_none(
        ec2.describe_launch_template_versions,
        _MISSING,
        LaunchTemplateId=template["LaunchTemplateId"],
        Versions=["$Latest", "$Default"],
    )
    versions = {}
    for version in (answer or {}).get("LaunchTemplateVersions", []):
        versions[version["VersionNumber"]] = without(version, "CreateTime", "CreatedBy")
    return dict(
        without(template, "CreateTime", "CreatedBy", "Tags"),
        Tags=tag_dict(template.get("Tags")),
        Versions=[versions[number] for number in sorted(versions)],
    )


def auto_scaling_group(autoscaling, names):
    """The group's settings the role manages; instances and desired capacity left out."""
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[names["asg"]]).get("AutoScalingGroups", [])
    if not groups:
        return None
    group = groups[0]
    subnets = [subnet for subnet in group.get("VPCZoneIdentifier", "").split(",") if subnet]
    return dict(
        without(group, "Instances", "CreatedTime", "DesiredCapacity", "Status", "WarmPoolSize", "Tags"),
        AvailabilityZones=sorted(group.get("AvailabilityZones", [])),
        VPCZoneIdentifier=sorted(subnets),
        Tags={tag["Key"]: [tag.get("Value"), tag.get("PropagateAtLaunch")] for tag in group.get("Tags", [])},
    )


def recommended_image(ssm):
    """The AMI id the role would put in a new launch template version now."""
    try:
        return ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None


def cluster(ecs, names):
    """The cluster's settings, capacity providers, default strategy and tags."""
    found = ecs.describe_clusters(clusters=[names["cluster"]], include=["SETTINGS", "TAGS"]).get("clusters", [])
    active = [c for c in found if c.get("status") != "INACTIVE"]
    if not active:
        return None
    found = active[0]
    return dict(
        without(
            found,
            "registeredContainerInstancesCount",
            "runningTasksCount",
            "pendingTasksCount",
            "activeServicesCount",
            "statistics",
            "attachments",
            "attachmentsStatus",
            "tags",
        ),
        settings=sorted_by(found.get("settings", []), "name"),
        capacityProviders=sorted(found.get("capacityProviders", [])),
        tags=tag_dict(found.get("tags"), "key", "value"),
    )


def capacity_provider(ecs, names):
    """The capacity provider's managed scaling, termination protection and tags."""
    found = ecs.describe_capacity_providers(capacityProviders=[names["capacity_provider"]], include=["TAGS"]).get(
        "capacityProviders", []
    )
    active = [p for p in found if p.get("status") != "INACTIVE"]
    if not active:
        return None
    provider = active[0]
    return dict(
        without(provider, "updateStatus", "updateStatusReason", "tags"),
        tags=tag_dict(provider.get("tags"), "key", "value"),
    )


def observe(client, scope):
    """``{kind: value}`` for the ecs_capacity layer of ``scope``'s environment."""
    names = _names(scope)
    ecs = client("ecs")
    observed = {
        "kms_key": kms_key(client("kms"), names),
        "iam_roles": iam_roles(client("iam"), names),
        "ecr_repositories": ecr_repositories(client("ecr"), names),
        "recommended_image": recommended_image(client("ssm")),
        "launch_template": launch_template(client("ec2"), names),
        "auto_scaling_group": auto_scaling_group(client("autoscaling"), names),
        "cluster": cluster(ecs, names),
        "capacity_provider": capacity_provider(ecs, names),
    }
    return {kind: plain(value) for kind, value in observed.items()}
