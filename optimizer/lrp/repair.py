"""Bring depot loads within capacity by moving customers or whole routes between depots.

Multi-depot routing does not know depot capacities; its routes may load a
depot past its capacity. The repair is greedy: while a depot is over, make
the cheapest move out of it that the receiving side can take, either a
whole route re-rooted to a depot with room, or one customer inserted at its
cheapest place in a route of another depot with room on the vehicle and at
the depot. Travel costs come from the search's matrix; the checker has the
last word on the result.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

from optimizer.lrp.check import LrpRoute
from optimizer.lrp.instance import LrpInstance


def _route_cost(cost: NDArray[np.float64], m: int, depot: int, seq: tuple[int, ...]) -> float:
    nodes = [depot, *(m + c for c in seq), depot]
    return float(sum(cost[a, b] for a, b in itertools.pairwise(nodes)))


def _best_rooting(
    cost: NDArray[np.float64], m: int, depot: int, seq: tuple[int, ...]
) -> tuple[float, tuple[int, ...]]:
    best = (math.inf, seq)
    for k in range(len(seq)):
        rot = seq[k:] + seq[:k]
        for cand in (rot, tuple(reversed(rot))):
            value = _route_cost(cost, m, depot, cand)
            if value < best[0]:
                best = (value, cand)
    return best


def repair_capacity(
    inst: LrpInstance,
    cost: NDArray[np.float64],
    routes: list[LrpRoute],
    depots: list[int],
    *,
    max_moves: int = 1000,
) -> list[LrpRoute] | None:
    """Return ``routes`` with every depot in ``depots`` within its capacity, or None if stuck."""
    m = inst.num_depots
    q = inst.demand
    routes = [LrpRoute(r.depot, tuple(r.customers)) for r in routes]

    def loads() -> dict[int, float]:
        out = dict.fromkeys(depots, 0.0)
        for r in routes:
            out[r.depot] = out.get(r.depot, 0.0) + sum(q[c] for c in r.customers)
        return out

    for _ in range(max_moves):
        load = loads()
        over = [i for i in depots if load[i] > inst.depot_capacity[i] + 1e-9]
        if not over:
            return [r for r in routes if r.customers]
        i = max(over, key=lambda d: load[d] - inst.depot_capacity[d])
        room = {k: inst.depot_capacity[k] - load[k] for k in depots if k != i}
        best: tuple[float, int, LrpRoute | None, int, int, tuple[int, ...]] | None = None
        for a, r in enumerate(routes):
            if r.depot != i or not r.customers:
                continue
            here = _route_cost(cost, m, i, r.customers)
            r_load = sum(q[c] for c in r.customers)
            for k, free in room.items():  # the whole route to depot k
                if r_load <= free + 1e-9:
                    value, seq = _best_rooting(cost, m, k, r.customers)
                    delta = value - here
                    if best is None or delta < best[0]:
                        best = (delta, a, LrpRoute(k, seq), -1, -1, ())
            for p, c in enumerate(r.customers):  # one customer into a route of another depot
                rest = r.customers[:p] + r.customers[p + 1 :]
                saved = here - (_route_cost(cost, m, i, rest) if rest else -inst.route_cost)
                for b, other in enumerate(routes):
                    k = other.depot
                    if k == i or k not in room or q[c] > room[k] + 1e-9:
                        continue
                    if sum(q[v] for v in other.customers) + q[c] > inst.vehicle_capacity + 1e-9:
                        continue
                    nodes = [k, *(m + v for v in other.customers), k]
                    ins = min(
                        cost[nodes[t], m + c]
                        + cost[m + c, nodes[t + 1]]
                        - cost[nodes[t], nodes[t + 1]]
                        for t in range(len(nodes) - 1)
                    )
                    delta = float(ins) - saved
                    if best is None or delta < best[0]:
                        best = (delta, a, None, b, p, rest)
        if best is None:
            return None
        _, a, moved, b, p, rest = best
        if moved is not None:
            routes[a] = moved
        else:
            c = routes[a].customers[p]
            other = routes[b]
            nodes = [other.depot, *(m + v for v in other.customers), other.depot]
            t = min(
                range(len(nodes) - 1),
                key=lambda t: (
                    cost[nodes[t], m + c] + cost[m + c, nodes[t + 1]] - cost[nodes[t], nodes[t + 1]]
                ),
            )
            routes[b] = LrpRoute(other.depot, (*other.customers[:t], c, *other.customers[t:]))
            routes[a] = LrpRoute(routes[a].depot, rest)
    return None
