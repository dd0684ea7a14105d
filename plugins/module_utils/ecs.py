# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers the ECS modules share: ECS tags are lists of lower-case key/value pairs."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def ecs_tags_to_dict(tags):
    """ECS ``[{"key": k, "value": v}]`` to ``{k: v}``."""
    return boto3_tag_list_to_ansible_dict(tags or [], "key", "value")


def dict_to_ecs_tags(tags):
    """``{k: v}`` to ECS ``[{"key": k, "value": v}]``."""
    return ansible_dict_to_boto3_tag_list(tags or {}, "key", "value")


@AWSRetry.jittered_backoff()
def list_ecs_tags(client, arn):
    return ecs_tags_to_dict(client.list_tags_for_resource(resourceArn=arn).get("tags", []))


@AWSRetry.jittered_backoff()
def _tag_resource(client, arn, tags):
    client.tag_resource(resourceArn=arn, tags=dict_to_ecs_tags(tags))


@AWSRetry.jittered_backoff()
def _untag_resource(client, arn, keys):
    client.untag_resource(resourceArn=arn, tagKeys=keys)


def ensure_ecs_tags(client, module, arn, current, desired, purge):
    """Bring the tags of the ECS resource ``arn`` from ``current`` to ``desired``.

    ``desired=None`` leaves the tags alone. Returns whether anything changed
    (or would, in check mode).
    """
    if desired is None:
        return False
    to_set, to_remove = compare_aws_tags(current or {}, desired, purge_tags=purge)
    if module.check_mode:
        return bool(to_set or to_remove)
    if to_remove:
        _untag_resource(client, arn, to_remove)
    if to_set:
        _tag_resource(client, arn, to_set)
    return bool(to_set or to_remove)
