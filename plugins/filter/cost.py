"""Filters for preflight's budget check: the environment's monthly cost, computed
locally from its variables and meta/prices.yml, with no AWS call."""

from ansible.errors import AnsibleFilterError

from ansible_collections.kumo.platform.plugins.module_utils.cost import CostError, budget_message, estimate
from ansible_collections.kumo.platform.plugins.plugin_utils.inventory import (
    COLLECTION_ROOT,
    InventoryError,
    load_mapping,
    role_defaults,
)

PRICES = COLLECTION_ROOT / "meta" / "prices.yml"


def monthly_cost(variables, prices_file=None):
    """The cost report (``module_utils/cost.py``'s ``estimate``) of the environment
    whose variables are ``variables`` (a dict of the inventory's values, as the
    play sees them), laid over the layer roles' defaults, priced with
    ``prices_file`` (default: the collection's meta/prices.yml)."""
    if not isinstance(variables, dict):
        raise AnsibleFilterError(f"monthly_cost expects a dict of variables, got {type(variables).__name__}")
    values = role_defaults()
    values.update(variables)
    try:
        return estimate(values, load_mapping(prices_file or PRICES))
    except (CostError, InventoryError, OSError) as error:
        raise AnsibleFilterError(f"monthly cost: {error}") from error


def cost_budget_message(report):
    """One sentence: the fixed cost against kumo_monthly_budget, naming the largest drivers."""
    return budget_message(report)


class FilterModule:
    def filters(self):
        return {
            "monthly_cost": monthly_cost,
            "cost_budget_message": cost_budget_message,
        }
