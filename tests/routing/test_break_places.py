"""Driver breaks are planned by every engine where a crew can take them: empty, at a facility."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import pyvrp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.evaluate import Rule, check, check_route, simulate_route
from optimizer.io.route_sheets import visit_table
from optimizer.model import (
    Break,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.routing import pyvrp_engine
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, VisitKind
from optimizer.routing.sequence import loaded_breaks, place_break
from optimizer.routing.solve import solve
from tests.county_gen import county_instances

H = 3600
OTHER = Stream.OTHER
ENGINES = ["ortools", "pyvrp", "auto"]


def line_town(brk: Break, shift_end: int = 18 * H) -> Instance:
    """Return a town on a line (metres, 10 m/s): depot, facility at 10 km, six stops of 500 kg."""
    sites = (
        Site("D", "depot", SiteKind.DEPOT, 0, 0),
        Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}), unload_s=600),
    )
    stops = tuple(
        Stop(f"S{k}", f"school {k}", 0, 1500.0 * k, OTHER, 500.0, service_s=600)
        for k in range(1, 7)
    )
    ids = tuple(s.id for s in sites) + tuple(s.id for s in stops)
    pos = np.array([s.lon for s in sites] + [s.lon for s in stops])
    dist = np.abs(pos[:, None] - pos[None, :])
    truck = VehicleType(
        "T",
        1,
        "D",
        frozenset({OTHER}),
        capacity_kg=2000.0,
        shift=TimeWindow(6 * H, shift_end),
        break_=brk,
    )
    travel = TravelMatrix(ids, dist, dist / 10.0)
    return Instance("line", stops, sites, (truck,), travel, {"coord_sys": "planar"})


# The day (about 2 h of work and the break in a 2 h 40 min shift) spans the
# break window, and the truck is full after four stops: it must unload once
# in the middle, and rest right after (not before leaving, nor after coming back).
MIDDAY = Break(TimeWindow(7 * H, 7 * H + 30 * 60), 30 * 60)
SHIFT_END = 8 * H + 40 * 60


def break_places(route: Route) -> list[tuple[VisitKind, float]]:
    """Return (kind of the visit before, load on board) of each break of ``route``."""
    return [
        (route.visits[i - 1].kind, v.load_kg)
        for i, v in enumerate(route.visits)
        if v.kind is VisitKind.BREAK
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_breaks_after_an_unload(engine: str) -> None:
    """Each engine plans the day around the break: it is taken empty, right after unloading."""
    inst = line_town(MIDDAY, SHIFT_END)
    params = RoutingParams(engine=engine, objective="distance", solution_limit=50)
    result = solve(inst, params=params)
    assert check(inst, result) == [] and not result.unserved
    (route,) = result.routes
    places = break_places(route)
    assert len(places) == 1
    before, load = places[0]
    assert before is VisitKind.UNLOAD and load == 0.0


def test_break_with_load_on_board_is_allowed_only_when_the_workbook_says_so() -> None:
    """A break right after a stop breaks the place rule, unless the type allows loaded breaks."""
    seq = [
        (VisitKind.DEPOT, "D"),
        (VisitKind.STOP, "S1"),
        (VisitKind.BREAK, "S1"),
        (VisitKind.STOP, "S2"),
        (VisitKind.UNLOAD, "F"),
        (VisitKind.DEPOT, "D"),
    ]
    for loaded, rules in ((False, {Rule.BREAK_PLACE}), (True, set())):
        inst = line_town(dataclasses.replace(MIDDAY, loaded=loaded))
        route = simulate_route(inst, "T#1", inst.vehicle_types[0], seq, 6.5 * H)
        assert {v.rule for v in check_route(inst, route)} == rules


def test_place_break_adds_an_unload_when_the_visit_order_has_none_in_the_window() -> None:
    """A visit order without an unload in the break window gets one, and the break after it."""
    inst = line_town(MIDDAY)
    seq = [
        (VisitKind.DEPOT, "D"),
        *[(VisitKind.STOP, f"S{k}") for k in (1, 2, 3)],
        (VisitKind.UNLOAD, "F"),
        (VisitKind.DEPOT, "D"),
    ]
    route = place_break(inst, "T#1", inst.vehicle_types[0], seq, 6 * H + 20 * 60)
    assert check_route(inst, route) == []
    assert break_places(route) == [(VisitKind.UNLOAD, 0.0)]


def _with_breaks(inst: Instance) -> Instance:
    """Return ``inst`` with a break on every vehicle type, in the middle of its shift."""
    types = []
    for vt in inst.vehicle_types:
        if vt.break_ is None:
            mid = (vt.shift.start + vt.shift.end) // 2
            vt = dataclasses.replace(vt, break_=Break(TimeWindow(mid - H, mid), 30 * 60))
        types.append(vt)
    return dataclasses.replace(inst, vehicle_types=tuple(types))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instance=county_instances(min_stops=4, max_stops=12), engine=st.sampled_from(ENGINES))
def test_generated_county_breaks_keep_window_duration_and_place(
    instance: Instance, engine: str
) -> None:
    """On generated counties every engine's breaks pass the checker: window, length and place."""
    inst = _with_breaks(instance)
    params = RoutingParams(engine=engine, solution_limit=10, time_limit_s=20)
    result = solve(inst, params=params)
    assert check(inst, result) == []
    for route in result.routes:
        assert all(
            before in (VisitKind.DEPOT, VisitKind.UNLOAD) and load <= 1e-6
            for before, load in break_places(route)
        )


