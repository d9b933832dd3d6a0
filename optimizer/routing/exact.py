"""Exact routing of a small multi-trip day, by dynamic programming over sets of stops.

A day of a periodic plan often has only a handful of stops (PVRP-IF: 8–13
on the 20-customer files, 11–20 on the 30-customer ones). There, a
heuristic search with a small budget misses the best plan by a few
percent (measured with the authors' optimal timetables: 100 PyVRP
iterations a day ended 4 % above their proven optima over the 13 files,
the misses mostly a second vehicle where one drives several trips), and
the week search ranks visiting days by those misses. Up to ``MAX_STOPS``
stops this module finds the plan of least working time exactly (the
loops over sets are compiled: :mod:`optimizer.routing.subsets`):

1. **Trips** (Held–Karp): for every set of stops one load fits and every
   start (the depot or a facility), the shortest path through the set;
   a trip ends with an unload at a facility, its time is the driving, the
   service and the unloading.
2. **Routes**: ``h[A][s]``, the least time to serve the set ``A`` from
   ``s`` and be back at the depot with the truck empty: the best first
   trip ``B ⊆ A`` from ``s`` to a facility ``e``, then ``h[A minus B][e]``.
   A route is feasible when its time fits the shift and the maximum
   duration: with no time windows nor breaks, its least time is also its
   least duration.
3. **Fleet**: the best split of the day's stops over at most ``count``
   feasible routes.

It applies to a day with the time objective, one vehicle type and one
stream, no time windows, release dates, breaks, stop or daily-load
limits, batteries or ranges, and facilities open all shift without a
daily capacity (:func:`exact_day` returns None otherwise; for a day no
plan of the fleet serves in full it says so, status ``"infeasible"``).
Every route it returns goes through the
simulation and checker of :mod:`optimizer.evaluate`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import numpy as np

from optimizer.evaluate import check_route, compartments, objective_value, travel_s
from optimizer.model import Instance, SiteKind, VehicleType
from optimizer.routing.result import RoutingResult, Unserved, UnservedReason, VisitKind
from optimizer.routing.sequence import place_break
from optimizer.routing.subsets import fill_routes, held_karp, split_level

# The walk plans days of up to MAX_STOPS stops exactly. The tables visit
# every (set, subset) pair: 3**n of them, compiled (optimizer.routing.subsets).
# Measured on PVRP-IF days (AMD EPYC, 7 Dec 2026, median of four): 3 / 10 /
# 22 / 59 ms with 10 / 12 / 13 / 14 stops, 0.16 / 0.38 / 1.1 s with 15 / 16 /
# 17 (the numpy tables before: 28 ms at 12 stops, 0.84 s at 15, and 3.5 s for
# the first day of 15 stops in a process). Walk limits of 12 and 15 measured
# alike on the PVRP-IF set (benchmarks/periodic/README.md, session 30).
MAX_STOPS = 15
SECONDS_AT_15 = 0.25  # seconds a 15-stop day may take; each stop more about 3 times that
INF = float("inf")
EPS = 1e-6  # seconds: float sums of whole seconds are exact, this only absorbs noise


def exact_seconds(num_stops: int) -> float:
    """Return about the most seconds :func:`exact_day` takes for a day of ``num_stops`` stops."""
    return SECONDS_AT_15 * 3.0 ** (num_stops - 15)


def exact_day(
    inst: Instance, objective: str, *, max_stops: int = MAX_STOPS
) -> RoutingResult | None:
    """Return the day of least total working time, or None when this method does not apply.

    When the tables prove that no plan of the day's fleet serves every stop
    (too much waste, or too much work for the shifts), the result has status
    ``"infeasible"``, no routes and every stop unserved (``fleet_too_small``):
    a search can still plan the part of the day that fits, but no search
    serves it all. Days of more than ``max_stops`` stops are left to the
    search (see :func:`exact_seconds` before raising it).
    """
    vt = eligible(inst, objective, max_stops=max_stops)
    if vt is None:
        return None
    t0 = time.perf_counter()
    try:
        plan = DayTables(inst, vt).solve()
    except _Unreproduced:
        return None  # a table the walk back cannot follow: the search plans the day instead
    if plan is None:
        return RoutingResult(
            inst.name,
            (),
            tuple(
                Unserved(s.id, UnservedReason.FLEET_TOO_SMALL, "no plan of the fleet serves all")
                for s in inst.stops
            ),
            "time",
            0.0,
            "exact",
            settings={"method": "dynamic programming over sets of stops"},
            runtime_s=time.perf_counter() - t0,
            status="infeasible",
        )
    return _day_result(inst, vt, plan, t0)


def exact_routes(
    inst: Instance, objective: str, groups: Sequence[Sequence[str]]
) -> RoutingResult | None:
    """Return the day whose routes serve ``groups`` (stop ids, one group a route), each optimal.

    For a split of the day decided elsewhere (the exact week): each group is
    planned as a one-vehicle day by the tables. None when the method does
    not apply or a group has no feasible route.
    """
    if not inst.stops and objective == "time":
        return _day_result(inst, None, [], time.perf_counter())  # a day without visits
    vt = eligible(inst, objective, max_stops=len(inst.stops))
    if vt is None or len(groups) > vt.count:
        return None
    t0 = time.perf_counter()
    by_id = {s.id: s for s in inst.stops}
    single = dataclasses.replace(vt, count=1)
    plan = []
    for group in groups:
        one = dataclasses.replace(
            inst, stops=tuple(by_id[sid] for sid in group), vehicle_types=(single,)
        )
        try:
            seqs = DayTables(one, single).solve()
        except _Unreproduced:
            return None
        if not seqs:
            return None
        plan += seqs
    return _day_result(inst, vt, plan, t0)


def _day_result(
    inst: Instance, vt: VehicleType | None, plan: list[list[tuple[VisitKind, str]]], t0: float
) -> RoutingResult | None:
    """Return the day of ``plan``'s visit sequences, simulated and checked (None: one fails)."""
    routes = []
    for k, seq in enumerate(plan):
        assert vt is not None
        route = place_break(inst, f"{vt.id}#{k + 1}", vt, seq, float(vt.shift.start))
        if check_route(inst, route, metrics=False):
            return None  # a route the tables got wrong: the search plans the day instead
        routes.append(route)
    return RoutingResult(
        inst.name,
        tuple(routes),
        (),
        "time",
        objective_value(routes, "time"),
        "exact",
        settings={"method": "dynamic programming over sets of stops"},
        runtime_s=time.perf_counter() - t0,
        status="optimal",
    )


