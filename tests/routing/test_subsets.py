"""The compiled set DPs (optimizer.routing.subsets) against definitions written out by hand.

Small random tables: every shortest path by trying every order, every
route by trying every way to cut the set into ordered trips, every split
by trying every partition. Asymmetric times, some sets too heavy for one
load.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest

from optimizer.routing.subsets import fill_routes, held_karp, split_level

INF = float("inf")


def _bits(mask: int, n: int) -> list[int]:
    return [j for j in range(n) if mask >> j & 1]


@pytest.mark.parametrize("seed", range(6))
def test_held_karp_is_the_shortest_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6
    t = rng.integers(1, 50, size=(n + 1, n + 1)).astype(float)  # node n: the start
    weight = rng.integers(1, 10, size=n)
    ok = np.array([weight[_bits(m, n)].sum() <= 25 for m in range(1 << n)])
    ok[0] = False
    p = held_karp(t, n, n, ok)
    for mask in range(1, 1 << n):
        for j in range(n):
            want = INF
            if ok[mask] and mask >> j & 1:
                others = [i for i in _bits(mask, n) if i != j]
                for order in itertools.permutations(others):
                    path = [n, *order, j]
                    want = min(want, sum(t[a, b] for a, b in itertools.pairwise(path)))
            assert p[mask, j] == want


@pytest.mark.parametrize("seed", range(6))
def test_fill_routes_is_the_best_sequence_of_trips(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, rows, nq = 5, 3, 2  # rows 0 and 1 start at facilities 0 and 1, row 2 at the depot
    full = 1 << n
    fits = rng.random(full) < 0.7
    fits[0] = False
    for m in range(full):  # one load fits every part of a set that fits
        fits[m] = fits[m] and all(fits[s] for s in range(1, m) if s & m == s)
    trip = np.where(fits, rng.integers(5, 60, size=(rows, nq, full)), INF).astype(float)
    end = rng.integers(1, 20, size=nq).astype(float)  # facility q back to the depot
    h = np.full((rows, full), INF)
    h[:nq, 0] = end
    fill_routes(h, trip, np.arange(nq))

    @cache
    def best(r: int, a: int) -> float:
        if a == 0:
            return float(end[r]) if r < nq else INF
        out = INF
        for b in range(1, a + 1):
            if b & a == b and fits[b]:
                out = min(out, min(trip[r, q, b] + best(q, a ^ b) for q in range(nq)))
        return out

    for r in range(rows):
        for a in range(full):
            assert h[r, a] == best(r, a)


def _partitions(items: list[int]):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for k in range(len(part)):
            yield [*part[:k], [first, *part[k]], *part[k + 1 :]]
        yield [[first], *part]


@pytest.mark.parametrize("seed", range(4))
def test_split_levels_are_the_best_partition_into_routes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6
    full = 1 << n
    route = np.where(rng.random(full) < 0.6, rng.integers(10, 100, size=full), INF).astype(float)
    route[0] = 0.0
    levels = [route]
    for _ in range(3):
        levels.append(split_level(route, levels[-1], False))
    goal_only = split_level(route, levels[2], True)
    for a in range(1, full):
        for k, table in enumerate(levels):
            want = min(
                (
                    sum(route[sum(1 << j for j in part)] for part in parts)
                    for parts in _partitions(_bits(a, n))
                    if len(parts) <= k + 1
                ),
                default=INF,
            )
            assert table[a] == want
    assert goal_only[full - 1] == levels[3][full - 1]
    assert np.array_equal(goal_only[: full - 1], levels[2][: full - 1])
