"""Drive a multi-trip route's trips in their best order, direction and unloading facility.

A route of a multi-trip day is a chain of trips: stops, then an unload at a
facility, from which the next trip starts. Once the stops of each trip are
fixed, three choices remain that local search moving a few stops at a
time seldom changes together: the order of the trips, the path through
each trip's stops (from where the previous trip unloaded), and the
facility each trip unloads at. PVRP-IF Roma_030_4_2, day 0 of the
authors' optimal timetable: PyVRP drove the same two trips as the optimum
in the other order, each the other way round, unloading the last at the
other facility, 114 minutes against 106; one change at a time makes the
route longer before it is shorter.

:func:`best_trip_order` finds the least driving over all three choices
exactly: Held–Karp paths through each trip from every possible start to
every facility (trips of at most ``PATH_STOPS`` stops; a longer trip keeps
its order, driven either way), then a dynamic programme over the subsets
of trips driven so far and the facility the truck stands at. The caller
simulates and checks the result (:func:`reorder_trips` does both).
"""

from __future__ import annotations

import itertools

import numpy as np

from optimizer.evaluate import route_objective
from optimizer.model import Instance, VehicleType
from optimizer.routing.result import Route, VisitKind
from optimizer.routing.sequence import checked_route

Seq = list[tuple[VisitKind, str]]
PATH_STOPS = 10  # Held–Karp per trip up to here (2**10 sets x 10 ends): about a millisecond
MAX_TRIPS = 8  # subsets of trips x facilities: 256 x F states
EPS = 1e-6


def reorder_trips(inst: Instance, route: Route, objective: str) -> Route:
    """Return ``route`` with its trips in their best order, if that passes the checker and pays.

    The proposal of :func:`best_trip_order` is simulated from the route's
    departure (its break placed again) and kept only where every rule
    holds and the route's ``objective`` falls; otherwise ``route`` itself.
    """
    vt = inst.vehicle_type(route.vehicle_type)
    seq: Seq = [(v.kind, v.location) for v in route.visits if v.kind is not VisitKind.BREAK]
    better = best_trip_order(inst, vt, seq)
    if better is None:
        return route
    got = checked_route(inst, route.vehicle, vt, better, route.visits[0].departure_s)
    if got is None or route_objective(got, objective) >= route_objective(route, objective) - 1e-9:
        return route
    return got


def best_trip_order(inst: Instance, vt: VehicleType, seq: Seq) -> Seq | None:
    """Return ``seq`` with its trips reordered, re-sequenced and re-assigned, if that drives less.

    ``seq`` runs depot to depot; each trip is its stops followed by one
    unload, at the facility it had or at one without a daily capacity.
    Returns None where nothing drives less, or where the route has another
    shape (charging, a trip without an unload, several streams, another
    depot at the end).
    """
    trips = _trips(seq)
    if trips is None or len(trips) < 1 or len(trips) > MAX_TRIPS:
        return None
    streams = {inst.stop(s).stream for trip in trips for s in trip[0]}
    if len(streams) != 1:
        return None
    (stream,) = streams
    facilities = [f.id for f in inst.unloading_sites if stream in f.streams]
    if not facilities or any(trip[1] not in facilities for trip in trips):
        return None
    depot = seq[0][1]
    if seq[-1][1] != depot:
        return None
    nodes = list(dict.fromkeys([s for trip in trips for s in trip[0]] + facilities + [depot]))
    index = {loc: i for i, loc in enumerate(nodes)}
    tm = inst.travel_of(vt.id)
    rows = [tm.index(x) for x in nodes]
    t = tm.duration_s[np.ix_(rows, rows)] / vt.speed_factor  # as evaluate.travel_s
    now = sum(t[index[a], index[b]] for (_, a), (_, b) in itertools.pairwise(seq))
    starts = [index[f] for f in facilities] + [index[depot]]
    ends = [index[f] for f in facilities]
    # best[i][s]: (cost to each end, path to each end) of trip i started at node s
    best = [_paths(t, [index[x] for x in stops], starts, ends) for stops, _ in trips]
    # A facility's daily capacity is a rule of the whole plan, which one route
    # cannot see: a trip ends where it did or at a facility without one.
    free = {f.id for f in inst.unloading_sites if f.capacity_kg_per_day is None}
    for (_, site), paths in zip(trips, best, strict=True):
        for cost, _ in paths.values():
            for q, f in enumerate(facilities):
                if f != site and f not in free:
                    cost[q] = np.inf
    k, nf = len(trips), len(ends)
    full = (1 << k) - 1
    # value[mask][q]: least driving from the depot through the trips in mask, standing at end q
    value = np.full((1 << k, nf), np.inf)
    step: dict[tuple[int, int], tuple[int, int, int]] = {}  # (mask, q) -> (prev mask, prev q, trip)
    for i in range(k):
        cost, _ = best[i][index[depot]]
        for q in range(nf):
            if cost[q] < value[1 << i, q]:
                value[1 << i, q] = cost[q]
                step[(1 << i, q)] = (0, -1, i)
    for mask in range(1, full + 1):
        for p in range(nf):
            here = value[mask, p]
            if not np.isfinite(here):
                continue
            for i in range(k):
                if mask >> i & 1:
                    continue
                cost, _ = best[i][ends[p]]
                nxt = mask | 1 << i
                for q in range(nf):
                    if here + cost[q] < value[nxt, q] - EPS:
                        value[nxt, q] = here + cost[q]
                        step[(nxt, q)] = (mask, p, i)
    home = value[full] + t[ends, index[depot]]
    q = int(np.argmin(home))
    if not home[q] < now - EPS:
        return None
    order: list[tuple[int, int, int]] = []  # (trip, start node, end index)
    mask = full
    while mask:
        prev, p, i = step[(mask, q)]
        order.append((i, index[depot] if p < 0 else ends[p], q))
        mask, q = prev, p
    out: Seq = [(VisitKind.DEPOT, depot)]
    for i, s, e in reversed(order):
        out += [(VisitKind.STOP, nodes[j]) for j in best[i][s][1][e]]
        out.append((VisitKind.UNLOAD, nodes[ends[e]]))
    out.append((VisitKind.DEPOT, depot))
    return out


