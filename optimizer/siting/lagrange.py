"""Lagrangian bounds and reduced-cost fixing: make the MIP small before it starts.

Relaxing the "every customer is served once" rows with multipliers ``u``
splits a facility-location problem into one small problem per facility
(which customers it would take, within its capacity) and one over which
facilities open; its value ``L(u)`` is a lower bound on every plan's cost.
Subgradient steps raise ``L(u)`` (Held, Wolfe & Crowder 1974; for location
problems Cornuéjols, Fisher & Nemhauser 1977, and for single-source
capacitated location Holmberg, Rönnqvist & Yuan 1999, whose relaxation with
0-1 knapsack subproblems and the aggregate capacity row this is).

With the best multipliers, forcing a facility open or closed, or a customer
onto a facility, raises the bound by a computable penalty. Where the raised
bound exceeds the cost of a known plan (the upper bound), no plan at least as
good as the known one makes that choice, so the choice is removed:
facilities are closed or forced open and pairs forbidden. The reduced problem
has the same optimum, and the MIP solves it much faster.

Covered: uncapacitated and p-median problems, and capacitated problems with
single-sourced demand (0-1 knapsacks for whole-number demands, else their
fractional relaxation), without a budget; forwarding facilities are charged
their cheapest onward arc, plant capacities relaxed (other problems go to
the MIP as they are).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from optimizer.siting.check import evaluate
from optimizer.siting.local_search import (
    OpenSetProblem,
    assign_within_capacity,
    improve,
    plan_cost,
)
from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import Decision, Flow
from optimizer.siting.sized_search import SizedProblem, sized_search

#: Knapsack and coverage tables are at most this many capacity steps long;
#: larger capacities are scaled down, rounding so that the relaxation stays
#: a relaxation (weights and capacities down, the coverage target down).
MAX_STEPS = 4000

#: The subgradient search stops when PATIENCE steps raised the bound by less
#: than PROGRESS (relative).
PATIENCE = 150
PROGRESS = 1e-4

#: ... except, with capacities, while the best plan is more than this share
#: above the bound.
WIDE_GAP = 0.005

#: The search over sizes (:mod:`optimizer.siting.sized_search`) may take this
#: share of the subgradient's time after it.
RESIZE_SHARE = 0.2

#: A choice is removed only if its bound exceeds the upper bound by this
#: relative margin: float sums must not remove the optimum.
FIX_TOL = 1e-7


@dataclass(frozen=True)
class Reduction:
    """A problem with the same optimum and fewer choices, and the bounds that justify it.

    ``start`` is the best plan found before the MIP (None if none was found),
    ``upper_bound`` its cost. With ``only_better`` (whole-number costs) the
    problem keeps every plan cheaper than ``start`` but maybe not ``start``
    itself: if it has no plan, or none cheaper, ``start`` is optimal.
    """

    problem: FacilityProblem
    lower_bound: float
    upper_bound: float
    start: Decision | None
    only_better: bool
    num_closed: int
    num_forced_open: int
    num_pairs_removed: int
    iterations: int
    time_s: float


def reducible(problem: FacilityProblem) -> bool:
    """Return whether :func:`reduce` covers ``problem`` (see the module doc)."""
    return problem.budget is None and (problem.single_source or not problem.capacitated)


@dataclass
class _Data:
    cost: NDArray[np.float64]  # facilities × customers, inf where not allowed
    demand: NDArray[np.float64]
    fixed: list[NDArray[np.float64]]  # per facility, fixed cost of each option
    caps: list[NDArray[np.float64]]  # per facility, capacity of each option (inf: none)
    may: NDArray[np.bool_]
    must: NDArray[np.bool_]
    num_open: int | None
    capacitated: bool
    weights: NDArray[np.int64]  # scaled demand (floor)
    steps: list[NDArray[np.int64]]  # per facility, scaled capacity of each option (floor)
    target: int  # scaled total demand (floor) that open capacity must reach
    cover_steps: list[NDArray[np.int64]]  # per facility, scaled capacity (ceil) for coverage
    exact: bool  # 0-1 knapsacks by table (whole-number demands); else fractional ones

    def knap_caps(self, i: int) -> NDArray[np.float64]:
        """Return facility ``i``'s option capacities in knapsack units (steps or demand)."""
        if self.exact:
            return self.steps[i].astype(float)
        return np.minimum(self.caps[i], float(self.demand.sum()))


