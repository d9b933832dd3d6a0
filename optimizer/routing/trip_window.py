"""Re-plan a window of a multi-trip route exactly, and join two routes into one through it.

One vehicle driving one long route with several unloads is the plan a
search moving a few stops at a time finds last (PVRP-IF Roma_040_4_2: on
the two days of its optimal timetable that use the whole maximum
duration, 314 and 317 of 317 minutes, PyVRP at the week's budgets plans
two routes, 332 and 333 minutes). Here a route is improved by windows of
``WINDOW_STOPS`` consecutive stops: everything before and after a window
stays, and the window's stops are planned again exactly (dynamic
programming over sets of stops, as in :mod:`optimizer.routing.exact`):
which of them still fit the load the truck already carries, which
facility it unloads at and when, how many trips the window needs, and
the order of every part, ending where the rest of the route begins with
the load that rest adds before its next unload. Windows slide along the
route until none shortens it.

:func:`tighten` applies this to every route of a day and tries to join
two routes of a day into one: the first route's trips followed by the
second's (both orders), shortened by the windows, kept if the checker
accepts it and it costs less than the two. On the authors' optimal
timetables of Roma_040_4_2 and Milano_040_4_3 this turned every
two-route day of PyVRP's (2 units, three seeds) into its one-route
optimum in one order or the other but two cases (Roma day 3: 328 and
331 minutes against 317), in 0.4–1.7 s a day.

It applies where the exact method does (time objective, one vehicle type
and stream, no time windows, breaks, release dates, stop or daily-load
limits, batteries, facilities open all shift without a daily capacity;
:func:`optimizer.routing.exact.eligible`), whatever the number of stops.
Every route it returns is simulated and passes the checker.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Sequence

import numpy as np

from optimizer.evaluate import compartments, route_objective, travel_s
from optimizer.model import Instance, VehicleType
from optimizer.routing.exact import EPS, INF, eligible
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import checked_route
from optimizer.routing.subsets import fill_routes, held_karp

Seq = list[tuple[VisitKind, str]]
WINDOW_STOPS = 12  # stops re-planned at once: 3**12 (set, subset) pairs, about 9 ms a window
# A join is tried if the two routes end to end fit this share of the day (on
# PVRP-IF Roma_040_4_2 and Milano_040_4_3 the joins that became one route
# were at most 5.7 % over the maximum duration before the windows).
JOIN_SLACK = 1.1
JOINS_TRIED = 6  # pairs of routes joined per day (the most driving saved first)

STOP, UNLOAD, DEPOT = VisitKind.STOP, VisitKind.UNLOAD, VisitKind.DEPOT


class Windows:
    """Re-plan windows of one vehicle type's routes on a day: travel, service, loads."""

    def __init__(self, inst: Instance, vt: VehicleType) -> None:
        self.inst, self.vt = inst, vt
        stream = inst.stops[0].stream
        self.cap = compartments(vt)[stream]
        self.facilities = [f for f in inst.unloading_sites if stream in f.streams]
        self.unload = {f.id: float(f.unload_s) for f in self.facilities}
        self.legs: dict[tuple[str, str], float] = {}

    def t(self, a: str, b: str) -> float:
        """Return the travel seconds from ``a`` to ``b`` (remembered)."""
        if (a, b) not in self.legs:
            self.legs[(a, b)] = travel_s(self.inst, self.vt, a, b)
        return self.legs[(a, b)]

    def seconds(self, seq: Seq) -> float:
        """Return the route's working time: driving, service and unloading."""
        out = sum(self.t(a, b) for (_, a), (_, b) in itertools.pairwise(seq))
        for kind, x in seq:
            if kind is STOP:
                out += self.inst.stop(x).service_s
            elif kind is UNLOAD:
                out += self.unload[x]
        return out

    def open_load(self, stops: Sequence[tuple[VisitKind, str]]) -> tuple[float, float]:
        """Return the (kg, m3) of the stops in ``stops`` (up to the first non-stop)."""
        kg = m3 = 0.0
        for kind, x in stops:
            if kind is not STOP:
                break
            stop = self.inst.stop(x)
            kg, m3 = kg + stop.demand_kg, m3 + stop.demand_m3
        return kg, m3

    def window(self, seq: Seq, i: int, j: int) -> tuple[int, int, Seq] | None:
        """Return ``(i, j, visits)``: the best replacement of ``seq[i:j]``, or None.

        The window is the stops of ``seq[i:j]`` and the unloads between and
        next to them (``i`` and ``j`` are widened to take those). The stop
        or depot before it and the one after it stay: the truck arrives
        from the one carrying the load of its open trip, and goes on to the
        other, which adds its own load before its next unload (a route's
        last part must end with an unload before the depot).
        """
        # Unloads next to the window are the window's to place again.
        while seq[i - 1][0] is UNLOAD:
            i -= 1
        while seq[j][0] is UNLOAD:
            j += 1
        stops = [x for kind, x in seq[i:j] if kind is STOP]
        n = len(stops)
        t_kind, _ = seq[j]
        pre = self.open_load(seq[i - 1 :: -1]) if seq[i - 1][0] is STOP else (0.0, 0.0)
        suf = self.open_load(seq[j:]) if t_kind is STOP else (0.0, 0.0)
        facs = [f.id for f in self.facilities]
        nodes = [*stops, *facs, seq[i - 1][1], seq[j][1]]
        t = np.array([[self.t(a, b) for b in nodes] for a in nodes])
        fac = list(range(n, n + len(facs)))
        start, goal = n + len(facs), n + len(facs) + 1
        unload = [self.unload[f] for f in facs]
        full = 1 << n
        masks = np.arange(full, dtype=np.int64)
        kg, m3, svc = np.zeros(full), np.zeros(full), np.zeros(full)
        for k, sid in enumerate(stops):
            stop = self.inst.stop(sid)
            has = (masks >> k) & 1 == 1
            kg[has] += stop.demand_kg
            m3[has] += stop.demand_m3
            svc[has] += stop.service_s
        kg_cap, m3_cap = self.cap

        def room(used: tuple[float, float]) -> np.ndarray:
            ok = kg + used[0] <= kg_cap + 1e-9
            if m3_cap is not None:
                ok &= m3 + used[1] <= m3_cap + 1e-9
            return ok

        fits = room((0.0, 0.0))
        first = room(pre)

        p = {s: held_karp(t, s, n, fits) for s in fac}
        p[start] = held_karp(t, start, n, first)
        trip = {
            s: [
                np.where(first if s == start else fits, (p[s] + t[:n, e]).min(axis=1), INF)
                + svc
                + unload[q]
                for q, e in enumerate(fac)
            ]
            for s in [*fac, start]
        }
        end = {}
        for s in [*fac, start]:
            e_ = np.full(full, INF)
            if t_kind is not DEPOT:  # an open last part, carrying on into the rest's trip
                used = (pre[0] + suf[0], pre[1] + suf[1]) if s == start else suf
                e_ = np.where(room(used), (p[s] + t[:n, goal]).min(axis=1) + svc, INF)
            if s != start:
                e_[0] = t[s, goal]
            end[s] = e_
        table = np.stack([end[e] for e in fac])
        fill_routes(table, np.stack([trip[e] for e in fac]), np.arange(len(fac)))
        h = {e: table[q] for q, e in enumerate(fac)}
        whole = full - 1
        best, choice = float(end[start][whole]), None
        for q, e in enumerate(fac):  # unload what the truck carries before the window
            if seq[i - 1][0] is not STOP:
                break  # nothing on board: the checker drops an idle unload
            v = float(t[start, e] + unload[q] + h[e][whole])
            if v < best - EPS:
                best, choice = v, (0, q, e)
        # The first trip (what still fits the load on board), then the rest:
        # the largest such trip, then the first facility, among the best.
        firsts = np.stack([trip[start][q] + h[e][whole ^ masks] for q, e in enumerate(fac)])
        firsts[:, 0] = INF
        low = float(firsts.min())
        if low < best - EPS:
            rows, cols = np.nonzero(firsts <= low + EPS)
            q, sub = max(zip(rows, cols, strict=True), key=lambda x: (x[1], -x[0]))
            best, choice = low, (int(sub), int(q), fac[int(q)])
        if not np.isfinite(best):
            return None

        def path(s: int, mask: int, to: int) -> Seq:
            q = int(np.argmin(p[s][mask] + t[:n, to]))
            order = [q]
            while mask != 1 << q:
                mask ^= 1 << q
                q = int(np.argmin(p[s][mask] + t[:n, q]))
                order.append(q)
            return [(STOP, stops[x]) for x in reversed(order)]

        out: Seq = []
        s, mask = start, whole
        while choice is not None:
            sub, q, e = choice
            out += [*(path(s, sub, e) if sub else []), (UNLOAD, facs[q])]
            s, mask, choice = e, mask ^ sub, None
            if abs(end[s][mask] - h[s][mask]) <= EPS:
                break
            sub = mask
            while sub and choice is None:
                if fits[sub]:
                    for q, e in enumerate(fac):
                        if abs(trip[s][q][sub] + h[e][mask ^ sub] - h[s][mask]) <= EPS:
                            choice = (sub, q, e)
                            break
                sub = (sub - 1) & mask
            if choice is None:
                return None  # the tables cannot be walked back (float noise): keep the route
        if mask:
            out += path(s, mask, goal)
        return i, j, out

    def improve(self, seq: Seq, deadline: float = math.inf) -> tuple[Seq, float]:
        """Return ``seq`` with windows re-planned until none shortens it, and its seconds.

        Stops early, keeping the best so far, at ``deadline`` (``time.perf_counter``).
        """
        now = self.seconds(seq)
        improved = True
        while improved:
            improved = False
            k = 0
            while time.perf_counter() < deadline:
                at = [x for x, (kind, _) in enumerate(seq) if kind is STOP]
                width = min(WINDOW_STOPS, len(at))
                if k + width > len(at):
                    break
                i, j = at[k], at[k + width - 1] + 1
                got = self.window(seq, i, j)
                k += 1
                if got is None:
                    continue
                i, j, part = got
                new = [*seq[:i], *part, *seq[j:]]
                secs = self.seconds(new)
                if secs < now - EPS:
                    seq, now, improved = new, secs, True
        return seq, now


