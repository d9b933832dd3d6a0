"""Explain why a carbon scenario has no feasible plan.

The usual causes a planner can act on: an emission cap below what the
available measures can reach (the lowest reachable value is found by solving
minimum emissions without the cap), a budget below the cheapest plan, or a
data problem making even the unconstrained model infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.carbon.data import EnergyData
from optimizer.carbon.objectives import minimise_cost, minimise_emissions
from optimizer.carbon.solve import SolveParams


@dataclass(frozen=True)
class Diagnosis:
    """Why no plan exists: a cause, and the value that would be reachable (model units)."""

    cause: str  # "cap_below_reachable" | "budget_below_cheapest" | "base_model_infeasible"
    reachable: float | None
    detail: str


def diagnose(
    data: EnergyData,
    *,
    emission: str = "CO2",
    cap: float | None = None,
    budget: float | None = None,
    params: SolveParams | None = None,
) -> Diagnosis:
    """Return why minimising under ``cap`` or ``budget`` is infeasible."""
    base = minimise_cost(data, emission=emission, params=params)
    if not base.outcome.has_solution:
        return Diagnosis(
            "base_model_infeasible",
            None,
            f"even without a cap or budget the model has no plan ({base.outcome.status}): "
            "check that every demand has a technology able to supply it",
        )
    if budget is not None and base.total_discounted_cost > budget:
        return Diagnosis(
            "budget_below_cheapest",
            base.total_discounted_cost,
            "the budget is below the total discounted cost of the cheapest plan",
        )
    if cap is not None:
        lowest = minimise_emissions(data, emission=emission, budget=budget, params=params)
        if lowest.outcome.has_solution:
            reach = lowest.emissions_total(emission)
            if reach > cap:
                return Diagnosis(
                    "cap_below_reachable",
                    reach,
                    f"the cap is below the lowest {emission} the available measures can reach",
                )
    return Diagnosis(
        "unknown", None, "no single cause found; write the LP (--write-lp) to inspect it"
    )
