"""Exact pattern moves on a week's routes: take a stop off some days, insert it on others.

A move changes one stop's pattern. On the days it leaves, the stop is cut
out of its route; on the days it joins, it is inserted at the cheapest
position of a route (with a facility visit after it when the trip would be
over capacity), or on a vehicle not used that day. Every changed route is
simulated again (:func:`optimizer.evaluate.simulate_route`, with the break
re-placed) and must pass :func:`optimizer.evaluate.check_route`, so a move's
change of objective is exact, not an estimate; routing each changed day
again (PyVRP, OR-Tools) only ever improves on it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.evaluate import route_objective, travel_s
from optimizer.model import Instance, VehicleType
from optimizer.routing.result import Route, RoutingResult, Unserved, UnservedReason, VisitKind
from optimizer.routing.sequence import checked_route
from optimizer.routing.trip_order import reorder_trips
from optimizer.routing.trip_window import join_gain

Seq = list[tuple[VisitKind, str]]
Body = tuple[tuple[VisitKind, str], ...]
POSITIONS_TRIED = 6  # cheapest insertion positions simulated per route
JOINS_TRIED = 12  # pairs of routes simulated joined, per join made (the most saving first)
VARIANTS_TRIED = 8  # trip variants simulated per route and step (the most saving first)


@dataclass(frozen=True)
class DayPlan:
    """One day: its instance (stops with the day's amounts) and its routing result."""

    instance: Instance
    result: RoutingResult


def body(route: Route) -> Body:
    """Return a route's visits without its break: (kind, location) from depot to depot."""
    return tuple((v.kind, v.location) for v in route.visits if v.kind is not VisitKind.BREAK)


def resimulate(inst: Instance, result: RoutingResult) -> RoutingResult | None:
    """Return ``result``'s routes simulated on ``inst`` (new amounts); None if one breaks a rule."""
    routes: list[Route] = []
    for r in result.routes:
        vt = inst.vehicle_type(r.vehicle_type)
        got = checked_route(inst, r.vehicle, vt, list(body(r)), r.visits[0].departure_s)
        if got is None:
            return None
        routes.append(got)
    return _with_routes(result, routes, result.unserved)


def day_from_bodies(
    template: RoutingResult, inst: Instance, bodies: Sequence[tuple[str, Body, float]]
) -> RoutingResult | None:
    """Return the day of ``inst`` driving ``bodies`` (type, visits, departure).

    None if one of them breaks a rule.
    Vehicles are named ``type#1``, ``type#2``, … in the order given; the
    result keeps ``template``'s engine, settings and objective.
    """
    routes: list[Route] = []
    used: dict[str, int] = {}
    for type_id, seq, leave in bodies:
        used[type_id] = used.get(type_id, 0) + 1
        vt = inst.vehicle_type(type_id)
        got = checked_route(inst, f"{type_id}#{used[type_id]}", vt, list(seq), leave)
        if got is None:
            return None
        routes.append(got)
    return _with_routes(template, routes, ())


def _with_routes(
    result: RoutingResult, routes: Sequence[Route], unserved: Sequence[Unserved]
) -> RoutingResult:
    value = sum(route_objective(r, result.objective) for r in routes)
    return dataclasses.replace(
        result, routes=tuple(routes), unserved=tuple(unserved), objective_value=value
    )


def remove(day: DayPlan, inst: Instance, *sids: str) -> RoutingResult | None:
    """Return the day's plan on ``inst`` without stops ``sids`` (None if a route breaks a rule)."""
    out = set(sids)
    routes: list[Route] = []
    for r in day.result.routes:
        if out & set(r.stops):
            vt = inst.vehicle_type(r.vehicle_type)
            seq = [x for x in body(r) if not (x[0] is VisitKind.STOP and x[1] in out)]
            if not any(k is VisitKind.STOP for k, _ in seq):
                continue  # the vehicle stays home
            got = checked_route(inst, r.vehicle, vt, seq, r.visits[0].departure_s)
            if got is None:
                return None
            routes.append(got)
        else:
            routes.append(r)
    unserved = [u for u in day.result.unserved if u.stop not in out]
    return _with_routes(day.result, routes, unserved)


def insert(day: DayPlan, inst: Instance, sid: str) -> RoutingResult | None:
    """Return the day's plan on ``inst`` with ``sid`` inserted where it costs least, or None."""
    stop = inst.stop(sid)
    result = day.result
    facilities = [f.id for f in inst.unloading_sites if stop.stream in f.streams]
    options: list[tuple[float, int, Seq]] = []
    for k, r in enumerate(result.routes):
        vt = inst.vehicle_type(r.vehicle_type)
        if stop.stream not in vt.streams:
            continue
        path = list(body(r))
        for i in range(len(path) - 1):
            a, b = path[i][1], path[i + 1][1]
            add = travel_s(inst, vt, a, sid) + travel_s(inst, vt, sid, b) - travel_s(inst, vt, a, b)
            options.append((add, k, [*path[: i + 1], (VisitKind.STOP, sid), *path[i + 1 :]]))
            if facilities and b != facilities[0]:
                f = min(
                    facilities, key=lambda f: travel_s(inst, vt, sid, f) + travel_s(inst, vt, f, b)
                )
                extra = (
                    travel_s(inst, vt, sid, f)
                    + travel_s(inst, vt, f, b)
                    - travel_s(inst, vt, sid, b)
                )
                options.append(
                    (
                        add + extra,
                        k,
                        [
                            *path[: i + 1],
                            (VisitKind.STOP, sid),
                            (VisitKind.UNLOAD, f),
                            *path[i + 1 :],
                        ],
                    )
                )
    options.sort(key=lambda o: (o[0], o[1]))
    floor = _floors(inst, result)
    best: tuple[float, RoutingResult] | None = None
    tried: dict[int, int] = {}
    for add, k, seq in options:
        if tried.get(k, 0) >= POSITIONS_TRIED:
            continue
        if best is not None and add + stop.service_s - floor[k] >= best[0]:
            continue  # cannot beat the best found (and later positions of route k cost more)
        tried[k] = tried.get(k, 0) + 1
        r = result.routes[k]
        vt = inst.vehicle_type(r.vehicle_type)
        got = checked_route(inst, r.vehicle, vt, seq, r.visits[0].departure_s)
        if got is None:
            continue
        routes = list(result.routes)
        routes[k] = got
        delta = route_objective(got, result.objective) - route_objective(r, result.objective)
        if best is None or delta < best[0]:
            best = (delta, _with_routes(result, routes, _drop(result.unserved, sid)))
    fresh = _new_route(inst, result, sid, facilities)
    if fresh is not None:
        delta = route_objective(fresh.routes[-1], result.objective)
        if best is None or delta < best[0]:
            best = (delta, fresh)
    return None if best is None else best[1]


def _floors(inst: Instance, result: RoutingResult) -> list[float]:
    """Return, per route, how far an insertion can end below its added travel time.

    With the time objective a route's duration grows by at least the travel
    an insertion adds, less the waiting the route has (arriving later can
    only shorten waits); with another objective, or a break the route may
    place elsewhere, no bound is known (infinity: every position is tried).
    """
    out: list[float] = []
    for r in result.routes:
        if result.objective != "time" or inst.vehicle_type(r.vehicle_type).break_ is not None:
            out.append(math.inf)
        else:
            out.append(sum(max(0.0, v.start_s - v.arrival_s) for v in r.visits))
    return out


def _drop(unserved: Sequence[Unserved], sid: str) -> list[Unserved]:
    return [u for u in unserved if u.stop != sid]


def _new_route(
    inst: Instance, result: RoutingResult, sid: str, facilities: list[str]
) -> RoutingResult | None:
    stop = inst.stop(sid)
    used = {r.vehicle for r in result.routes}
    for vt in inst.vehicle_types:
        if stop.stream not in vt.streams or not facilities:
            continue
        names = [f"{vt.id}#{i + 1}" for i in range(vt.count)]
        free = [n for n in names if n not in used]
        if not free:
            continue
        f = min(
            facilities, key=lambda f: travel_s(inst, vt, sid, f) + travel_s(inst, vt, f, vt.depot)
        )
        seq: Seq = [
            (VisitKind.DEPOT, vt.depot),
            (VisitKind.STOP, sid),
            (VisitKind.UNLOAD, f),
            (VisitKind.DEPOT, vt.depot),
        ]
        got = checked_route(inst, free[0], vt, seq, float(vt.shift.start))
        if got is not None:
            return _with_routes(result, [*result.routes, got], _drop(result.unserved, sid))
    return None


def unserved_entry(sid: str) -> Unserved:
    """Return the unserved record of a stop a move could not place."""
    return Unserved(sid, UnservedReason.NOT_ROUTED, "no feasible position on this day")


def merge_routes(inst: Instance, result: RoutingResult) -> RoutingResult:
    """Return the day with pairs of routes joined into one where that costs less.

    One vehicle drives the first route, unloads, and goes on with the
    second instead of returning to the depot (one vehicle and two depot
    legs fewer). Local searches that move one stop at a time seldom find
    this when the joined route needs another trip to a facility. The best
    join is applied and the search repeats; every joined route is
    simulated and checked, so the result is never worse nor infeasible.
    """
    objective = result.objective
    while len(result.routes) > 1:
        # Joins that can fit the day (the work of both, without waiting or
        # breaks, less the two depot legs saved, is a lower bound of the
        # joined route's duration), the most driving saved first; the best
        # of the first JOINS_TRIED that pass the checker is applied.
        options: list[tuple[float, int, int, Seq]] = []
        work = [_work_s(r) for r in result.routes]
        for i, a in enumerate(result.routes):
            vt = inst.vehicle_type(a.vehicle_type)
            longest = vt.shift.end - vt.shift.start
            if vt.max_duration_s is not None:
                longest = min(longest, vt.max_duration_s)
            first, last = body(a), None
            for j, b in enumerate(result.routes):
                if i == j or b.vehicle_type != a.vehicle_type:
                    continue
                last = body(b)
                end, start = first[-2][1], last[1][1]
                saved = travel_s(inst, vt, end, vt.depot) + travel_s(inst, vt, vt.depot, start)
                added = travel_s(inst, vt, end, start)
                if work[i] + work[j] - saved + added > longest + 1e-6:
                    continue
                options.append((added - saved, i, j, [*first[:-1], *last[1:]]))
        options.sort(key=lambda o: (o[0], o[1], o[2]))
        best: tuple[float, int, int, Route] | None = None
        for _, i, j, seq in options[:JOINS_TRIED]:
            a, b = result.routes[i], result.routes[j]
            vt = inst.vehicle_type(a.vehicle_type)
            got = checked_route(inst, a.vehicle, vt, seq, a.visits[0].departure_s)
            if got is None:
                continue
            gain = join_gain(a, b, got, objective)
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, i, j, got)
        if best is None:
            return result
        _, i, j, got = best
        routes = [r for k, r in enumerate(result.routes) if k not in (i, j)]
        # The joined trips in their best order (the routing did it for the rest).
        got = reorder_trips(inst, got, objective)
        result = _with_routes(result, [*routes, got], result.unserved)
    return result