def _data(problem: FacilityProblem) -> _Data:
    m = len(problem.facilities)
    cost = np.where(problem.allowed, problem.assign_cost, np.inf) + _onward(problem)
    fixed, caps = [], []
    for i in range(m):
        opts = problem.options[i]
        fixed.append(np.array([o.fixed_cost for o in opts], dtype=float))
        caps.append(np.array([np.inf if o.capacity is None else o.capacity for o in opts]))
    may = np.array([s is not Status.CLOSED for s in problem.status])
    must = np.array([s is Status.OPEN for s in problem.status])
    demand = np.asarray(problem.demand, dtype=float)
    capacitated = problem.capacitated
    total = float(demand.sum())
    finite = [c[np.isfinite(c)] for c in caps]
    top = max([total] + [float(c.max()) for c in finite if c.size])
    scale = min(1.0, MAX_STEPS / top) if top > 0 else 1.0
    exact = bool(np.all(demand == np.round(demand))) and top <= MAX_STEPS
    if exact:
        scale = 1.0
    weights = np.floor(demand * scale + 1e-9).astype(np.int64)
    steps = [np.floor(np.minimum(c, total) * scale + 1e-9).astype(np.int64) for c in caps]
    cover = [np.ceil(np.minimum(c, total) * scale - 1e-9).astype(np.int64) for c in caps]
    target = math.floor(total * scale + 1e-9)
    return _Data(
        cost, demand, fixed, caps, may, must, problem.num_open, capacitated, weights, steps,
        target, cover, exact,
    )  # fmt: skip


def _onward(problem: FacilityProblem) -> NDArray[np.float64]:
    """Return the least onward cost of each (forwarder, customer): a lower bound on it.

    Plant capacities are ignored here (a relaxation); the plans themselves
    are checked against them.
    """
    extra = np.zeros((len(problem.facilities), len(problem.customers)))
    if not problem.arcs:
        return extra
    cheapest: dict[tuple[int, str], float] = {}
    for arc in problem.arcs:
        if problem.status[problem.facility_index(arc.target)] is Status.CLOSED:
            continue
        key = (problem.facility_index(arc.source), arc.stream)
        cheapest[key] = min(cheapest.get(key, math.inf), arc.unit_cost)
    streams = np.array(problem.customer_stream)
    for (i, stream), unit in cheapest.items():
        mask = streams == stream
        extra[i, mask] = problem.demand[mask] * unit
    for fid in problem.forwarders:
        i = problem.facility_index(fid)
        for stream in set(problem.customer_stream):
            if (fid, stream) in problem.forwarded and (i, stream) not in cheapest:
                extra[i, streams == stream] = np.inf  # no open plant to pass it on to
    return extra


@dataclass
class _Relaxed:
    """The relaxation at one ``u``: its value and the pieces the penalties need."""

    value: float
    reduced: NDArray[np.float64]  # cost - u
    g: list[NDArray[np.float64]]  # per facility and option: fixed + best subproblem value
    tables: list[_Knap | None]  # per facility: knapsack value by capacity
    choice: NDArray[np.int64]  # per facility: option opened, -1 closed
    y_value: float
    served: NDArray[np.float64]  # per customer: how often the relaxation serves it
    owner: NDArray[np.int64]  # per customer: a facility the relaxation serves it from, or -1


def _knapsack(
    r: NDArray[np.float64], weights: NDArray[np.int64], size: int
) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None, NDArray[np.int64]]:
    """Return the 0-1 knapsack table best[c] (min of sum r over sets of weight <= c).

    Also the take table (items × steps) for recovering the sets, and the items.
    """
    items = np.flatnonzero(r < 0)
    best = np.zeros(size + 1)
    if items.size == 0:
        return best, None, items
    take = np.zeros((items.size, size + 1), dtype=bool)
    for row, j in enumerate(items):
        w = int(weights[j])
        if w == 0:
            best = best + r[j]
            take[row, :] = True
            continue
        if w > size:
            continue
        cand = best[:-w] + r[j]
        better = cand < best[w:]
        take[row, w:] = better
        best[w:] = np.where(better, cand, best[w:])
    return best, take, items


