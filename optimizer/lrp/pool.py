"""A pool of routes and the MIP that picks open depots and routes from it together.

Each pooled route is a cycle through its customers; moved to depot ``i`` it
is cut open where inserting the depot costs least (:meth:`RoutePool.reroot`).
The MIP (OR-Tools ``pywraplp`` with HiGHS) opens depots and picks, for each
open depot, routes from the pool such that every customer is covered, each
depot serves at most its capacity, and depot opening + route fixed + travel
costs are least. Routes re-rooted to depots they were not built for are
estimates of what routing from there would cost; real routing then improves
them (:mod:`optimizer.lrp.solve`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp

from optimizer.lrp.check import LrpPlan, LrpRoute
from optimizer.lrp.instance import LrpInstance

# Depots each route may be moved to in the MIP (the cheapest re-rootings,
# plus the depot it was built for): keeps the model small on 10+ depots.
DEPOTS_PER_ROUTE = 4
_HALF = 0.5
BACKEND = "HIGHS"


@dataclass(frozen=True)
class PoolRoute:
    """A pooled route: its customers in cycle order, load and cycle cost (no depot)."""

    customers: tuple[int, ...]
    load: float
    cycle: float
    home: int  # the depot it was built for


class RoutePool:
    """Distinct customer sets with the cheapest known cycle through each."""

    def __init__(self, inst: LrpInstance, cost: NDArray[np.float64]) -> None:
        self.inst = inst
        self.cost = cost
        self.routes: dict[frozenset[int], PoolRoute] = {}

    def __len__(self) -> int:
        return len(self.routes)

    def _cycle(self, customers: Sequence[int]) -> float:
        m = self.inst.num_depots
        nodes = [m + c for c in customers]
        return float(
            sum(self.cost[a, b] for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True))
        )

    def add(self, routes: Iterable[LrpRoute]) -> int:
        """Add routes (a cheaper cycle replaces a known one); return how many were new or better."""
        changed = 0
        for r in routes:
            if not r.customers:
                continue
            key = frozenset(r.customers)
            cycle = self._cycle(r.customers) if len(r.customers) > 1 else 0.0
            held = self.routes.get(key)
            if held is None or cycle < held.cycle - 1e-9:
                load = float(sum(self.inst.demand[c] for c in r.customers))
                self.routes[key] = PoolRoute(tuple(r.customers), load, cycle, r.depot)
                changed += 1
        return changed

    def reroot(self, route: PoolRoute, depot: int) -> tuple[float, tuple[int, ...]]:
        """Return the travel cost of ``route`` from ``depot`` and its visiting order from there."""
        m = self.inst.num_depots
        seq = route.customers
        nodes = np.array([m + c for c in seq])
        nxt = np.roll(nodes, -1)
        cut = self.cost[nodes, nxt]
        gain = self.cost[depot, nodes] + self.cost[nxt, depot] - cut
        k = int(np.argmin(gain)) if len(seq) > 1 else 0
        if len(seq) == 1:
            return float(2 * self.cost[depot, nodes[0]]), seq
        # Leave the depot to seq[k+1], run round the cycle, return from seq[k].
        order = seq[k + 1 :] + seq[: k + 1]
        return route.cycle + float(gain[k]), order


@dataclass(frozen=True)
class PoolChoice:
    """What the pool MIP chose: a plan (duplicates removed) and the MIP's cost estimate."""

    plan: LrpPlan
    estimate: float
    proven: bool