def _trips(seq: Seq) -> list[tuple[list[str], str]] | None:
    """Return the route's trips as (stops, facility), or None if it has another shape."""
    if len(seq) < 3 or seq[0][0] is not VisitKind.DEPOT or seq[-1][0] is not VisitKind.DEPOT:
        return None
    trips: list[tuple[list[str], str]] = []
    stops: list[str] = []
    for kind, loc in seq[1:-1]:
        if kind is VisitKind.STOP:
            stops.append(loc)
        elif kind is VisitKind.UNLOAD and stops:
            trips.append((stops, loc))
            stops = []
        else:
            return None
    return None if stops else trips


def _paths(
    t: np.ndarray, stops: list[int], starts: list[int], ends: list[int]
) -> dict[int, tuple[np.ndarray, list[list[int]]]]:
    """Return, per start, the least driving through ``stops`` to each end and those paths."""
    m = len(stops)
    out: dict[int, tuple[np.ndarray, list[list[int]]]] = {}
    if m > PATH_STOPS:  # keep the trip's order, driven either way
        for start in starts:
            cost, paths = np.full(len(ends), np.inf), [stops] * len(ends)
            for way in (stops, stops[::-1]):
                inner = sum(t[a, b] for a, b in itertools.pairwise(way))
                for q, e in enumerate(ends):
                    c = t[start, way[0]] + inner + t[way[-1], e]
                    if c < cost[q]:
                        cost[q], paths[q] = c, way
            out[start] = (cost, paths)
        return out
    sub = t[np.ix_(stops, stops)]
    # p[k, mask, j]: least driving from starts[k] through mask, ending at stop j
    p = np.full((len(starts), 1 << m, m), np.inf)
    for j in range(m):
        p[:, 1 << j, j] = t[starts, stops[j]]
    masks = np.arange(1 << m)
    size = np.bitwise_count(masks)
    for n in range(2, m + 1):
        layer = masks[size == n]
        for j in range(m):
            mk = layer[(layer >> j) & 1 == 1]
            p[:, mk, j] = (p[:, mk ^ (1 << j)] + sub[:, j]).min(axis=2)
    to_end = t[np.ix_(stops, ends)]
    for k, start in enumerate(starts):
        last = p[k, -1][:, None] + to_end  # (last stop, end)
        paths = []
        for q in range(len(ends)):
            j = int(np.argmin(last[:, q]))
            mask, order = (1 << m) - 1, [j]
            while mask != 1 << j:
                prev = mask ^ (1 << j)
                i = int(np.argmin(p[k, prev] + sub[:, j]))
                order.append(i)
                mask, j = prev, i
            paths.append([stops[x] for x in reversed(order)])
        out[start] = (last.min(axis=0), paths)
    return out
