"""A start for weeks a little above the exact week's size: the exact week of stops in pairs.

The exact week (:mod:`optimizer.periodic.exact_week`) solves weeks of at
most ``MAX_WEEK_STOPS`` stops. Up to ``MAX_PAIRED_STOPS`` stops, nearby
stops allowed the same patterns are joined in pairs, nearest first (the
drive from one to the other), until at most ``MAX_WEEK_STOPS`` remain;
each pair is one stop of the joined week (demands and service added, the
drive inside the pair counted as service), and every stop takes its
pair's days in the exact week of the pairs. That is a timetable, not an
optimum (the stops of a pair may belong on different days); the week
search starts from it instead of its usual starts.

Measured on the PVRP-IF files (``benchmarks/periodic``, section "Pairs of
stops"): on the 30-customer files the timetable of the pairs is 4–10
customers from the authors' optimal one, where the walk from the usual
starts ends 2–13 away; on the 40-customer files, where every stop must be
paired, the start was worse.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from optimizer.model import TravelMatrix
from optimizer.periodic.exact_week import MAX_WEEK_STOPS, exact_week
from optimizer.periodic.model import VisitRule, Visits, WeekInstance

MAX_PAIRED_STOPS = 30  # at most a third of the stops end up in pairs (40: all of them)


def paired_week(week: WeekInstance, *, deadline: float) -> Visits | None:
    """Return every stop's days from the exact week of the stops in pairs, or None.

    None when the week has at most ``MAX_WEEK_STOPS`` or more than
    ``MAX_PAIRED_STOPS`` stops, too few stops share their patterns to pair,
    or the exact week does not apply to the joined week.
    """
    base = week.base
    n = len(base.stops)
    if not MAX_WEEK_STOPS < n <= MAX_PAIRED_STOPS or len(base.vehicle_types) != 1:
        return None
    if base.travel_by_type:
        return None
    tm = base.travel
    groups = _pairs(week)
    if groups is None:
        return None
    vt = base.vehicle_types[0]
    stops, rules = [], []
    for k, members in enumerate(groups):
        cid = f"pair{k}"
        first = base.stop(members[0])
        inside = sum(tm.duration(a, b) for a, b in itertools.pairwise(members))
        stops.append(
            dataclasses.replace(
                first,
                id=cid,
                name=cid,
                demand_kg=sum(base.stop(s).demand_kg for s in members),
                demand_m3=sum(base.stop(s).demand_m3 for s in members),
                service_s=round(
                    sum(base.stop(s).service_s for s in members) + inside / vt.speed_factor
                ),
            )
        )
        rules.append(
            VisitRule(
                cid,
                week.rule(members[0]).patterns,
                daily_kg=sum(week.rule(s).daily_kg for s in members),
                daily_m3=sum(week.rule(s).daily_m3 for s in members),
            )
        )
    sites = [s.id for s in base.sites]
    ends = [(g[0], g[-1]) for g in groups] + [(s, s) for s in sites]
    dur = np.array([[0.0 if a is b else tm.duration(a[1], b[0]) for b in ends] for a in ends])
    ids = tuple([s.id for s in stops] + sites)
    joined = dataclasses.replace(base, stops=tuple(stops), travel=TravelMatrix(ids, dur, dur))
    got = exact_week(WeekInstance(joined, week.horizon, tuple(rules), week.meta), deadline=deadline)
    if got is None:
        return None
    return {s: got.visits[f"pair{k}"] for k, members in enumerate(groups) for s in members}


def _pairs(week: WeekInstance) -> list[list[str]] | None:
    """Return the stops in visiting order, in pairs nearest first until few enough are left."""
    base = week.base
    tm = base.travel
    single = [s.id for s in base.stops]
    groups: list[list[str]] = []
    while len(single) + len(groups) > MAX_WEEK_STOPS:
        best: tuple[float, str, str] | None = None
        for a in single:
            for b in single:
                if a != b and week.rule(a).patterns == week.rule(b).patterns:
                    cost = tm.duration(a, b)
                    if best is None or cost < best[0]:
                        best = (cost, a, b)
        if best is None:
            return None
        _, a, b = best
        groups.append([a, b])
        single = [s for s in single if s not in (a, b)]
    return groups + [[s] for s in single]
