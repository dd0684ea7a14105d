"""A run killed by SIGKILL, as a cancelled CI job or the OOM killer kills it,
leaves no process behind: not Mitogen's multiplexer, local interpreter, fork
parent or module processes, and not Ansible's task workers, which call
setsid() and so escape a kill of the run's process group.

The kill lands while a module waits for AWS (the emulator answers every call
30 s late): the moment a worker blocks on a reply that can no longer come.
"""

import os
import signal
import time

import pytest

from kumo_testlib import RunProcesses, start_playbook

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
