"""Each vehicle type drives its own road profile: engines, checker, outputs (ladder town)."""

from __future__ import annotations

import itertools
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from optimizer.distances import choose_travel, travel_note
from optimizer.evaluate import Rule, check, check_route, simulate_route
from optimizer.io.load import read_instance
from optimizer.model import Instance, TimeWindow
from optimizer.roads.travel import route_geometry
from optimizer.routing import ortools_engine, pyvrp_engine
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.solve import solve

PARAMS = RoutingParams(objective=Objective.DISTANCE, solution_limit=50, time_limit_s=10)

# Ladder town of conftest.py: the lane n2-n5 is signed 2 m wide, North St is one-way east.
LANE = {(30.0, 120.005), (30.003, 120.005)}
# The van collects kitchen waste, the 2.5 m compactor recyclables; both take "other",
# which keeps them in one engine model. Each has one stop south and one north of the lane.
STOPS = [
    ("K0", 30.0000, 120.0045, "kitchen"),
    ("K1", 30.0031, 120.0055, "kitchen"),
    ("R0", 30.0000, 120.0040, "recyclable"),
    ("R1", 30.0031, 120.0060, "recyclable"),
]
FLEET = (
    "type,count,depot,streams,capacity_kg,fuel,shift_start,shift_end,width_m,height_m,weight_t\n"
    "V2,1,D,kitchen;other,800,diesel,05:30,14:00,1.8,2.2,3\n"
    "C8,1,D,recyclable;other,8000,diesel,05:30,14:00,2.5,3.4,16\n"
)


def _town(folder: Path, roads: Path | None, fleet: str = FLEET) -> Instance:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites.csv").write_text(
        "id,name,kind,lat,lon,streams,open,close,unload_min\n"
        "D,Depot,depot,30.0,120.0,,,,\n"
        "T,Transfer,transfer,30.0,120.01,kitchen;recyclable;other,05:00,20:00,10\n",
        encoding="utf-8",
    )
    rows = [f"{i},Stop {i},{lat},{lon},{s},300,3\n" for i, lat, lon, s in STOPS]
    (folder / "stops.csv").write_text(
        "id,name,lat,lon,stream,demand_kg,service_min\n" + "".join(rows), encoding="utf-8"
    )
    (folder / "vehicles.csv").write_text(fleet, encoding="utf-8")
    return choose_travel(read_instance(folder), source=folder, roads=roads)


def _uses_lane(line: list[list[float]]) -> bool:
    points = [(round(a, 4), round(b, 4)) for a, b in line]
    return any({p, q} == LANE for p, q in itertools.pairwise(points))


def _route(result: RoutingResult, type_id: str) -> Route:
    (route,) = [r for r in result.routes if r.vehicle_type == type_id]
    return route


def _lane_windows(instance: Instance) -> Instance:
    """Return ``instance`` with K0 at 06:00 sharp and K1 just after: in time only by the lane."""
    ready = 6 * 3600 + 180 + instance.travel_of("V2").duration("K0", "K1")
    windows = {"K0": (6 * 3600, 6 * 3600), "K1": (int(ready) - 10, int(ready) + 30)}
    return replace(
        instance,
        stops=tuple(
            replace(s, window=TimeWindow(*windows[s.id])) if s.id in windows else s
            for s in instance.stops
        ),
    )


@pytest.mark.parametrize("engine", [pyvrp_engine, ortools_engine], ids=["pyvrp", "ortools"])
def test_engines_time_the_van_on_its_own_roads(tmp_path: Path, ladder: Path, engine: Any) -> None:
    """Both engines serve the stop only the van's lane reaches in time (one matrix drops it)."""
    instance = _lane_windows(_town(tmp_path / "town", ladder))
    assert instance.travel_of("V2").distance("K0", "K1") < 500
    assert instance.travel_of("C8").distance("K0", "K1") > 1000
    run = engine.solve_component(
        instance,
        [s.id for s in instance.stops],
        list(instance.vehicle_types),
        params=PARAMS,
        time_limit_s=10,
    )
    assert run.dropped == ()
    assert all(check_route(instance, r) == [] for r in run.routes)


def test_van_takes_the_lane_the_compactor_may_not(tmp_path: Path, ladder: Path) -> None:
    """In one plan the van drives up the 2 m lane, the compactor goes round; the checker agrees."""
    instance = _lane_windows(_town(tmp_path / "town", ladder))
    assert set(instance.travel_by_type) == {"V2"}  # the compactor's profile is the fleet's
    result = solve(instance, params=PARAMS)
    assert not result.unserved
    assert check(instance, result) == []
    shapes = route_geometry(instance, result)
    assert shapes is not None
    van, truck = _route(result, "V2"), _route(result, "C8")
    van_legs = [shapes[("V2", a.location, b.location)] for a, b in itertools.pairwise(van.visits)]
    truck_legs = [
        shapes[(a.location, b.location)]
        for a, b in itertools.pairwise(truck.visits)
        if a.location != b.location
    ]
    assert any(_uses_lane(line) for line in van_legs)
    assert not any(_uses_lane(line) for line in truck_legs)
    # Checked on the compactor's roads for every type, the van's plan does not add up.
    one_matrix = replace(instance, travel_by_type={})
    assert any(v.vehicle == van.vehicle for v in check(one_matrix, result))


