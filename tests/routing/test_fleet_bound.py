"""Tests of the fleet lower bound: never above a feasible plan, and tight where trips bind."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_conformance import solvable_instances

from optimizer.bench.plans import read_plan_text
from optimizer.evaluate import check, travel_s
from optimizer.io.kim import read_kim
from optimizer.io.solution import parse_solution_json
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
from optimizer.routing.fleet_bound import (
    fleet_lower_bound,
    travel_floor_s,
    working_time_s,
)
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import RoutingResult, VisitKind
from optimizer.routing.solve import solve, vehicles_needed

ROOT = Path(__file__).resolve().parents[2]
KIM = ROOT / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"
KIM_PLANS = ROOT / "benchmarks" / "results" / "kim_auto_60s" / "plans" / "kim2006_wcvrptw"
H = 3600
M = 60


def _truck(**kw: object) -> VehicleType:
    args: dict[str, object] = {"shift": TimeWindow(8 * H, 16 * H)}
    args.update(kw)
    return VehicleType("T", 5, "D", frozenset({Stream.OTHER}), 1000.0, **args)  # type: ignore[arg-type]


def test_working_time_takes_the_break_out_only_when_a_route_must_take_it() -> None:
    """8 h shift: a 11-12 break costs its hour; one that may start at 16:00 costs nothing."""
    lunch = Break(TimeWindow(11 * H, 12 * H), H)
    assert working_time_s(_truck()) == 8 * H
    assert working_time_s(_truck(break_=lunch)) == 7 * H
    assert working_time_s(_truck(break_=Break(TimeWindow(15 * H, 17 * H), H))) == 8 * H
    # 6 h at most: with the break on the route 5 h; before 12:00 only 4 h; after 12:00 4 h.
    assert working_time_s(_truck(break_=lunch, max_duration_s=6 * H)) == 5 * H


def _far_plant(stops: int, shift_h: float) -> Instance:
    """Full-load stops next to the depot, the only plant 30 min away, 10 min to serve or unload."""
    ids = ["D", "F"] + [f"S{i}" for i in range(stops)]
    minutes = np.zeros((len(ids), len(ids)))
    minutes[1, :] = minutes[:, 1] = 30
    minutes[1, 1] = 0
    travel = TravelMatrix(tuple(ids), minutes * 500.0, minutes * M)
    plant = Site("F", "plant", SiteKind.LANDFILL, 0, 0, frozenset({Stream.OTHER}), unload_s=10 * M)
    depot = Site("D", "depot", SiteKind.DEPOT, 0, 0)
    load = [Stop(i, i, 0, 0, Stream.OTHER, 1000.0, service_s=10 * M) for i in ids[2:]]
    shift = TimeWindow(8 * H, 8 * H + round(shift_h * H))
    vt = VehicleType("T", 4, "D", frozenset({Stream.OTHER}), 1000.0, shift=shift)
    return Instance("far", tuple(load), (depot, plant), (vt,), travel, {"coord_sys": "planar"})


def test_trips_to_a_far_plant_need_a_second_vehicle() -> None:
    """4 full loads: 40 min service, 40 min unloading, 4 h of plant runs; 5 h shifts need 2 trucks.

    Service and load alone give 1. One truck drives 4 × 30 min to the plant,
    3 × 30 min back to its stops and 30 min home: 5 h 20 min with the work.
    Two trucks: 4 + 2 + 2 half hours and the same work, 5 h 20 min in 10 h.
    """
    inst = _far_plant(4, 5.0)
    vt = inst.vehicle_types[0]
    assert travel_floor_s(inst, inst.stops, vt, 1) == pytest.approx((4 + 3 + 1) * 30 * M + 40 * M)
    assert fleet_lower_bound(inst, inst.stops, vt) == 2
    params = RoutingParams(objective="distance", minimize_vehicles=True, solution_limit=50, seed=1)
    result = solve(inst, params=params)
    assert check(inst, result) == [] and not result.unserved
    assert result.num_vehicles == 2
    # A 5 h 20 min shift fits everything in one truck: the bound drops to 1.
    longer = _far_plant(4, 5 + 20 / 60)
    assert fleet_lower_bound(longer, longer.stops, longer.vehicle_types[0]) == 1


def test_a_mixed_fleet_takes_its_most_favourable_type() -> None:
    """Trucks of 5 h need 2; with a crew of 5 h 20 min also on hand, a mix may need only 1."""
    inst = _far_plant(4, 5.0)
    truck = inst.vehicle_types[0]
    long_day = dataclasses.replace(truck, id="L", shift=TimeWindow(8 * H, 8 * H + 320 * M))
    slow = dataclasses.replace(long_day, id="S", speed_factor=0.5)
    mixed = dataclasses.replace(inst, vehicle_types=(truck, long_day))
    assert fleet_lower_bound(mixed, mixed.stops, truck) == 2
    assert fleet_lower_bound(mixed, mixed.stops, [truck, long_day]) == 1
    assert vehicles_needed(mixed, mixed.stops) == 1
    # A slow long-day type: its day is long enough, the truck's driving fast enough,
    # and neither alone does it in one day; the mix takes the best of both.
    slow_mix = dataclasses.replace(inst, vehicle_types=(truck, slow))
    assert fleet_lower_bound(slow_mix, slow_mix.stops, slow) == 2
    assert fleet_lower_bound(slow_mix, slow_mix.stops, [truck, slow]) == 1


def test_vehicles_needed_adds_up_streams_no_type_shares() -> None:
    """Kitchen waste only a kitchen truck carries adds its own bound to the other trucks'."""
    inst = _far_plant(4, 5.0)
    truck = inst.vehicle_types[0]
    kitchen = dataclasses.replace(truck, id="K", streams=frozenset({Stream.KITCHEN}))
    stops = (
        *inst.stops,
        *(Stop(f"K{i}", f"k{i}", 0, 0, Stream.KITCHEN, 1000.0, service_s=10 * M) for i in range(4)),
    )
    ids = list(inst.travel.ids) + [f"K{i}" for i in range(4)]
    minutes = np.zeros((len(ids), len(ids)))
    minutes[1, :] = minutes[:, 1] = 30
    minutes[1, 1] = 0
    plant = dataclasses.replace(inst.sites[1], streams=frozenset({Stream.OTHER, Stream.KITCHEN}))
    both = dataclasses.replace(
        inst,
        stops=stops,
        sites=(inst.sites[0], plant),
        vehicle_types=(truck, kitchen),
        travel=TravelMatrix(tuple(ids), minutes * 500.0, minutes * M),
    )
    assert vehicles_needed(both, both.stops) == 2 + 2


