"""Recompute a siting decision's cost, emissions and capacity use from scratch.

Nothing here trusts the solver: the decision alone (which facilities open at
which size, who serves whom, what flows onward) and the problem data give
every number, and every broken rule is listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import Decision

#: Tolerance on shares, loads and flow balances (solver feasibility tolerance
#: is about 1e-6 relative; loads can be large numbers of kg).
TOL = 1e-6


@dataclass(frozen=True)
class Evaluation:
    """The recomputed value of a decision and what it breaks."""

    costs: dict[str, float]
    co2: dict[str, float]
    load: dict[str, float]
    capacity: dict[str, float | None]
    capital: float
    violations: list[str]

    @property
    def total_cost(self) -> float:
        """Return the summed cost parts."""
        return float(sum(self.costs.values()))


def _option_of(problem: FacilityProblem, fid: str, size_class: str) -> int | None:
    opts = problem.options[problem.facility_index(fid)]
    return next((k for k, o in enumerate(opts) if o.size_class == size_class), None)


def evaluate(problem: FacilityProblem, decision: Decision) -> Evaluation:
    """Recompute cost and capacity use of ``decision`` and list its violations.

    Parameters
    ----------
    problem
        The problem the decision answers.
    decision
        Open facilities with size classes, shares per customer, flows.

    """
    bad: list[str] = []
    costs: dict[str, float] = defaultdict(float)
    co2: dict[str, float] = defaultdict(float)
    load: dict[str, float] = defaultdict(float)
    capacity: dict[str, float | None] = {}
    capital = 0.0
    known = set(problem.facilities)
    for fid, size in sorted(decision.open.items()):
        if fid not in known:
            bad.append(f"open facility {fid} is not in the problem")
            continue
        k = _option_of(problem, fid, size)
        i = problem.facility_index(fid)
        if k is None:
            bad.append(f"facility {fid}: unknown size class {size!r}")
            continue
        if problem.status[i] is Status.CLOSED:
            bad.append(f"facility {fid} is opened but must stay closed")
        opt = problem.options[i][k]
        for part, value in opt.costs.items():
            costs[part] += value
        capital += opt.capital
        capacity[fid] = opt.capacity
        load[fid] = 0.0
    for i, fid in enumerate(problem.facilities):
        if problem.status[i] is Status.OPEN and fid not in decision.open:
            bad.append(f"facility {fid} must open but is closed")
    if problem.num_open is not None and len(decision.open) != problem.num_open:
        bad.append(f"{len(decision.open)} facilities open, expected exactly {problem.num_open}")
    if problem.budget is not None and capital > problem.budget * (1 + TOL) + TOL:
        bad.append(f"capital {capital:.2f} exceeds the budget {problem.budget:.2f}")

    inflow: dict[tuple[str, str], float] = defaultdict(float)  # (forwarder, stream)
    forwarded = problem.forwarded
    for j, cid in enumerate(problem.customers):
        shares = decision.assignment.get(cid)
        if not shares:
            bad.append(f"customer {cid} is not assigned")
            continue
        if abs(sum(shares.values()) - 1.0) > TOL:
            bad.append(f"customer {cid}: shares sum to {sum(shares.values()):.6f}, not 1")
        if problem.single_source and len(shares) > 1:
            bad.append(f"customer {cid} is split over {len(shares)} facilities")
        for fid, share in shares.items():
            if fid not in decision.open:
                bad.append(f"customer {cid} is served by {fid}, which is not open")
                continue
            i = problem.facility_index(fid)
            if share < -TOL:
                bad.append(f"customer {cid}: negative share at {fid}")
            for part, mat in problem.assign_parts.items():
                if not np.isfinite(mat[i, j]):
                    bad.append(f"customer {cid} may not be served by {fid} ({part})")
                    continue
                costs[part] += share * float(mat[i, j])
            for part, mat in problem.co2_parts.items():
                co2[part] += share * float(mat[i, j])
            amount = share * float(problem.demand[j])
            load[fid] += amount
            if fid in problem.forwarders and (fid, problem.customer_stream[j]) in forwarded:
                inflow[(fid, problem.customer_stream[j])] += amount

    outflow: dict[tuple[str, str], float] = defaultdict(float)
    arcs = {(a.source, a.target, a.stream): a for a in problem.arcs}
    for flow in decision.flows:
        arc = arcs.get((flow.source, flow.target, flow.stream))
        if arc is None:
            bad.append(f"flow {flow.source}->{flow.target} ({flow.stream}) uses no allowed arc")
            continue
        if flow.target not in decision.open:
            bad.append(f"flow {flow.source}->{flow.target} goes to a closed facility")
        for part, value in arc.costs.items():
            costs[part] += flow.amount * value
        for part, value in arc.co2.items():
            co2[part] += flow.amount * value
        load[flow.target] = load.get(flow.target, 0.0) + flow.amount
        outflow[(flow.source, flow.stream)] += flow.amount
    for key in sorted(set(inflow) | set(outflow)):
        if abs(inflow[key] - outflow[key]) > TOL * max(1.0, inflow[key]):
            bad.append(
                f"facility {key[0]} receives {inflow[key]:.3f} of {key[1]} "
                f"but passes on {outflow[key]:.3f}"
            )
    for fid, cap in capacity.items():
        if cap is not None and load[fid] > cap * (1 + TOL) + TOL:
            bad.append(f"facility {fid} handles {load[fid]:.3f}, above its capacity {cap:.3f}")
    return Evaluation(dict(costs), dict(co2), dict(load), capacity, capital, bad)


def check(problem: FacilityProblem, decision: Decision) -> list[str]:
    """Return every rule ``decision`` breaks (empty when it is a valid plan)."""
    return evaluate(problem, decision).violations
