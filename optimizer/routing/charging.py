"""Plan where and how long electric vehicles charge on routes any engine planned.

Two steps, per route, for types with a battery (see :mod:`optimizer.routing.battery`):

1. **How long at each charging visit** (:func:`optimal_dwell`): for a fixed
   sequence the charge taken at each visit where the vehicle can charge is a
   small linear programme (service start times, energy charged; time windows,
   hours, shift end, state of charge between the reserve and the battery,
   linear charging), solved with HiGHS through SciPy. It finds a feasible
   charging schedule whenever one exists, which "charge just enough" does
   not always (charging longer at an early charger can use time the vehicle
   would wait anyway).
2. **Where to charge** (:func:`plan_charging`): when no schedule exists, a
   charging stop at a site with a charger is inserted, one at a time, on
   the leg that keeps the route feasible with the least extra distance,
   before the first visit the vehicle would reach below its reserve;
   chargers already taken by routes planned earlier (``Site.chargers``) are
   respected. A route that cannot be made feasible loses its last stops,
   which are reported unserved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from optimizer.evaluate import (
    Rule,
    check_route,
    objective_value,
    simulate_legs,
    simulate_route,
    travel_s,
)
from optimizer.model import Instance, VehicleType
from optimizer.routing.battery import charger_kw
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.result import Route, VisitKind
from optimizer.routing.sequence import drop_idle_unloads

# Margins that keep the linear programme's answer inside the checker's
# tolerances (kWh on the battery, seconds on windows).
_SOC_MARGIN_KWH = 1e-5
NEAR_CHARGERS = 5  # chargers tried per leg (least detour first)
_TIME_MARGIN_S = 0.05

Sequence_ = Sequence[tuple[VisitKind, str]]
Busy = dict[str, list[tuple[float, float]]]  # site id -> charging intervals already taken


def optimal_dwell(
    instance: Instance, vehicle_type: VehicleType, seq: Sequence_, departure_s: float
) -> dict[int, float] | None:
    """Return how long to stay at each charging visit so that the route is feasible, or None.

    Minimises the energy charged. Routes with a break or release dates are
    left to the default rule (None is returned). A route feasible only with
    no slack at all is solved again without the safety margins (the
    checker's tolerances cover the solver's).
    """
    for soc_margin, time_margin in ((_SOC_MARGIN_KWH, _TIME_MARGIN_S), (0.0, 0.0)):
        found = _dwell_lp(instance, vehicle_type, seq, departure_s, soc_margin, time_margin)
        if found is not None:
            return found
    return None


def _dwell_lp(
    instance: Instance,
    vehicle_type: VehicleType,
    seq: Sequence_,
    departure_s: float,
    soc_margin: float,
    time_margin: float,
) -> dict[int, float] | None:
    battery = vehicle_type.battery_kwh
    if battery is None or any(k is VisitKind.BREAK for k, _ in seq):
        return None
    if any(k is VisitKind.STOP and instance.stop(loc).release_s for k, loc in seq):
        return None
    n = len(seq)
    power = [charger_kw(instance, vehicle_type, k, loc) for k, loc in seq]
    charge_at = [i for i in range(n) if power[i] > 0]
    legs = simulate_legs(instance, "", vehicle_type, seq, departure_s, {})[1]
    # Variables: t_0..t_{n-1} (service start), then per charging visit (dwell d, energy q).
    nv = n + 2 * len(charge_at)
    col_d = {i: n + 2 * k for k, i in enumerate(charge_at)}
    col_q = {i: n + 2 * k + 1 for k, i in enumerate(charge_at)}
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * nv

    def row() -> np.ndarray:
        return np.zeros(nv)

    def service(i: int) -> float:
        kind, loc = seq[i]
        if kind is VisitKind.STOP:
            return float(instance.stop(loc).service_s)
        if kind is VisitKind.UNLOAD:
            return float(instance.site(loc).unload_s)
        return 0.0

    lo = [float(departure_s)] + [0.0] * (n - 1)
    hi: list[float | None] = [float(departure_s)] + [None] * (n - 1)
    for i in range(1, n):
        kind, loc = seq[i]
        window = (
            instance.stop(loc).window
            if kind is VisitKind.STOP
            else None
            if kind is VisitKind.DEPOT
            else instance.site(loc).hours
        )
        if window is not None:
            lo[i] = float(window.start)
            hi[i] = window.end - time_margin
        if kind is VisitKind.DEPOT:
            hi[i] = vehicle_type.shift.end - time_margin
        # t_i >= t_{i-1} + stay_{i-1} + travel
        r = row()
        r[i - 1], r[i] = 1.0, -1.0
        travel = travel_s(instance, vehicle_type, seq[i - 1][1], loc)
        if (i - 1) in col_d:
            r[col_d[i - 1]] = 1.0
            b_ub.append(-travel)
        else:
            b_ub.append(-(travel + service(i - 1)))
        a_ub.append(r)
    for i in range(n):
        bounds[i] = (lo[i], hi[i])
    soc_terms: list[tuple[int, float]] = []  # (column, +1) charges taken before
    used = 0.0
    for i in range(1, n):
        used += legs[i]
        # Arrival: battery - used + sum(q before) >= reserve
        r = row()
        for col, _ in soc_terms:
            r[col] = -1.0
        a_ub.append(r)
        b_ub.append(battery - used - vehicle_type.reserve_kwh - soc_margin)
        if i in col_q:
            # After charging: battery - used + sum(q up to i) <= battery; q <= power * d / 3600
            r = row()
            for col, _ in soc_terms:
                r[col] = 1.0
            r[col_q[i]] = 1.0
            a_ub.append(r)
            b_ub.append(used)
            r = row()
            r[col_q[i]] = 1.0
            r[col_d[i]] = -power[i] / 3600.0
            a_ub.append(r)
            b_ub.append(0.0)
            bounds[col_d[i]] = (service(i), None)
            bounds[col_q[i]] = (0.0, None)
            soc_terms.append((col_q[i], 1.0))
    cost = np.zeros(nv)
    for i in charge_at:
        cost[col_q[i]] = 1.0
        cost[col_d[i]] = 1e-9  # no idle dwell beyond what the charge needs
    res = linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    if res.status != 0:
        return None
    x = res.x
    return {i: float(x[col_q[i]]) * 3600.0 / power[i] for i in charge_at}


def _battery_ok(instance: Instance, route: Route) -> tuple[bool, int]:
    """Return (no violation at all, index of the first visit below the reserve or len)."""
    found = check_route(instance, route)
    low = [v.visit for v in found if v.rule is Rule.BATTERY and v.visit is not None]
    return not found, min(low) if low else len(route.visits)


def _clashes(route: Route, busy: Busy, instance: Instance) -> bool:
    for v in route.visits:
        if v.kind is not VisitKind.CHARGE:
            continue
        count = instance.site(v.location).chargers
        if count is None:
            continue
        overlap = sum(1 for a, b in busy.get(v.location, []) if a < v.departure_s and v.start_s < b)
        if overlap >= count:
            return True
    return False


def _build(
    instance: Instance, route: Route, vt: VehicleType, seq: Sequence_, busy: Busy
) -> Route | None:
    """Return the route of ``seq`` with its best charging schedule, if it is feasible."""
    start = route.visits[0].departure_s
    lazy = simulate_route(instance, route.vehicle, vt, seq, start)
    if _battery_ok(instance, lazy)[0] and not _clashes(lazy, busy, instance):
        return lazy
    dwell = optimal_dwell(instance, vt, seq, start)
    if dwell is None:
        return None
    exact = simulate_route(instance, route.vehicle, vt, seq, start, dwell_s=dwell)
    if _battery_ok(instance, exact)[0] and not _clashes(exact, busy, instance):
        return exact
    return None


def plan_charging(
    instance: Instance, route: Route, busy: Busy | None = None
) -> tuple[Route, list[str]]:
    """Return ``route`` with charging visits and times that keep its battery, and stops given up.

    ``busy`` holds the charging intervals that routes planned earlier take;
    this route's are added to it.
    """
    vt = instance.vehicle_type(route.vehicle_type)
    busy = {} if busy is None else busy
    if vt.battery_kwh is None:
        return route, []
    chargers = [s.id for s in instance.sites if s.has_charger and not s.candidate]
    seq = [(v.kind, v.location) for v in route.visits]
    dropped: list[str] = []
    start = route.visits[0].departure_s
    inserted = 0
    while True:
        done = _build(instance, route, vt, seq, busy)
        if done is not None:
            break
        more = None
        if inserted <= len(seq):
            more = _insert_charge(instance, route, vt, seq, chargers, busy)
        if more is not None:
            seq, inserted = more, inserted + 1
            continue
        last = max((i for i, (k, _) in enumerate(seq) if k is VisitKind.STOP), default=None)
        if last is None:
            done = simulate_route(instance, route.vehicle, vt, seq, start)
            break
        dropped.append(seq[last][1])
        body = [v for i, v in enumerate(seq[1:-1], start=1) if i != last]
        body = [v for v in body if v[0] is not VisitKind.CHARGE]
        seq = [seq[0], *drop_idle_unloads(instance, body), seq[-1]]
        inserted = 0
    for v in done.visits:
        if v.kind is VisitKind.CHARGE:
            busy.setdefault(v.location, []).append((v.start_s, v.departure_s))
    return done, dropped


def charge_run(instance: Instance, run: EngineRun, objective: str) -> EngineRun:
    """Return an engine's run with charging planned on every electric route (see above)."""
    if all(instance.vehicle_type(r.vehicle_type).battery_kwh is None for r in run.routes):
        return run
    busy: Busy = {}
    routes: list[Route] = []
    lost: list[str] = []
    for route in run.routes:
        charged, gone = plan_charging(instance, route, busy)
        lost += gone
        if charged.stops:
            routes.append(charged)
    return dataclasses.replace(
        run,
        routes=tuple(routes),
        dropped=(*run.dropped, *lost),
        objective_value=objective_value(routes, objective),
    )


