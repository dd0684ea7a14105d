"""Fixtures: an emulator per environment (per xdist worker), and converged stacks."""

import os

import pytest

from kumo_testlib import Emulator, Stack

# Environments the end-to-end suites cover: a fixed sample in `make test`,
# every one in `make test-all`.
ENVIRONMENTS = ["dev", "staging", "prod"] if os.environ.get("KUMO_TEST_ALL") else ["dev", "prod"]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: converges a stack on the emulator")


def pytest_collection_modifyitems(items):
    """With ``--dist loadgroup``, every test of one environment runs on one
    worker, so each worker builds one stack and every suite shares it."""
    for item in items:
        env = getattr(item, "callspec", None) and item.callspec.params.get("env")
        if env:
            item.add_marker(pytest.mark.xdist_group(name=env))


@pytest.fixture(scope="session")
def emulator_factory(tmp_path_factory):
    started = []

    def start(name):
        emulator = Emulator(tmp_path_factory.mktemp(f"emulator-{name}"))
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(emulator_factory):
    """A fresh emulator for one test (for tests that change or count everything)."""
    return emulator_factory("test")


@pytest.fixture(scope="session")
def stacks(emulator_factory):
    """env -> Stack, each on its own emulator, created on first use."""
    cache = {}

    class _Stacks(dict):
        def __missing__(self, env):
            cache[env] = Stack(env, emulator_factory(env))
            self[env] = cache[env]
            return cache[env]

    return _Stacks()


@pytest.fixture(params=ENVIRONMENTS, scope="session")
def env(request):
    return request.param
