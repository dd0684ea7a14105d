# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: fast_linear
short_description: The linear strategy, run through Mitogen when it is installed
description:
  - Runs tasks exactly as the C(linear) strategy does (same order, same
    results), but executes modules through Mitogen's persistent interpreters
    instead of a new Python process per task, which roughly halves the time
    an AWS task costs before its first API call.
  - Each AWS module runs in a process forked from one Mitogen "fork parent"
    interpreter. When that parent is on this machine (a C(local) connection, as
    in every Kumo playbook), the strategy first imports boto3 there and has
    botocore share one data loader holding the models of the services Kumo
    calls (C(plugins/module_utils/botocore_preload.py)), so a task no longer
    imports boto3 and parses those models again. E(KUMO_BOTOCORE_PRELOAD=0)
    turns this off.
  - Every process it forks from C(ansible-playbook) (Ansible's task workers,
    Mitogen's multiplexer) asks Linux to kill it when C(ansible-playbook) dies,
    so a run killed by any signal, SIGKILL included, leaves no process behind.
  - SIGTERM stops a run as Ctrl-C (SIGINT) does. The task in flight is
    stopped, nothing after it runs, and the run says where it stopped (the
    task, and the task's C(kumo_on_interrupt) variable, which says what the
    interruption leaves behind, e.g. a layer not recorded as converged or a
    deployment left to ECS) before C(ansible-playbook) exits with code 99.
  - Falls back to the plain C(linear) strategy, with a warning, when the
    C(mitogen) package is not installed.
  - "C(make bench) measures it against C(linear): see README.md."
author:
  - Kumo developers (@kumo-platform)
"""

import ctypes
import os
import signal
import sys

from ansible.plugins.strategy.linear import StrategyModule as _Linear
from ansible.template import Templar
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # installs Mitogen's plugin loaders
    import ansible_mitogen.process
    import ansible_mitogen.services
    import ansible_mitogen.strategy
except ImportError:
    ansible_mitogen = None

_PRELOAD = os.path.join(os.path.dirname(__file__), os.pardir, "module_utils", "botocore_preload.py")


def _preload_source():
    with open(_PRELOAD, encoding="utf-8") as source:
        return source.read() + "\npreload()\n"


def _connect_and_preload(connect):
    """Wrap Mitogen's ContextService._connect: once a local interpreter and its
    fork parent are up, run botocore_preload in the fork parent. A failure
    only costs the speed-up: the task runs as it would without it."""

    def _connect(self, key, spec, via=None):
        result = connect(self, key, spec, via=via)
        fork_parent = (result.get("init_child_result") or {}).get("fork_context")
        wanted = os.environ.get("KUMO_BOTOCORE_PRELOAD", "1") != "0"
        if wanted and fork_parent is not None and spec.get("method") == "local":
            try:
                fork_parent.call(exec, _preload_source(), {"__name__": "kumo_botocore_preload"})
            except Exception as error:  # pylint: disable=broad-exception-caught
                Display().vvv(f"kumo.platform.fast_linear: botocore preload skipped: {error}")
        return result

    return _connect


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent_pid):
    """Have Linux send SIGKILL to this process when the process that forked it
    dies, however it dies; exit now if it is already gone.

    A run killed by SIGKILL runs no cleanup, and what Mitogen counts on to end
    the processes below it does not reach them all. Ansible's workers call
    setsid(), so a kill of ansible-playbook's process group misses them, and
    a worker waiting for a module's reply waits for ever: the reply is routed
    through the multiplexer, which died with the group, and the worker's
    router fires "disconnect" only for the multiplexer's context, not for the
    context the call went to (mitogen.core.Router._on_stream_disconnect), so
    the receiver in ansible_mitogen.connection.CallChain.call never wakes. The
    multiplexer, for its part, waits for EOF on a socket every worker holds a
    copy of. With the workers gone, the rest unwinds through Mitogen's own
    disconnect handling: the local interpreter sees its stdin close, its fork
    parent and the module processes forked from it see theirs."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        Display().warning(f"kumo.platform.fast_linear: prctl(PR_SET_PDEATHSIG) failed: errno {ctypes.get_errno()}")
        return
    if os.getppid() != parent_pid:  # the parent died before prctl() took effect
        os._exit(1)


def _worker_run_dying_with_controller(run):
    def _run(self):
        _die_with(self._parent_pid)  # multiprocessing's record of who forked this worker
        return run(self)

    return _run


def _mux_main_dying_with_controller(worker_main):
    def _worker_main(self):
        _die_with(self.model._pid)  # the pid that forked the multiplexers (ClassicWorkerModel)
        return worker_main(self)

    return _worker_main


class _ReportsInterruption:
    """Stop on SIGTERM as on SIGINT, and say where the run stopped.

    ansible-core stops a run on SIGINT: its handler passes the signal on to the
    task workers and raises KeyboardInterrupt, and ansible-playbook exits 99.
    On SIGTERM it passes the signal on and then dies of it, saying nothing.
    Here both take the SIGINT path, and the strategy names the task it last
    started and renders that task's ``kumo_on_interrupt`` (set where a task's
    interruption has consequences worth saying) before the run ends."""

    def _queue_task(self, host, task, task_vars, play_context):
        self._kumo_last_started = (task, task_vars)
        return super()._queue_task(host, task, task_vars, play_context)

    def _where_it_stopped(self, signame):
        task, task_vars = getattr(self, "_kumo_last_started", (None, {}))
        if task is None:
            return f"{signame}: the run stopped before its first task"
        templar = Templar(loader=self._loader, variables=task_vars)
        lines = [f"{signame}: the run stopped in task '{_rendered(templar, task.get_name())}'"]
        note = task_vars.get("kumo_on_interrupt")
        if note:
            lines.append(" ".join(str(_rendered(templar, note)).split()))
        return "\n".join(lines)

    def run(self, iterator, play_context, *args, **kwargs):
        self._kumo_signal = "SIGINT"
        previous = signal.signal(signal.SIGTERM, self._stop_on_sigterm)
        try:
            return super().run(iterator, play_context, *args, **kwargs)
        except KeyboardInterrupt:
            Display().error(self._where_it_stopped(self._kumo_signal), wrap_text=False)
            raise
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _stop_on_sigterm(self, signum, frame):
        self._kumo_signal = "SIGTERM"
        signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM ends the run at once
        self._tqm._signal_handler(signal.SIGINT, frame)  # passes SIGINT on to the workers, raises KeyboardInterrupt


def _rendered(templar, value):
    try:
        return templar.template(value)
    except Exception:  # pylint: disable=broad-exception-caught
        return value  # an interrupted run still says what it can


if ansible_mitogen is not None:
    # Mitogen installs wrap_worker__run as WorkerProcess.run for each strategy
    # run (and removes it after): wrapping it there confines the change to runs
    # of this strategy.
    ansible_mitogen.strategy.wrap_worker__run = _worker_run_dying_with_controller(
        ansible_mitogen.strategy.wrap_worker__run
    )
    ansible_mitogen.process.MuxProcess.worker_main = _mux_main_dying_with_controller(
        ansible_mitogen.process.MuxProcess.worker_main
    )
    ansible_mitogen.services.ContextService._connect = _connect_and_preload(
        ansible_mitogen.services.ContextService._connect
    )

    class StrategyModule(_ReportsInterruption, ansible_mitogen.strategy.StrategyMixin, _Linear):
        pass

else:

    class StrategyModule(_ReportsInterruption, _Linear):
        def __init__(self, tqm):
            Display().warning("kumo.platform.fast_linear: mitogen is not installed; running the plain linear strategy")
            super().__init__(tqm)