def _driving_and_unloading(instance: Instance, result: RoutingResult, type_id: str) -> float:
    total = 0.0
    for route in result.routes:
        if route.vehicle_type != type_id:
            continue
        vt = next(t for t in instance.vehicle_types if t.id == type_id)
        for a, b in zip(route.visits, route.visits[1:], strict=False):
            total += travel_s(instance, vt, a.location, b.location)
            if b.kind is VisitKind.UNLOAD:
                total += instance.site(b.location).unload_s
    return total


def _assert_below(instance: Instance, result: RoutingResult) -> None:
    """Each type's routes use at least its bound's vehicles, drive and unload at least its floor."""
    for vt in instance.vehicle_types:
        mine = [s for s in instance.stops if s.stream in vt.streams]
        if any(
            s.stream in other.streams
            for other in instance.vehicle_types
            if other is not vt
            for s in mine
        ):
            continue  # stops a type shares: no per-type bound to compare
        used = sum(1 for r in result.routes if r.vehicle_type == vt.id)
        assert used >= fleet_lower_bound(instance, mine, vt)
        if used:
            floor = travel_floor_s(instance, mine, vt, used)
            assert _driving_and_unloading(instance, result, vt.id) >= floor - 1e-6


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instance=solvable_instances(), share=st.booleans())
def test_no_checked_plan_beats_the_bound(instance: Instance, share: bool) -> None:
    """Generated counties (breaks, limits, two streams, types sharing a stream): within bounds."""
    if share and len(instance.vehicle_types) == 2:
        # The kitchen truck also takes other waste: the two types share it.
        c, k = instance.vehicle_types
        k = dataclasses.replace(k, streams=k.streams | {Stream.OTHER})
        instance = dataclasses.replace(instance, vehicle_types=(c, k))
    params = RoutingParams(objective="distance", minimize_vehicles=True, solution_limit=30, seed=1)
    result = solve(instance, params=params)
    assert check(instance, result) == []
    if not result.unserved:
        _assert_below(instance, result)
        assert result.num_vehicles >= vehicles_needed(instance, instance.stops)


@pytest.mark.skipif(not KIM.is_dir(), reason="needs ../shared/data (Kim et al. instances)")
def test_kim_bounds_and_recorded_plans() -> None:
    """277_stop needs 3 trucks, 804_stop 4 (simple bounds: 1 and 3); recorded plans agree."""
    bounds = {}
    for path in sorted(KIM.glob("*_stop.txt")):
        inst = read_kim(path)
        vt = inst.vehicle_types[0]
        bounds[inst.name] = fleet_lower_bound(inst, inst.stops, vt)
        plans = sorted((KIM_PLANS / inst.name).glob("*.json*"))
        for plan in plans:
            result = parse_solution_json(read_plan_text(plan))
            assert check(inst, result) == []
            _assert_below(inst, result)
    assert bounds["277_stop"] == 3 and bounds["804_stop"] == 4
    assert sum(bounds.values()) >= 87
