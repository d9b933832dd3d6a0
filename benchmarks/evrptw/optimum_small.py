"""Optimal distance of the 5-customer E-VRPTW files by enumeration, with our checker alone.

Independent of the search engine: every route is a permutation of a subset
of customers; a route the vehicle cannot drive on one battery gets charging
stops (at most one between two visits, at most two per route, cheapest
detour first), with charge amounts from the linear programme of
``optimizer.routing.charging.optimal_dwell``; a route counts only if
``optimizer.evaluate.check_route`` accepts it. The plan is the cheapest
partition of the customers into such routes (fleet unlimited), ranked by
vehicles then distance (as the sets rank plans) and by distance alone.
Exact under that limit on charging stops. Run from the repository root:

    python benchmarks/evrptw/optimum_small.py ../shared/data/vrp/evrptw/5/*.txt
"""

from __future__ import annotations

import itertools
import sys
from functools import cache

from optimizer.evaluate import Rule, check_route, simulate_route
from optimizer.io.evrptw import read_evrptw
from optimizer.model import Instance, SiteKind
from optimizer.routing.charging import optimal_dwell
from optimizer.routing.result import VisitKind


def best_route(instance: Instance, stops: tuple[str, ...]) -> float:
    """Return the shortest feasible route over exactly ``stops`` (any order), or inf."""
    vt = instance.vehicle_types[0]
    stations = [s.id for s in instance.sites if s.kind is SiteKind.CHARGER]
    best = float("inf")
    for order in itertools.permutations(stops):
        body = [(VisitKind.STOP, s) for s in order]
        plain = _route(instance, body)
        rules = {v.rule for v in check_route(instance, plain)}
        if not rules:
            best = min(best, plain.distance_m)
            continue
        if rules - {Rule.BATTERY}:
            continue  # charging only adds time and distance
        gaps = len(body) + 2  # before each stop, before the unload
        options = []
        for k in (1, 2):
            for where in itertools.combinations(range(gaps), k):
                for which in itertools.product(stations, repeat=k):
                    seq = [*body, (VisitKind.UNLOAD, "0-unload")]
                    for pos, st in sorted(zip(where, which, strict=True), reverse=True):
                        seq.insert(pos, (VisitKind.CHARGE, st))
                    options.append(seq)
        for seq in sorted(options, key=lambda q: _route(instance, q, unload=False).distance_m):
            route = _route(instance, seq, unload=False)
            if route.distance_m >= best:
                break
            full = [(VisitKind.DEPOT, vt.depot), *seq, (VisitKind.DEPOT, vt.depot)]
            dwell = optimal_dwell(instance, vt, full, vt.shift.start)
            if dwell is None:
                continue
            route = simulate_route(instance, "x", vt, full, vt.shift.start, dwell_s=dwell)
            if not check_route(instance, route):
                best = route.distance_m
                break
    return best


def _route(instance: Instance, body: list, *, unload: bool = True):  # type: ignore[no-untyped-def]
    vt = instance.vehicle_types[0]
    tail = [(VisitKind.UNLOAD, "0-unload")] if unload else []
    seq = [(VisitKind.DEPOT, vt.depot), *body, *tail, (VisitKind.DEPOT, vt.depot)]
    return simulate_route(instance, "x", vt, seq, vt.shift.start)


def optimum(instance: Instance, *, vehicles_first: bool) -> tuple[int, float]:
    """Return (vehicles, total distance in set units) of the optimal plan of a small instance.

    With ``vehicles_first`` the plan with the fewest vehicles, then the least
    distance (the sets' ranking); otherwise the least distance.
    """
    ids = tuple(s.id for s in instance.stops)

    def key(value: tuple[int, float]) -> tuple[float, float]:
        return (value[0], value[1]) if vehicles_first else (value[1], value[0])

    @cache
    def cover(rest: frozenset[str]) -> tuple[int, float]:
        if not rest:
            return (0, 0.0)
        first = min(rest)
        others = sorted(rest - {first})
        out = (10**9, float("inf"))
        for k in range(len(others) + 1):
            for extra in itertools.combinations(others, k):
                group = (first, *extra)
                cost = route_cost(tuple(sorted(group)))
                if cost == float("inf"):
                    continue
                n, d = cover(rest - set(group))
                out = min(out, (n + 1, d + cost), key=key)
        return out

    @cache
    def route_cost(group: tuple[str, ...]) -> float:
        return best_route(instance, group)

    n, d = cover(frozenset(ids))
    return n, d / 1000.0


if __name__ == "__main__":
    print("instance,vehicles_first_k,vehicles_first_distance,distance_only_k,distance_only")
    for path in sys.argv[1:]:
        inst = read_evrptw(path)
        k1, d1 = optimum(inst, vehicles_first=True)
        k2, d2 = optimum(inst, vehicles_first=False)
        print(f"{path.rsplit('/', 1)[-1]},{k1},{d1:.2f},{k2},{d2:.2f}", flush=True)
