"""Known-answer tests of the OR-Tools engine on small hand-made towns."""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.evaluate import check, compartments
from optimizer.model import (
    Break,
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import RoutingResult, UnservedReason, VisitKind
from optimizer.routing.solve import Progress, solve

H = 3600
OTHER, KITCHEN, MEDICAL = Stream.OTHER, Stream.KITCHEN, Stream.MEDICAL


def town(
    stops: Sequence[Stop],
    types: Sequence[VehicleType],
    facilities: Sequence[Site] = (),
    speed: float = 10.0,
) -> Instance:
    """Return a town on a line: ``lon`` is the position in metres, travel at ``speed`` m/s."""
    if not facilities:
        facilities = (
            Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}), unload_s=600),
        )
    sites = (Site("D", "depot", SiteKind.DEPOT, 0, 0), *facilities)
    ids = tuple(s.id for s in sites) + tuple(s.id for s in stops)
    pos = np.array([s.lon for s in sites] + [s.lon for s in stops])
    dist = np.abs(pos[:, None] - pos[None, :])
    return Instance(
        "line",
        tuple(stops),
        sites,
        tuple(types),
        TravelMatrix(ids, dist, dist / speed),
        meta={"coord_sys": "planar"},
    )


def stop(sid: str, x: float, kg: float = 100.0, stream: Stream = OTHER, **kw: object) -> Stop:
    """Return a stop at position ``x`` m."""
    return Stop(sid, sid, 0, x, stream, kg, **kw)  # type: ignore[arg-type]


def truck(tid: str = "T", count: int = 1, **kw: object) -> VehicleType:
    """Return a compactor type based at D collecting other waste."""
    base: dict[str, object] = {
        "streams": frozenset({OTHER}),
        "capacity_kg": 1000.0,
        "shift": TimeWindow(6 * H, 18 * H),
    }
    base.update(kw)
    return VehicleType(tid, count, "D", **base)  # type: ignore[arg-type]


def run(
    inst: Instance,
    *,
    initial: RoutingResult | None = None,
    progress: Callable[[Progress], None] | None = None,
    **kw: object,
) -> RoutingResult:
    """Solve with OR-Tools and a solution limit (reproducible), and check the plan."""
    options: dict[str, object] = {
        "engine": "ortools",
        "objective": "distance",
        "time_limit_s": 10.0,
        "solution_limit": 100,
    }
    options.update(kw)
    params = RoutingParams(**options)  # type: ignore[arg-type]
    result = solve(inst, params=params, initial=initial, progress=progress)
    assert check(inst, result) == []
    return result


def unloads(result: RoutingResult) -> list[str]:
    """Return the facility ids unloaded at, over all routes."""
    return [v.location for r in result.routes for v in r.visits if v.kind is VisitKind.UNLOAD]


def test_known_optimum_on_a_line() -> None:
    """Three stops between depot and facility are collected on the way: 20 km, the optimum."""
    inst = town([stop("A", 2000), stop("B", 4000), stop("C", 6000)], [truck()])
    result = run(inst)
    assert result.distance_m == pytest.approx(20_000)
    assert result.objective_value == pytest.approx(20_000)
    assert result.routes[0].stops == ("A", "B", "C")


def test_multi_trip_when_full() -> None:
    """Three 600 kg stops and a 1000 kg truck: three trips, each ending at the facility."""
    inst = town([stop(s, x, 600) for s, x in [("A", 2000), ("B", 4000), ("C", 6000)]], [truck()])
    result = run(inst)
    assert not result.unserved
    assert len(result.routes) == 1
    assert unloads(result) == ["F", "F", "F"]
    visits = result.routes[0].visits
    assert visits[-2].kind is VisitKind.UNLOAD and visits[-1].load_kg == 0
    assert max(v.load_kg for v in visits) <= 1000


