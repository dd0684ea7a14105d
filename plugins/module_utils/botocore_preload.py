# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Warm boto3 in the interpreter that every AWS task is forked from.

Under the ``kumo.platform.fast_linear`` strategy, Mitogen forks each module
that uses collection module_utils (every amazon.aws, community.aws and
kumo.platform module) from one long-lived "fork parent" interpreter. Left
alone, every such task imports boto3 and parses the JSON models of the AWS
services it calls again, because botocore gives each new session a new data
loader with an empty cache: a few hundred milliseconds per task before its
first API call.

The strategy runs :func:`preload` once in the fork parent (no module is
loaded there, so the parent stays as clean as Mitogen requires). It imports
boto3 and gives every botocore session one shared loader, then loads the
models of the services Kumo calls. Each forked task inherits both. The loader
only caches files that botocore reads anyway; requests, credentials and
endpoints are untouched, and a service not listed here is loaded on first use
as before.

Nothing imports this file as a module: the strategy sends its source to the
fork parent, so it needs only the standard library and boto3.
"""

# The services the roles call (SPEC.md layers, deploy included).
SERVICES = (
    "acm",
    "application-autoscaling",
    "autoscaling",
    "cloudformation",
    "cloudfront",
    "cloudtrail",
    "cloudwatch",
    "config",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "guardduty",
    "iam",
    "kms",
    "logs",
    "s3",
    "sns",
    "ssm",
    "sts",
    "wafv2",
    "xray",
)


def preload(services=SERVICES):
    """Share one botocore data loader between sessions and fill it; returns
    the number of service models loaded (0 when boto3 is missing)."""
    try:
        import os

        import boto3
        import botocore.exceptions
        import botocore.loaders
        import botocore.session
    except ImportError:
        return 0

    shared = botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))

    def _register_data_loader(session):
        session._components.lazy_register_component("data_loader", lambda: shared)

    botocore.session.Session._register_data_loader = _register_data_loader
    # Creating a client reads what a module's first client reads: the service
    # model and its endpoint rules (paginators and waiters load on first use).
    # Placeholder keys keep botocore from looking for credentials (which could
    # ask the instance metadata service); no request is ever sent.
    session = boto3.session.Session(
        region_name="us-east-1",
        aws_access_key_id="preload",
        aws_secret_access_key="preload",  # noqa: S106 - a placeholder, never sent
    )
    loaded = 0
    for name in services:
        try:
            session.client(name)
        except botocore.exceptions.UnknownServiceError:  # an older botocore without it
            pass
        else:
            loaded += 1
    return loaded