def _insert_charge(
    instance: Instance,
    route: Route,
    vt: VehicleType,
    seq: Sequence_,
    chargers: list[str],
    busy: Busy,
) -> list[tuple[VisitKind, str]] | None:
    """Return ``seq`` with the charging stop that helps most (cheapest first), or None.

    Tried on every leg up to the first visit below the reserve, at the
    ``NEAR_CHARGERS`` chargers of least detour on that leg; ranked by how far
    the battery then lasts, then by detour. If none helps with the default
    charging rule, the cheapest few are given exact charge amounts.
    """
    if not chargers:
        return None
    start = route.visits[0].departure_s
    lazy = simulate_route(instance, route.vehicle, vt, seq, start)
    _, first_low = _battery_ok(instance, lazy)
    dist = instance.travel_of(vt.id).distance
    ranked: list[tuple[int, float, list[tuple[VisitKind, str]]]] = []
    for pos in range(1, min(first_low, len(seq) - 1) + 1):
        if VisitKind.BREAK in (seq[pos - 1][0], seq[pos][0]):
            continue
        prev, nxt = seq[pos - 1][1], seq[pos][1]
        options = sorted(
            (dist(prev, c) + dist(c, nxt) - dist(prev, nxt), c)
            for c in chargers
            if c not in (prev, nxt)
        )
        for extra, c in options[:NEAR_CHARGERS]:
            cand = [*seq[:pos], (VisitKind.CHARGE, c), *seq[pos:]]
            _, low = _battery_ok(instance, simulate_route(instance, route.vehicle, vt, cand, start))
            ranked.append((-low, extra, cand))
    ranked.sort(key=lambda r: (r[0], r[1]))
    if ranked and -ranked[0][0] > first_low:
        return ranked[0][2]
    for _, _, cand in sorted(ranked, key=lambda r: r[1])[:NEAR_CHARGERS]:
        if _build(instance, route, vt, cand, busy) is not None:
            return cand
    return None