def eligible(inst: Instance, objective: str, *, max_stops: int) -> VehicleType | None:
    """Return the day's one vehicle type if the module docstring's conditions hold."""
    if objective != "time" or len(inst.vehicle_types) != 1 or not inst.stops:
        return None
    if len(inst.stops) > max_stops:
        return None
    vt = inst.vehicle_types[0]
    streams = {s.stream for s in inst.stops}
    if len(streams) != 1 or vt.count < 1:
        return None
    (stream,) = streams
    if stream not in vt.streams or vt.break_ is not None or vt.max_stops is not None:
        return None
    if vt.max_load_kg_per_day is not None or vt.battery_kwh is not None or vt.range_m is not None:
        return None
    if any(s.window is not None or s.release_s for s in inst.stops):
        return None
    facilities = [f for f in inst.unloading_sites if stream in f.streams]
    if not facilities:
        return None
    for f in facilities:
        if f.capacity_kg_per_day is not None:
            return None
        if f.hours is not None and not (
            f.hours.start <= vt.shift.start and vt.shift.end <= f.hours.end
        ):
            return None
    depot = next((s for s in inst.sites if s.id == vt.depot), None)
    if depot is None or depot.kind is not SiteKind.DEPOT:
        return None
    return vt


class _Unreproduced(Exception):
    """The walk back through the tables found no step giving the value they hold."""


