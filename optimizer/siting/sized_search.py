"""Local search over which facilities open and at which size class, capacities respected.

The open-set search of :mod:`optimizer.siting.local_search` prices a
facility at its cheapest option with unlimited capacity, then sizes each
facility for what its nearest customers bring: a larger class whose lower
cost per tonne pays only once it draws more customers (economies of scale)
is never tried. Here a plan is a size class per facility (or closed); a
move opens, closes or resizes one facility, and each plan is priced with
its customers assigned within the capacities
(:func:`optimizer.siting.local_search.assign_within_capacity`). The best
move of a pass is taken until none lowers the cost (best improvement,
deterministic).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.siting.local_search import assign_within_capacity

#: Moves must gain more than this share of the cost: float noise must not cycle.
_MIN_GAIN = 1e-9

#: Passes (one move each) at most.
MAX_PASSES = 30


@dataclass(frozen=True)
class SizedProblem:
    """A capacitated problem as arrays: costs, and each facility's option costs and capacities.

    ``cost[i, j]`` is the cost of serving customer ``j`` wholly from
    facility ``i`` (inf where not allowed); ``caps`` inf means unlimited.
    """

    cost: NDArray[np.float64]
    demand: NDArray[np.float64]
    fixed: list[NDArray[np.float64]]
    caps: list[NDArray[np.float64]]
    may: NDArray[np.bool_]
    must: NDArray[np.bool_]
    num_open: int | None

    def price(
        self, choice: NDArray[np.int64], prefer: NDArray[np.int64] | None = None
    ) -> tuple[float, NDArray[np.int64] | None]:
        """Return the cost of ``choice`` (option per facility, -1 closed) and who serves whom.

        (inf, None) if the customers do not fit.
        """
        rows = np.flatnonzero(choice >= 0)
        if rows.size == 0:
            return math.inf, None
        capacity = np.zeros(len(choice))
        for i in rows:
            capacity[i] = self.caps[i][choice[i]]
        where = assign_within_capacity(self.cost, self.demand, capacity, rows, prefer)
        if where is None:
            return math.inf, None
        served = float(self.cost[where, np.arange(where.size)].sum())
        return served + float(sum(self.fixed[i][choice[i]] for i in rows)), where

    def moves(
        self, choice: NDArray[np.int64], where: NDArray[np.int64]
    ) -> list[list[tuple[int, int]]]:
        """Return the moves allowed from ``choice``: each a list of (facility, new option or -1).

        Single moves open, close or resize one facility. A facility made
        larger may also take over the open facility whose customers it
        serves at the least extra cost (which then closes): two small
        stations become one large one.
        """
        found: list[list[tuple[int, int]]] = []
        closable = np.flatnonzero((choice >= 0) & ~self.must)
        n = where.size
        for i in np.flatnonzero(self.may):
            for k in range(-1, len(self.fixed[i])):
                if k == choice[i] or (k < 0 and self.must[i]):
                    continue
                if self.num_open is not None and (k < 0) != (choice[i] < 0):
                    continue  # the number open is fixed: resize only
                found.append([(int(i), k)])
                grows = k >= 0 and (choice[i] < 0 or self.caps[i][k] > self.caps[i][choice[i]])
                others = closable[closable != i]
                if not grows or self.num_open is not None or others.size == 0:
                    continue
                with np.errstate(invalid="ignore"):
                    extra = self.cost[i] - self.cost[where, np.arange(n)]
                over = np.array([float(extra[where == j].sum()) for j in others])
                over = np.where(np.isfinite(over), over, np.inf)
                j = int(others[int(np.argmin(over))])
                if np.isfinite(over.min()):
                    found.append([(int(i), k), (j, -1)])
        return found


def sized_search(
    sp: SizedProblem,
    choice: NDArray[np.int64],
    *,
    deadline: float = math.inf,
    max_passes: int = MAX_PASSES,
) -> tuple[NDArray[np.int64], float]:
    """Return a plan (option per facility, -1 closed) no move improves, and its cost.

    Starts from ``choice``; stops early at ``deadline`` (``time.perf_counter``)
    or after ``max_passes`` moves, keeping the best plan found.
    """
    choice = choice.astype(np.int64).copy()
    best, where = sp.price(choice)
    if where is None:
        return choice, math.inf
    for _ in range(max_passes):
        tol = _MIN_GAIN * max(1.0, abs(best))
        step: tuple[float, NDArray[np.int64], NDArray[np.int64]] | None = None
        for move in sp.moves(choice, where):
            if time.perf_counter() > deadline:
                break
            trial = choice.copy()
            for i, k in move:
                trial[i] = k
            value, got = sp.price(trial, where)
            if got is not None and value < best - tol and (step is None or value < step[0]):
                step = (value, trial, got)
        if step is None:
            break
        best, choice, where = step
    return choice, best
