"""The rescue of stops an engine could not place: cut broken routes, construct, improve."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from optimizer.evaluate import check, check_route, simulate_route
from optimizer.io.load import read_instance
from optimizer.model import (
    TimeWindow,
)
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.params import RoutingParams
from optimizer.routing.rescue import construct, keep_checked, rescue
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve
from tests.county_gen import two_stream_van_county

H = 3600
ONE_STOP = Path(__file__).resolve().parents[1] / "data" / "routing" / "one_stop_alone.json"


def test_construct_routes_pass_the_checker() -> None:
    """Every constructed route is accepted by the checker and never mixes unshared streams."""
    inst = two_stream_van_county()
    routes = construct(inst, [s.id for s in inst.stops], inst.vehicle_types)
    assert routes
    assert all(not check_route(inst, r) for r in routes)
    served = {s for r in routes for s in r.stops}
    assert len(served) >= 0.9 * len(inst.stops)


def test_no_solution_is_rescued_with_a_checked_plan() -> None:
    """An engine run that found nothing becomes a constructed plan serving the stops."""
    inst = two_stream_van_county()
    ids = tuple(s.id for s in inst.stops)
    nothing = EngineRun((), ids, 0.0, "no_solution", 0, 0.0, 5.0)
    params = RoutingParams(time_limit_s=5.0, solution_limit=5)
    out = rescue(
        nothing,
        inst,
        ids,
        inst.vehicle_types,
        params=params,
        time_limit_s=5.0,
        on_solution=None,
        interrupted=None,
    )
    assert len(out.dropped) < len(ids) // 10
    assert all(not check_route(inst, r) for r in out.routes)
    assert "nearest-neighbour" in out.note[0]
    assert "最近邻" in out.note[1]


def test_van_without_shared_facility_is_planned_and_says_how() -> None:
    """The whole solve serves the two-stream vans' stops and its engine choice says why."""
    inst = two_stream_van_county()
    result = solve(inst, params=RoutingParams(time_limit_s=3.0, solution_limit=10, engine="auto"))
    assert not check(inst, result)
    assert len(result.unserved) < len(inst.stops) // 10
    choice = " ".join(result.settings["engine_choice"])
    assert "ortools" in choice
    assert "no facility takes all its streams" in choice


def test_keep_checked_cuts_the_late_stop_and_keeps_the_rest() -> None:
    """A decoded route serving a stop after its window loses that stop only, and then checks."""
    inst = two_stream_van_county(8)
    late = dataclasses.replace(inst.stops[1], window=TimeWindow(6 * H, 6 * H + 60))
    inst = dataclasses.replace(inst, stops=(inst.stops[0], late, *inst.stops[2:]))
    vt = inst.vehicle_types[0]
    seq = [
        (VisitKind.DEPOT, "D"),
        (VisitKind.STOP, "S02"),
        (VisitKind.STOP, "S01"),
        (VisitKind.STOP, "S03"),
        (VisitKind.UNLOAD, "R"),
        (VisitKind.DEPOT, "D"),
    ]
    route = simulate_route(inst, "VAN#1", vt, seq, float(vt.shift.start))
    assert check_route(inst, route)  # S01 is served after its window closed
    run = EngineRun((route,), (), 0.0, "solution_limit", 1, 0.0, 0.1)
    kept = keep_checked(run, inst, inst.vehicle_types, "cost")
    assert kept.dropped == ("S01",)
    assert [r.stops for r in kept.routes] == [("S02", "S03")]
    assert all(not check_route(inst, r) for r in kept.routes)


def test_construction_serves_a_stop_alone_when_its_routes_lose_every_stop() -> None:
    """Generated county s61-c157: one truck, 18 stops; only single stops fit its day.

    The nearest-neighbour routes broke a rule and the cuts left nothing, so
    OR-Tools at 10 solutions ended with "no stop can be served" (exit 3)
    while PyVRP served a stop: the construction now tries stops alone.
    """
    inst = read_instance(ONE_STOP)
    ids = [s.id for s in inst.stops]
    routes = construct(inst, ids, inst.vehicle_types)
    assert len(routes) == 1 and len(routes[0].stops) == 1
    assert not check_route(inst, routes[0])
    result = solve(inst, params=RoutingParams(engine="ortools", solution_limit=10, time_limit_s=5))
    served = [s for r in result.routes for s in r.stops]
    assert served and len(served) == len(set(served))
    assert {u.stop for u in result.unserved} == set(ids) - set(served)
    assert not check(inst, result)