def _demo(streams: set[Stream] | None) -> Instance:
    """Return the demo county, with only the stops of ``streams`` if given."""
    from optimizer.demo_county import build_demo_county

    inst = build_demo_county()
    if streams is None:
        return inst
    return dataclasses.replace(inst, stops=tuple(s for s in inst.stops if s.stream in streams))


@pytest.mark.parametrize(
    "streams",
    [
        pytest.param({Stream.MEDICAL, Stream.HAZARDOUS, Stream.RECYCLABLE}, id="small-streams"),
        pytest.param(None, id="whole-demo", marks=pytest.mark.benchmark),
    ],
)
def test_demo_breaks_are_taken_empty_and_shown_where_taken(streams: set[Stream] | None) -> None:
    """The demo county's plan has no break with waste on board; its sheet shows each at a site."""
    inst = _demo(streams)
    result = solve(inst, params=RoutingParams(solution_limit=3, time_limit_s=60))
    assert check(inst, result) == []
    assert sum(loaded_breaks(r) for r in result.routes) == 0
    assert any(v.kind is VisitKind.BREAK for r in result.routes for v in r.visits)
    sheet = visit_table(inst, result)
    breaks = sheet[sheet["activity"] == "break"]
    sites = {s.id for s in inst.sites}
    assert set(breaks["location id"]) <= sites
    assert (breaks["load on board after (kg)"] == 0).all()


@pytest.mark.parametrize("objective", ["time", "cost", "distance"])
def test_a_day_done_before_the_break_window_is_not_moved_into_it(objective: str) -> None:
    """A day that ends before the break window opens starts with the shift and takes no break."""
    inst = line_town(Break(TimeWindow(12 * H, 12 * H + 30 * 60), 30 * 60))
    params = RoutingParams(engine="pyvrp", objective=objective, solution_limit=50)
    result = solve(inst, params=params)
    assert check(inst, result) == [] and not result.unserved
    (route,) = result.routes
    assert route.visits[0].departure_s == 6 * H
    assert route.visits[-1].arrival_s < 12 * H
    assert break_places(route) == []


def test_pyvrp_starts_from_a_plan_with_its_breaks() -> None:
    """A plan with a break after an unload goes into PyVRP and comes back with the same visits."""
    inst = line_town(MIDDAY, SHIFT_END)
    params = RoutingParams(engine="pyvrp", objective="distance", solution_limit=50)
    result = solve(inst, params=params)
    (route,) = result.routes
    assert break_places(route) == [(VisitKind.UNLOAD, 0.0)]
    stop_ids = [s.id for s in inst.stops]
    builder = pyvrp_engine._Builder(inst, stop_ids, list(inst.vehicle_types), params, "distance")
    start = builder.warm_start(result.routes)
    assert start is not None and start.is_feasible()
    markers = [
        a.idx
        for r in start.routes()
        for a in r.schedule()
        if a.type == pyvrp.ActivityType.CLIENT and a.idx >= len(stop_ids)
    ]
    assert len(markers) == 1  # the break is in PyVRP's start, not placed again afterwards
    (again,), dropped = builder.decode(start)
    assert dropped == []
    assert [(v.kind, v.location) for v in again.visits] == [
        (v.kind, v.location) for v in route.visits
    ]