def _body(route: Route) -> Seq:
    return [(v.kind, v.location) for v in route.visits if v.kind is not VisitKind.BREAK]


def join_gain(first: Route, second: Route, joined: Route, objective: str) -> float:
    """Return what one vehicle driving ``joined`` saves on the two routes it replaces."""
    return (
        route_objective(first, objective)
        + route_objective(second, objective)
        - route_objective(joined, objective)
    )


def tighten(inst: Instance, result: RoutingResult, deadline: float = math.inf) -> RoutingResult:
    """Return the day with routes joined where that pays, and every route's windows re-planned.

    Joins are tried only while the day has more routes than any plan needs
    (:func:`optimizer.routing.fleet_bound.fleet_lower_bound`); then every
    other route is re-planned (a second or so a day of 25–35 stops). Work
    stops at ``deadline`` (``time.perf_counter``), keeping what improved.
    The day itself if the method does not apply (see the module
    docstring). A changed route must pass the checker and cost less; a
    join must cost less than the two routes it replaces.
    """
    vt = eligible(inst, result.objective, max_stops=len(inst.stops))
    if vt is None or not result.routes:
        return result
    objective = result.objective
    plan = Windows(inst, vt)
    longest = float(vt.shift.end - vt.shift.start)
    if vt.max_duration_s is not None:
        longest = min(longest, float(vt.max_duration_s))
    routes = list(result.routes)
    changed = False
    joined: set[int] = set()  # ids of routes already re-planned by a join
    fewest = fleet_lower_bound(inst, list(inst.stops), [vt])
    while len(routes) > max(1, fewest) and time.perf_counter() < deadline:
        options = []
        bodies = [_body(r) for r in routes]
        own = [plan.seconds(b) for b in bodies]
        for x, y in itertools.permutations(range(len(routes)), 2):
            seq = [*bodies[x][:-1], *bodies[y][1:]]
            secs = plan.seconds(seq)
            if secs <= JOIN_SLACK * longest:
                saved = own[x] + own[y] - secs
                options.append((-saved, x, y, seq))
        options.sort(key=lambda o: (o[0], o[1], o[2]))
        best: tuple[float, int, int, Route] | None = None
        for _, x, y, seq in options[:JOINS_TRIED]:
            seq, _ = plan.improve(seq, deadline)
            a, b = routes[x], routes[y]
            got = checked_route(inst, a.vehicle, vt, seq, a.visits[0].departure_s)
            if got is None:
                continue
            gain = join_gain(a, b, got, objective)
            if gain > EPS and (best is None or gain > best[0]):
                best = (gain, x, y, got)
        if best is None:
            break
        _, x, y, got = best
        routes = [r for k, r in enumerate(routes) if k not in (x, y)] + [got]
        joined.add(id(got))
        changed = True
    # Joins first: the routes as the search left them join better than
    # routes shortened alone (PVRP-IF Milano_040_4_3 day 2: 301 against 282).
    for k, r in enumerate(routes):
        if id(r) in joined or time.perf_counter() >= deadline:
            continue
        seq, _ = plan.improve(_body(r), deadline)
        got = checked_route(inst, r.vehicle, vt, seq, r.visits[0].departure_s)
        if (
            got is not None
            and route_objective(got, objective) < route_objective(r, objective) - EPS
        ):
            routes[k], changed = got, True
    if not changed:
        return result
    value = sum(route_objective(r, objective) for r in routes)
    return dataclasses.replace(result, routes=tuple(routes), objective_value=value)
