"""Good plans for uncapacitated and p-median problems: greedy opening, then swaps.

The upper bound that reduced-cost fixing (:mod:`optimizer.siting.lagrange`)
compares against. Every customer goes to its cheapest open facility, so a
plan is a set of open facilities; moves add, drop or swap one facility
(only swaps when the number to open is fixed), first improvement, until no
move lowers the cost (Teitz & Bart 1968; the swap gains are evaluated as in
Whitaker 1983, with each customer's nearest and second-nearest open facility).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

# Moves must gain more than this share of the cost: float noise must not cycle.
_MIN_GAIN = 1e-9

#: Improvement passes of the capacitated assignment, and the largest number
#: of customers for which it tries pairwise exchanges.
MAX_PASSES = 10
MAX_EXCHANGE_N = 500


@dataclass(frozen=True)
class OpenSetProblem:
    """The uncapacitated view of a problem: costs, fixed costs and what may open.

    ``cost[i, j]`` is finite where facility ``i`` may serve customer ``j``;
    ``must`` facilities stay open, ``may`` (a superset) are those allowed to.
    """

    cost: NDArray[np.float64]
    fixed: NDArray[np.float64]
    may: NDArray[np.bool_]
    must: NDArray[np.bool_]
    num_open: int | None

    @property
    def big(self) -> float:
        """Return a cost that stands for "not allowed" and dominates every real plan."""
        finite = self.cost[np.isfinite(self.cost)]
        top = float(finite.max()) if finite.size else 1.0
        return 10.0 * (abs(top) * int(self.cost.shape[1]) + float(np.abs(self.fixed).sum())) + 1.0


def plan_cost(osp: OpenSetProblem, is_open: NDArray[np.bool_]) -> float:
    """Return the cost of opening ``is_open`` (inf if a customer has no open facility)."""
    if not is_open.any():
        return float("inf")
    best = osp.cost[is_open].min(axis=0)
    return float(best.sum() + osp.fixed[is_open].sum())


class _State:
    """Nearest and second-nearest open facility of every customer."""

    def __init__(self, cost: NDArray[np.float64], is_open: NDArray[np.bool_]) -> None:
        self.cost, self.is_open = cost, is_open.copy()
        self.refresh()

    def refresh(self) -> None:
        rows = np.flatnonzero(self.is_open)
        sub = self.cost[rows]
        n = sub.shape[1]
        if len(rows) >= 2:
            order = np.argpartition(sub, 1, axis=0)[:2]
            first, second = order[0], order[1]
            a, b = sub[first, np.arange(n)], sub[second, np.arange(n)]
            swap = b < a
            first, second = np.where(swap, second, first), np.where(swap, first, second)
            self.d1 = np.minimum(a, b)
            self.d2 = np.maximum(a, b)
            self.c1 = rows[first]
        else:
            self.d1 = sub[0].copy()
            self.d2 = np.full(n, np.inf)
            self.c1 = np.full(n, rows[0])


def _greedy(osp: OpenSetProblem, cost: NDArray[np.float64]) -> NDArray[np.bool_]:
    is_open = osp.must.copy()
    d1 = cost[is_open].min(axis=0) if is_open.any() else np.full(cost.shape[1], osp.big)
    target = osp.num_open
    while True:
        if target is not None and is_open.sum() >= target:
            break
        delta = (np.minimum(cost, d1) - d1).sum(axis=1) + osp.fixed
        delta[is_open | ~osp.may] = np.inf
        i = int(np.argmin(delta))
        if not np.isfinite(delta[i]) or (target is None and delta[i] >= 0 and is_open.any()):
            break
        is_open[i] = True
        d1 = np.minimum(d1, cost[i])
    return is_open


def improve(osp: OpenSetProblem, start: NDArray[np.bool_] | None = None) -> NDArray[np.bool_]:
    """Return a locally optimal open set, from ``start`` or from a greedy one.

    A ``start`` of the wrong size for ``num_open`` is ignored (greedy instead).
    """
    cost = np.where(np.isfinite(osp.cost), osp.cost, osp.big)
    if (
        start is None
        or not start.any()
        or (osp.num_open is not None and int(start.sum()) != osp.num_open)
        or bool((start & ~osp.may).any())
        or bool((osp.must & ~start).any())
    ):
        start = _greedy(osp, cost)
    if not start.any():
        return start
    state = _State(cost, start | osp.must)
    fixed = osp.fixed
    m = cost.shape[0]
    improved = True
    while improved:
        improved = False
        total = float(state.d1.sum() + fixed[state.is_open].sum())
        tol = _MIN_GAIN * max(1.0, abs(total))
        removable = state.is_open & ~osp.must
        if osp.num_open is None and removable.any():
            drop = np.bincount(state.c1, weights=state.d2 - state.d1, minlength=m) - fixed
            drop[~removable] = np.inf
            r = int(np.argmin(drop))
            if drop[r] < -tol:
                state.is_open[r] = False
                state.refresh()
                improved = True
                continue
        for i in np.flatnonzero(osp.may & ~state.is_open):
            ci = cost[i]
            near = np.minimum(ci, state.d1)
            add = float((near - state.d1).sum()) + float(fixed[i])
            if osp.num_open is None and add < -tol:
                state.is_open[i] = True
                state.refresh()
                improved = True
                break
            if not removable.any():
                continue
            loss = np.bincount(state.c1, weights=np.minimum(ci, state.d2) - near, minlength=m)
            swap = add + loss - fixed
            swap[~removable] = np.inf
            r = int(np.argmin(swap))
            if swap[r] < -tol:
                state.is_open[i] = True
                state.is_open[r] = False
                state.refresh()
                improved = True
                break
    return state.is_open


def assign_within_capacity(
    cost: NDArray[np.float64],
    demand: NDArray[np.float64],
    capacity: NDArray[np.float64],
    rows: NDArray[np.int64],
    prefer: NDArray[np.int64] | None = None,
) -> NDArray[np.int64] | None:
    """Return a single-source assignment of customers to the open ``rows``, or None.

    Customers with the most to lose go first (regret: second-cheapest minus
    cheapest open facility, Martello & Toth 1981), each to its cheapest
    facility with room (``prefer[j]`` first if it has room); then single
    moves and pairwise exchanges lower the cost while capacities hold.
    """
    sub = cost[rows]
    n = sub.shape[1]
    room = capacity[rows].astype(float).copy()
    where = np.full(n, -1, dtype=np.int64)
    order_cost = np.sort(sub, axis=0)
    regret = np.zeros(n)
    if len(rows) > 1:
        # A customer with one allowed facility has infinite regret: it goes first.
        with np.errstate(invalid="ignore"):
            regret = np.where(np.isfinite(order_cost[1]), order_cost[1] - order_cost[0], np.inf)
    local = {int(r): k for k, r in enumerate(rows)}
    for j in np.argsort(-regret, kind="stable"):
        pref = -1 if prefer is None else local.get(int(prefer[j]), -1)
        if pref >= 0 and room[pref] >= demand[j] and np.isfinite(sub[pref, j]):
            k = pref
        else:
            fits = np.flatnonzero((room >= demand[j] - 1e-9) & np.isfinite(sub[:, j]))
            if fits.size == 0:
                return None
            k = int(fits[np.argmin(sub[fits, j])])
        where[j] = k
        room[k] -= demand[j]
    # Pairwise exchanges cost O(n^2) a pass: large problems get single moves only.
    exchanges = n <= MAX_EXCHANGE_N
    for _ in range(MAX_PASSES):
        moved = False
        for j in range(n):
            here = where[j]
            with np.errstate(invalid="ignore"):
                gain = sub[here, j] - sub[:, j]
            ok = (room >= demand[j] - 1e-9) & (gain > 1e-9)
            if ok.any():
                k = int(np.flatnonzero(ok)[np.argmax(gain[ok])])
                room[here] += demand[j]
                room[k] -= demand[j]
                where[j] = k
                moved = True
        for j in range(n if exchanges else 0):
            a = where[j]
            others = np.flatnonzero(where != a)
            if others.size == 0:
                continue
            b = where[others]
            with np.errstate(invalid="ignore"):
                delta = sub[b, j] + sub[a, others] - sub[a, j] - sub[b, others]
            fit = (room[a] + demand[j] - demand[others] >= -1e-9) & (
                room[b] + demand[others] - demand[j] >= -1e-9
            )
            delta = np.where(fit & np.isfinite(delta), delta, np.inf)
            t = int(np.argmin(delta))
            if delta[t] < -1e-9:
                o, bb = int(others[t]), int(b[t])
                room[a] += demand[j] - demand[o]
                room[bb] += demand[o] - demand[j]
                where[j], where[o] = bb, a
                moved = True
        if not moved:
            break
    return rows[where]


def assign_by_transport(
    cost: NDArray[np.float64],
    demand: NDArray[np.float64],
    capacity: NDArray[np.float64],
    rows: NDArray[np.int64],
) -> NDArray[np.int64] | None:
    """Return a single-source assignment to the open ``rows`` from the transportation LP, or None.

    The LP (each customer's demand split at will over facilities with room)
    is solved by HiGHS; a basic optimum splits at most one customer per
    facility whose capacity binds, so rounding those few (largest share
    first where it fits, else the cheapest facility with room) costs
    little. None if the LP or the rounding finds no plan.
    """
    sub = cost[rows]
    ok = np.isfinite(sub)
    fi, cj = np.nonzero(ok)
    n = sub.shape[1]
    if np.any(~ok.any(axis=0)):
        return None
    limited = np.isfinite(capacity[rows])
    a_eq = sparse.csr_matrix((np.ones(fi.size), (cj, np.arange(fi.size))), shape=(n, fi.size))
    keep = limited[fi]
    a_ub = sparse.csr_matrix(
        (demand[cj[keep]], (np.cumsum(limited)[fi[keep]] - 1, np.flatnonzero(keep))),
        shape=(int(limited.sum()), fi.size),
    )
    res = linprog(
        sub[fi, cj],
        A_ub=a_ub if limited.any() else None,
        b_ub=capacity[rows][limited] if limited.any() else None,
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0.0, 1.0),
        method="highs",
    )
    if res.status != 0:
        return None
    share = np.zeros(sub.shape)
    share[fi, cj] = res.x
    where = np.argmax(share, axis=0)
    whole = share[where, np.arange(n)] > 1 - 1e-7
    room = capacity[rows].astype(float).copy()
    np.subtract.at(room, where[whole], demand[whole])
    for j in np.flatnonzero(~whole):
        fits = np.flatnonzero((room >= demand[j] - 1e-9) & ok[:, j])
        if fits.size == 0:
            return None
        k = int(where[j]) if where[j] in fits else int(fits[np.argmin(sub[fits, j])])
        where[j] = k
        room[k] -= demand[j]
    found: NDArray[np.int64] = rows[where]
    return found
