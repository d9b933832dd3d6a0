"""Exact changes to a day's routes: stops cut at once, routes joined, trips turned and reordered."""

from __future__ import annotations

import math
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings

from optimizer.evaluate import check
from optimizer.io.pvrpif import read_pvrpif, read_solution_report, result_from_paths
from optimizer.model import Instance
from optimizer.periodic import moves
from optimizer.periodic.model import WeekInstance, day_instance
from optimizer.periodic.moves import (
    DayPlan,
    body,
    day_from_bodies,
    insert,
    merge_routes,
    refine_trips,
    remove,
)
from optimizer.periodic.result import WeekResult
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve
from tests.county_gen import county_instances
from tests.periodic.week_data import PVRPIF, needs_pvrpif


def test_two_stops_of_one_route_leave_together(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Cutting two stops of one route off a day that no longer has either gives a checked day."""
    week, result = planned
    day, route = next(
        (d, r) for d, plan in enumerate(result.days) for r in plan.routes if len(r.stops) >= 3
    )
    a, b = route.stops[0], route.stops[-1]
    visits = {k: v for k, v in result.visits.items() if k not in (a, b)}
    inst = day_instance(week, day, visits)
    cut = remove(DayPlan(inst, result.days[day]), inst, a, b)
    assert cut is not None
    assert not {a, b} & {s for r in cut.routes for s in r.stops}
    assert check(inst, cut) == []


def test_a_split_route_is_joined_again(planned: tuple[WeekInstance, WeekResult]) -> None:
    """A route cut in two (two vehicles, each unloading) is driven by one vehicle again, cheaper."""
    week, result = planned
    day, route = next(
        (d, r) for d, plan in enumerate(result.days) for r in plan.routes if len(r.stops) >= 3
    )
    inst = day_instance(week, day, result.visits)
    seq = body(route)
    k = next(i for i, (kind, _) in enumerate(seq) if kind is VisitKind.STOP) + 1
    unload = next(loc for kind, loc in seq if kind is VisitKind.UNLOAD)
    depot = seq[0]
    first = (*seq[:k], (VisitKind.UNLOAD, unload), depot)
    second = (depot, *seq[k:])
    others = [(r.vehicle_type, body(r), r.visits[0].departure_s) for r in result.days[day].routes]
    others.remove((route.vehicle_type, seq, route.visits[0].departure_s))
    leave = route.visits[0].departure_s
    split = day_from_bodies(
        result.days[day],
        inst,
        [*others, (route.vehicle_type, first, leave), (route.vehicle_type, second, leave)],
    )
    assert split is not None
    joined = merge_routes(inst, split)
    assert check(inst, joined) == []
    assert len(joined.routes) < len(split.routes)
    assert joined.objective_value < split.objective_value


def test_joining_routes_never_costs_more(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Every day with its routes joined where possible is checked and costs no more."""
    week, result = planned
    for day, plan in enumerate(result.days):
        inst = day_instance(week, day, result.visits)
        joined = merge_routes(inst, plan)
        assert check(inst, joined) == []
        assert joined.objective_value <= plan.objective_value + 1e-6
        assert len(joined.routes) <= len(plan.routes)
        served = sorted(s for r in joined.routes for s in r.stops)
        assert served == sorted(s for r in plan.routes for s in r.stops)


def test_refining_trips_never_costs_more(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Every day with its trips turned, reordered and unloaded elsewhere is checked, no dearer."""
    week, result = planned
    for day, plan in enumerate(result.days):
        inst = day_instance(week, day, result.visits)
        refined = refine_trips(inst, plan)
        assert check(inst, refined) == []
        assert refined.objective_value <= plan.objective_value + 1e-6
        for old, new in zip(plan.routes, refined.routes, strict=True):
            assert sorted(new.stops) == sorted(old.stops)
            assert new.vehicle == old.vehicle


@needs_pvrpif
@pytest.mark.parametrize("spoil", ["turned, other facility", "trips swapped"])
def test_a_trip_driven_backwards_or_out_of_order_is_put_right(spoil: str) -> None:
    """A spoilt route of a proven optimum is put right by refining its trips.

    Day 1 of Milano_040_4_3's optimum is one route of two trips (241 min of
    travel and service); spoilt as named, refining gives it back as cheap.
    """
    name = "Milano_040_4_3"
    week = read_pvrpif(PVRPIF / "instances" / f"{name}.geojson")
    paths = read_solution_report(PVRPIF / "solutions" / f"report_{name}_feasible_573_0.txt")
    given = result_from_paths(week, paths)
    assert isinstance(given, WeekResult)
    plan = given.days[1]
    inst = day_instance(week, 1, given.visits)
    (route,) = plan.routes
    seq = list(body(route))
    cut = next(i for i, (kind, _) in enumerate(seq) if kind is VisitKind.UNLOAD)
    home, start, unload, end = seq[0], seq[1], seq[cut], seq[-2:]
    first, second = seq[2:cut], seq[cut + 1 : -2]
    if spoil == "trips swapped":
        spoilt = (home, *second, unload, start, *first, *end)
    else:
        other = next(f.id for f in inst.unloading_sites if f.id != unload[1])
        spoilt = (home, start, *reversed(first), (VisitKind.UNLOAD, other), *second, *end)
    worse = day_from_bodies(plan, inst, [(route.vehicle_type, spoilt, route.visits[0].departure_s)])
    assert worse is not None and worse.objective_value > plan.objective_value + 60
    refined = refine_trips(inst, worse)
    assert check(inst, refined) == []
    assert refined.objective_value <= plan.objective_value + 1e-6


def test_a_stop_listed_twice_moves_once(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Moving a group of stops that names one stop twice still visits it once a day."""
    from optimizer.periodic.solve import _apply

    week, result = planned
    visits = dict(result.visits)
    sid = next(s for s in visits if len(week.rule(s).patterns) > 1)
    target = next(p for p in week.rule(sid).patterns if p != visits[sid])
    state = [(day_instance(week, d, visits), plan) for d, plan in enumerate(result.days)]
    moved = _apply(week, state, visits, {**visits, sid: target}, [sid, sid])
    assert moved is not None
    for d, (_, plan) in enumerate(moved):
        served = [s for r in plan.routes for s in r.stops]
        assert len(served) == len(set(served))
        assert (sid in served) == (d in target)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(county_instances(min_stops=3, max_stops=12))
def test_insertion_skips_only_positions_that_cannot_win(county: Instance) -> None:
    """Every stop cut out and put back costs the same as when every position is simulated.

    The insertion skips positions whose added travel, less the route's
    waiting, cannot beat the best position found; generated counties bring
    windows that make trucks wait, breaks, facility hours and several streams.
    """
    plan = solve(county, params=RoutingParams(objective=Objective.TIME, solution_limit=1, seed=3))
    for sid in [s for r in plan.routes for s in r.stops]:
        cut = remove(DayPlan(county, plan), county, sid)
        if cut is None:
            continue
        quick = insert(DayPlan(county, cut), county, sid)
        with patch.object(moves, "_floors", lambda inst, result: [math.inf] * len(result.routes)):
            full = insert(DayPlan(county, cut), county, sid)
        assert (quick is None) == (full is None)
        if quick is not None and full is not None:
            assert quick.objective_value == pytest.approx(full.objective_value)
            assert [body(r) for r in quick.routes] == [body(r) for r in full.routes]