def test_volume_limits_each_trip() -> None:
    """Light but bulky stops (1.5 m3 each in a 2 m3 body) need one trip each."""
    stops = [stop(s, x, 50, demand_m3=1.5) for s, x in [("A", 2000), ("B", 4000)]]
    result = run(town(stops, [truck(capacity_m3=2.0)]))
    assert unloads(result) == ["F", "F"]
    assert max(v.load_m3 for r in result.routes for v in r.visits) <= 2.0


def test_unload_time_is_paid() -> None:
    """The route lasts travel + service + unloading: 2 km + 18 km at 10 m/s, 60 s, 600 s."""
    inst = town([stop("A", 2000, service_s=60)], [truck()])
    result = run(inst, objective="time")
    assert result.routes[0].duration_s == pytest.approx(2000 + 60 + 600)


def test_closed_facility_is_avoided() -> None:
    """A nearer facility that closes at 07:00 is passed over for an open, farther one."""
    near = Site(
        "N", "near", SiteKind.TRANSFER, 0, 3000, frozenset({OTHER}), TimeWindow(5 * H, 7 * H)
    )
    far = Site("F", "far", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}))
    inst = town([stop("A", 2000, window=TimeWindow(8 * H, 9 * H))], [truck()], [near, far])
    assert unloads(run(inst)) == ["F"]


def test_streams_go_to_their_vehicles_and_facilities() -> None:
    """Kitchen waste rides the kitchen truck to the composting plant, other waste the compactor."""
    compost = Site("P", "compost", SiteKind.COMPOSTING, 0, 8000, frozenset({KITCHEN}))
    transfer = Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}))
    stops = [stop("A", 2000), stop("K", 3000, stream=KITCHEN), stop("B", 5000)]
    types = [truck("T"), truck("KT", streams=frozenset({KITCHEN}))]
    result = run(town(stops, types, [compost, transfer]))
    by_type = {r.vehicle_type: r for r in result.routes}
    assert by_type["KT"].stops == ("K",)
    assert set(by_type["T"].stops) == {"A", "B"}
    assert [v.location for v in by_type["KT"].visits if v.kind is VisitKind.UNLOAD] == ["P"]
    assert result.settings["components"] == 2


def test_compartments_hold_each_stream_separately() -> None:
    """A two-compartment truck (kitchen 500 kg, other 1000 kg) unloads each at its facility."""
    compost = Site("P", "compost", SiteKind.COMPOSTING, 0, 8000, frozenset({KITCHEN}))
    transfer = Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}))
    dual = truck(
        "DUAL",
        streams=frozenset({OTHER, KITCHEN}),
        extra={"compartments": "kitchen:500;other:1000"},
    )
    assert compartments(dual) == {KITCHEN: (500.0, None), OTHER: (1000.0, None)}
    stops = [stop("K1", 1000, 300, KITCHEN), stop("K2", 2000, 300, KITCHEN), stop("A", 3000, 900)]
    result = run(town(stops, [dual], [compost, transfer]))
    assert not result.unserved
    assert unloads(result).count("P") == 2  # 600 kg kitchen waste > 500 kg compartment


def test_time_windows_order_the_stops() -> None:
    """A far stop open only 07:00-07:10 comes before a near one open 08:00-08:10."""
    stops = [
        stop("NEAR", 1000, window=TimeWindow(8 * H, 8 * H + 600)),
        stop("FAR", 5000, window=TimeWindow(7 * H, 7 * H + 600)),
    ]
    result = run(town(stops, [truck()]))
    assert result.routes[0].stops == ("FAR", "NEAR")


def test_break_is_taken_inside_its_window() -> None:
    """A route spanning the lunch window takes a 30 min break starting 11:00-12:00."""
    stops = [
        stop("A", 2000, window=TimeWindow(10 * H, 10 * H + 900)),
        stop("B", 4000, window=TimeWindow(13 * H, 13 * H + 900)),
    ]
    lunch = Break(TimeWindow(11 * H, 12 * H), 1800)
    result = run(town(stops, [truck(break_=lunch)]))
    breaks = [v for v in result.routes[0].visits if v.kind is VisitKind.BREAK]
    assert len(breaks) == 1
    assert 11 * H <= breaks[0].start_s <= 12 * H
    assert breaks[0].departure_s - breaks[0].start_s == 1800


