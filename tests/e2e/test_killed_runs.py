"""A run killed by SIGKILL, as a cancelled CI job or the OOM killer kills it,
leaves no process behind: not Mitogen's multiplexer, local interpreter, fork
parent or module processes, and not Ansible's task workers, which call
setsid() and so escape a kill of the run's process group.

The kill lands while a module waits for AWS (the emulator answers every call
30 s late): the moment a worker blocks on a reply that can no longer come.

A run interrupted by Ctrl-C (SIGINT to its process group, as a terminal sends
it) or by SIGTERM (to ansible-playbook, as `kill` or a CI runner sends it)
stops as cleanly, says in which task and layer it stopped, records nothing it
did not finish, and the next run carries on to the clean state.
(tests/e2e/test_deploy.py interrupts and kills deploys.)
"""

import os
import signal
import time

import pytest

from kumo_testlib import RunProcesses, account_inventory, run_playbook, start_playbook

pytestmark = pytest.mark.e2e

# Far longer than the test: the module is still waiting when the run is killed.
AWS_DELAY = 30
GRACE = 10


def wait_for_a_module_waiting_on_aws(emulator, run, process, deadline=120):
    """Record the run's processes until a module has called AWS (its call is
    held for AWS_DELAY) while a task worker, a child of the run leading its own
    session, waits for the module's result through Mitogen."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        assert process.poll() is None, "the playbook ended before the test could kill it"
        alive = run.record()
        worker = any(p.ppid == run.pid and p.sid == p.pid for p in alive.values())
        if worker and emulator.requests():
            time.sleep(0.5)
            run.record()
            return
        time.sleep(0.05)
    pytest.fail(f"no module called AWS within {deadline}s")


def describe(processes):
    return "\n".join(f"pid={p.pid} ppid={p.ppid} pgid={p.pgid} sid={p.sid} {p.cmdline}" for p in processes)


@pytest.mark.parametrize("target", ["process group", "ansible-playbook alone"])
def test_a_killed_run_leaves_no_process_behind(emulator, tmp_path, target):
    emulator.faults(rate=1.0, kinds=["slow"], slow_seconds=AWS_DELAY)
    with open(tmp_path / "playbook.log", "w", encoding="utf-8") as log:
        process = start_playbook(emulator, log, inventory="inventories/dev", tags=["network"])
        run = RunProcesses(process.pid)
        try:
            wait_for_a_module_waiting_on_aws(emulator, run, process)
            if target == "process group":
                os.killpg(process.pid, signal.SIGKILL)
            else:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            end = time.monotonic() + GRACE
            while run.left() and time.monotonic() < end:
                time.sleep(0.2)
            left = run.left()
        finally:
            for leftover in run.left():  # never leave the next test a stray process
                os.kill(leftover.pid, signal.SIGKILL)
            emulator.faults(rate=0)
    started = describe(run.seen.values())
    assert not left, f"{GRACE}s after the kill these are still alive:\n{describe(left)}\nthe run had:\n{started}"


# What the network layer makes in dev (SPEC "Per-environment values" and "Network").
DEV_NETWORK = {
    "vpc": ["kumo-dev-vpc"],
    "subnet": sorted(f"kumo-dev-{tier}-{az}" for tier in ("public", "private") for az in "acd"),
    "internet_gateway": ["kumo-dev-igw"],
    "nat_gateway": ["kumo-dev-nat-a"],
    "elastic_ip": ["kumo-dev-nat-a"],
}


def interrupt_a_network_converge(emulator, tmp_path, signame, target):
    """Start a dev network converge; once the network role runs, hold every AWS
    call and send ``signame`` while one of the role's modules waits for AWS.
    Returns the run's exit code, its output, and its processes still alive
    GRACE seconds after it ended."""
    log_path = tmp_path / "playbook.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = start_playbook(emulator, log, inventory="inventories/dev", tags=["network"])
        run = RunProcesses(process.pid)
        try:
            end = time.monotonic() + 120
            while "TASK [kumo.platform.network : Create the VPC]" not in log_path.read_text(encoding="utf-8"):
                assert process.poll() is None and time.monotonic() < end, log_path.read_text(encoding="utf-8")
                run.record()
                time.sleep(0.05)
            emulator.faults(rate=1.0, kinds=["slow"], slow_seconds=AWS_DELAY)
            emulator.clear_requests()
            wait_for_a_module_waiting_on_aws(emulator, run, process)
            sent = getattr(signal, signame)
            if target == "process group":
                os.killpg(process.pid, sent)
            else:
                os.kill(process.pid, sent)
            returncode = process.wait(timeout=60)
            end = time.monotonic() + GRACE
            while run.left() and time.monotonic() < end:
                time.sleep(0.2)
            left = run.left()
        finally:
            for leftover in run.left():
                os.kill(leftover.pid, signal.SIGKILL)
            emulator.faults(rate=0)
    return returncode, log_path.read_text(encoding="utf-8"), left


def assert_stopped_cleanly(emulator, signame, returncode, output, left):
    assert returncode == 99, output[-3000:]
    assert f"{signame}: the run stopped in task 'kumo.platform.network : " in output, output[-3000:]
    assert "Layer network stopped part way" in output and "not recorded as converged" in output
    assert not left, f"{GRACE}s after {signame}, still alive:\n{describe(left)}"
    assert "layer_record" not in account_inventory(emulator, "dev"), "an interrupted layer was recorded as converged"


def test_sigterm_stops_a_converge_as_ctrl_c_does(emulator, tmp_path):
    """ansible-core alone dies of SIGTERM without a word; Kumo's runs stop as on Ctrl-C."""
    stopped = interrupt_a_network_converge(emulator, tmp_path, "SIGTERM", "ansible-playbook alone")
    assert_stopped_cleanly(emulator, "SIGTERM", *stopped)


def test_ctrl_c_mid_converge_says_where_it_stopped_and_the_next_run_carries_on(emulator, tmp_path):
    stopped = interrupt_a_network_converge(emulator, tmp_path, "SIGINT", "process group")
    assert_stopped_cleanly(emulator, "SIGINT", *stopped)

    rerun = run_playbook(emulator, inventory="inventories/dev", tags=["network"])
    assert rerun.returncode == 0, rerun.tail()
    found = account_inventory(emulator, "dev")
    assert {kind: found.get(kind) for kind in DEV_NETWORK} == DEV_NETWORK, "a duplicate, or something missing"
    assert found["layer_record"] == ["network"]
