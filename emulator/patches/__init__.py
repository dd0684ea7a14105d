"""Patches that make moto answer as the AWS API reference documents.

One module per gap. Each module has a docstring that names the API, quotes
what AWS returns (with the reference's address), and an ``apply()`` that
changes as little of moto as it can. ``tests/emulator/`` has a test per patch.
"""

import importlib
import pkgutil

_applied = False


def names():
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def apply_all():
    global _applied
    if _applied:
        return
    for name in names():
        importlib.import_module(f"{__name__}.{name}").apply()
    _applied = True
