"""Trips of a route in their best order, direction and facility (optimizer.routing.trip_order).

Checked against a brute force written apart from it (every order of the
trips, every order of the stops in each trip, every facility per trip) on
generated routes with asymmetric road times, and on a day of a PVRP-IF
optimal timetable where PyVRP drove the optimum's trips the wrong way.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from optimizer.evaluate import check, travel_s
from optimizer.model import (
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.routing import trip_order
from optimizer.routing.result import VisitKind

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "periodic" / "pvrpif"


@st.composite
def routes(draw: st.DrawFn) -> tuple[Instance, list[tuple[VisitKind, str]]]:
    """Draw an instance and a route over it: 1-3 trips of 1-4 stops, 1-3 facilities.

    Some facilities have a daily capacity: a trip may only stay there or
    move to a facility without one.
    """
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    m = draw(st.integers(1, 3))
    capped = draw(st.sets(st.integers(0, m - 1)))  # facilities with a daily capacity
    n = sum(sizes)
    ids = ["D"] + [f"F{k}" for k in range(m)] + [f"s{i}" for i in range(n)]
    size = len(ids)
    minutes = draw(st.lists(st.integers(1, 30), min_size=size * size, max_size=size * size))
    t = np.array(minutes, dtype=float).reshape(size, size) * 60.0
    np.fill_diagonal(t, 0.0)
    stops = tuple(
        Stop(f"s{i}", f"s{i}", 30.0, 114.0, Stream.OTHER, demand_kg=10.0) for i in range(n)
    )
    sites = (
        Site("D", "depot", SiteKind.DEPOT, 30.0, 114.0),
        *(
            Site(
                f"F{k}",
                f"F{k}",
                SiteKind.TRANSFER,
                30.0,
                114.0,
                frozenset({Stream.OTHER}),
                capacity_kg_per_day=1000.0 if k in capped else None,
            )
            for k in range(m)
        ),
    )
    truck = VehicleType(
        "truck", 1, "D", frozenset({Stream.OTHER}), capacity_kg=50.0, shift=TimeWindow(0, 86400)
    )
    inst = Instance("route", stops, sites, (truck,), TravelMatrix(tuple(ids), t, t))
    order = draw(st.permutations([s.id for s in stops]))
    seq: list[tuple[VisitKind, str]] = [(VisitKind.DEPOT, "D")]
    at = 0
    for k in sizes:
        seq += [(VisitKind.STOP, s) for s in order[at : at + k]]
        seq.append((VisitKind.UNLOAD, f"F{draw(st.integers(0, m - 1))}"))
        at += k
    seq.append((VisitKind.DEPOT, "D"))
    return inst, seq


def driven(inst: Instance, seq: list[tuple[VisitKind, str]]) -> float:
    vt = inst.vehicle_types[0]
    return sum(travel_s(inst, vt, a, b) for (_, a), (_, b) in itertools.pairwise(seq))


def trips_of(seq: list[tuple[VisitKind, str]]) -> list[frozenset[str]]:
    out, now = [], set()
    for kind, loc in seq:
        if kind is VisitKind.STOP:
            now.add(loc)
        elif kind is VisitKind.UNLOAD:
            out.append(frozenset(now))
            now = set()
    return out


def brute_force(inst: Instance, seq: list[tuple[VisitKind, str]], path_stops: int) -> float:
    """Return the least driving over every order of the trips and facility per trip.

    Every order of a trip's stops too, up to ``path_stops`` stops (a longer
    trip as given or reversed). Written apart from the module.
    """
    tm = inst.travel
    free = [s.id for s in inst.sites if s.kind is SiteKind.TRANSFER and not s.capacity_kg_per_day]
    trips: list[tuple[list[str], list[str]]] = []  # stops, facilities it may end at
    now: list[str] = []
    for kind, loc in seq:
        if kind is VisitKind.STOP:
            now.append(loc)
        elif kind is VisitKind.UNLOAD:
            trips.append((now, sorted({loc, *free})))
            now = []

    def orders(trip: list[str]) -> list[list[str]]:
        if len(trip) > path_stops:
            return [trip, trip[::-1]]
        return [list(p) for p in itertools.permutations(trip)]

    best = float("inf")
    for perm in itertools.permutations(trips):
        for inner in itertools.product(*(orders(t) for t, _ in perm)):
            for ends in itertools.product(*(ok for _, ok in perm)):
                at, total = "D", 0.0
                for stops, f in zip(inner, ends, strict=True):
                    for s in [*stops, f]:
                        total += tm.duration(at, s)
                        at = s
                best = min(best, total + tm.duration(at, "D"))
    return best


@settings(max_examples=60, deadline=None)
@given(routes(), st.sampled_from([1, 2, trip_order.PATH_STOPS]))
def test_matches_brute_force(
    case: tuple[Instance, list[tuple[VisitKind, str]]], path_stops: int
) -> None:
    inst, seq = case
    vt = inst.vehicle_types[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trip_order, "PATH_STOPS", path_stops)
        got = trip_order.best_trip_order(inst, vt, seq)
    best = brute_force(inst, seq, path_stops)
    if got is None:
        assert driven(inst, seq) == pytest.approx(best)
        return
    assert driven(inst, got) == pytest.approx(best)
    assert driven(inst, got) < driven(inst, seq)
    assert sorted(trips_of(got), key=sorted) == sorted(trips_of(seq), key=sorted)
    assert got[0] == (VisitKind.DEPOT, "D") and got[-1] == (VisitKind.DEPOT, "D")


@settings(max_examples=10, deadline=None)
@given(routes())
def test_other_shapes_left_alone(case: tuple[Instance, list[tuple[VisitKind, str]]]) -> None:
    inst, seq = case
    vt = inst.vehicle_types[0]
    no_unload = [x for x in seq if x[0] is not VisitKind.UNLOAD]
    assert trip_order.best_trip_order(inst, vt, no_unload) is None
    charge = [seq[0], (VisitKind.CHARGE, "F0"), *seq[1:]]
    assert trip_order.best_trip_order(inst, vt, charge) is None


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data")
def test_pvrpif_day_reaches_its_optimum() -> None:
    """Roma_030_4_2, day 0 of the authors' optimal timetable: 106 minutes of driving.

    PyVRP (100 iterations) drove the same two trips in the other order,
    each the other way round, unloading at the other facility: 114.
    """
    from optimizer.io.pvrpif import read_pvrpif, read_solution_report
    from optimizer.periodic.model import day_instance
    from optimizer.routing import exact
    from optimizer.routing.result import RoutingResult
    from optimizer.routing.sequence import place_break

    week = read_pvrpif(SHARED / "instances" / "Roma_030_4_2.geojson")
    (report,) = (SHARED / "solutions").glob("report_Roma_030_4_2_*")
    ids = {s.id for s in week.base.stops}
    days: dict[str, set[int]] = {}
    for d, paths in read_solution_report(report).items():
        for p in paths:
            for x in p:
                if str(x) in ids:
                    days.setdefault(str(x), set()).add(d)
    inst = day_instance(week, 0, {s: tuple(sorted(v)) for s, v in days.items()})
    vt = inst.vehicle_types[0]
    trips = [[5, 28, 11, 6, 17, 7, 15], [8, 19, 16, 10, 26, 27, 30]]  # each to facility 31
    seq = [(VisitKind.DEPOT, "0")]
    for trip in trips:
        seq += [(VisitKind.STOP, str(x)) for x in trip] + [(VisitKind.UNLOAD, "31")]
    seq.append((VisitKind.DEPOT, "0"))
    assert driven(inst, seq) == 114 * 60
    route = place_break(inst, "truck#1", vt, seq, float(vt.shift.start))
    r = trip_order.reorder_trips(inst, route, "time")
    better = RoutingResult(inst.name, (r,), (), "time", r.duration_s, "pyvrp")
    assert driven(inst, [(v.kind, v.location) for v in r.visits]) == 106 * 60
    assert not check(inst, better)
    optimum = exact.exact_day(inst, "time", max_stops=len(inst.stops))  # 14 stops: 0.2 s
    assert optimum is not None and len(optimum.routes) == 1
    assert better.objective_value == pytest.approx(optimum.objective_value)


@settings(max_examples=40, deadline=None)
@given(routes(), st.data())
def test_reorder_keeps_every_rule_and_never_costs_more(
    case: tuple[Instance, list[tuple[VisitKind, str]]], data: st.DataObject
) -> None:
    """With time windows on some stops, a reordered route still passes the checker."""
    import dataclasses

    from optimizer.evaluate import check_route, route_objective
    from optimizer.routing.sequence import place_break
    from optimizer.routing.trip_order import reorder_trips

    inst, seq = case
    stops = []
    for s in inst.stops:
        if data.draw(st.booleans()):
            start = 60 * data.draw(st.integers(0, 300))
            s = dataclasses.replace(
                s, window=TimeWindow(start, start + 60 * data.draw(st.integers(10, 200)))
            )
        stops.append(s)
    inst = dataclasses.replace(inst, stops=tuple(stops))
    vt = inst.vehicle_types[0]
    route = place_break(inst, "truck#1", vt, seq, 0.0)
    assume(not check_route(inst, route, metrics=False))
    for objective in ("time", "distance"):
        got = reorder_trips(inst, route, objective)
        assert not check_route(inst, got, metrics=False)
        assert route_objective(got, objective) <= route_objective(route, objective) + 1e-9
        assert sorted(trips_of([(v.kind, v.location) for v in got.visits]), key=sorted) == sorted(
            trips_of(seq), key=sorted
        )
