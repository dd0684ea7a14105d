"""A prod converge killed at any task, then re-run, ends in the same state as a
clean converge: no second VPC, NAT gateway, EIP, target group, distribution or
anything else, and nothing missing; and the killed run leaves no process behind.

`make test` kills the run at a fixed sample of tasks spread over the converge
(KUMO_CRASH_POINTS sets how many, evenly spread; 1 by default); `make test-all`
(KUMO_TEST_ALL=1) at every task, once between tasks and once while the task's
module is talking to AWS. Each test prints the points it tried.
"""

import os
import time

import pytest

from kumo_testlib import TEST_ALL, account_inventory, run_playbook, watched

# In the prod group: the reference is the shared prod stack (tests/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(name="prod")]

ENV = "prod"
# Interruption points in `make test` (one costs a partial and a full prod converge):
# one, mid-converge, inside a module's AWS calls; every other point lands there.
SAMPLE = int(os.environ.get("KUMO_CRASH_POINTS", "1"))
# How long the processes of a killed run may take to notice and exit.
GRACE = 10


@pytest.fixture(scope="module")
def clean(stacks):
    """The inventory of a clean converge (the shared prod stack, built on an
    empty account), and how many tasks that converge started."""
    stack = stacks[ENV]
    first, _ = stack.converged()
    tasks = sum(1 for line in first.output.splitlines() if line.startswith("TASK ["))
    return stack.built, tasks


def crash_then_rerun(emulator, task, delay=0.0):
    emulator.reset()
    crashed, runs = watched(
        run_playbook, emulator, inventory=f"inventories/{ENV}", crash_at_task=task, crash_delay=delay
    )
    assert crashed.returncode != 0 and "kumo_crash: killing the run" in crashed.output, crashed.tail()
    assert_nothing_left(runs, task)
    rerun = run_playbook(emulator, inventory=f"inventories/{ENV}")
    assert rerun.returncode == 0, f"re-run after a crash at task {task} failed:\n{rerun.tail()}"
    return account_inventory(emulator, ENV)


def assert_nothing_left(runs, task):
    """No process of the killed run (its descendants, its session and process
    group, and theirs) is alive GRACE seconds after the kill."""
    assert len(runs) == 1, f"expected one playbook run, saw {len(runs)}"
    end = time.monotonic() + GRACE
    while runs[0].left() and time.monotonic() < end:
        time.sleep(0.2)
    left = runs[0].left()
    assert not left, f"{GRACE}s after the kill at task {task}, still alive: " + ", ".join(
        f"pid={p.pid} ppid={p.ppid} sid={p.sid} {p.cmdline}" for p in left
    )


@pytest.mark.parametrize("point", range(SAMPLE))
def test_a_rerun_after_a_crash_converges_to_the_clean_state(emulator, clean, point):
    reference, tasks = clean
    task = round((point + 1) * tasks / (SAMPLE + 1))
    delay = 0.0 if point % 2 else 0.5  # every other point lands inside a module's AWS calls
    assert crash_then_rerun(emulator, task, delay) == reference
    print(f"crash recovery: killed at task {task} of {tasks} (+{delay}s), re-run matched the clean state")


if TEST_ALL:

    def test_every_interruption_point(emulator, clean):
        reference, tasks = clean
        tried = []
        for task in range(1, tasks + 1):
            for delay in (0.0, 0.5):
                assert crash_then_rerun(emulator, task, delay) == reference, f"crash at task {task} (+{delay}s)"
                tried.append((task, delay))
        print(f"crash recovery: {len(tried)} interruption points tried over {tasks} tasks")
