# -*- coding: utf-8 -*-

# Copyright (c) 2026 Kumo developers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An environment's variables as a run sees them, read from files without Ansible.

``load_vars(inventory_dir)`` lays ``inventories/<env>/group_vars/all/*.yml``
over the layer roles' ``defaults/main.yml``, as Ansible layers them (values are
not templated). ``scripts/diagram.py`` and ``scripts/cost.py`` read inventories
with it; the ``kumo.platform.cost`` filter reads the role defaults with it
(Ansible gives it the inventory's values).
"""

from pathlib import Path

import yaml

# This collection's root (plugins/plugin_utils/inventory.py is two levels down).
COLLECTION_ROOT = Path(__file__).resolve().parent.parent.parent
# The roles whose defaults an environment's run sees, in site.yml's order, then deploy.
ROLES = ("network", "endpoints", "ecs_capacity", "alb", "cdn_waf", "monitoring", "deploy")


class InventoryError(Exception):
    pass


def load_mapping(path):
    """A YAML file that holds one mapping (an empty file is an empty one)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise InventoryError(f"{path}: expected a mapping, got {type(data).__name__}")
    return data


def role_defaults(roles_dir=None, roles=ROLES):
    """Every layer role's defaults, later roles over earlier ones."""
    roles_dir = Path(roles_dir) if roles_dir else COLLECTION_ROOT / "roles"
    values = {}
    for role in roles:
        defaults = roles_dir / role / "defaults" / "main.yml"
        if defaults.exists():
            values.update(load_mapping(defaults))
    return values


def load_vars(inventory_dir, roles_dir=None):
    """The variables one environment's run sees: role defaults, then the inventory's group_vars/all."""
    values = role_defaults(roles_dir)
    group_vars = Path(inventory_dir) / "group_vars" / "all"
    files = sorted(group_vars.glob("*.yml")) + sorted(group_vars.glob("*.yaml"))
    if not files:
        raise InventoryError(f"{group_vars}: no *.yml files")
    for path in files:
        values.update(load_mapping(path))
    return values


def environments(inventories):
    """The environments under an inventories directory (those with group_vars/all)."""
    return sorted(p.name for p in Path(inventories).iterdir() if (p / "group_vars" / "all").is_dir())