def test_checker_refuses_a_compactor_leg_through_the_lane(tmp_path: Path, ladder: Path) -> None:
    """A compactor route timed on the van's roads meets a window it cannot: the checker says so."""
    instance = _town(tmp_path / "town", ladder)
    truck = instance.vehicle_type("C8")
    seq = [
        (VisitKind.DEPOT, "D"),
        (VisitKind.STOP, "R0"),
        (VisitKind.STOP, "R1"),
        (VisitKind.UNLOAD, "T"),
        (VisitKind.DEPOT, "D"),
    ]
    on_van_roads = replace(instance, travel_by_type={"C8": instance.travel_of("V2")})
    fake = simulate_route(on_van_roads, "C8#1", truck, seq, 6 * 3600)
    # R1 must be reached by the time the lane allows, not the detour.
    end = round(fake.visits[2].arrival_s) + 10
    stops = tuple(
        replace(s, window=TimeWindow(0, end)) if s.id == "R1" else s for s in instance.stops
    )
    windowed = replace(instance, stops=stops)
    assert check_route(replace(on_van_roads, stops=stops), fake) == []
    rules = {v.rule for v in check_route(windowed, fake)}
    assert Rule.TIMES in rules
    honest = simulate_route(windowed, "C8#1", truck, seq, 6 * 3600)
    assert {v.rule for v in check_route(windowed, honest)} == {Rule.TIME_WINDOW}


def test_same_roads_share_one_matrix(tmp_path: Path, ladder: Path) -> None:
    """Types on the same roads share one matrix; an instance with several survives pickling."""
    same = FLEET.replace("V2,1,D,kitchen;other,800,diesel,05:30,14:00,1.8,2.2,3\n", "")
    same += "C9,1,D,kitchen;other,8000,diesel,05:30,14:00,2.5,3.4,16\n"
    assert _town(tmp_path / "same", ladder, same).travel_by_type == {}
    # Two vans of different widths both fit the 2 m lane: one matrix, lane included.
    vans = FLEET.replace("C8,1,D,recyclable;other,8000,diesel,05:30,14:00,2.5,3.4,16\n", "")
    vans += "V3,1,D,recyclable;other,900,diesel,05:30,14:00,1.9,2.3,3.5\n"
    both = _town(tmp_path / "vans", ladder, vans)
    assert both.travel_by_type == {}
    assert both.travel.distance("K0", "K1") < 500
    mixed = _town(tmp_path / "mixed", ladder)
    back = pickle.loads(pickle.dumps(mixed))
    assert back == mixed
    assert back.travel_of("V2").distance("K0", "K1") < 500
    note = travel_note(mixed, "en")
    assert "each vehicle type on the roads open to it (V2: width 1.8 m" in note


def test_without_roads_every_type_drives_the_one_matrix(tmp_path: Path) -> None:
    """Without an extract nothing changes: every type's matrix is the instance's own matrix."""
    instance = _town(tmp_path / "town", None)
    assert instance.travel_by_type == {}
    assert all(instance.travel_of(vt.id) is instance.travel for vt in instance.vehicle_types)


@pytest.mark.parametrize(("stream", "refused"), [("kitchen", False), ("recyclable", True)])
def test_a_stop_snaps_to_the_roads_of_the_vehicles_serving_it(
    tmp_path: Path, ladder: Path, stream: str, refused: bool
) -> None:
    """A stop halfway up the 2 m lane is fine for the van's kitchen waste, not for the compactor.

    It lies 167 m from the streets the 2.5 m compactor may drive and on the
    lane the van may; with a 100 m snapping limit the roads of the vehicles
    that serve it decide.
    """
    from optimizer.io.errors import InputError

    folder = tmp_path / "town"
    folder.mkdir()
    (folder / "settings.csv").write_text("key,value\nroad_snap_max_m,100\n", encoding="utf-8")
    stops = [*STOPS[:1], *STOPS[2:3], ("M", 30.0015, 120.005, stream)]
    rows = "".join(f"{i},Stop {i},{lat},{lon},{s},300,3\n" for i, lat, lon, s in stops)
    (folder / "stops.csv").write_text(
        "id,name,lat,lon,stream,demand_kg,service_min\n" + rows, encoding="utf-8"
    )
    (folder / "sites.csv").write_text(
        "id,name,kind,lat,lon,streams,open,close,unload_min\n"
        "D,Depot,depot,30.0,120.0,,,,\n"
        "T,Transfer,transfer,30.0,120.01,kitchen;recyclable;other,05:00,20:00,10\n",
        encoding="utf-8",
    )
    (folder / "vehicles.csv").write_text(FLEET, encoding="utf-8")
    if refused:
        with pytest.raises(InputError) as err:
            choose_travel(read_instance(folder), source=folder, roads=ladder)
        (problem,) = err.value.problems
        assert problem.column == "stop M" and problem.value == "167 m from the nearest usable road"
        assert "width 2.5 m" in str(problem.expected)
        return
    instance = choose_travel(read_instance(folder), source=folder, roads=ladder)
    assert instance.travel_of("V2").distance("D", "M") < instance.travel_of("C8").distance("D", "M")
    result = solve(instance, params=PARAMS)
    assert not result.unserved and check(instance, result) == []
    assert "M" in _route(result, "V2").stops