class _Knap:
    """A facility's knapsack value by capacity: table (0-1) or piecewise linear (fractional)."""

    def __init__(
        self,
        table: NDArray[np.float64] | None = None,
        breaks: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    ) -> None:
        self.table, self.breaks = table, breaks

    def value(self, cap: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the least value within each capacity (inf below 0)."""
        out = np.full(cap.shape, np.inf)
        ok = cap >= 0
        if self.table is not None:
            at = np.minimum(np.round(cap[ok]).astype(np.int64), self.table.size - 1)
            out[ok] = self.table[at]
        elif self.breaks is not None:
            out[ok] = np.interp(cap[ok], self.breaks[0], self.breaks[1])
        return out


def _fractional(
    r: NDArray[np.float64], demand: NDArray[np.float64], caps: NDArray[np.float64]
) -> tuple[_Knap, list[NDArray[np.float64]]]:
    """Return the fractional knapsack value function and the shares taken at each capacity."""
    items = np.flatnonzero(r < 0)
    free = items[demand[items] <= 0]
    paid = items[demand[items] > 0]
    base = float(r[free].sum())
    order = paid[np.argsort(r[paid] / demand[paid], kind="stable")]
    w = np.concatenate([[0.0], np.cumsum(demand[order])])
    v = base + np.concatenate([[0.0], np.cumsum(r[order])])
    shares = []
    for cap in caps:
        take = np.zeros(r.size)
        take[free] = 1.0
        room = np.clip(cap - w[:-1], 0.0, demand[order])
        take[order] = room / demand[order]
        shares.append(take)
    return _Knap(breaks=(w, v)), shares


def _knapsack_set(
    take: NDArray[np.bool_] | None, items: NDArray[np.int64], weights: NDArray[np.int64], c: int
) -> list[int]:
    chosen: list[int] = []
    if take is None:
        return chosen
    for row in range(items.size - 1, -1, -1):
        if take[row, c]:
            j = int(items[row])
            chosen.append(j)
            c -= int(weights[j])
    return chosen


def choose_open(
    g: list[NDArray[np.float64]],
    may: NDArray[np.bool_],
    must: NDArray[np.bool_],
    num_open: int | None,
    cover: list[NDArray[np.int64]] | None = None,
    target: int = 0,
) -> tuple[float, NDArray[np.int64]]:
    """Return the cheapest choice of open facilities and options for option values ``g``.

    Facilities in ``must`` open, those outside ``may`` stay closed; exactly
    ``num_open`` open if given; with ``cover``, the (scaled) capacities of
    the chosen options must reach ``target``. Returns (value, option per
    facility or -1); value inf if no choice is feasible.
    """
    m = len(g)
    choice = np.full(m, -1, dtype=np.int64)
    best_k = np.array([int(np.argmin(v)) if v.size else -1 for v in g], dtype=np.int64)
    best_g = np.array([float(v[k]) if k >= 0 else np.inf for v, k in zip(g, best_k, strict=True)])
    if cover is None or target <= 0 or num_open is not None:
        if np.any(must & ~np.isfinite(best_g)) or np.any(must & ~may):
            return math.inf, choice
        value = float(best_g[must].sum())
        choice[must] = best_k[must]
        free = np.flatnonzero(may & ~must & np.isfinite(best_g))
        if num_open is None:
            pick = free[best_g[free] < 0]
        else:
            need = num_open - int(must.sum())
            if need < 0 or need > free.size:
                return math.inf, choice
            pick = free[np.argsort(best_g[free], kind="stable")[:need]]
        choice[pick] = best_k[pick]
        return value + float(best_g[pick].sum()), choice
    # Coverage: a multiple-choice knapsack over facilities, capacity capped at target.
    dp = np.full(target + 1, np.inf)
    dp[0] = 0.0
    stages = []
    for i in range(m):
        stages.append(dp)
        new = np.full(target + 1, np.inf) if must[i] else dp.copy()
        if may[i]:
            for k, val in enumerate(g[i]):
                if np.isfinite(val):
                    new = np.minimum(new, _shift(dp, int(min(cover[i][k], target))) + val)
        dp = new
    if not np.isfinite(dp[target]):
        return math.inf, choice
    value, c = float(dp[target]), target
    for i in range(m - 1, -1, -1):
        prev, here = stages[i], (stages[i + 1] if i + 1 < m else dp)
        if not must[i] and prev[c] <= here[c]:
            continue
        for k, val in enumerate(g[i]):
            if not (may[i] and np.isfinite(val)):
                continue
            step = int(min(cover[i][k], target))
            if c < target and c - step < 0:
                continue
            levels = [c - step] if c < target else list(range(target - step, target + 1))
            at = min(levels, key=lambda lv: prev[lv])
            if prev[at] + val <= here[c] + 1e-9 * max(1.0, abs(here[c])):
                choice[i], c = k, at
                break
    return value, choice


def _shift(dp: NDArray[np.float64], step: int) -> NDArray[np.float64]:
    """Return the coverage table after adding ``step`` (levels capped at the last)."""
    if step == 0:
        return dp.copy()
    out = np.full(dp.size, np.inf)
    out[step:] = dp[:-step]
    out[-1] = min(out[-1], float(dp[-1 - step :].min()))
    return out


def _relax(data: _Data, u: NDArray[np.float64]) -> _Relaxed:
    """Return the relaxation's value and pieces at multipliers ``u``."""
    m, n = data.cost.shape
    reduced = data.cost - u[None, :]
    g: list[NDArray[np.float64]] = []
    tables: list[_Knap | None] = []
    sets: list[tuple[NDArray[np.bool_] | None, NDArray[np.int64]]] = []
    shares: dict[int, list[NDArray[np.float64]]] = {}
    for i in range(m):
        if not data.may[i]:
            g.append(np.full(data.fixed[i].size, np.inf))
            tables.append(None)
            sets.append((None, np.zeros(0, dtype=np.int64)))
            continue
        if not data.capacitated:
            g.append(data.fixed[i] + float(np.minimum(reduced[i], 0.0).sum()))
            tables.append(None)
            sets.append((None, np.zeros(0, dtype=np.int64)))
            continue
        if not data.exact:
            knap, shares[i] = _fractional(reduced[i], data.demand, data.knap_caps(i))
            g.append(data.fixed[i] + knap.value(data.knap_caps(i)))
            tables.append(knap)
            sets.append((None, np.zeros(0, dtype=np.int64)))
            continue
        size = int(data.steps[i].max()) if data.steps[i].size else 0
        best, take, items = _knapsack(reduced[i], data.weights, size)
        g.append(data.fixed[i] + best[data.steps[i]])
        tables.append(_Knap(table=best))
        sets.append((take, items))
    cover = data.cover_steps if data.capacitated else None
    y_value, choice = choose_open(g, data.may, data.must, data.num_open, cover, data.target)
    served = np.zeros(n)
    owner = np.full(n, -1, dtype=np.int64)
    if math.isfinite(y_value):
        for row in np.flatnonzero(choice >= 0):
            if data.capacitated and not data.exact:
                share = shares[int(row)][choice[row]]
                served += share
                owner[share >= 0.5] = row
            elif data.capacitated:
                take, items = sets[row]
                step = int(data.steps[row][choice[row]])
                taken = _knapsack_set(take, items, data.weights, step)
                served[taken] += 1.0
                owner[taken] = row
            else:
                served[reduced[row] < 0] += 1.0
                owner[reduced[row] < 0] = row
    value = float(u.sum()) + y_value
    return _Relaxed(value, reduced, g, tables, choice, y_value, served, owner)


def _open_set_problem(data: _Data) -> OpenSetProblem:
    fixed = np.array([float(f.min()) if f.size else 0.0 for f in data.fixed])
    return OpenSetProblem(data.cost, fixed, data.may, data.must, data.num_open)


#: Turns the relaxation's choice of open facilities (option per row, -1
#: closed) and where it serves each customer (a row or -1; None: unknown)
#: into a plan and its cost (inf and None if it finds none).
UpperBound = Callable[[NDArray[np.int64], NDArray[np.int64] | None], tuple[float, Decision | None]]


def _uncapacitated_upper(problem: FacilityProblem, data: _Data) -> UpperBound:
    osp = _open_set_problem(data)

    def upper(
        choice: NDArray[np.int64], owner: NDArray[np.int64] | None
    ) -> tuple[float, Decision | None]:
        is_open = improve(osp, choice >= 0)
        value = plan_cost(osp, is_open)
        if not math.isfinite(value) or value >= osp.big:
            return math.inf, None
        rows = np.flatnonzero(is_open)
        # The cheapest option of each open facility (all options are unlimited here).
        opened = {
            problem.facilities[i]: problem.options[i][int(np.argmin(data.fixed[i]))].size_class
            for i in rows
        }
        nearest = rows[np.argmin(data.cost[rows], axis=0)]
        assignment = {
            cid: {problem.facilities[int(nearest[j])]: 1.0}
            for j, cid in enumerate(problem.customers)
        }
        if problem.arcs:
            return _priced(problem, opened, assignment)
        return value, Decision(opened, assignment)

    return upper


def _priced(
    problem: FacilityProblem, opened: dict[str, str], assignment: dict[str, dict[str, float]]
) -> tuple[float, Decision | None]:
    """Return a plan with its onward flows (cheapest open plant) and its checked cost."""
    flows = []
    if problem.arcs:
        inflow: dict[tuple[str, str], float] = {}
        for j, cid in enumerate(problem.customers):
            (fid,) = assignment[cid]
            key = (fid, problem.customer_stream[j])
            if key in problem.forwarded:
                inflow[key] = inflow.get(key, 0.0) + float(problem.demand[j])
        for (fid, stream), amount in sorted(inflow.items()):
            arcs = [
                a
                for a in problem.arcs
                if a.source == fid and a.stream == stream and a.target in opened
            ]
            if not arcs:
                return math.inf, None
            arc = min(arcs, key=lambda a: (a.unit_cost, a.target))
            flows.append(Flow(fid, arc.target, stream, amount))
    decision = Decision(opened, assignment, tuple(flows))
    ev = evaluate(problem, decision)
    if ev.violations:
        return math.inf, None
    return ev.total_cost, decision


def _capacitated_upper(problem: FacilityProblem, data: _Data) -> UpperBound:
    """Return an upper-bound function: the relaxation's open set, assigned by regret."""
    tried: set[tuple[int, ...]] = set()

    osp = _open_set_problem(data)

    def upper(
        choice: NDArray[np.int64], owner: NDArray[np.int64] | None
    ) -> tuple[float, Decision | None]:
        # The relaxation's own assignment (Lagrangian heuristic), and by regret alone.
        first = min(assign(choice, owner), assign(choice, None), key=lambda found: found[0])
        # The open set improved as if capacities did not bind, each facility
        # then sized for what its nearest customers bring.
        is_open = improve(osp, choice >= 0 if data.num_open is None else None)
        if not is_open.any():
            return first
        rows = np.flatnonzero(is_open)
        nearest = rows[np.argmin(data.cost[rows], axis=0)]
        load = np.bincount(nearest, weights=data.demand, minlength=len(choice))
        sized = np.full(len(choice), -1, dtype=np.int64)
        for i in rows:
            fits = np.flatnonzero(data.caps[i] >= load[i] * (1 + 1e-9))
            pick = fits[np.argmin(data.fixed[i][fits])] if fits.size else np.argmax(data.caps[i])
            sized[i] = int(pick)
        second = assign(sized, nearest)
        return second if second[0] < first[0] else first

    def assign(
        choice: NDArray[np.int64], prefer: NDArray[np.int64] | None = None
    ) -> tuple[float, Decision | None]:
        key = (*(int(c) for c in choice), prefer is not None)
        if key in tried:
            return math.inf, None
        tried.add(key)
        rows = np.flatnonzero(choice >= 0)
        if rows.size == 0:
            return math.inf, None
        capacity = np.array(
            [data.caps[i][choice[i]] if choice[i] >= 0 else 0.0 for i in range(len(choice))]
        )
        where = assign_within_capacity(data.cost, data.demand, capacity, rows, prefer)
        if where is None:
            return math.inf, None
        return _single_source_plan(problem, data, choice, where)

    return upper


def _single_source_plan(
    problem: FacilityProblem, data: _Data, choice: NDArray[np.int64], where: NDArray[np.int64]
) -> tuple[float, Decision | None]:
    """Return the plan opening ``choice``, customer j served by ``where[j]``."""
    # A facility left empty closes (unless it must open), saving its fixed cost.
    used = set(where.tolist())
    opened = {
        problem.facilities[i]: problem.options[i][int(choice[i])].size_class
        for i in np.flatnonzero(choice >= 0)
        if i in used or data.must[i]
    }
    assignment = {
        cid: {problem.facilities[int(where[j])]: 1.0} for j, cid in enumerate(problem.customers)
    }
    return _priced(problem, opened, assignment)


def _resized(
    problem: FacilityProblem, data: _Data, plan: Decision, deadline: float
) -> tuple[float, Decision | None]:
    """Return ``plan`` improved by opening, closing and resizing facilities (capacitated only)."""
    choice = np.full(len(problem.facilities), -1, dtype=np.int64)
    for fid, size in plan.open.items():
        i = problem.facility_index(fid)
        choice[i] = [o.size_class for o in problem.options[i]].index(size)
    sp = SizedProblem(
        data.cost, data.demand, data.fixed, data.caps, data.may, data.must, data.num_open
    )
    where = np.array(
        [problem.facility_index(next(iter(plan.assignment[c]))) for c in problem.customers],
        dtype=np.int64,
    )
    choice, _, found = sized_search(sp, choice, where, deadline=deadline)
    if found is None:
        return math.inf, None
    return _single_source_plan(problem, data, choice, found)


def subgradient(
    data: _Data,
    upper: UpperBound,
    *,
    max_iterations: int,
    deadline: float,
    integral: bool,
) -> tuple[_Relaxed, float, Decision | None, int]:
    """Raise the bound by subgradient steps; return (best relaxation, UB, its plan, iterations).

    ``upper`` turns the relaxation's open set into a plan and its cost; it is
    called at the start, whenever the step size is halved, and at the end.
    """
    finite = np.where(np.isfinite(data.cost), data.cost, np.inf)
    u = finite.min(axis=0)
    u = np.where(np.isfinite(u), u, 0.0)
    best = _relax(data, u)
    ub, plan = upper(best.choice, best.owner)
    if not math.isfinite(ub):
        # Everything that may open, at its largest size: costly, but often a plan.
        largest = np.array(
            [int(np.argmax(c)) if data.may[i] and c.size else -1 for i, c in enumerate(data.caps)]
        )
        ub, plan = upper(largest, None)
    lam, stall, it = 2.0, 0, 0
    current = best
    history = [best.value]
    while it < max_iterations and time.perf_counter() < deadline:
        it += 1
        if _closed(best.value, ub, integral):
            break
        # Stop when the last PATIENCE steps raised the bound by too little to
        # matter, unless a capacitated plan is still far off: the small steps
        # near the end turn up the open sets (and sizes) that give good plans.
        if (
            len(history) > PATIENCE
            and best.value - history[-PATIENCE] <= PROGRESS * max(1.0, abs(best.value))
            and (not data.capacitated or ub - best.value <= WIDE_GAP * max(1.0, abs(ub)))
        ):
            break
        sub = 1.0 - current.served
        norm = float(sub @ sub)
        if norm == 0.0:
            break
        target = ub if math.isfinite(ub) else best.value + abs(best.value) * 0.05 + 1.0
        step = lam * max(target - current.value, 1e-9 * max(1.0, abs(target))) / norm
        u = u + step * sub
        current = _relax(data, u)
        history.append(max(best.value, current.value))
        if current.value > best.value + 1e-12 * max(1.0, abs(best.value)):
            best, stall = current, 0
        else:
            stall += 1
            if stall >= 30:
                lam, stall = lam / 2, 0
                value, found = upper(current.choice, current.owner)
                if value < ub:
                    ub, plan = value, found
                if lam < 1e-4:
                    break
    value, found = upper(best.choice, best.owner)
    if value < ub:
        ub, plan = value, found
    return best, ub, plan, it


def _closed(lower: float, upper: float, integral: bool) -> bool:
    if not math.isfinite(upper):
        return False
    if integral:
        return math.ceil(lower - 1e-6) >= upper - 1e-9
    return lower >= upper - FIX_TOL * max(1.0, abs(upper))


def _removals(
    data: _Data, rel: _Relaxed, ub: float, integral: bool
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Return (close, force open, forbid pair): choices whose bound exceeds ``ub``.

    With whole-number costs a better plan costs at most ``ub - 1``, so the
    choices whose bound exceeds that go (the plan of cost ``ub`` may go too).
    """
    m, n = data.cost.shape
    close = np.zeros(m, dtype=bool)
    force = np.zeros(m, dtype=bool)
    forbid = np.zeros((m, n), dtype=bool)
    if not math.isfinite(ub):
        return close, force, forbid
    base = rel.value - rel.y_value
    limit = (ub - 1.0 if integral else ub) + FIX_TOL * max(1.0, abs(ub))
    cover = data.cover_steps if data.capacitated else None

    def y_with(may: NDArray[np.bool_], must: NDArray[np.bool_]) -> float:
        return choose_open(rel.g, may, must, data.num_open, cover, data.target)[0]

    for i in np.flatnonzero(data.may):
        opened = rel.choice[i] >= 0
        if opened:
            y_open = rel.y_value
            if not data.must[i]:
                may = data.may.copy()
                may[i] = False
                force[i] = base + y_with(may, data.must) > limit
        else:
            must = data.must.copy()
            must[i] = True
            y_open = y_with(data.may, must)
        if base + y_open > limit and not data.must[i]:
            close[i] = True
            continue
        r = rel.reduced[i]
        if not data.capacitated:
            delta = np.maximum(r, 0.0)
        else:
            knap = rel.tables[i]
            assert knap is not None
            delta = np.full(n, np.inf)
            weights = data.weights.astype(float) if data.exact else data.demand
            sized = len(rel.g[i]) > 1
            for k, cap in enumerate(data.knap_caps(int(i))):
                at_cap = float(knap.value(np.array([cap]))[0])
                gain = r + knap.value(cap - weights) - at_cap
                # The open set with i at this size: with a capacity cover a
                # larger size may let other facilities close, so it is chosen
                # again rather than taken as y_open + (g[i][k] - min g[i])
                # (that removed the optimum of a generated single-source
                # problem, tests/siting/test_lagrange.py).
                if sized:
                    g = list(rel.g)
                    g[i] = np.where(np.arange(len(g[i])) == k, g[i], np.inf)
                    must = data.must.copy()
                    must[i] = True
                    y_k = choose_open(g, data.may, must, data.num_open, cover, data.target)[0]
                else:
                    y_k = y_open
                delta = np.minimum(delta, gain + (y_k - y_open))
        forbid[i] = np.isfinite(data.cost[i]) & (base + y_open + delta > limit)
    return close, force, forbid


def _integral(problem: FacilityProblem, data: _Data) -> bool:
    cost = data.cost[np.isfinite(data.cost)]
    fixed = np.concatenate([f for f in data.fixed if f.size] or [np.zeros(0)])
    return bool(np.all(cost == np.round(cost)) and np.all(fixed == np.round(fixed)))


def reduce(
    problem: FacilityProblem,
    *,
    upper: UpperBound | None = None,
    polish: UpperBound | None = None,
    time_limit_s: float = 10.0,
    max_iterations: int = 2000,
) -> Reduction:
    """Bound ``problem``, find a good plan and remove the choices no optimal plan makes.

    Parameters
    ----------
    problem
        A problem :func:`reducible` accepts.
    upper
        How to turn an open set into a plan, called often; built in if not
        given (:mod:`optimizer.siting.local_search`).
    polish
        A slower, better way, called once with the best bound's open set
        before the fixing (e.g. the MIP restricted to that set).
    time_limit_s, max_iterations
        Limits of the subgradient search (the fixing always runs).

    """
    if not reducible(problem):
        raise ValueError(f"{problem.name}: no Lagrangian reduction for this kind of problem")
    t0 = time.perf_counter()
    data = _data(problem)
    if upper is None:
        make = _capacitated_upper if data.capacitated else _uncapacitated_upper
        upper = make(problem, data)
    integral = _integral(problem, data)
    rel, ub, plan, iterations = subgradient(
        data, upper, max_iterations=max_iterations, deadline=t0 + time_limit_s, integral=integral
    )
    if polish is not None:
        value, found = polish(rel.choice, rel.owner)
        if value < ub:
            ub, plan = value, found
    if data.capacitated and plan is not None:
        deadline = time.perf_counter() + RESIZE_SHARE * time_limit_s
        value, found = _resized(problem, data, plan, deadline)
        if value < ub:
            ub, plan = value, found
    close, force, forbid = _removals(data, rel, ub, integral)
    status = tuple(
        Status.CLOSED if close[i] else Status.OPEN if force[i] else s
        for i, s in enumerate(problem.status)
    )
    first = next(iter(problem.assign_parts))
    parts = dict(problem.assign_parts)
    parts[first] = np.where(forbid, np.inf, parts[first])
    reduced = replace(problem, status=status, assign_parts=parts)
    removed = int((forbid & np.isfinite(data.cost) & ~close[:, None]).sum())
    return Reduction(
        problem=reduced,
        lower_bound=rel.value,
        upper_bound=ub,
        start=plan,
        only_better=integral and math.isfinite(ub),
        num_closed=int(close.sum()),
        num_forced_open=int((force & ~data.must).sum()),
        num_pairs_removed=removed,
        iterations=iterations,
        time_s=time.perf_counter() - t0,
    )