def choose(
    pool: RoutePool,
    *,
    fixed_open: frozenset[int] | None = None,
    time_limit_s: float = 30.0,
) -> PoolChoice | None:
    """Solve the pool MIP; return its plan, or None if it finds none in time.

    Parameters
    ----------
    pool
        The routes to choose from.
    fixed_open
        If given, exactly these depots open.
    time_limit_s
        The MIP's time limit; the best plan found by then is returned.

    """
    inst = pool.inst
    m = inst.num_depots
    solver = pywraplp.Solver.CreateSolver(BACKEND)
    solver.SetTimeLimit(max(1, round(time_limit_s * 1000)))
    solver.SetNumThreads(1)
    y = [solver.BoolVar(f"open[D{i + 1}]") for i in range(m)]
    routes = list(pool.routes.values())
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    cost: dict[tuple[int, int], float] = {}
    order: dict[tuple[int, int], tuple[int, ...]] = {}
    for r, pr in enumerate(routes):
        options = []
        for i in range(m):
            if fixed_open is not None and i not in fixed_open:
                continue
            travel, seq = pool.reroot(pr, i)
            options.append((travel, i, seq))
        options.sort()
        keep = options[:DEPOTS_PER_ROUTE] + [
            o for o in options[DEPOTS_PER_ROUTE:] if o[1] == pr.home
        ]
        for travel, i, seq in keep:
            x[r, i] = solver.BoolVar(f"use[R{r},D{i + 1}]")
            cost[r, i] = travel + inst.route_cost
            order[r, i] = seq
    by_customer: dict[int, list[pywraplp.Variable]] = {j: [] for j in range(inst.num_customers)}
    by_depot: dict[int, list[tuple[float, pywraplp.Variable]]] = {i: [] for i in range(m)}
    for (r, i), var in x.items():
        for j in routes[r].customers:
            by_customer[j].append(var)
        by_depot[i].append((routes[r].load, var))
        solver.Add(var <= y[i], f"link[R{r},D{i + 1}]")
    for j, vars_ in by_customer.items():
        if not vars_:
            return None
        solver.Add(solver.Sum(vars_) >= 1, f"cover[C{j + 1}]")
    # The strong linking of facility location: a customer is served from an
    # open depot at most once. Valid for the plans kept (duplicates are
    # removed anyway) and far tighter than the capacity rows alone.
    served_from: dict[tuple[int, int], list[pywraplp.Variable]] = {}
    for (r, i), var in x.items():
        for j in routes[r].customers:
            served_from.setdefault((j, i), []).append(var)
    for (j, i), vars_ in served_from.items():
        if len(vars_) > 1:
            solver.Add(solver.Sum(vars_) <= y[i], f"serve[C{j + 1},D{i + 1}]")
    solver.Add(
        solver.Sum([inst.depot_capacity[i] * y[i] for i in range(m)]) >= inst.total_demand,
        "total_capacity",
    )
    for i in range(m):
        used = by_depot[i]
        if used:
            solver.Add(
                solver.Sum([load * v for load, v in used]) <= inst.depot_capacity[i] * y[i],
                f"capacity[D{i + 1}]",
            )
        if fixed_open is not None:
            y[i].SetBounds(*((1, 1) if i in fixed_open else (0, 0)))
    solver.Minimize(
        solver.Sum([inst.opening_cost[i] * y[i] for i in range(m)])
        + solver.Sum([cost[k] * v for k, v in x.items()])
    )
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    opened = tuple(i for i in range(m) if y[i].solution_value() > _HALF)
    chosen = [LrpRoute(i, order[r, i]) for (r, i), v in x.items() if v.solution_value() > _HALF]
    plan = LrpPlan(opened, tuple(without_duplicates(pool, chosen)))
    return PoolChoice(plan, solver.Objective().Value(), status == pywraplp.Solver.OPTIMAL)


def without_duplicates(pool: RoutePool, routes: list[LrpRoute]) -> list[LrpRoute]:
    """Return ``routes`` with each customer kept once (removed where removing saves most)."""
    cost, m = pool.cost, pool.inst.num_depots
    routes = [LrpRoute(r.depot, tuple(r.customers)) for r in routes]
    count: dict[int, int] = {}
    for r in routes:
        for c in r.customers:
            count[c] = count.get(c, 0) + 1
    for c in sorted(j for j, k in count.items() if k > 1):
        holders = [k for k, r in enumerate(routes) if c in r.customers]

        def saving(k: int, c: int = c) -> float:
            r = routes[k]
            nodes = [r.depot, *(m + v for v in r.customers), r.depot]
            p = nodes.index(m + c)
            return float(
                cost[nodes[p - 1], nodes[p]]
                + cost[nodes[p], nodes[p + 1]]
                - cost[nodes[p - 1], nodes[p + 1]]
            )

        keep = min(holders, key=saving)
        for k in holders:
            if k != keep:
                r = routes[k]
                routes[k] = LrpRoute(r.depot, tuple(v for v in r.customers if v != c))
    return [r for r in routes if r.customers]
