"""Driver breaks are moved to where a crew can take them: empty, after unloading."""

from __future__ import annotations

import numpy as np

from optimizer.evaluate import check_route, simulate_route
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
from optimizer.routing.crew_breaks import is_crew_friendly, loaded_breaks, place_crew_break
from optimizer.routing.result import VisitKind

H = 3600
OTHER = Stream.OTHER


def line_town(break_window: TimeWindow, shift_end: int = 18 * H) -> Instance:
    """Return a town on a line (metres, 10 m/s) with a depot, a facility and three stops."""
    sites = (
        Site("D", "depot", SiteKind.DEPOT, 0, 0),
        Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}), unload_s=600),
    )
    stops = tuple(
        Stop(f"S{k}", f"school {k}", 0, 2000.0 * k, OTHER, 500.0, service_s=300) for k in (1, 2, 3)
    )
    ids = tuple(s.id for s in sites) + tuple(s.id for s in stops)
    pos = np.array([s.lon for s in sites] + [s.lon for s in stops])
    dist = np.abs(pos[:, None] - pos[None, :])
    truck = VehicleType(
        "T",
        1,
        "D",
        frozenset({OTHER}),
        capacity_kg=1000.0,
        shift=TimeWindow(6 * H, shift_end),
        break_=Break(break_window, 30 * 60),
    )
    travel = TravelMatrix(ids, dist, dist / 10.0)
    return Instance("line", stops, sites, (truck,), travel, {"coord_sys": "planar"})


SEQUENCE = [
    (VisitKind.DEPOT, "D"),
    (VisitKind.STOP, "S1"),
    (VisitKind.BREAK, "S1"),
    (VisitKind.STOP, "S2"),
    (VisitKind.UNLOAD, "F"),
    (VisitKind.STOP, "S3"),
    (VisitKind.UNLOAD, "F"),
    (VisitKind.DEPOT, "D"),
]


def test_break_at_a_school_moves_to_after_the_unload() -> None:
    """A break taken loaded at a stop moves to after the unload, and the route stays valid."""
    inst = line_town(TimeWindow(6 * H, 12 * H))
    vt = inst.vehicle_types[0]
    engine_route = simulate_route(inst, "T#1", vt, SEQUENCE, 6 * H)
    assert check_route(inst, engine_route) == [] and loaded_breaks(engine_route) == 1
    moved = place_crew_break(inst, engine_route)
    assert check_route(inst, moved) == []
    at = next(i for i, v in enumerate(moved.visits) if v.kind is VisitKind.BREAK)
    assert moved.visits[at - 1].kind is VisitKind.UNLOAD and is_crew_friendly(moved, at)
    assert loaded_breaks(moved) == 0
    assert moved.distance_m == engine_route.distance_m
    assert moved.visits[-1].arrival_s <= engine_route.visits[-1].arrival_s


def test_break_stays_when_no_unload_falls_in_its_window() -> None:
    """If the window closes before any unload, the break stays where the engine put it."""
    inst = line_town(TimeWindow(6 * H, int(6.2 * H)))
    vt = inst.vehicle_types[0]
    engine_route = simulate_route(inst, "T#1", vt, SEQUENCE, 6 * H)
    assert check_route(inst, engine_route) == []
    assert place_crew_break(inst, engine_route) == engine_route
    assert loaded_breaks(engine_route) == 1


def test_solve_returns_breaks_after_an_unload() -> None:
    """Whatever arc the engine picks, the plan's break is taken empty after an unload."""
    from optimizer.evaluate import check
    from optimizer.routing.params import RoutingParams
    from optimizer.routing.solve import solve

    # The day (about 1 h 22 min of work) cannot start after the break window
    # nor end before it closes, so the break must be taken on the route.
    inst = line_town(TimeWindow(6 * H + 35 * 60, 7 * H + 5 * 60), shift_end=8 * H + 15 * 60)
    params = RoutingParams(engine="ortools", objective="distance", solution_limit=30)
    result = solve(inst, params=params)
    assert check(inst, result) == [] and not result.unserved
    (route,) = result.routes
    at = [i for i, v in enumerate(route.visits) if v.kind is VisitKind.BREAK]
    assert len(at) == 1 and is_crew_friendly(route, at[0])
