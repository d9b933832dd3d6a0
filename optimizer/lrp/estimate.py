"""Screen open-depot sets by an estimated routing cost, before routing any of them.

A route from depot ``i`` pays its fixed cost and the drive out to its
customers and back; shared by load, a customer ``j`` with demand ``q_j``
costs about ``q_j / (FILL × Q) × (F + 2 d_ij)`` to serve from ``i`` (the
radial part of Daganzo's route-length approximation; the tour between
customers depends little on the depot and is left out). A depot set's
estimate is its opening cost plus the cheapest assignment of customers to
its depots within their capacities (a transportation LP, split demand).
Every capacity-feasible set is ranked by a lower bound (each customer at
its cheapest open depot), and the best of them by the LP.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from optimizer.lrp.instance import LrpInstance

# Routes leave the depot about this full (a planning assumption).
FILL = 0.9
# Sets ranked by the capacitated LP, out of those with the best lower bounds.
LP_SHORTLIST = 40
# Above this many subsets, only sets of the fewest depots that can hold the
# demand and the next two sizes are listed.
MAX_SUBSETS = 20_000


@dataclass(frozen=True)
class DepotSet:
    """A candidate open-depot set and its estimated cost (opening + radial routing)."""

    depots: frozenset[int]
    estimate: float


def radial_costs(inst: LrpInstance, cost: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the estimated cost of serving each customer (columns) from each depot (rows)."""
    m = inst.num_depots
    share = np.asarray(inst.demand, dtype=np.float64) / (FILL * inst.vehicle_capacity)
    out: NDArray[np.float64] = share[None, :] * (inst.route_cost + 2.0 * cost[:m, m:])
    return out


def _subsets(inst: LrpInstance) -> list[tuple[int, ...]]:
    m = inst.num_depots
    caps = np.asarray(inst.depot_capacity)
    need = inst.total_demand
    sizes = range(1, m + 1)
    if 2**m > MAX_SUBSETS:
        fewest = int(np.searchsorted(np.cumsum(np.sort(caps)[::-1]), need)) + 1
        sizes = range(fewest, min(m, fewest + 2) + 1)
    return [
        s
        for k in sizes
        for s in itertools.combinations(range(m), k)
        if caps[list(s)].sum() >= need - 1e-9
    ]


def transport_cost(
    inst: LrpInstance, est: NDArray[np.float64], depots: tuple[int, ...]
) -> float | None:
    """Return the cheapest capacitated (split) assignment cost to ``depots``, or None if none."""
    k, n = len(depots), inst.num_customers
    c = est[list(depots), :].ravel()
    rows = np.repeat(np.arange(n)[None, :], k, axis=0).ravel()
    cols = np.arange(k * n)
    a_eq = coo_matrix((np.ones(k * n), (rows, cols)), shape=(n, k * n))
    demand = np.asarray(inst.demand, dtype=np.float64)
    a_ub = coo_matrix((np.tile(demand, k), (np.repeat(np.arange(k), n), cols)), shape=(k, k * n))
    caps = np.asarray([inst.depot_capacity[i] for i in depots])
    res = linprog(
        c, A_ub=a_ub, b_ub=caps, A_eq=a_eq, b_eq=np.ones(n), bounds=(0, 1), method="highs"
    )
    return float(res.fun) if res.status == 0 else None


def candidate_sets(inst: LrpInstance, cost: NDArray[np.float64], *, count: int) -> list[DepotSet]:
    """Return up to ``count`` depot sets in order of estimated cost (best first)."""
    est = radial_costs(inst, cost)
    opening = np.asarray(inst.opening_cost, dtype=np.float64)
    ranked: list[tuple[float, tuple[int, ...]]] = []
    subsets = _subsets(inst)
    for start in range(0, len(subsets), 512):
        chunk = subsets[start : start + 512]
        mask = np.zeros((len(chunk), inst.num_depots), dtype=bool)
        for r, s in enumerate(chunk):
            mask[r, list(s)] = True
        nearest = np.where(mask[:, :, None], est[None, :, :], np.inf).min(axis=1).sum(axis=1)
        bound = nearest + (mask * opening[None, :]).sum(axis=1)
        ranked += [(float(b), s) for b, s in zip(bound, chunk, strict=True)]
    ranked.sort()
    out = []
    for _, s in ranked[: max(count, LP_SHORTLIST)]:
        value = transport_cost(inst, est, s)
        if value is not None:
            out.append(DepotSet(frozenset(s), value + float(opening[list(s)].sum())))
    out.sort(key=lambda d: (d.estimate, sorted(d.depots)))
    return out[:count]


def assign_customers(
    inst: LrpInstance,
    est: NDArray[np.float64],
    depots: Sequence[int],
    *,
    time_limit_s: float = 5.0,
) -> dict[int, list[int]] | None:
    """Return each customer assigned whole to one of ``depots`` within capacities, or None.

    The cheapest single-source assignment by the radial costs ``est`` (a
    small MIP, OR-Tools with HiGHS). When capacities are tight (Prodhon's
    100-10-1b: three depots holding exactly the demand), routing from all
    depots at once rarely respects them; routing each cluster alone does.
    """
    n = inst.num_customers
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    solver.SetNumThreads(1)
    solver.SetTimeLimit(max(1, round(time_limit_s * 1000)))
    x = {(i, j): solver.BoolVar(f"serve[D{i + 1},C{j + 1}]") for i in depots for j in range(n)}
    for j in range(n):
        solver.Add(solver.Sum([x[i, j] for i in depots]) == 1, f"assign[C{j + 1}]")
    for i in depots:
        solver.Add(
            solver.Sum([inst.demand[j] * x[i, j] for j in range(n)]) <= inst.depot_capacity[i],
            f"capacity[D{i + 1}]",
        )
    solver.Minimize(solver.Sum([float(est[i, j]) * x[i, j] for i in depots for j in range(n)]))
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    return {i: [j for j in range(n) if x[i, j].solution_value() > 0.5] for i in depots}
