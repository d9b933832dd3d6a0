"""Explain why a siting problem has no plan, in the planner's terms.

Checks that need no solver run before the solve (uncoverable customers, too
few sites, forced sites over budget, too little capacity); after an
infeasible solve the MIP adapter measures the least capital any plan needs
and :func:`explain_budget` compares it with the budget.
"""

from __future__ import annotations

import numpy as np

from optimizer.siting.problem import FacilityProblem, Status


def _max_capacity(problem: FacilityProblem, i: int) -> float:
    caps = [o.capacity for o in problem.options[i]]
    return float("inf") if any(c is None for c in caps) else max(c or 0.0 for c in caps)


def diagnose_before(problem: FacilityProblem) -> tuple[str, ...]:
    """Return the reasons, visible without solving, why ``problem`` has no plan."""
    found: list[str] = []
    allowed = problem.allowed
    uncovered = [c for j, c in enumerate(problem.customers) if not allowed[:, j].any()]
    if uncovered:
        head = ", ".join(uncovered[:20]) + (" …" if len(uncovered) > 20 else "")
        found.append(
            f"{len(uncovered)} customer(s) have no facility that may serve them "
            f"(haul limit, stream or closed sites): {head}"
        )
    forced = [i for i, s in enumerate(problem.status) if s is Status.OPEN]
    usable = [i for i, s in enumerate(problem.status) if s is not Status.CLOSED]
    if problem.num_open is not None:
        if len(forced) > problem.num_open:
            found.append(f"{len(forced)} facilities must open but only {problem.num_open} may")
        if len(usable) < problem.num_open:
            found.append(f"{problem.num_open} facilities must open but only {len(usable)} may")
    if problem.budget is not None:
        least = sum(min(o.capital for o in problem.options[i]) for i in forced)
        if least > problem.budget:
            found.append(
                f"the capital budget {problem.budget:,.0f} is below the {least:,.0f} "
                "that the sites which must open need"
            )
    caps = np.array(
        [_max_capacity(problem, i) if i in usable else 0.0 for i in range(len(problem.facilities))]
    )
    if problem.single_source:
        for j, cid in enumerate(problem.customers):
            reach = caps[allowed[:, j]]
            if reach.size and problem.demand[j] > reach.max():
                found.append(
                    f"customer {cid}: demand {problem.demand[j]:,.1f} exceeds the largest "
                    f"capacity among the facilities that may serve it ({reach.max():,.1f})"
                )
    total = float(problem.demand.sum())
    if problem.capacitated and total > caps[usable].sum():
        found.append(
            f"total demand {total:,.1f} exceeds the largest capacity all sites together "
            f"could have ({caps[usable].sum():,.1f})"
        )
    return tuple(found)


def explain_budget(problem: FacilityProblem, least_capital: float | None) -> list[str]:
    """Say whether the budget is what makes ``problem`` infeasible.

    Parameters
    ----------
    problem
        The infeasible problem (with a budget).
    least_capital
        The least capital of any plan without the budget, or None if even
        that has no plan.

    """
    if problem.budget is None or least_capital is None:
        return []
    if least_capital > problem.budget * (1 + 1e-9):
        return [
            f"the capital budget {problem.budget:,.0f} is too small: the cheapest plan that "
            f"covers all demand within the haul and capacity limits needs {least_capital:,.0f}"
        ]
    return []