def test_max_duration_splits_the_work() -> None:
    """Two stops 2 h of service each with a 3 h day limit need two vehicles."""
    stops = [stop("A", 2000, service_s=2 * H), stop("B", 3000, service_s=2 * H)]
    result = run(town(stops, [truck(count=2, max_duration_s=3 * H)]))
    assert not result.unserved
    assert len(result.routes) == 2
    assert all(r.duration_s <= 3 * H for r in result.routes)


def test_max_stops_per_vehicle() -> None:
    """Four stops with two stops allowed per vehicle need two vehicles."""
    stops = [stop(f"S{k}", 1000 * k) for k in range(1, 5)]
    result = run(town(stops, [truck(count=3, max_stops=2)]))
    assert not result.unserved
    assert sorted(len(r.stops) for r in result.routes) == [2, 2]


def test_daily_load_limit_counts_every_trip() -> None:
    """A 1200 kg day limit stops one truck doing four 500 kg stops in several trips."""
    stops = [stop(f"S{k}", 1000 * k, 500) for k in range(1, 5)]
    inst = town(stops, [truck(count=2, max_load_kg_per_day=1200)])
    result = run(inst)
    assert not result.unserved
    assert len(result.routes) == 2
    for route in result.routes:
        assert sum(inst.stop(s).demand_kg for s in route.stops) <= 1200


def test_faster_type_wins_on_time() -> None:
    """With the time objective the type with speed factor 2 serves the stop."""
    types = [truck("SLOW", speed_factor=0.5), truck("FAST", speed_factor=2.0)]
    result = run(town([stop("A", 2000)], types), objective="time")
    assert [r.vehicle_type for r in result.routes] == ["FAST"]
    assert result.routes[0].duration_s == pytest.approx((2000 + 8000 + 10_000) / 20 + 600)


def test_cost_objective_counts_fixed_cost() -> None:
    """With the cost objective one vehicle (fixed cost 500 yuan) beats two."""
    stops = [stop("A", 2000), stop("B", 4000)]
    t = truck(count=2, fixed_cost=500.0, cost_per_km=2.0, cost_per_h=60.0)
    result = run(town(stops, [t]), objective="cost")
    assert len(result.routes) == 1
    route = result.routes[0]
    expected = 500 + 2.0 * route.distance_m / 1000 + 60.0 * route.duration_s / 3600
    assert result.objective_value == pytest.approx(expected, abs=0.05)


def test_minimize_vehicles_first() -> None:
    """Minimising vehicles packs two far-apart stops into one route despite extra distance."""
    stops = [stop("A", 9000), stop("B", -9000)]
    inst = town(stops, [truck(count=2)])
    assert len(run(inst, minimize_vehicles=True).routes) == 1


def test_impossible_stops_are_reported_with_reasons() -> None:
    """Too heavy, an uncollected stream and an unreachable window each get their reason."""
    stops = [
        stop("OK", 2000),
        stop("HEAVY", 3000, 5000),
        stop("MED", 4000, stream=MEDICAL),
        stop("LATE", 5000, window=TimeWindow(20 * H, 21 * H)),
    ]
    result = run(town(stops, [truck()]))
    reasons = {u.stop: u.reason for u in result.unserved}
    assert reasons == {
        "HEAVY": UnservedReason.DEMAND_TOO_LARGE,
        "MED": UnservedReason.NO_VEHICLE_FOR_STREAM,
        "LATE": UnservedReason.WINDOW_UNREACHABLE,
    }
    assert result.routes[0].stops == ("OK",)


def test_too_small_fleet_is_diagnosed() -> None:
    """One vehicle allowed one stop a day leaves two of three stops unserved: fleet too small."""
    stops = [stop(f"S{k}", 1000 * k) for k in range(1, 4)]
    result = run(town(stops, [truck(max_stops=1)]))
    assert len(result.unserved) == 2
    assert {u.reason for u in result.unserved} == {UnservedReason.FLEET_TOO_SMALL}


