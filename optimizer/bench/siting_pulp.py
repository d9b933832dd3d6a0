"""The reference siting engine: countyopt's facility-location model written in PuLP, solved by CBC.

The same formulations as :mod:`optimizer.siting.mip` (capacitated problems:
the pair model with linking rows; uncapacitated and p-median problems:
Elloumi's radius formulation in chained form), written independently in
PuLP and solved by PuLP's bundled CBC, one thread, relative gap 0. PuLP
reports a CBC time-out as "Optimal", so the verdict is read from PuLP's
*solution* status (1 optimal, 2 feasible).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

# OR-Tools before PuLP: OR-Tools' HiGHS backend crashes the process if PuLP
# was imported first (see optimizer.siting.mip.create_solver).
import optimizer.siting.mip  # isort: skip
import pulp  # isort: skip

from optimizer.siting.problem import FacilityProblem
from optimizer.siting.result import Decision

_HALF = 0.5
_SHARE_EPS = 1e-9


@dataclass(frozen=True)
class PulpRun:
    """What CBC returned: its verdict, the plan (None without one) and the time taken."""

    status: str  # "optimal", "feasible", "no_solution", "infeasible"
    decision: Decision | None
    seconds: float


def solve_pulp(problem: FacilityProblem, time_limit_s: float) -> PulpRun:
    """Solve ``problem`` with PuLP + CBC to a proven optimum within ``time_limit_s``."""
    start = time.perf_counter()
    lp = pulp.LpProblem("siting", pulp.LpMinimize)
    m = len(problem.facilities)
    y = {i: pulp.LpVariable(f"open_{i}", cat="Binary") for i in range(m)}
    fixed = [problem.options[i][0].fixed_cost for i in range(m)]
    cost, allowed = problem.assign_cost, problem.allowed
    cover = optimizer.siting.mip.uses_cover(problem)
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    if cover:
        terms = []
        for j in range(len(problem.customers)):
            levels = np.unique(cost[allowed[:, j], j])
            z = {k: pulp.LpVariable(f"z_{j}_{k}", 0, 1) for k in range(1, len(levels))}
            terms.append(float(levels[0]))
            terms += [float(levels[k] - levels[k - 1]) * z[k] for k in z]
            at: dict[int, list[pulp.LpVariable]] = {}
            for site in np.flatnonzero(allowed[:, j]):
                level = int(np.searchsorted(levels, cost[site, j]))
                at.setdefault(level, []).append(y[int(site)])
            for k in range(len(levels)):
                before = z[k] if k > 0 else 1.0
                after = z[k + 1] if k + 1 < len(levels) else 0.0
                lp += after + pulp.lpSum(at.get(k, [])) >= before, f"cover_{j}_{k}"
        lp += pulp.lpSum(fixed[i] * y[i] for i in y) + pulp.lpSum(terms)
    else:
        cat = "Binary" if problem.single_source else "Continuous"
        pairs = list(zip(*np.nonzero(allowed), strict=True))
        x = {(int(i), int(j)): pulp.LpVariable(f"x_{i}_{j}", 0, 1, cat=cat) for i, j in pairs}
        lp += pulp.lpSum(fixed[i] * y[i] for i in y) + pulp.lpSum(
            float(cost[i, j]) * v for (i, j), v in x.items()
        )
        for j in range(len(problem.customers)):
            lp += pulp.lpSum(x[i, jj] for (i, jj) in x if jj == j) == 1, f"assign_{j}"
        for (i, j), v in x.items():
            lp += v <= y[i], f"link_{i}_{j}"
        for i in range(m):
            cap = problem.options[i][0].capacity
            if cap is not None:
                load = pulp.lpSum(
                    float(problem.demand[j]) * v for (ii, j), v in x.items() if ii == i
                )
                lp += load <= cap * y[i], f"capacity_{i}"
    if problem.num_open is not None:
        lp += pulp.lpSum(y.values()) == problem.num_open, "num_open"
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=0.0, threads=1)
    lp.solve(solver)
    elapsed = time.perf_counter() - start
    status = {1: "optimal", 2: "feasible", 0: "no_solution", -1: "infeasible"}.get(
        lp.sol_status, f"status {lp.sol_status}"
    )
    if lp.sol_status not in (1, 2):
        return PulpRun(status, None, elapsed)
    opened = {
        problem.facilities[i]: problem.options[i][0].size_class
        for i, v in y.items()
        if (v.varValue or 0.0) > _HALF
    }
    return PulpRun(status, _decision(problem, opened, x, cover), elapsed)


def _decision(
    problem: FacilityProblem,
    opened: dict[str, str],
    x: dict[tuple[int, int], pulp.LpVariable],
    cover: bool,
) -> Decision:
    if cover:  # every customer goes to its cheapest open facility
        rows = [problem.facility_index(f) for f in opened]
        cost = np.where(problem.allowed, problem.assign_cost, np.inf)[rows, :]
        best = np.argmin(cost, axis=0)
        return Decision(
            opened,
            {c: {problem.facilities[rows[best[j]]]: 1.0} for j, c in enumerate(problem.customers)},
        )
    shares: dict[str, dict[str, float]] = {}
    for (i, j), v in x.items():
        value = v.varValue or 0.0
        if value > _SHARE_EPS:
            shares.setdefault(problem.customers[j], {})[problem.facilities[i]] = value
    assignment = {}
    for c, got in shares.items():
        if problem.single_source:
            assignment[c] = {max(sorted(got), key=lambda f: got[f]): 1.0}
        else:
            total = sum(got.values())
            assignment[c] = {f: s / total for f, s in got.items()}
    return Decision(opened, assignment)
