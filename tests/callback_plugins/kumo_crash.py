"""Test-only callback: kill the whole ansible-playbook process group at a chosen task.

KUMO_CRASH_AT_TASK=N kills at the start of the N-th task (counting from 1,
preflight included); KUMO_CRASH_DELAY=S waits S seconds after that start
first, so the kill can land while the task's module is talking to AWS.
Used by tests/e2e/test_crash_recovery.py; never enabled outside tests.
"""

import os
import signal
import threading

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: kumo_crash
type: aggregate
short_description: kill ansible-playbook at the N-th task (tests only)
description: Simulates a crash so tests can prove a re-run converges.
requirements: [KUMO_CRASH_AT_TASK in the environment]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "kumo_crash"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.crash_at = int(os.environ.get("KUMO_CRASH_AT_TASK", "0"))
        self.delay = float(os.environ.get("KUMO_CRASH_DELAY", "0"))
        self.started = 0

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started += 1
        if self.crash_at and self.started == self.crash_at:
            self._display.display(f"kumo_crash: killing the run at task {self.started}: {task.get_name()}")
            if self.delay:
                threading.Timer(self.delay, _kill).start()
            else:
                _kill()


def _kill():
    os.killpg(os.getpgid(0), signal.SIGKILL)
