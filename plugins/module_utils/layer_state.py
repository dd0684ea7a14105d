# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The state of one layer, read in a few batched calls, and its record.

A layer's observer (``observe_<layer>.observe(client, scope)``) reads every
resource the layer's role manages, one call per resource kind where AWS allows
it, and returns ``{kind: value}``: plain JSON values, lists sorted, volatile
fields (timestamps, states in transition, counts AWS changes by itself)
dropped. Two observations of an untouched layer are equal; any change to a
setting the role manages changes its kind's value.

After a full converge, the layer's record is stored in SSM Parameter Store:
the digest of the inputs (inventory and Kumo's own code), the digests of the
lower layers' records, and one digest per kind. A later run whose inputs and
lower layers are the same, and whose observation matches the record, would
change nothing: the layer's tasks are skipped.
"""

import datetime
import hashlib
import json
from collections import namedtuple

# The layers in site.yml's order; each layer's record chains those below it.
LAYERS = ("network", "endpoints", "ecs_capacity", "alb", "cdn_waf", "monitoring")

# What an observer knows of the environment it reads.
Scope = namedtuple("Scope", "project environment name_prefix region account_id partition")


def digest(value):
    """A short, stable digest of a JSON value (key order does not matter)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def tag_dict(tags, key="Key", value="Value"):
    """AWS's [{Key, Value}] as a dict (None or [] gives {})."""
    return {tag[key]: tag[value] for tag in tags or []}


def ec2_tag_filters(scope):
    """EC2 Filters matching the environment's resources by their Kumo tags."""
    return [
        {"Name": "tag:Project", "Values": [scope.project]},
        {"Name": "tag:Environment", "Values": [scope.environment]},
    ]


def without(mapping, *keys):
    """A copy of a dict without the named keys (volatile fields)."""
    return {key: value for key, value in mapping.items() if key not in keys}


def sorted_by(items, *keys):
    """A list of dicts sorted by the given keys (missing keys sort first)."""
    return sorted(items, key=lambda item: tuple(str(item.get(key, "")) for key in keys))


def canonical(value):
    """Lists sorted by their JSON text, recursively: for values whose order AWS
    does not keep (rule lists, security group permissions, tag lists)."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return value


def error_code(error):
    """The AWS error code of a botocore ClientError."""
    return error.response.get("Error", {}).get("Code", "")


def call_or_none(method, missing, **params):
    """``method(**params)``, or None when AWS answers one of the ``missing``
    error codes (the resource does not exist). Catches the client's own
    ClientError class, so observers need no botocore import."""
    try:
        return method(**params)
    except method.__self__.exceptions.ClientError as error:
        if error_code(error) in missing:
            return None
        raise


def plain(value):
    """A JSON value: datetimes (always volatile here) and ResponseMetadata
    (request ids) dropped, recursively."""
    if isinstance(value, dict):
        return {
            key: plain(item)
            for key, item in value.items()
            if key != "ResponseMetadata" and not isinstance(item, (datetime.date, datetime.datetime))
        }
    if isinstance(value, list):
        return [plain(item) for item in value if not isinstance(item, (datetime.date, datetime.datetime))]
    return value
