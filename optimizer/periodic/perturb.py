"""The week walk's perturbations: which stops one step moves to which days.

:func:`perturbation` draws one step for the walk of
:func:`optimizer.periodic.solve.solve_week`: a trip swap (two trips trade
days), an exchange (nearby stops trade days both ways), a cluster of nearby
stops or stops of the same frequency moved to one pattern. The walk then
routes the changed days and descends; what each kind was built for is told
in benchmarks/periodic/README.md ("Trips that trade days", "Nearby stops
that trade days").
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

from optimizer.model import Instance
from optimizer.periodic.model import Pattern, Visits, WeekInstance
from optimizer.routing.result import RoutingResult, VisitKind

CLUSTER_MAX = 6  # stops moved together by one perturbation
NEIGHBOURS = 10  # nearest stops considered for a cluster
# Shares of the walk's perturbations: two trips trade days; nearby stops trade
# days both ways; the rest (halved) a cluster of nearby stops, or stops of
# the same frequency, move to one pattern.
TRIP_SWAP_SHARE = 1 / 4
EXCHANGE_SHARE = 1 / 4


def perturbation(
    week: WeekInstance,
    visits: Visits,
    state: Sequence[tuple[Instance, RoutingResult]],
    kind: float,
    movable: Sequence[str],
    near: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Visits:
    """Return new patterns for the stops one random walk step moves.

    ``kind`` (drawn in [0, 1)) picks the perturbation by the shares: a
    trip swap (:func:`trip_swap`, falling back to an exchange when no
    trip can move), an exchange (:func:`exchange`), a cluster of nearby
    stops or stops of the same frequency, all moved to one pattern.
    """
    swap = trip_swap(week, visits, state, rng) if kind < TRIP_SWAP_SHARE else None
    if swap:  # a trip's stops and a trip of the other days trade patterns
        return swap
    seed_stop = rng.choice(movable)
    size = rng.randint(2, CLUSTER_MAX)
    target = rng.choice([p for p in week.rule(seed_stop).patterns if p != visits[seed_stop]])
    if kind < TRIP_SWAP_SHARE + EXCHANGE_SHARE:  # nearby stops trade days both ways
        return exchange(week, visits, seed_stop, target, near[seed_stop], size, rng)
    if kind < (1 + TRIP_SWAP_SHARE + EXCHANGE_SHARE) / 2:  # nearby stops move together
        group = [seed_stop, *near[seed_stop][: size - 1]]
    else:  # stops of the same frequency gather on the same days (e.g. a light day)
        same = [s for s in movable if target in week.rule(s).patterns and visits[s] != target]
        group = [seed_stop, *rng.sample(same, min(len(same), size - 1))]
    moves = {}
    for sid in group:
        options = week.rule(sid).patterns
        if target in options:
            moves[sid] = target
        elif len(options) > 1:
            moves[sid] = rng.choice([p for p in options if p != visits[sid]])
    return moves


def trips(result: RoutingResult) -> list[list[str]]:
    """Return the stops of every trip of a day (a route is cut at its unloads)."""
    out: list[list[str]] = []
    for route in result.routes:
        trip: list[str] = []
        for v in route.visits:
            if v.kind is VisitKind.STOP:
                trip.append(v.location)
            elif v.kind is VisitKind.UNLOAD and trip:
                out.append(trip)
                trip = []
        if trip:
            out.append(trip)
    return out


def trip_swap(
    week: WeekInstance,
    visits: Visits,
    state: Sequence[tuple[Instance, RoutingResult]],
    rng: random.Random,
) -> Visits:
    """Return new patterns for the stops of a trip and of a trip on days it moves to.

    A random trip's stops on its seed stop's pattern move to another pattern
    of that stop, and the stops of a random trip on one of the days they
    join, on that pattern, move the other way: the week's days keep their
    work while whole areas change days (PVRP-IF Milano_030_4_0: our 622 and
    the optimal 621 are built from the same trips on other days).
    """
    day = rng.randrange(week.days)
    movable = [t for t in trips(state[day][1]) if any(len(week.rule(s).patterns) > 1 for s in t)]
    if not movable:
        return {}
    trip = rng.choice(movable)
    seed = rng.choice([s for s in trip if len(week.rule(s).patterns) > 1])
    old = visits[seed]
    new = rng.choice([p for p in week.rule(seed).patterns if p != old])
    out = {s: new for s in trip if visits[s] == old and new in week.rule(s).patterns}
    joined = [d for d in new if d not in old]
    if not joined:
        return out
    back = [
        [s for s in t if visits[s] == new and old in week.rule(s).patterns and s not in out]
        for t in trips(state[rng.choice(joined)][1])
    ]
    back = [t for t in back if t]
    if back:
        out.update({s: old for s in rng.choice(back)})
    return out


def exchange(
    week: WeekInstance,
    visits: Visits,
    seed: str,
    target: Pattern,
    near: Sequence[str],
    size: int,
    rng: random.Random,
) -> Visits:
    """Return new patterns for ``seed`` and nearby stops trading days both ways.

    ``seed`` moves to ``target``; of its nearest stops (``near``, nearest
    first), those visited only on days of its old pattern move to a
    pattern within ``target``'s days, those visited only on ``target``'s
    days to one within the old pattern's days, until ``size`` stops move.
    An area changes days while each day keeps its work: PVRP-IF
    Roma_030_4_5, our 526 against the optimal 525 differ in four nearby
    stops, two moving from days 0 and 2 to days 1 and 3, one the other way
    and a once-a-week stop from day 1 to day 0.
    """
    here, there = set(visits[seed]), set(target)
    out = {seed: target}
    for sid in near:
        if len(out) >= size:
            break
        days = set(visits[sid])
        if days <= here and not days <= there:
            want = there
        elif days <= there and not days <= here:
            want = here
        else:
            continue
        options = [p for p in week.rule(sid).patterns if set(p) <= want]
        if options:
            out[sid] = rng.choice(options)
    return out


def neighbours(week: WeekInstance) -> dict[str, list[str]]:
    """Return each movable stop's nearest movable stops (by travel time both ways)."""
    base = week.base
    ids = [s.id for s in base.stops if len(week.rule(s.id).patterns) > 1]
    if not ids:
        return {}
    rows = np.array([base.travel.index(i) for i in ids])
    t = base.travel.duration_s[np.ix_(rows, rows)]
    both = t + t.T
    out: dict[str, list[str]] = {}
    for k, sid in enumerate(ids):
        order = np.argsort(both[k], kind="stable")
        out[sid] = [ids[j] for j in order[1 : NEIGHBOURS + 1]]
    return out
