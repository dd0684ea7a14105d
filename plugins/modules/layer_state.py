#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: layer_state
version_added: 0.3.0
short_description: Tell whether a Kumo layer is as its last converge left it
description:
  - Reads every resource of one layer in a few batched calls (one per resource
    kind where AWS allows it) and compares what it finds with the record of the
    layer's last full converge, kept in SSM Parameter Store.
  - With O(state=observed), RV(unchanged) is true when the inputs (the
    inventory and Kumo's own code), the records of the layers below and every
    resource kind of the layer are as recorded. A full converge would then
    change nothing, and the role skips its tasks.
  - With O(state=recorded), observes the layer and stores its record (run after
    a full converge). With O(state=absent), deletes the record (teardown).
  - The record holds digests only, never a value from the inventory.
author:
  - Kumo developers (@kumo-platform)
options:
  layer:
    description: The layer, one of the roles site.yml applies.
    required: true
    type: str
    choices: [network, endpoints, ecs_capacity, alb, cdn_waf, monitoring]
  project:
    description: The project, as in C(kumo_project).
    required: true
    type: str
  environment:
    description: The environment, as in C(kumo_environment).
    required: true
    type: str
  inputs:
    description:
      - A digest of everything the layer is built from (the preflight play
        computes it from the inventory as C(preflight_inputs_digest)).
      - Required unless O(state=absent).
    type: str
  code_paths:
    description:
      - Directories on the host running the module whose files are Kumo's code
        for the layer (its role, the collection's plugins); their contents are
        part of the inputs, so upgrading Kumo runs every layer in full.
    type: list
    elements: path
    default: []
  state:
    description:
      - V(observed) compares, V(recorded) stores the record after a converge,
        V(absent) deletes it.
    type: str
    default: observed
    choices: [observed, recorded, absent]
  tags:
    description: Tags for the record's parameter when it is created.
    type: dict
    default: {}
  known_records:
    description:
      - With O(state=observed), the RV(records) an earlier call of the same run
        returned, used instead of reading the records again. Valid only while
        no record has been written since (the layer role passes them from one
        layer to the next, and drops them once a layer records itself), so a
        run whose layers are all as recorded reads the records once, not once per layer.
    type: dict
    version_added: 0.4.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Compare the network layer with its last converge
  kumo.platform.layer_state:
    layer: network
    project: kumo
    environment: prod
    inputs: "{{ preflight_inputs_digest }}"
    code_paths: ["{{ role_path }}", "{{ role_path }}/../../plugins"]
  register: network_state

- name: Record the network layer after a full converge
  kumo.platform.layer_state:
    layer: network
    project: kumo
    environment: prod
    inputs: "{{ preflight_inputs_digest }}"
    code_paths: ["{{ role_path }}", "{{ role_path }}/../../plugins"]
    state: recorded
    tags: "{{ kumo_tags }}"
"""

RETURN = r"""
unchanged:
  description: Whether the layer, its inputs and the layers below are as recorded.
  returned: always
  type: bool
  sample: true
reason:
  description: Why the layer must converge in full (empty when unchanged).
  returned: always
  type: str
  sample: "drift in route_tables, security_groups"
drifted_kinds:
  description: The resource kinds whose observation differs from the record.
  returned: always
  type: list
  elements: str
  sample: [route_tables]
parameter:
  description: The SSM parameter holding the record.
  returned: always
  type: str
  sample: /kumo/kumo-prod/layer-state/network
records:
  description:
    - Every layer's record as this call read it (or was given it), by layer,
      each with the ARN of its parameter; digests only. Pass it to the next
      layer's call as O(known_records).
  returned: when O(state=observed)
  type: dict
  sample:
    network:
      record: {version: 1, layer: network, inputs: 9f2c, lower: 44d1, kinds: {vpc: 0b7e}}
      arn: "arn:aws:ssm:ap-northeast-1:123456789012:parameter/kumo/kumo-prod/layer-state/network"
"""

import hashlib
import json
import os

try:
    import botocore
except ImportError:
    pass

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.kumo.platform.plugins.module_utils import layer_state
from ansible_collections.kumo.platform.plugins.module_utils import observe_alb
from ansible_collections.kumo.platform.plugins.module_utils import observe_cdn_waf
from ansible_collections.kumo.platform.plugins.module_utils import observe_ecs_capacity
from ansible_collections.kumo.platform.plugins.module_utils import observe_endpoints
from ansible_collections.kumo.platform.plugins.module_utils import observe_monitoring
from ansible_collections.kumo.platform.plugins.module_utils import observe_network

OBSERVERS = {
    "network": observe_network.observe,
    "endpoints": observe_endpoints.observe,
    "ecs_capacity": observe_ecs_capacity.observe,
    "alb": observe_alb.observe,
    "cdn_waf": observe_cdn_waf.observe,
    "monitoring": observe_monitoring.observe,
}
RECORD_VERSION = 1


def parameter_path(project, environment):
    return f"/kumo/{project}-{environment}/layer-state"


@AWSRetry.jittered_backoff()
def get_records(client, path):
    paginator = client.get_paginator("get_parameters_by_path")
    return [p for page in paginator.paginate(Path=path, Recursive=False) for p in page["Parameters"]]


@AWSRetry.jittered_backoff()
def put_record(client, name, value, tags):
    if tags is None:
        return client.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    return client.put_parameter(Name=name, Value=value, Type="String", Tags=tags)


@AWSRetry.jittered_backoff()
def delete_record(client, name):
    return client.delete_parameter(Name=name)


@AWSRetry.jittered_backoff()
def caller_arn(client):
    return client.get_caller_identity()["Arn"]


def code_digest(paths):
    """The digest of every file under the given directories (names and bytes)."""
    sha = hashlib.sha256()
    for root in paths:
        for directory, subdirs, files in sorted(os.walk(root, followlinks=True)):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(directory, name)
                sha.update(os.path.relpath(path, root).encode("utf-8") + b"\0")
                with open(path, "rb") as handle:
                    sha.update(handle.read())
    return sha.hexdigest()[:32]


def read_records(module, client, path):
    """{layer: (record dict, parameter ARN)} of every recorded layer."""
    records = {}
    for parameter in get_records(client, path):
        layer = parameter["Name"].rsplit("/", 1)[1]
        try:
            record = json.loads(parameter["Value"])
        except ValueError:
            continue  # not ours, or damaged: that layer converges in full
        if isinstance(record, dict) and record.get("version") == RECORD_VERSION:
            records[layer] = (record, parameter.get("ARN", ""))
    return records


def lower_digest(layer, records):
    """The chain of the records below the layer: a lower layer converged into
    a different state means this layer must converge in full too."""
    below = layer_state.LAYERS[: layer_state.LAYERS.index(layer)]
    chain = {name: layer_state.digest(records[name][0]) if name in records else None for name in below}
    return layer_state.digest(chain)


def scope_of(module, arn):
    """The Scope of this environment; the account and partition come from an ARN."""
    parts = arn.split(":")
    params = module.params
    return layer_state.Scope(
        project=params["project"],
        environment=params["environment"],
        name_prefix=f"{params['project']}-{params['environment']}",
        region=module.region,
        account_id=parts[4] if len(parts) > 4 else "",
        partition=parts[1] if len(parts) > 1 else "aws",
    )


def observe(module, scope):
    made = {}

    def client(service, region=None):
        """One client per service and region for the whole observation."""
        key = (service, region or scope.region)
        if key not in made:
            made[key] = module.client(service, region=key[1])
        return made[key]

    try:
        kinds = OBSERVERS[module.params["layer"]](client, scope)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Could not read the {module.params['layer']} layer")
    return {kind: layer_state.digest(value) for kind, value in kinds.items()}


def inputs_digest(module):
    params = module.params
    return layer_state.digest({"inputs": params["inputs"], "code": code_digest(params["code_paths"])})


def compare(module, client, path, name, records):
    layer = module.params["layer"]
    if layer not in records:
        return "no record of a full converge", []
    record, arn = records[layer]
    if record.get("inputs") != inputs_digest(module):
        return "the inputs changed (inventory or Kumo's code)", []
    if record.get("lower") != lower_digest(layer, records):
        return "a layer below was converged into a different state", []
    observed = observe(module, scope_of(module, arn))
    recorded = record.get("kinds", {})
    drifted = sorted(kind for kind in set(observed) | set(recorded) if observed.get(kind) != recorded.get(kind))
    return (f"drift in {', '.join(drifted)}" if drifted else ""), drifted


def ensure_recorded(module, client, path, name):
    layer = module.params["layer"]
    records = read_records(module, client, path)
    existing = records.get(layer)
    arn = existing[1] if existing else caller_arn(module.client("sts"))
    record = {
        "version": RECORD_VERSION,
        "layer": layer,
        "inputs": inputs_digest(module),
        "lower": lower_digest(layer, records),
        "kinds": observe(module, scope_of(module, arn)),
    }
    changed = not existing or existing[0] != record
    if changed and not module.check_mode:
        tags = None if existing else ansible_dict_to_boto3_tag_list(module.params["tags"] or {})
        put_record(client, name, json.dumps(record, sort_keys=True, separators=(",", ":")), tags)
    return changed


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            layer=dict(type="str", required=True, choices=list(layer_state.LAYERS)),
            project=dict(type="str", required=True),
            environment=dict(type="str", required=True),
            inputs=dict(type="str"),
            code_paths=dict(type="list", elements="path", default=[]),
            state=dict(type="str", default="observed", choices=["observed", "recorded", "absent"]),
            tags=dict(type="dict", default={}),
            known_records=dict(type="dict"),
        ),
        required_if=[("state", "observed", ["inputs"]), ("state", "recorded", ["inputs"])],
        supports_check_mode=True,
    )
    params = module.params
    path = parameter_path(params["project"], params["environment"])
    name = f"{path}/{params['layer']}"
    client = module.client("ssm")
    result = dict(changed=False, unchanged=False, reason="", drifted_kinds=[], parameter=name)
    try:
        if params["state"] == "observed":
            if params["known_records"] is None:
                records = read_records(module, client, path)
            else:
                records = {layer: (known["record"], known["arn"]) for layer, known in params["known_records"].items()}
            reason, drifted = compare(module, client, path, name, records)
            result.update(unchanged=not reason, reason=reason, drifted_kinds=drifted)
            result["records"] = {layer: {"record": record, "arn": arn} for layer, (record, arn) in records.items()}
        elif params["state"] == "recorded":
            result["changed"] = ensure_recorded(module, client, path, name)
        else:
            exists = any(p["Name"] == name for p in get_records(client, path))
            if exists and not module.check_mode:
                try:
                    delete_record(client, name)
                except is_boto3_error_code("ParameterNotFound"):
                    pass
            result["changed"] = exists
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read or write {name}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
