"""A first choice of patterns from one routing run over the whole horizon.

The week is laid out as one long time line (day ``d`` is the day's clock
plus ``d × 24 h``): every vehicle type is copied once per day with that
day's count and shift, and every stop becomes one stop per visit. The
``k``-th visit may start on any day that is the ``k``-th day of one of the
stop's patterns (its time window spans those days). Which pattern the
visits form together is not enforced: this is a relaxation, solved by the
existing engines (:func:`optimizer.routing.solve.solve`) so that routes and
days are chosen together. Each stop then takes the allowed pattern closest
to the days its visits landed on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from optimizer.model import DAY_S, Instance, Stop, TimeWindow, TravelMatrix, VehicleType
from optimizer.periodic.model import Pattern, WeekInstance, amounts
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import RoutingResult

MAX_VISITS = 1500  # above this many visits in the horizon, the relaxation is not built


def _shift(w: TimeWindow, d: int) -> TimeWindow:
    return TimeWindow(w.start + d * DAY_S, w.end + d * DAY_S)


def first_days(week: WeekInstance) -> int:
    """Return how many leading days hold the first visits of stops with a choice of patterns."""
    firsts = [
        p[0]
        for r in week.rules
        if len(r.patterns) > 1 and len(r.patterns[0]) > 1
        for p in r.patterns
    ]
    return max(firsts, default=week.days - 1) + 1


def horizon_instance(
    week: WeekInstance, *, days: int | None = None
) -> tuple[Instance, dict[str, tuple[str, int]]]:
    """Return the first ``days`` days (default all) as one instance, and each visit's (stop, visit).

    With fewer days than the horizon, a stop with a choice of patterns is
    routed once, on its first visit (its other visits follow the pattern);
    a stop visited once is routed on one of the days inside (the days
    beyond repeat the first ones); a stop with one pattern is routed on
    each of its days inside.
    """
    base = week.base
    D = days or week.days
    stops: list[Stop] = []
    origin: dict[str, tuple[str, int]] = {}
    for stop in base.stops:
        rule = week.rule(stop.id)
        n = len(rule.patterns[0])
        mean = amounts(rule, rule.patterns[0], week.days)
        kg = sum(a for a, _ in mean.values()) / n
        m3 = sum(b for _, b in mean.values()) / n
        for k in range(n):
            on = sorted({p[k] for p in rule.patterns if len(p) == n})
            if week.days > D:
                if k > 0 and len(rule.patterns) > 1:
                    continue  # its day follows from the first visit's
                if n == 1:
                    on = [d for d in on if d < D]  # a single visit: on one of the days routed
                if not on or on[-1] >= D:
                    continue
            own = stop.window or TimeWindow(0, DAY_S)
            window = TimeWindow(own.start + on[0] * DAY_S, own.end + on[-1] * DAY_S)
            vid = f"{stop.id}@{k}"
            origin[vid] = (stop.id, k)
            stops.append(
                dataclasses.replace(stop, id=vid, window=window, demand_kg=kg, demand_m3=m3)
            )
    types: list[VehicleType] = []
    for d in range(D):
        for vt in base.vehicle_types:
            count = week.horizon.fleet[d].get(vt.id, 0)
            if count == 0:
                continue
            brk = vt.break_
            types.append(
                dataclasses.replace(
                    vt,
                    id=f"{vt.id}@{d}",
                    count=count,
                    shift=_shift(vt.shift, d),
                    break_=None
                    if brk is None
                    else dataclasses.replace(brk, window=_shift(brk.window, d)),
                )
            )
    sites = tuple(dataclasses.replace(s, hours=None) if s.is_facility else s for s in base.sites)
    ids = tuple(s.id for s in base.sites) + tuple(s.id for s in stops)
    rows = np.array(
        [base.travel.index(i if i not in origin else origin[i][0]) for i in ids], dtype=np.intp
    )
    travel = TravelMatrix(
        ids,
        base.travel.distance_m[np.ix_(rows, rows)],
        base.travel.duration_s[np.ix_(rows, rows)],
    )
    inst = Instance(f"{base.name} horizon", tuple(stops), sites, tuple(types), travel, base.meta)
    return inst, origin


def relaxed_patterns(
    week: WeekInstance, params: RoutingParams
) -> tuple[dict[str, Pattern], bool] | None:
    """Return patterns from routing the first visits over the first days (None if too big).

    A stop routed in the relaxation takes the pattern starting on the day
    its first visit landed; stops left out keep what the caller chose. The
    flag says whether Ctrl-C stopped the relaxation.
    """
    total = sum(len(week.rule(s.id).patterns[0]) for s in week.base.stops)
    if total > MAX_VISITS:
        return None
    from optimizer.routing.solve import solve

    inst, origin = horizon_instance(week, days=first_days(week))
    result: RoutingResult = solve(inst, params=params)
    landed: dict[str, set[int]] = {}
    for route in result.routes:
        day = int(route.vehicle_type.rsplit("@", 1)[1])
        for vid in route.stops:
            landed.setdefault(origin[vid][0], set()).add(day)
    out: dict[str, Pattern] = {}
    for s in week.base.stops:
        rule = week.rule(s.id)
        if s.id in landed and len(rule.patterns) > 1:
            first = min(landed[s.id])
            out[s.id] = next((p for p in rule.patterns if p[0] == first), rule.patterns[0])
    return out, result.status == "interrupted"


def _closest(patterns: tuple[Pattern, ...], days: set[int]) -> Pattern:
    return max(patterns, key=lambda p: (len(days & set(p)), -patterns.index(p)))


def as_visits(patterns: Mapping[str, Pattern]) -> dict[str, Pattern]:
    """Return a plain dict copy of ``patterns``."""
    return dict(patterns)
