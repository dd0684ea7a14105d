"""Unit-test helpers for our modules: run a module's main() in-process.

``run_module(module, args)`` returns the result dict of ``exit_json`` (or of
``fail_json``, with ``failed: True``). Inside ``moto.mock_aws()`` the module's
boto3 calls reach moto in-process.
"""

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.kumo.platform.plugins.module_utils import botocore_preload

# Each module under test builds its clients in a new boto3 session, whose new
# data loader would parse the service's JSON model again (most of a test's
# time); share one loader, as the fast_linear strategy does for real runs.
botocore_preload.preload(services=())

AWS_ARGS = {"region": "ap-northeast-1", "access_key": "testing", "secret_key": "testing"}


class _ModuleExit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise _ModuleExit(kwargs)


def _fail_json(self, **kwargs):
    kwargs["failed"] = True
    raise _ModuleExit(kwargs)


@pytest.fixture(autouse=True)
def _no_default_amis(monkeypatch):
    """moto's EC2 backend loads ~1,300 public AMIs per region each time a mock
    account starts, about half of every test's set-up; no unit test uses them."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def run_module(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)

    def run(module, args, check_mode=False, diff=False, aws=True):
        params = dict(AWS_ARGS if aws else {}, **args)
        params["_ansible_check_mode"] = check_mode
        params["_ansible_diff"] = diff
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": params})))
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
        try:
            module.main()
        except _ModuleExit as done:
            return done.result
        raise AssertionError("the module returned without exit_json or fail_json")

    return run
