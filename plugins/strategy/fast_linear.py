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
  - Falls back to the plain C(linear) strategy, with a warning, when the
    C(mitogen) package is not installed.
  - "C(make bench) measures it against C(linear): see README.md."
author:
  - Kumo developers (@kumo-platform)
"""

from ansible.plugins.strategy.linear import StrategyModule as _Linear
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # installs Mitogen's plugin loaders
    import ansible_mitogen.strategy
except ImportError:
    ansible_mitogen = None


if ansible_mitogen is not None:

    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _Linear):
        pass

else:

    class StrategyModule(_Linear):
        def __init__(self, tqm):
            Display().warning("kumo.platform.fast_linear: mitogen is not installed; running the plain linear strategy")
            super().__init__(tqm)