def test_release_date_delays_the_trip() -> None:
    """A stop released at 09:00 is served by a trip that leaves the depot at 09:00 or later."""
    result = run(town([stop("A", 2000, release_s=9 * H)], [truck()]))
    assert result.routes[0].visits[0].departure_s >= 9 * H


def test_initial_routes_are_kept_as_a_start() -> None:
    """Starting from a plan, a one-solution search returns a plan no worse than it."""
    stops = [stop(f"S{k}", 700 * k, 300) for k in range(1, 9)]
    inst = town(stops, [truck(count=2)])
    first = run(inst, solution_limit=5)
    again = run(inst, solution_limit=1, initial=first)
    assert not again.unserved
    assert again.objective_value <= first.objective_value + 1e-6


def test_same_solution_limit_same_plan() -> None:
    """Two runs with the same solution limit give the same routes (OR-Tools has no seed)."""
    stops = [stop(f"S{k}", 613 * k % 9000, 250) for k in range(1, 10)]
    inst = town(stops, [truck(count=2)])
    a, b = run(inst, solution_limit=30), run(inst, solution_limit=30)
    assert [r.stops for r in a.routes] == [r.stops for r in b.routes]


def test_progress_reports_improving_solutions() -> None:
    """The progress callback sees each solution with a non-increasing best objective."""
    seen: list[Progress] = []
    stops = [stop(f"S{k}", 613 * k % 9000, 250) for k in range(1, 10)]
    run(town(stops, [truck(count=2)]), solution_limit=20, progress=seen.append)
    assert seen
    assert [p.num_solutions for p in seen] == list(range(1, len(seen) + 1))
    best = [p.best_objective for p in seen]
    assert best == sorted(best, reverse=True)
    assert all(p.elapsed_s >= 0 for p in seen)


def test_ctrl_c_keeps_the_best_solution() -> None:
    """SIGINT during the search stops it, and the plan found so far is returned and valid."""
    stops = [stop(f"S{k}", 613 * k % 9000, 250) for k in range(1, 10)]
    inst = town(stops, [truck(count=2)])

    def interrupt(p: Progress) -> None:
        if p.num_solutions == 1:
            os.kill(os.getpid(), signal.SIGINT)

    params = RoutingParams(engine="ortools", objective="distance", time_limit_s=30)
    result = solve(inst, params=params, progress=interrupt)
    assert result.status == "interrupted"
    assert result.runtime_s < 30
    assert check(inst, result) == []
    assert {s for r in result.routes for s in r.stops} | {u.stop for u in result.unserved} == {
        s.id for s in stops
    }


def test_no_vehicles_at_all_gives_a_diagnosis() -> None:
    """A fleet of zero vehicles yields every stop unserved with a reason, not an empty result."""
    inst = town([stop("A", 2000)], [dataclasses.replace(truck(), count=0)])
    result = run(inst)
    assert [(u.stop, u.reason) for u in result.unserved] == [
        ("A", UnservedReason.NO_VEHICLE_FOR_STREAM)
    ]


def test_co2_objective_prefers_the_electric_truck() -> None:
    """With the CO2 objective an electric truck (south grid) serves the stop, not the diesel one."""
    types = [truck("DIESEL"), truck("EV", fuel=Fuel.ELECTRIC)]
    inst = dataclasses.replace(
        town([stop("A", 2000)], types), meta={"coord_sys": "planar", "grid_region": "south"}
    )
    result = run(inst, objective="co2")
    assert [r.vehicle_type for r in result.routes] == ["EV"]
    assert result.co2_kg > 0