class DayTables:
    """The tables of one day: trips, routes from every start, the fleet split."""

    def __init__(self, inst: Instance, vt: VehicleType) -> None:
        self.inst, self.vt = inst, vt
        stops = list(inst.stops)
        stream = stops[0].stream
        self.ids = [s.id for s in stops]
        self.facilities = [f for f in inst.unloading_sites if stream in f.streams]
        self.n = n = len(stops)
        nodes = self.ids + [f.id for f in self.facilities] + [vt.depot]
        self.t = np.array([[travel_s(inst, vt, a, b) for b in nodes] for a in nodes])
        self.depot = len(nodes) - 1
        self.fac = list(range(n, n + len(self.facilities)))
        self.unload = np.array([float(f.unload_s) for f in self.facilities])
        self.limit = float(vt.shift.end - vt.shift.start)
        if vt.max_duration_s is not None:
            self.limit = min(self.limit, float(vt.max_duration_s))
        full = 1 << n
        masks = np.arange(full, dtype=np.int64)
        kg_cap, m3_cap = compartments(vt)[stream]
        kg = np.zeros(full)
        m3 = np.zeros(full)
        svc = np.zeros(full)
        for i, s in enumerate(stops):
            has = (masks >> i) & 1 == 1
            kg[has] += s.demand_kg
            m3[has] += s.demand_m3
            svc[has] += s.service_s
        fits = kg <= kg_cap + 1e-9
        if m3_cap is not None:
            fits &= m3 <= m3_cap + 1e-9
        fits[0] = False
        self.fits, self.svc = fits, svc

    def solve(self) -> list[list[tuple[VisitKind, str]]] | None:
        """Return the optimal routes as visit sequences (depot to depot), or None."""
        n, t = self.n, self.t
        full = 1 << n
        starts = [*self.fac, self.depot]
        self.p = {s: held_karp(t, s, n, self.fits) for s in starts}
        # trip[r, q, mask]: from starts[r] through mask, unloading at facility q
        # (service included)
        trip = np.stack(
            [
                [
                    np.where(
                        self.fits,
                        (self.p[s] + t[:n, e]).min(axis=1) + self.svc + self.unload[q],
                        INF,
                    )
                    for q, e in enumerate(self.fac)
                ]
                for s in starts
            ]
        )
        table = np.full((len(starts), full), INF)
        for q, e in enumerate(self.fac):
            table[q, 0] = t[e, self.depot]
        fill_routes(table, trip, np.arange(len(self.fac)))
        self.trip = {s: list(trip[r]) for r, s in enumerate(starts)}
        self.h = h = {s: table[r] for r, s in enumerate(starts)}
        route = np.where(h[self.depot] <= self.limit + EPS, h[self.depot], INF)
        route[0] = 0.0  # no stops left: no route
        goal = full - 1
        # best[k][mask]: at most k + 1 routes; the route holding the lowest stop first
        best = [route]
        levels = min(self.vt.count, n)
        for level in range(1, levels):
            best.append(split_level(route, best[-1], level == levels - 1))
        if not np.isfinite(best[-1][goal]):
            return None
        return [self.route_seq(m) for m in self.split(best, route, goal)]

    def split(self, best: list[np.ndarray], route: np.ndarray, mask: int) -> list[int]:
        """Return the route masks of the best split of ``mask`` (recomputed backwards)."""
        out: list[int] = []
        k = len(best) - 1
        while mask:
            target = best[k][mask]
            if abs(route[mask] - target) <= EPS:
                out.append(mask)
                break
            low = mask & -mask
            sub = (mask - 1) & mask
            found = False
            while sub:
                if sub & low and abs(route[sub] + best[k - 1][mask ^ sub] - target) <= EPS:
                    out.append(sub)
                    mask ^= sub
                    k -= 1
                    found = True
                    break
                sub = (sub - 1) & mask
            if not found:
                raise _Unreproduced("no split reproduces the table")
        return out

    def route_seq(self, mask: int) -> list[tuple[VisitKind, str]]:
        """Return the visits of the best route serving ``mask`` (recomputed backwards)."""
        seq: list[tuple[VisitKind, str]] = [(VisitKind.DEPOT, self.vt.depot)]
        s = self.depot
        while mask:
            target = self.h[s][mask]
            sub = mask
            found = None
            while sub:
                if self.fits[sub]:
                    for q, e in enumerate(self.fac):
                        if abs(self.trip[s][q][sub] + self.h[e][mask ^ sub] - target) <= EPS:
                            found = (sub, q, e)
                            break
                if found:
                    break
                sub = (sub - 1) & mask
            if found is None:
                raise _Unreproduced("no trip reproduces the table")
            sub, q, e = found
            seq += [(VisitKind.STOP, self.ids[j]) for j in self.path(s, sub, e)]
            seq.append((VisitKind.UNLOAD, self.facilities[q].id))
            mask ^= sub
            s = e
        seq.append((VisitKind.DEPOT, self.vt.depot))
        return seq

    def path(self, start: int, mask: int, end: int) -> list[int]:
        """Return the stops of the shortest drive from ``start`` through ``mask`` to ``end``."""
        p, t = self.p[start], self.t
        j = int(np.argmin(p[mask] + t[: self.n, end]))
        order = [j]
        while mask != 1 << j:
            prev = mask ^ (1 << j)
            i = int(np.argmin(p[prev] + t[: self.n, j]))
            order.append(i)
            mask, j = prev, i
        return order[::-1]
