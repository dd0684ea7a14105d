"""Fixtures: an emulator per environment (per xdist worker), and converged stacks."""

import os

import pytest

from kumo_testlib import FAULT_RATE, Emulator, Stack, account_inventory, run_playbook

# Environments the end-to-end suites cover: a fixed sample in `make test`,
# every one in `make test-all`.
ENVIRONMENTS = ["dev", "staging", "prod"] if os.environ.get("KUMO_TEST_ALL") else ["dev", "prod"]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: converges a stack on the emulator")


def pytest_runtest_setup(item):
    """With ``--dist loadgroup`` every test of one environment runs on one
    worker (the ``env`` params carry an ``xdist_group`` mark), so each stack is
    built once. pytest-xdist 3.8 cannot group under pytest 9.2 (it renames a
    node id pytest no longer reads), and the stacks would be built on every
    worker: fail loudly instead."""
    grouped = getattr(item.config.option, "loadgroup", False)
    if "stacks" in item.fixturenames and not item.get_closest_marker("xdist_group"):
        raise pytest.UsageError(f"{item.nodeid} uses stacks: mark it xdist_group(name=<env>) or take the env fixture")
    if grouped and item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
        raise pytest.UsageError(f"{item.nodeid}: pytest-xdist did not group it; pin pytest as requirements.txt does")


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
    """A fresh emulator for one test (for tests that change or count everything),
    stopped when the test ends."""
    started = emulator_factory("test")
    yield started
    started.stop()


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


@pytest.fixture(params=[pytest.param(e, marks=pytest.mark.xdist_group(name=e)) for e in ENVIRONMENTS], scope="session")
def env(request):
    return request.param


@pytest.fixture(scope="session")
def faulty_prod(emulator_factory):
    """A prod stack built through the fault injector: the emulator, the run, the
    faults it met, and the account inventory right after the build.
    test_safety compares that inventory with the clean build; test_deploy then
    deploys to this stack and tears it down (the inventory was read before)."""
    faulty = emulator_factory("faulty")
    faulty.faults(rate=FAULT_RATE, kinds=["throttle", "error", "slow"], slow_seconds=0.5, seed=11)
    run = run_playbook(faulty, inventory="inventories/prod")
    injected = faulty.fault_state()["injected"]
    faulty.faults(rate=0)
    return faulty, run, injected, account_inventory(faulty, "prod")
