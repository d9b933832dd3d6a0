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

from optimizer.siting.local_search import assign_by_transport, assign_within_capacity

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
        where = assign_within_capacity(
            self.cost, self.demand, self.capacity(choice, 0.0), rows, prefer
        )
        if where is None:
            return math.inf, None
        return self.cost_of(choice, where), where

    def capacity(self, choice: NDArray[np.int64], closed: float) -> NDArray[np.float64]:
        """Return each facility's capacity under ``choice`` (``closed`` where it is closed)."""
        capacity = np.full(len(choice), closed)
        for i in np.flatnonzero(choice >= 0):
            capacity[i] = self.caps[i][choice[i]]
        return capacity

    def cost_of(self, choice: NDArray[np.int64], where: NDArray[np.int64]) -> float:
        """Return the cost of opening ``choice`` with customer j served by ``where[j]``."""
        served = float(self.cost[where, np.arange(where.size)].sum())
        return served + float(sum(self.fixed[i][choice[i]] for i in np.flatnonzero(choice >= 0)))

    def reassign(
        self, choice: NDArray[np.int64], value: float, where: NDArray[np.int64]
    ) -> tuple[float, NDArray[np.int64]]:
        """Return ``choice``'s customers reassigned by the transportation LP if that is cheaper."""
        rows = np.flatnonzero(choice >= 0)
        moved = assign_by_transport(self.cost, self.demand, self.capacity(choice, np.inf), rows)
        if moved is None:
            return value, where
        new = self.cost_of(choice, moved)
        return (new, moved) if new < value else (value, where)

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
        with np.errstate(invalid="ignore"):
            now = self.cost[where, np.arange(n)]
        for i in np.flatnonzero(self.may):
            with np.errstate(invalid="ignore"):
                extra = self.cost[i] - now
            for k in range(-1, len(self.fixed[i])):
                if k == choice[i] or (k < 0 and self.must[i]):
                    continue
                if self.num_open is not None and (k < 0) != (choice[i] < 0):
                    continue  # the number open is fixed: resize only
                hope = math.inf if choice[i] >= 0 else self._opening_gain(int(i), k, extra)
                if hope > 0:
                    found.append([(int(i), k)])
                grows = k >= 0 and (choice[i] < 0 or self.caps[i][k] > self.caps[i][choice[i]])
                others = closable[closable != i]
                if not grows or self.num_open is not None or others.size == 0:
                    continue
                over = np.array([float(extra[where == j].sum()) for j in others])
                over = np.where(np.isfinite(over), over, np.inf)
                t = int(np.argmin(over))
                j = int(others[t])
                saved = float(self.fixed[j][choice[j]]) - float(over[t])
                if np.isfinite(over[t]) and (choice[i] >= 0 or hope + saved > 0):
                    found.append([(int(i), k), (j, -1)])
        return found

    def _opening_gain(self, i: int, k: int, extra: NDArray[np.float64]) -> float:
        """Return a rough estimate of what opening closed facility ``i`` at option ``k`` saves.

        Its capacity filled with the customers it serves cheaper than today,
        best saving per unit of demand first (fractional), less its fixed
        cost. Moves whose estimate is not positive are not tried: this
        ignores what the freed room elsewhere could gain, so it prunes
        (heuristically) the many openings that cannot pay.
        """
        save = np.where(np.isfinite(extra), -extra, 0.0)
        take = np.flatnonzero(save > 0)
        if take.size == 0:
            return -math.inf
        d = self.demand[take]
        order = np.argsort(-save[take] / np.maximum(d, 1e-12), kind="stable")
        room = np.clip(self.caps[i][k] - np.concatenate([[0.0], np.cumsum(d[order])[:-1]]), 0, None)
        share = np.minimum(room, d[order]) / np.maximum(d[order], 1e-12)
        return float((save[take][order] * share).sum()) - float(self.fixed[i][k])


def sized_search(
    sp: SizedProblem,
    choice: NDArray[np.int64],
    where: NDArray[np.int64] | None = None,
    *,
    deadline: float = math.inf,
    max_passes: int = MAX_PASSES,
) -> tuple[NDArray[np.int64], float, NDArray[np.int64] | None]:
    """Return a plan no move improves: option per facility (-1 closed), cost, who serves whom.

    Starts from ``choice`` with customer j at facility ``where[j]`` (a
    plan within the capacities; by default assigned by
    :meth:`SizedProblem.price`); stops early at ``deadline`` (``time.perf_counter``)
    or after ``max_passes`` moves, keeping the best plan found.
    """
    choice = choice.astype(np.int64).copy()
    if where is None:
        best, where = sp.price(choice)
        if where is None:
            return choice, math.inf, None
    else:
        best = sp.cost_of(choice, where)
    best, where = sp.reassign(choice, best, where)
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
    best, where = sp.reassign(choice, best, where)
    return choice, best, where