def _work_s(route: Route) -> float:
    """Return the seconds ``route`` drives, serves stops and unloads (no waiting, break, depot)."""
    out = 0.0
    for v, w in itertools.pairwise(route.visits):
        if v.kind in (VisitKind.STOP, VisitKind.UNLOAD):
            out += v.departure_s - v.start_s
        out += w.arrival_s - v.departure_s
    return out


def refine_trips(inst: Instance, result: RoutingResult) -> RoutingResult:
    """Return the day with each route's trips improved where PyVRP's moves do not reach.

    PyVRP's moves relocate and swap a few stops at a time: part of a trip
    driven in the other direction (road times are asymmetric), two trips in
    the other order, or a trip ending at another facility are out of their
    reach (PVRP-IF Milano_040_4_3, day 1 of the optimal timetable: 251
    minutes against 241). The routing already put each route's trips in
    their best order, paths and facilities together
    (:func:`optimizer.routing.trip_order.reorder_trips`, exact for the
    trips as they are; :func:`merge_routes` does it for a joined route);
    here single variants that drive less are simulated and checked, the
    most driving saved first. A change is kept only if the route's
    objective falls, so the day is never worse nor infeasible.
    """
    objective = result.objective
    # Another facility only where it has no daily capacity (a rule of the
    # whole day, which one route cannot see).
    sites = [f.id for f in inst.unloading_sites if f.capacity_kg_per_day is None]
    routes = list(result.routes)
    changed = False
    for k, r in enumerate(routes):
        vt = inst.vehicle_type(r.vehicle_type)
        best = r
        improved = True
        while improved:
            improved = False
            for _, seq in _trip_variants(inst, vt, list(body(best)), sites)[:VARIANTS_TRIED]:
                got = checked_route(inst, best.vehicle, vt, seq, best.visits[0].departure_s)
                if got is not None and route_objective(got, objective) < (
                    route_objective(best, objective) - 1e-9
                ):
                    best, improved = got, True
                    break
        if best is not r:
            routes[k], changed = best, True
    return _with_routes(result, routes, result.unserved) if changed else result


