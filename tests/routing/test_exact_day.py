"""Exact routing of small multi-trip days (optimizer.routing.exact).

The dynamic programme is checked against a brute force written apart from
it (every order of the stops, every cut into routes and trips, every
facility), on generated days; against a proven optimum of the PVRP-IF set;
and every plan it returns against the independent checker.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.evaluate import check
from optimizer.io.load import read_instance
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
from optimizer.routing.exact import MAX_STOPS, exact_day
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve

DAY = Path(__file__).resolve().parents[1] / "data" / "routing" / "one_route_fewer.json"


@st.composite
def small_days(draw: st.DrawFn) -> Instance:
    """Draw a day: a depot, one or two facilities, 1-5 stops, integer-minute road times."""
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 2))
    ids = ["D"] + [f"F{k}" for k in range(m)] + [f"s{i}" for i in range(n)]
    size = len(ids)
    minutes = draw(st.lists(st.integers(1, 40), min_size=size * size, max_size=size * size))
    t = np.array(minutes, dtype=float).reshape(size, size) * 60.0
    np.fill_diagonal(t, 0.0)
    cap = 100.0
    stops = tuple(
        Stop(
            f"s{i}",
            f"s{i}",
            30.0,
            114.0,
            Stream.OTHER,
            demand_kg=float(draw(st.integers(5, 100))),
            service_s=60 * draw(st.integers(0, 15)),
        )
        for i in range(n)
    )
    unload = 60 * draw(st.sampled_from([0, 5]))
    facilities = [
        Site(
            f"F{k}",
            f"F{k}",
            SiteKind.TRANSFER,
            30.0,
            114.0,
            frozenset({Stream.OTHER}),
            unload_s=unload,
        )
        for k in range(m)
    ]
    sites = (Site("D", "depot", SiteKind.DEPOT, 30.0, 114.0), *facilities)
    truck = VehicleType(
        "truck",
        draw(st.integers(1, 3)),
        "D",
        frozenset({Stream.OTHER}),
        capacity_kg=cap,
        shift=TimeWindow(6 * 3600, 6 * 3600 + 60 * draw(st.integers(60, 400))),
        max_duration_s=60 * draw(st.sampled_from([120, 200, 10_000])),
    )
    return Instance("day", stops, sites, (truck,), TravelMatrix(tuple(ids), t, t))


def brute_force(inst: Instance) -> float:
    """Return the least total working time over every plan, written apart from the DP.

    Every order of the stops is cut into at most ``count`` routes and each
    route into trips (each ending at one of the facilities); a trip's load
    fits the truck, a route's time fits the shift and the maximum duration.
    """
    vt = inst.vehicle_types[0]
    tm = inst.travel
    facilities = [s.id for s in inst.sites if s.kind is SiteKind.TRANSFER]
    limit = min(vt.shift.end - vt.shift.start, vt.max_duration_s or 10**9)
    unload = {s.id: s.unload_s for s in inst.sites}
    stops = {s.id: s for s in inst.stops}
    best = float("inf")

    def route_time(trips: list[tuple[list[str], str]]) -> float:
        at, total = vt.depot, 0.0
        for seq, f in trips:
            if sum(stops[s].demand_kg for s in seq) > vt.capacity_kg + 1e-9:
                return float("inf")
            for s in seq:
                total += tm.duration(at, s) + stops[s].service_s
                at = s
            total += tm.duration(at, f) + unload[f]
            at = f
        total += tm.duration(at, vt.depot)
        return total if total <= limit + 1e-6 else float("inf")

    n = len(inst.stops)
    for order in itertools.permutations(stops):
        # gap labels between consecutive stops: 0 same trip, 1 new trip, 2 new route
        for gaps in itertools.product(range(3), repeat=n - 1):
            if sum(g == 2 for g in gaps) + 1 > vt.count:
                continue
            routes: list[list[list[str]]] = [[[order[0]]]]
            for g, s in zip(gaps, order[1:], strict=True):
                if g == 0:
                    routes[-1][-1].append(s)
                elif g == 1:
                    routes[-1].append([s])
                else:
                    routes.append([[s]])
            total = 0.0
            for trips in routes:
                total += min(
                    route_time(list(zip(trips, fs, strict=True)))
                    for fs in itertools.product(facilities, repeat=len(trips))
                )
                if total >= best:
                    break
            best = min(best, total)
    return best


@settings(max_examples=40, deadline=None)
@given(small_days())
def test_the_exact_day_matches_a_brute_force(inst: Instance) -> None:
    """Generated days: the plan's time equals the brute-force optimum; the checker agrees."""
    optimum = brute_force(inst)
    result = exact_day(inst, "time")
    assert result is not None
    if optimum == float("inf"):  # no plan serves every stop, and the tables say so
        assert result.status == "infeasible" and not result.routes
        assert {u.stop for u in result.unserved} == {s.id for s in inst.stops}
        return
    assert result.status == "optimal"
    assert check(inst, result) == [] and not result.unserved
    assert result.objective_value == pytest.approx(optimum)
    assert len(result.routes) <= inst.vehicle_types[0].count


def test_a_proven_optimal_day_is_reproduced() -> None:
    """PVRP-IF Milano_020_4_3 day 3 (7 stops): one truck, two unloads, 147 minutes."""
    inst = read_instance(DAY)
    result = exact_day(inst, "time")
    assert result is not None and result.engine == "exact"
    assert check(inst, result) == []
    assert result.objective_value == pytest.approx(147 * 60)
    (route,) = result.routes
    assert sum(v.kind is VisitKind.UNLOAD for v in route.visits) == 2


def test_never_above_the_search() -> None:
    """On the same day, PyVRP's plan is never better than the exact one."""
    inst = read_instance(DAY)
    exact = exact_day(inst, "time")
    assert exact is not None
    for seed in (0, 1):
        params = RoutingParams(engine="pyvrp", objective=Objective.TIME, solution_limit=2)
        searched = solve(inst, params=dataclasses.replace(params, seed=seed))
        assert exact.objective_value <= searched.objective_value + 1e-6


def test_where_it_does_not_apply() -> None:
    """Another objective, a time window, more than MAX_STOPS stops: None (the search plans)."""
    inst = read_instance(DAY)
    assert exact_day(inst, "distance") is None
    windowed = inst.stops[0].__class__(**{**inst.stops[0].__dict__, "window": TimeWindow(0, 3600)})
    assert exact_day(_with_stops(inst, (windowed, *inst.stops[1:])), "time") is None
    many = tuple(
        s.__class__(**{**s.__dict__, "id": f"{s.id}-{k}"})
        for k in range(MAX_STOPS // len(inst.stops) + 1)
        for s in inst.stops
    )
    assert len(many) > MAX_STOPS
    assert exact_day(_with_stops(inst, many, copies=True), "time") is None


def _with_stops(inst: Instance, stops: tuple[Stop, ...], *, copies: bool = False) -> Instance:
    if not copies:
        return dataclasses.replace(inst, stops=stops)
    ids = list(inst.travel.ids)
    base = {i: k for k, i in enumerate(ids)}
    new_ids = [s.id for s in inst.sites] + [s.id for s in stops]
    src = [base[i if i in base else i.rsplit("-", 1)[0]] for i in new_ids]
    t = np.asarray(inst.travel.duration_s)[np.ix_(src, src)]
    d = np.asarray(inst.travel.distance_m)[np.ix_(src, src)]
    return dataclasses.replace(inst, stops=stops, travel=TravelMatrix(tuple(new_ids), d, t))