@st.composite
def small_towns(draw: st.DrawFn) -> Instance:
    """Draw a line town of 2-8 stops, two streams, windows, a break and daily limits."""
    n = draw(st.integers(2, 8))
    stops = []
    for k in range(n):
        x = draw(st.integers(-9000, 9000))
        stream = draw(st.sampled_from([OTHER, OTHER, KITCHEN]))
        window = None
        if draw(st.booleans()):
            start = draw(st.integers(6 * H, 14 * H))
            window = TimeWindow(start, start + draw(st.integers(600, 4 * H)))
        kg = draw(st.integers(50, 900))
        stops.append(
            stop(f"S{k}", x, kg, stream, service_s=draw(st.integers(0, 900)), window=window)
        )
    facilities = (
        Site("F", "transfer", SiteKind.TRANSFER, 0, 10_000, frozenset({OTHER}), unload_s=600),
        Site(
            "P",
            "compost",
            SiteKind.COMPOSTING,
            0,
            -6000,
            frozenset({KITCHEN}),
            TimeWindow(7 * H, 16 * H),
            300,
        ),
    )
    lunch = Break(TimeWindow(11 * H, 12 * H), 1800) if draw(st.booleans()) else None
    types = [
        truck(
            "T",
            count=draw(st.integers(1, 3)),
            break_=lunch,
            max_load_kg_per_day=draw(st.sampled_from([None, 2500.0])),
            max_stops=draw(st.sampled_from([None, 4])),
            speed_factor=draw(st.sampled_from([0.8, 1.0])),
        ),
        truck("KT", count=1, streams=frozenset({KITCHEN}), capacity_kg=600.0, capacity_m3=3.0),
    ]
    return town(stops, types, facilities)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=small_towns(), objective=st.sampled_from(["distance", "time", "cost", "co2"]))
def test_random_towns_get_checked_plans(inst: Instance, objective: str) -> None:
    """Random small towns get plans the checker accepts, every stop served or explained."""
    result = run(inst, objective=objective, solution_limit=30)
    served = {s for r in result.routes for s in r.stops}
    assert served | {u.stop for u in result.unserved} == {s.id for s in inst.stops}
    assert not served & {u.stop for u in result.unserved}


def test_a_finished_solve_frees_its_routing_model() -> None:
    """No OR-Tools model outlives its solve: a long-running process would grow ~7 MB a solve.

    The progress callback reaching the model strongly made a cycle through
    C++ that Python's collector cannot free (google/or-tools#4753); the
    generated-county campaign grew by 200 MB a minute.
    """
    import gc

    from ortools.constraint_solver import pywrapcp

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, pywrapcp.RoutingModel) for o in gc.get_objects())

    before = alive()
    seen: list[float] = []
    inst = town([stop("A", 2000), stop("B", 4000), stop("C", 6000)], [truck()])
    result = solve(
        inst,
        params=RoutingParams(time_limit_s=1, solution_limit=20, engine="ortools"),
        progress=lambda p: seen.append(p.best_objective),
    )
    assert result.distance_m == pytest.approx(20_000) and seen
    assert alive() == before


def test_reload_copies_grow_with_the_work_not_with_the_fleet() -> None:
    """A large county part's OR-Tools model holds fewer reload copies than stops.

    Counting every vehicle's own bound (all the demand in one vehicle) gave
    six copies per stop to a 1,014-stop part with 62 vehicles and six
    facilities: 5 GB and 80 s of model for a 5 s share of the time.
    """
    from optimizer.demo_county import build_large_county
    from optimizer.routing.ortools_engine import _Model
    from optimizer.routing.solve import components

    inst = build_large_county(1500)
    comp = next(c for c in components(inst, [s.id for s in inst.stops]) if len(c.types) > 2)
    copies = []
    for k in (1, 2):
        types = [dataclasses.replace(t, count=t.count * k) for t in comp.types]
        model = _Model(inst, comp.stops, types)
        copies.append(len(model.node_range(VisitKind.UNLOAD)))
    fleet = sum(t.count for t in comp.types)
    assert copies[0] < len(comp.stops)
    # Each vehicle added may need one more (partial) trip, shared by rival facilities.
    assert copies[1] - copies[0] <= 2 * fleet + len(inst.unloading_sites)
