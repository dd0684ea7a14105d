"""Fixtures: an emulator per environment (per xdist worker), and converged stacks."""

import os
import time
import uuid

import pytest

from kumo_testlib import (
    ENVIRONMENTS,
    FAULT_RATE,
    TEST_ALL,
    Emulator,
    Stack,
    account_inventory,
    env_params,
    processes,
    run_playbook,
)

# Every process a test session starts inherits this variable (xdist workers,
# emulators, ansible-playbook and what it starts, ecspresso): the session finds
# what it left behind by it, whatever became of the process's parent.
SESSION_MARK = "KUMO_TEST_SESSION"
# How long a process of the session may take to exit once the tests are done.
LEFT_GRACE = 10


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: converges a stack on the emulator")
    config.addinivalue_line("markers", "exhaustive: run by make test-all only (KUMO_TEST_ALL)")
    if not hasattr(config, "workerinput"):  # the controller, before it starts any worker
        os.environ[SESSION_MARK] = uuid.uuid4().hex


def session_processes(mark):
    """The processes alive now whose environment carries this session's mark,
    this process and its ancestors (make, a shell) left out."""
    found, ours = [], set()
    pid = os.getpid()
    while pid > 1:
        ours.add(pid)
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    for process in processes().values():
        if process.pid in ours:
            continue
        try:
            with open(f"/proc/{process.pid}/environ", "rb") as environ:
                marked = f"{SESSION_MARK}={mark}".encode() in environ.read().split(b"\0")
            with open(f"/proc/{process.pid}/stat", encoding="utf-8") as stat:
                zombie = stat.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:  # gone, or not ours to read
            continue
        if marked and not zombie:
            found.append(process)
    return found


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Fail the session when a process it started outlives it (after the xdist
    workers, the emulators and every playbook run had LEFT_GRACE to exit)."""
    mark = os.environ.get(SESSION_MARK)
    if hasattr(session.config, "workerinput") or not mark:
        return
    end = time.monotonic() + LEFT_GRACE
    left = session_processes(mark)
    while left and time.monotonic() < end:
        time.sleep(0.5)
        left = session_processes(mark)
    if left:
        listed = "\n".join(f"  pid={p.pid} ppid={p.ppid} sid={p.sid} {p.cmdline}" for p in left)
        session.config.get_terminal_writer().line(f"Processes the tests started are still running:\n{listed}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):
    """make test deselects what only make test-all runs (kumo_testlib.exhaustive)."""
    if TEST_ALL:
        return
    deselected = [item for item in items if item.get_closest_marker("exhaustive")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


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


@pytest.fixture(params=env_params(*ENVIRONMENTS), scope="session")
def env(request):
    """The environment a test reads back (tests/kumo_testlib.ENVIRONMENTS;
    kumo_testlib.sampled narrows it for one test or module)."""
    return request.param


@pytest.fixture(scope="session")
def faulty_prod(emulator_factory):
    """A prod stack built through the fault injector, then converged again
    without faults (every task run): the emulator, the faulty run, the faults it
    met, the account inventory after it, the clean re-run, and the inventory
    after that. test_safety reads them (in the release-prod group, with
    test_deploy, which then deploys to this stack and tears it down)."""
    faulty = emulator_factory("faulty")
    faulty.faults(rate=FAULT_RATE, kinds=["throttle", "error", "slow"], slow_seconds=0.5, seed=11)
    run = run_playbook(faulty, inventory="inventories/prod")
    injected = faulty.fault_state()["injected"]
    faulty.faults(rate=0)
    built = account_inventory(faulty, "prod")
    rerun = run_playbook(faulty, inventory="inventories/prod", refresh="full")
    return faulty, run, injected, built, rerun, account_inventory(faulty, "prod")
