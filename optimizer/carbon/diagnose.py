"""Explain why a carbon scenario has no feasible plan.

The usual causes a planner can act on: an emission cap below what the
available measures can reach (the lowest reachable value is found by solving
minimum emissions without the cap), a budget below the cheapest plan, or a
data problem making even the unconstrained model infeasible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.carbon.data import EnergyData
from optimizer.carbon.objectives import minimise_cost, minimise_emissions
from optimizer.carbon.solve import SolveParams


@dataclass(frozen=True)
class Diagnosis:
    """Why no plan exists: a cause, and the value that would be reachable (model units)."""

    cause: str  # cap_below_reachable | pathway_below_reachable | budget_below_cheapest | ...
    reachable: float | None
    detail: str
    year: int | None = None  # the pathway year that cannot be met


def diagnose(
    data: EnergyData,
    *,
    emission: str = "CO2",
    cap: float | None = None,
    pathway: Mapping[int, float] | None = None,
    budget: float | None = None,
    params: SolveParams | None = None,
) -> Diagnosis:
    """Return why minimising under ``cap``, ``pathway`` or ``budget`` is infeasible.

    A pathway year is checked alone (the lowest emission of that year the
    measures can reach, whatever the other years do): a year failing that
    test is a cause; passing it is necessary, not sufficient.
    """
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
    for year, limit in sorted((pathway or {}).items()):
        lowest = minimise_emissions(
            data, emission=emission, budget=budget, years=(int(year),), params=params
        )
        if lowest.outcome.has_solution:
            reach = sum(
                v for (_, e, y), v in lowest.annual_emissions.items() if (e, y) == (emission, year)
            )
            if reach > limit * (1 + 1e-9):
                return Diagnosis(
                    "pathway_below_reachable",
                    reach,
                    f"the {year} pathway limit is below the lowest {emission} reachable that year",
                    year=int(year),
                )
    return Diagnosis(
        "unknown", None, "no single cause found; write the LP (--write-lp) to inspect it"
    )
