"""kumo.platform.layer_state against moto in-process, with a stand-in observer
(each layer's real observer has its own tests under tests/unit/plugins/module_utils)."""

import boto3
import pytest
from moto import mock_aws

from ansible_collections.kumo.platform.plugins.modules import layer_state

PATH = "/kumo/kumo-prod/layer-state"


@pytest.fixture
def ssm():
    with mock_aws():
        yield boto3.client("ssm", region_name="ap-northeast-1")


@pytest.fixture
def world(monkeypatch, tmp_path):
    """What the stand-in observers see, per layer, and the code directory."""
    seen = {layer: {"things": ["a", "b"]} for layer in layer_state.OBSERVERS}
    for layer in seen:
        monkeypatch.setitem(layer_state.OBSERVERS, layer, lambda client, scope, layer=layer: seen[layer])
    code = tmp_path / "role"
    code.mkdir()
    (code / "main.yml").write_text("- name: a task\n")
    return seen, code


@pytest.fixture
def layer(run_module, world):
    code = world[1]

    def run(name="network", state="observed", inputs="digest-1", check_mode=False):
        args = {"layer": name, "project": "kumo", "environment": "prod", "state": state, "code_paths": [str(code)]}
        if state != "absent":
            args["inputs"] = inputs
        if state == "recorded":
            args["tags"] = {"Environment": "prod", "Name": f"kumo-prod-{name}-state"}
        return run_module(layer_state, args, check_mode=check_mode)

    return run


def test_without_a_record_the_layer_converges(ssm, layer):
    result = layer()
    assert result["changed"] is False
    assert (result["unchanged"], result["reason"]) == (False, "no record of a full converge")


def test_record_then_unchanged(ssm, layer):
    assert layer(state="recorded")["changed"] is True
    assert layer(state="recorded")["changed"] is False
    result = layer()
    assert (result["unchanged"], result["reason"], result["drifted_kinds"]) == (True, "", [])
    [parameter] = ssm.get_parameters_by_path(Path=PATH)["Parameters"]
    assert parameter["Name"] == f"{PATH}/network"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=parameter["Name"])["TagList"]
    assert {t["Key"]: t["Value"] for t in tags} == {"Environment": "prod", "Name": "kumo-prod-network-state"}


def test_drift_names_the_kind(ssm, layer, world):
    seen = world[0]
    layer(state="recorded")
    seen["network"]["routes"] = ["0.0.0.0/0"]
    seen["network"]["things"] = ["a"]
    result = layer()
    assert result["unchanged"] is False
    assert result["drifted_kinds"] == ["routes", "things"]
    assert result["reason"] == "drift in routes, things"


def test_new_inputs_or_new_code_converge_in_full(ssm, layer, world):
    code = world[1]
    layer(state="recorded")
    assert layer(inputs="digest-2")["reason"] == "the inputs changed (inventory or Kumo's code)"
    (code / "main.yml").write_text("- name: another task\n")
    assert layer()["reason"] == "the inputs changed (inventory or Kumo's code)"


def test_a_lower_layer_in_a_new_state_converges_the_layers_above(ssm, layer, world):
    seen = world[0]
    layer("network", state="recorded")
    layer("alb", state="recorded")
    assert layer("alb")["unchanged"] is True
    seen["network"]["things"] = ["c"]
    layer("network", state="recorded")
    assert layer("alb")["reason"] == "a layer below was converged into a different state"
    # A layer above does not matter to the layers below.
    layer("alb", state="recorded")
    seen["monitoring"]["things"] = ["z"]
    layer("monitoring", state="recorded")
    assert layer("alb")["unchanged"] is True


def test_check_mode_records_nothing(ssm, layer):
    result = layer(state="recorded", check_mode=True)
    assert result["changed"] is True
    assert ssm.get_parameters_by_path(Path=PATH)["Parameters"] == []


def test_the_record_holds_digests_only(ssm, layer, world):
    seen = world[0]
    seen["network"]["things"] = ["a-secret-value"]
    layer(state="recorded", inputs="inputs-digest")
    [parameter] = ssm.get_parameters_by_path(Path=PATH)["Parameters"]
    assert "a-secret-value" not in parameter["Value"] and "inputs-digest" not in parameter["Value"]


def test_absent_deletes_the_record(ssm, layer):
    layer(state="recorded")
    assert layer(state="absent", check_mode=True)["changed"] is True
    assert layer(state="absent")["changed"] is True
    assert layer(state="absent")["changed"] is False
    assert layer()["reason"] == "no record of a full converge"


def test_known_records_stand_in_for_reading_them_again(ssm, layer, run_module, world):
    for name in ("network", "endpoints"):
        layer(name, state="recorded")
    first = layer("network")
    assert first["unchanged"] is True
    assert set(first["records"]) == {"network", "endpoints"}
    # Given what the layer before read, the next layer reads no record itself:
    # records it is handed decide, even where SSM now holds something else.
    ssm.delete_parameter(Name=f"{PATH}/endpoints")
    args = {
        "layer": "endpoints",
        "project": "kumo",
        "environment": "prod",
        "inputs": "digest-1",
        "code_paths": [str(world[1])],
        "known_records": first["records"],
    }
    handed = run_module(layer_state, args)
    assert (handed["unchanged"], handed["records"]) == (True, first["records"])
    read = layer("endpoints")
    assert (read["unchanged"], read["reason"]) == (False, "no record of a full converge")
