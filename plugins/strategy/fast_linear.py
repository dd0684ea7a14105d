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
  - Falls back to the plain C(linear) strategy, with a warning, when the
    C(mitogen) package is not installed.
  - "C(make bench) measures it against C(linear): see README.md."
author:
  - Kumo developers (@kumo-platform)
"""

import os

from ansible.plugins.strategy.linear import StrategyModule as _Linear
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # installs Mitogen's plugin loaders
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


if ansible_mitogen is not None:
    ansible_mitogen.services.ContextService._connect = _connect_and_preload(
        ansible_mitogen.services.ContextService._connect
    )

    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _Linear):
        pass

else:

    class StrategyModule(_Linear):
        def __init__(self, tqm):
            Display().warning("kumo.platform.fast_linear: mitogen is not installed; running the plain linear strategy")
            super().__init__(tqm)