def _trip_variants(
    inst: Instance, vt: VehicleType, seq: Seq, sites: Sequence[str]
) -> list[tuple[float, Seq]]:
    """Return (driving saved < 0, variant) of ``seq``, the most saved first.

    A variant has part of one trip reversed, two neighbouring trips swapped
    or one unload at another facility. Reversals are priced from running
    sums of the trip's legs both ways, each in constant time.
    """
    legs: dict[tuple[str, str], float] = {}

    def t(a: str, b: str) -> float:
        if (a, b) not in legs:
            legs[(a, b)] = travel_s(inst, vt, a, b)
        return legs[(a, b)]

    def driven(v: Seq) -> float:
        return sum(t(x[1], y[1]) for x, y in itertools.pairwise(v))

    loc = [x[1] for x in seq]
    n = len(loc)
    fwd = [0.0] * n  # fwd[k]: legs loc[0] -> ... -> loc[k]
    bwd = [0.0] * n  # bwd[k]: the same legs driven backwards
    for k in range(1, n):
        fwd[k] = fwd[k - 1] + t(loc[k - 1], loc[k])
        bwd[k] = bwd[k - 1] + t(loc[k], loc[k - 1])
    cuts = [i for i, (kind, _) in enumerate(seq) if kind is not VisitKind.STOP]
    trips = [(a + 1, b) for a, b in itertools.pairwise(cuts) if b - a > 1]
    out: list[tuple[float, Seq]] = []
    for a, b in trips:
        for i in range(a, b - 1):
            for j in range(i + 2, b + 1):  # reverse loc[i:j]
                inner = (bwd[j - 1] - bwd[i]) - (fwd[j - 1] - fwd[i])
                ends = t(loc[i - 1], loc[j - 1]) + t(loc[i], loc[j])
                ends -= t(loc[i - 1], loc[i]) + t(loc[j - 1], loc[j])
                if inner + ends < -1e-9:
                    out.append((inner + ends, [*seq[:i], *reversed(seq[i:j]), *seq[j:]]))
    now = fwd[-1]
    others: list[Seq] = []
    for (a, b), (c, d) in itertools.pairwise(trips):
        if seq[b][0] is VisitKind.UNLOAD and b + 1 == c:
            others.append([*seq[:a], *seq[c:d], seq[b], *seq[a:b], *seq[d:]])
    for i, (kind, here) in enumerate(seq):
        if kind is VisitKind.UNLOAD:
            others.extend([*seq[:i], (kind, f), *seq[i + 1 :]] for f in sites if f != here)
    for v in others:
        saved = driven(v) - now
        if saved < -1e-9:
            out.append((saved, v))
    out.sort(key=lambda o: o[0])
    return out
