"""Tests of the independent checker: it accepts a valid plan and catches each broken rule."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import instances

from optimizer.evaluate import (
    Rule,
    check,
    check_route,
    objective_value,
    recompute,
    simulate_route,
)
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
from optimizer.routing.result import Route, RoutingResult, Unserved, UnservedReason, VisitKind
from optimizer.routing.solve import solve

H = 3600
OTHER, KITCHEN = Stream.OTHER, Stream.KITCHEN
D, S, U = VisitKind.DEPOT, VisitKind.STOP, VisitKind.UNLOAD


def _instance(**mix_changes: object) -> Instance:
    """Return a line-shaped town: depot at 0 m, stops and facilities along x, 10 m/s."""
    x = {"D": 0, "A": 1000, "B": 2000, "C": 3000, "K": 4000, "R": 5000, "F": 6000, "G": 7000}
    stops = (
        Stop("A", "a", 0, 1000, OTHER, 600, 0.5, 60, window=TimeWindow(8 * H, 9 * H)),
        Stop("B", "b", 0, 2000, OTHER, 600, 0.5, 60),
        Stop("C", "c", 0, 3000, OTHER, 100, 1.8, 60),
        Stop("K", "k", 0, 4000, KITCHEN, 300, 0.2, 60),
        Stop("R", "r", 0, 5000, OTHER, 100, 0.5, 60, release_s=7 * H),
    )
    sites = (
        Site("D", "depot", SiteKind.DEPOT, 0, 0),
        Site("F", "incinerator", SiteKind.INCINERATOR, 0, 6000, frozenset({OTHER}), None, 300),
        Site(
            "G",
            "composting",
            SiteKind.COMPOSTING,
            0,
            7000,
            frozenset({KITCHEN}),
            TimeWindow(6 * H, 12 * H),
            300,
        ),
    )
    mix = VehicleType(
        "mix",
        1,
        "D",
        frozenset({OTHER, KITCHEN}),
        capacity_kg=1000,
        capacity_m3=2.0,
        shift=TimeWindow(6 * H, 18 * H),
        break_=Break(TimeWindow(10 * H, 11 * H), 1800),
        max_stops=5,
        max_load_kg_per_day=3000,
        fixed_cost=100,
        cost_per_km=2.0,
        cost_per_h=30.0,
    )
    mix = dataclasses.replace(mix, **mix_changes)  # type: ignore[arg-type]
    small = VehicleType(
        "small", 1, "D", frozenset({OTHER}), capacity_kg=500, capacity_m3=2.0, speed_factor=0.5
    )
    ids = tuple(x)
    pos = np.array([float(x[i]) for i in ids])
    dist = np.abs(pos[:, None] - pos[None, :])
    return Instance("line", stops, sites, (mix, small), TravelMatrix(ids, dist, dist / 10.0))


MIX_OK = [(D, "D"), (S, "A"), (U, "F"), (S, "B"), (S, "K"), (U, "F"), (U, "G"), (D, "D")]
SMALL_OK = [(D, "D"), (S, "R"), (U, "F"), (S, "C"), (U, "F"), (D, "D")]


def _plan(
    inst: Instance,
    mix: Sequence[tuple[VisitKind, str]] = MIX_OK,
    small: Sequence[tuple[VisitKind, str]] = SMALL_OK,
    mix_depart: float = 7.5 * H,
    small_depart: float = 7 * H,
    unserved: Sequence[Unserved] = (),
) -> RoutingResult:
    routes = (
        simulate_route(inst, "mix#1", inst.vehicle_type("mix"), mix, mix_depart),
        simulate_route(inst, "small#1", inst.vehicle_type("small"), small, small_depart),
    )
    return RoutingResult(
        "line", routes, tuple(unserved), "cost", objective_value(routes, "cost"), "hand"
    )


def _edit_route(result: RoutingResult, k: int, edit: Callable[[Route], Route]) -> RoutingResult:
    routes = list(result.routes)
    routes[k] = edit(routes[k])
    return dataclasses.replace(result, routes=tuple(routes))


def _edit_visit(result: RoutingResult, k: int, i: int, **changes: object) -> RoutingResult:
    def edit(route: Route) -> Route:
        visits = list(route.visits)
        visits[i] = dataclasses.replace(visits[i], **changes)  # type: ignore[arg-type]
        return dataclasses.replace(route, visits=tuple(visits))

    return _edit_route(result, k, edit)


def test_valid_plan_has_no_violation() -> None:
    """A hand-built plan that follows every rule passes the checker."""
    inst = _instance()
    assert check(inst, _plan(inst)) == []


def test_recompute_reproduces_metrics_of_valid_plan() -> None:
    """Recomputing a simulated plan gives the same distance, CO2, cost and objective."""
    inst = _instance()
    plan = _plan(inst)
    again = recompute(inst, plan)
    assert again.distance_m == pytest.approx(plan.distance_m)
    assert again.co2_kg == pytest.approx(plan.co2_kg)
    assert again.objective_value == pytest.approx(plan.objective_value)
    # mix: 0->1->6->2->4->6->7->0 km on the line = 1+5+4+2+2+1+7 = 22 km
    assert again.routes[0].distance_m == pytest.approx(22_000)


def test_slow_type_takes_longer() -> None:
    """A speed factor of 0.5 doubles the travel time of the slow type."""
    inst = _instance()
    route = _plan(inst).routes[1]
    # small: D->R (5 km at 5 m/s = 1000 s); release 07:00 is met at departure.
    assert route.visits[1].arrival_s == pytest.approx(7 * H + 1000)


def _with(inst_changes: dict[str, object], **plan_kw: object) -> tuple[Instance, RoutingResult]:
    inst = _instance(**inst_changes)
    return inst, _plan(inst, **plan_kw)  # type: ignore[arg-type]


def _case_unknown_id() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    return inst, _edit_visit(plan, 0, 1, location="nowhere")


def _case_route_shape() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    return inst, _edit_route(plan, 0, lambda r: dataclasses.replace(r, visits=r.visits[:-1]))


def _case_served_twice() -> tuple[Instance, RoutingResult]:
    return _with({}, small=[(D, "D"), (S, "R"), (S, "B"), (U, "F"), (S, "C"), (U, "F"), (D, "D")])


def _case_not_served() -> tuple[Instance, RoutingResult]:
    return _with({}, small=[(D, "D"), (S, "R"), (U, "F"), (D, "D")])


def _case_served_and_unserved() -> tuple[Instance, RoutingResult]:
    return _with({}, unserved=[Unserved("C", UnservedReason.NOT_ROUTED)])


def _case_capacity() -> tuple[Instance, RoutingResult]:
    return _with({}, mix=[(D, "D"), (S, "A"), (S, "B"), (S, "K"), (U, "F"), (U, "G"), (D, "D")])


def _case_volume() -> tuple[Instance, RoutingResult]:
    return _with({}, small=[(D, "D"), (S, "R"), (S, "C"), (U, "F"), (D, "D")])


def _case_stream() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({}, mix=[(D, "D"), (S, "A"), (U, "F"), (S, "B"), (U, "F"), (D, "D")])
    small = [(D, "D"), (S, "R"), (U, "F"), (S, "C"), (S, "K"), (U, "F"), (U, "G"), (D, "D")]
    return inst, _plan(inst, mix=[(v.kind, v.location) for v in plan.routes[0].visits], small=small)


def _case_unload_stream() -> tuple[Instance, RoutingResult]:
    return _with(
        {},
        mix=[
            (D, "D"),
            (S, "A"),
            (U, "G"),
            (U, "F"),
            (S, "B"),
            (S, "K"),
            (U, "F"),
            (U, "G"),
            (D, "D"),
        ],
    )


def _case_facility_closed() -> tuple[Instance, RoutingResult]:
    return _with({}, mix_depart=11.5 * H)


def _case_not_empty() -> tuple[Instance, RoutingResult]:
    return _with({}, mix=[(D, "D"), (S, "A"), (U, "F"), (S, "B"), (S, "K"), (U, "G"), (D, "D")])


def _case_time_window() -> tuple[Instance, RoutingResult]:
    return _with({}, mix_depart=9.5 * H)


def _case_release() -> tuple[Instance, RoutingResult]:
    return _with({}, small_depart=6.5 * H)


def _case_shift() -> tuple[Instance, RoutingResult]:
    return _with({}, mix_depart=5.5 * H)


def _case_max_duration() -> tuple[Instance, RoutingResult]:
    return _with({"max_duration_s": 1800})


def _case_break() -> tuple[Instance, RoutingResult]:
    # The route (07:30-08:53) spans the whole break window and takes no break.
    return _with({"break_": Break(TimeWindow(8 * H, 8 * H + 1800), 1800)})


def _case_break_place() -> tuple[Instance, RoutingResult]:
    # The mix truck rests right after stop A, with waste on board.
    inst = _instance(break_=Break(TimeWindow(7 * H, 12 * H), 600))
    brk = (VisitKind.BREAK, "A")
    return inst, _plan(inst, mix=[*MIX_OK[:2], brk, *MIX_OK[2:]])


def _case_max_stops() -> tuple[Instance, RoutingResult]:
    return _with({"max_stops": 2})


def _case_daily_load() -> tuple[Instance, RoutingResult]:
    return _with({"max_load_kg_per_day": 1000})


def _case_fleet() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    twin = dataclasses.replace(plan.routes[1], vehicle="small#2")
    empty = _plan(inst, small=[(D, "D"), (D, "D")]).routes[1]
    empty = dataclasses.replace(empty, vehicle="small#3")
    return inst, dataclasses.replace(plan, routes=(*plan.routes, empty, twin))


def _case_times() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    v = plan.routes[1].visits[1]
    return inst, _edit_visit(plan, 1, 1, arrival_s=v.arrival_s - 100, start_s=v.start_s - 100)


def _electric(battery_kwh: float, charger_kw: float | None = 50.0) -> Instance:
    """Return the line town with an electric ``small`` type (1-2 kWh/km) and a charger at F."""
    inst = _instance()
    small = dataclasses.replace(
        inst.vehicle_type("small"),
        fuel=Fuel.ELECTRIC,
        battery_kwh=battery_kwh,
        extra={"empty_per_100km": "100", "full_per_100km": "200"},
    )
    sites = tuple(
        dataclasses.replace(s, charger_kw=charger_kw, chargers=1) if s.id == "F" else s
        for s in inst.sites
    )
    return dataclasses.replace(inst, sites=sites, vehicle_types=(inst.vehicle_types[0], small))


def _case_battery() -> tuple[Instance, RoutingResult]:
    inst = _electric(10.0, None)  # SMALL_OK drives 18 km
    return inst, _plan(inst)


def _case_charger() -> tuple[Instance, RoutingResult]:
    inst = _electric(100.0)
    return inst, _plan(inst, small=[*SMALL_OK[:-1], (VisitKind.CHARGE, "G"), (D, "D")])


def _case_chargers_busy() -> tuple[Instance, RoutingResult]:
    inst = _electric(100.0)
    seq = [*SMALL_OK[:-1], (VisitKind.CHARGE, "F"), (D, "D")]
    small = inst.vehicle_type("small")
    route = simulate_route(inst, "small#1", small, seq, 7 * H, dwell_s={5: 600.0})
    twin = dataclasses.replace(route, vehicle="small#2")
    plan = _plan(inst)
    return inst, dataclasses.replace(plan, routes=(plan.routes[0], route, twin))


def _case_reported_load() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    return inst, _edit_visit(plan, 0, 1, load_kg=10.0)


def _case_reported_metric() -> tuple[Instance, RoutingResult]:
    inst, plan = _with({})
    return inst, _edit_route(plan, 0, lambda r: dataclasses.replace(r, distance_m=1.0))


CASES: dict[Rule, Callable[[], tuple[Instance, RoutingResult]]] = {
    Rule.UNKNOWN_ID: _case_unknown_id,
    Rule.ROUTE_SHAPE: _case_route_shape,
    Rule.SERVED_TWICE: _case_served_twice,
    Rule.NOT_SERVED: _case_not_served,
    Rule.SERVED_AND_UNSERVED: _case_served_and_unserved,
    Rule.CAPACITY: _case_capacity,
    Rule.VOLUME: _case_volume,
    Rule.STREAM: _case_stream,
    Rule.UNLOAD_STREAM: _case_unload_stream,
    Rule.FACILITY_CLOSED: _case_facility_closed,
    Rule.NOT_EMPTY_AT_DEPOT: _case_not_empty,
    Rule.TIME_WINDOW: _case_time_window,
    Rule.RELEASE: _case_release,
    Rule.SHIFT: _case_shift,
    Rule.MAX_DURATION: _case_max_duration,
    Rule.BREAK: _case_break,
    Rule.BREAK_PLACE: _case_break_place,
    Rule.MAX_STOPS: _case_max_stops,
    Rule.DAILY_LOAD: _case_daily_load,
    Rule.FLEET: _case_fleet,
    Rule.TIMES: _case_times,
    Rule.BATTERY: _case_battery,
    Rule.CHARGER: _case_charger,
    Rule.CHARGERS_BUSY: _case_chargers_busy,
    Rule.REPORTED_LOAD: _case_reported_load,
    Rule.REPORTED_METRIC: _case_reported_metric,
}


def test_every_rule_has_a_broken_case() -> None:
    """Each rule of the checker is exercised by a hand-broken plan below."""
    assert set(CASES) == set(Rule)


@pytest.mark.parametrize("rule", list(CASES), ids=[r.value for r in CASES])
def test_checker_catches_broken_plan(rule: Rule) -> None:
    """A plan broken in one way is reported with that rule, naming a vehicle or stop."""
    inst, plan = CASES[rule]()
    found = check(inst, plan)
    assert rule in {v.rule for v in found}, [str(v) for v in found]
    assert all(str(v) for v in found)


@pytest.mark.parametrize("rule", [Rule.CAPACITY, Rule.TIME_WINDOW, Rule.REPORTED_METRIC])
def test_a_route_check_without_metrics_keeps_every_rule_but_the_metrics(rule: Rule) -> None:
    """``check_route(metrics=False)`` (for routes just simulated) still sees broken rules."""
    inst, plan = CASES[rule]()
    full = {v.rule for r in plan.routes for v in check_route(inst, r)}
    quick = {v.rule for r in plan.routes for v in check_route(inst, r, metrics=False)}
    assert rule in full
    assert quick == full - {Rule.REPORTED_METRIC}


def test_checker_lists_every_violation() -> None:
    """Two broken rules in two routes are both reported, not just the first."""
    inst, plan = _case_volume()
    plan = _edit_visit(plan, 0, 1, load_kg=10.0)
    rules = {v.rule for v in check(inst, plan)}
    assert {Rule.VOLUME, Rule.REPORTED_LOAD} <= rules


# -- property: every OR-Tools plan passes the checker -------------------------

# Decoded OR-Tools objectives differ from the recomputed ones only by integer
# scaling: distances are rounded to metres per arc and times rounded up to
# seconds per arc (see optimizer.routing.ortools_engine).
ARC_TOL = {"distance": 0.5, "time": 1.0, "cost": 1e-3}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instance=instances(max_stops=6), objective=st.sampled_from(["distance", "time", "cost"]))
def test_ortools_plan_passes_checker(instance: Instance, objective: str) -> None:
    """Any random instance gets a plan with no violation whose objective the checker confirms."""
    params = RoutingParams(
        objective=objective, engine="ortools", time_limit_s=5.0, solution_limit=20
    )
    result = solve(instance, params=params)
    assert check(instance, result) == []
    again = recompute(instance, result)
    tol = 1e-6 * (1 + abs(again.objective_value))
    for route in again.routes:
        arcs = len(route.visits) - 1
        vt = instance.vehicle_type(route.vehicle_type)
        if objective == "distance":
            tol += 0.5 * arcs
        elif objective == "time":
            tol += 1.0 * arcs
        else:
            # per arc: cost units of 1/36000 yuan rounded, travel time rounded
            # up to a second; the hourly cost as 1/10 yuan per hour.
            tol += arcs * (0.5 / 36000 + vt.cost_per_h / 3600)
            tol += 0.05 * route.duration_s / 3600 + 0.5 / 36000
    assert abs(result.objective_value - again.objective_value) <= tol


def test_a_misreported_objective_is_found() -> None:
    """The plan's objective must be what its routes cost: one yuan more is reported."""
    inst = _instance()
    plan = _plan(inst)
    wrong = dataclasses.replace(plan, objective_value=plan.objective_value + 1.0)
    got = check(inst, wrong)
    assert [v.rule for v in got] == [Rule.REPORTED_METRIC]
    assert "objective" in got[0].message
