"""The PyVRP adapter of location-routing: route customers from a given set of open depots.

The only LRP module that sees PyVRP objects. Depot opening costs and depot
capacities are not PyVRP concepts: the caller fixes the open depots, and
depot capacities are enforced by the route-pool MIP
(:mod:`optimizer.lrp.pool`) or by routing each depot's own customers
(a single-depot call), whose total load is within the depot's capacity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyvrp
from numpy.typing import NDArray
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from optimizer.lrp.check import LrpRoute
from optimizer.lrp.instance import LrpInstance

# Real costs (Barreto) become integers for PyVRP at this resolution; the
# checker recomputes the cost in real numbers.
REAL_COST_SCALE = 1000


@dataclass(frozen=True)
class Budget:
    """How long one routing call may search: seconds, and an iteration cap for reproducible runs."""

    seconds: float
    iterations: int | None = None


def integer_costs(inst: LrpInstance, cost: NDArray[np.float64]) -> NDArray[np.int64]:
    """Return the cost matrix as PyVRP's integers (exact for integer-cost instances)."""
    if inst.integer_costs:
        return cost.astype(np.int64)
    return np.rint(cost * REAL_COST_SCALE).astype(np.int64)


def _loads(inst: LrpInstance) -> tuple[list[int], int]:
    """Return integer demands and vehicle capacity (scaled when the file's are not integral)."""
    values = [*inst.demand, inst.vehicle_capacity]
    if all(float(v).is_integer() for v in values):
        return [int(d) for d in inst.demand], int(inst.vehicle_capacity)
    # Round demands up and the capacity down: a route PyVRP accepts is feasible.
    return [math.ceil(d * 1000) for d in inst.demand], math.floor(inst.vehicle_capacity * 1000)


class _Stop:
    """Stop at the budget, or when ``interrupted()`` says so (Ctrl-C)."""

    def __init__(self, limit: StoppingCriterion, interrupted: Callable[[], bool]) -> None:
        self.limit = limit
        self.interrupted = interrupted

    def __call__(self, best_cost: int) -> bool:
        return bool(self.limit(best_cost)) or self.interrupted()


def route(
    inst: LrpInstance,
    matrix: NDArray[np.int64],
    depots: Sequence[int],
    customers: Sequence[int],
    *,
    budget: Budget,
    seed: int,
    start: Sequence[LrpRoute] = (),
    max_routes: Sequence[int] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
) -> list[LrpRoute]:
    """Return routes serving ``customers`` from ``depots`` (a multi-depot VRP).

    Parameters
    ----------
    inst
        The instance (demands, vehicle capacity and route cost).
    matrix
        Integer travel costs between all points, depots first (:func:`integer_costs`).
    depots, customers
        0-based indices of the depots that may be used and the customers to serve.
    budget
        Search time and, for reproducible runs, an iteration cap.
    seed
        PyVRP's random seed.
    start
        Routes to start from (used only if they serve exactly ``customers``
        from ``depots`` within ``max_routes``).
    max_routes
        Routes allowed per depot (same order as ``depots``); default one
        per customer, i.e. no limit.
    interrupted
        Polled during the search; True stops it with the best routes so far.

    """
    if not customers:
        return []
    m = inst.num_depots
    demand, capacity = _loads(inst)
    nodes = [*depots, *(m + c for c in customers)]
    pts = inst.points()
    locations = [pyvrp.Location(float(pts[k, 0]), float(pts[k, 1])) for k in nodes]
    sub = matrix[np.ix_(nodes, nodes)]
    limit = (
        [len(customers)] * len(depots) if max_routes is None else [max(1, v) for v in max_routes]
    )
    route_cost = round(inst.route_cost * (1 if inst.integer_costs else REAL_COST_SCALE))
    data = pyvrp.ProblemData(
        locations,
        [pyvrp.Client(len(depots) + k, delivery=[demand[c]]) for k, c in enumerate(customers)],
        [pyvrp.Depot(k) for k in range(len(depots))],
        [
            pyvrp.VehicleType(
                limit[k], [capacity], start_depot=k, end_depot=k, fixed_cost=route_cost
            )
            for k in range(len(depots))
        ],
        [sub],  # type: ignore[list-item]  # pyvrp's stubs type matrices as ndarray[int]
        [np.zeros_like(sub)],  # type: ignore[list-item]
    )
    stop_at: StoppingCriterion = MaxRuntime(max(0.01, budget.seconds))
    if budget.iterations is not None:
        stop_at = MultipleCriteria([MaxIterations(budget.iterations), stop_at])
    initial = _initial(data, depots, customers, start, limit)
    result = pyvrp.solve(
        data,
        stop=_Stop(stop_at, interrupted),
        seed=seed,
        collect_stats=False,
        initial_solution=initial,
    )
    out = []
    for r in result.best.routes():
        visits = tuple(
            customers[a.idx] for a in r.schedule() if a.type == pyvrp.ActivityType.CLIENT
        )
        out.append(LrpRoute(depots[r.vehicle_type()], visits))
    return out


def _initial(
    data: pyvrp.ProblemData,
    depots: Sequence[int],
    customers: Sequence[int],
    start: Sequence[LrpRoute],
    limit: Sequence[int],
) -> pyvrp.Solution | None:
    if not start:
        return None
    where = {d: k for k, d in enumerate(depots)}
    client = {c: k for k, c in enumerate(customers)}
    served = [c for r in start for c in r.customers]
    if sorted(served) != sorted(customers) or any(r.depot not in where for r in start):
        return None
    if any(sum(r.depot == d for r in start) > limit[k] for d, k in where.items()):
        return None
    routes = [
        pyvrp.Route(
            data,
            [pyvrp.Activity(pyvrp.ActivityType.CLIENT, client[c]) for c in r.customers],
            where[r.depot],
        )
        for r in start
        if r.customers
    ]
    return pyvrp.Solution(data, routes)
