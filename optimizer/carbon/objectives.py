"""Objective modes: least cost, least emissions within a budget, caps, and the trade-off curve.

Every mode builds the OSeMOSYS model of the data, changes its objective or
adds a named constraint, and solves. Emission amounts are in the model's
emission unit, costs in its cost unit (total discounted cost).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pulp

from optimizer.carbon.data import EnergyData
from optimizer.carbon.model import EnergyModel, build
from optimizer.carbon.result import CarbonResult, extract
from optimizer.carbon.solve import SolveParams, solve


def emissions_expression(
    model: EnergyModel, emission: str, years: tuple[int, ...] | None = None
) -> pulp.LpAffineExpression:
    """Return the emission of one kind summed over regions and (some) years."""
    terms: dict[pulp.LpVariable, float] = {}
    for (_, e, y), expr in model.emissions.items():
        if e == emission and (years is None or y in years):
            for var, coef in expr.items():
                terms[var] = terms.get(var, 0.0) + coef
    return pulp.LpAffineExpression(terms)


def _cap(model: EnergyModel, name: str, expr: pulp.LpAffineExpression, limit: float) -> None:
    model.prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, name, limit))


def minimise_cost(
    data: EnergyData,
    *,
    emission: str = "CO2",
    cap: float | None = None,
    pathway: Mapping[int, float] | None = None,
    params: SolveParams | None = None,
) -> CarbonResult:
    """Minimise total discounted cost, optionally under a model-period cap or a yearly pathway.

    Parameters
    ----------
    data
        The model data.
    emission
        The emission the cap or pathway limits.
    cap
        Limit on the emission summed over the horizon.
    pathway
        Limit on the emission per year (years not listed are free).
    params
        Solver settings.

    """
    model = build(data)
    if cap is not None:
        _cap(model, f"cap_model_period_{emission}", emissions_expression(model, emission), cap)
    for year, limit in sorted((pathway or {}).items()):
        expr = emissions_expression(model, emission, (int(year),))
        _cap(model, f"cap_pathway_{emission}_{year}", expr, limit)
    outcome = solve(model, params=params)
    return extract(model, outcome, "cost")


def minimise_emissions(
    data: EnergyData,
    *,
    emission: str = "CO2",
    budget: float | None = None,
    years: tuple[int, ...] | None = None,
    params: SolveParams | None = None,
) -> CarbonResult:
    """Minimise the emission over the horizon (or ``years``) within a budget, then the cost.

    The second solve keeps the emission at its minimum (relative tolerance
    1e-6) and finds the cheapest way there, so the plan reported does not
    spend the whole budget when less reaches the same emission.
    """
    model = build(data)
    emitted = emissions_expression(model, emission, years)
    if budget is not None:
        _cap(model, "budget_total_discounted_cost", model.cost, budget)
    model.prob.setObjective(emitted)
    first = solve(model, params=params)
    if not first.has_solution:
        return extract(model, first, "emissions")
    lowest = float(emitted.value() or 0.0)
    _cap(model, f"hold_minimum_{emission}", emitted, lowest + 1e-6 * max(1.0, abs(lowest)))
    model.prob.setObjective(model.cost)
    second = solve(model, params=params)
    if not second.has_solution:  # numerical trouble: report the first plan
        model.prob.setObjective(emitted)
        return extract(model, solve(model, params=params), "emissions")
    return extract(model, second, "emissions")


@dataclass(frozen=True)
class TradeoffPoint:
    """One point of the cost–emissions curve: the cap and the least-cost plan under it."""

    cap: float
    cost: float | None
    emissions: float | None
    status: str


def _point(args: tuple[EnergyData, str, float, SolveParams | None]) -> TradeoffPoint:
    data, emission, cap, params = args
    result = minimise_cost(data, emission=emission, cap=cap, params=params)
    ok = result.outcome.has_solution
    return TradeoffPoint(
        cap=cap,
        cost=result.total_discounted_cost if ok else None,
        emissions=result.emissions_total(emission) if ok else None,
        status=result.outcome.status,
    )


def tradeoff(
    data: EnergyData,
    *,
    points: int,
    emission: str = "CO2",
    params: SolveParams | None = None,
    processes: int | None = None,
) -> list[TradeoffPoint]:
    """Return an epsilon-constraint cost–emissions curve of ``points`` points.

    The ends are the least-cost plan and the least-emission plan; the caps in
    between are evenly spaced, and each is solved in its own process.
    """
    if points < 2:
        raise ValueError("a trade-off curve needs at least 2 points")
    cheapest = minimise_cost(data, emission=emission, params=params)
    cleanest = minimise_emissions(data, emission=emission, params=params)
    if not (cheapest.outcome.has_solution and cleanest.outcome.has_solution):
        raise RuntimeError("the model has no feasible plan; run diagnose() for the reason")
    high = cheapest.emissions_total(emission)
    low = cleanest.emissions_total(emission)
    caps = [low + (high - low) * k / (points - 1) for k in range(points)]
    # The cleanest end needs the tolerance the lexicographic solve used.
    caps[0] = low + 1e-6 * max(1.0, abs(low))
    jobs = [(data, emission, cap, params) for cap in caps]
    workers = max(1, min(processes or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        return [_point(job) for job in jobs]
    # spawn, not fork: solver libraries hold threads and state that fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_point, jobs))
