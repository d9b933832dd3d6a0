"""Tests of the PyVRP engine and of how the engine is chosen per component."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer import evaluate
from optimizer.distances import great_circle_matrix
from optimizer.model import (
    Break,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)
from optimizer.routing import engines
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve

H = 3600


def _county(*, break_: Break | None = None, max_stops: int | None = None) -> Instance:
    sites = [
        Site("D", "depot", SiteKind.DEPOT, 34.82, 114.82),
        Site(
            "T",
            "transfer",
            SiteKind.TRANSFER,
            34.86,
            114.78,
            streams=frozenset({Stream.OTHER}),
            hours=TimeWindow(4 * H, 20 * H),
            unload_s=600,
        ),
        # A closer candidate site: not built, so no truck may unload there.
        Site(
            "C",
            "candidate",
            SiteKind.TRANSFER,
            34.821,
            114.821,
            streams=frozenset({Stream.OTHER}),
            candidate=True,
            capacity_kg_per_day=100_000.0,
        ),
    ]
    stops = [
        Stop(
            f"S{i}",
            f"point {i}",
            34.80 + 0.004 * (i % 5),
            114.80 + 0.005 * (i // 5),
            Stream.OTHER,
            400.0,
            service_s=120,
            window=TimeWindow(6 * H, 8 * H) if i == 3 else None,
        )
        for i in range(15)
    ]
    truck = VehicleType(
        "CT",
        3,
        "D",
        frozenset({Stream.OTHER}),
        capacity_kg=2000.0,
        shift=TimeWindow(5 * H, 14 * H),
        break_=break_,
        max_stops=max_stops,
        cost_per_km=3.0,
        cost_per_h=50.0,
        fixed_cost=100.0,
    )
    points = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stops]
    return Instance("toy", tuple(stops), tuple(sites), (truck,), great_circle_matrix(points))


def _params(**kw: object) -> RoutingParams:
    base = {"engine": "pyvrp", "time_limit_s": 30.0, "solution_limit": 40, "seed": 3}
    base.update(kw)
    return RoutingParams(**base)  # type: ignore[arg-type]


def test_trucks_unload_before_going_home_and_reload_when_full() -> None:
    """6 t of waste on 2 t trucks needs several trips, each ending at the built station."""
    instance = _county()
    result = solve(instance, params=_params())
    assert evaluate.check(instance, result) == []
    assert not result.unserved
    unloads = [v for r in result.routes for v in r.visits if v.kind is VisitKind.UNLOAD]
    assert len(unloads) >= 3  # 15 × 400 kg = 6 t on 2 t trucks
    assert {v.location for v in unloads} == {"T"}  # never the unbuilt candidate
    for route in result.routes:
        assert route.visits[-2].kind is VisitKind.UNLOAD
        assert route.visits[-1].load_kg == 0.0


def test_break_is_taken_inside_its_window() -> None:
    """Every route that spans the break window takes a 45-minute break starting in it."""
    brk = Break(TimeWindow(6 * H, 7 * H), 45 * 60)
    instance = _county(break_=brk)
    result = solve(instance, params=_params())
    assert evaluate.check(instance, result) == []
    for route in result.routes:
        breaks = [v for v in route.visits if v.kind is VisitKind.BREAK]
        if route.visits[0].departure_s < 6 * H and route.visits[-1].arrival_s > 7 * H:
            assert len(breaks) == 1
            assert 6 * H <= breaks[0].start_s <= 7 * H
            assert breaks[0].departure_s - breaks[0].start_s == 45 * 60


def test_stop_limit_is_kept_by_pyvrp_alone() -> None:
    """With at most 5 stops per truck and day (the only binding daily limit), PyVRP keeps it."""
    instance = _county(max_stops=5)
    result = solve(instance, params=_params())
    assert evaluate.check(instance, result) == []
    assert not result.unserved
    assert max(len(r.stops) for r in result.routes) <= 5
    assert "pyvrp+ortools" not in str(result.settings["engine_choice"])


def test_same_seed_and_work_limit_give_the_same_plan() -> None:
    """Two runs with the same seed and solution limit return identical routes."""
    instance = _county()
    a = solve(instance, params=_params())
    b = solve(instance, params=_params())
    assert [r.visits for r in a.routes] == [r.visits for r in b.routes]


@pytest.mark.parametrize(
    ("engine", "limits", "initial", "expected"),
    [
        ("auto", False, False, "pyvrp"),
        ("auto", True, False, "pyvrp+ortools"),
        ("auto", False, True, "ortools"),
        ("ortools", False, False, "ortools"),
        ("pyvrp", True, False, "pyvrp+ortools"),
    ],
)
def test_engine_choice_follows_the_features(
    engine: str, limits: bool, initial: bool, expected: str
) -> None:
    """Auto uses PyVRP unless two binding per-day limits or today's routes call for OR-Tools."""
    instance = _county(max_stops=4 if limits else None)
    if limits:  # 6 t at two 2 t loads a day binds, and so do 4 stops a day
        truck = dataclasses.replace(instance.vehicle_types[0], count=5, max_load_kg_per_day=4000.0)
        instance = dataclasses.replace(instance, vehicle_types=(truck,))
    start = solve(instance, params=_params(engine="ortools")) if initial else None
    choice = engines.choose(instance, instance.vehicle_types, _params(engine=engine), start)
    assert choice.engine == expected
    assert choice.reason


def test_type_whose_streams_no_facility_takes_together_uses_ortools() -> None:
    """A two-compartment truck with no facility for both streams is left to OR-Tools."""
    instance = _county()
    truck = dataclasses.replace(
        instance.vehicle_types[0], streams=frozenset({Stream.OTHER, Stream.KITCHEN})
    )
    choice = engines.choose(instance, [truck], _params(engine="auto"), None)
    assert choice.engine == "ortools"
    assert "no facility" in choice.reason


@pytest.mark.parametrize(
    ("daily_kg", "range_m", "expected"),
    [
        (2000.0, None, "pyvrp"),  # one full load: no reload
        (2500.0, None, "pyvrp"),  # kept in PyVRP's distance
        (2500.0, 400_000.0, "pyvrp+ortools"),  # the distance is taken by the range
    ],
)
def test_daily_load_limits_pyvrp_keeps_exactly(
    daily_kg: float, range_m: float | None, expected: str
) -> None:
    """PyVRP alone keeps a daily load limit, unless a range needs its distance."""
    instance = _county()
    truck = dataclasses.replace(
        instance.vehicle_types[0], count=4, max_load_kg_per_day=daily_kg, range_m=range_m
    )
    instance = dataclasses.replace(instance, vehicle_types=(truck,))
    assert engines.choose(instance, [truck], _params(), None).engine == expected
    result = solve(instance, params=_params())
    assert evaluate.check(instance, result) == []
    assert not result.unserved
    for route in result.routes:
        collected = sum(instance.stop(s).demand_kg for s in route.stops)
        assert collected <= daily_kg
    if daily_kg == 2000.0:
        assert all(sum(v.kind is VisitKind.UNLOAD for v in r.visits) == 1 for r in result.routes)


def test_minimising_vehicles_on_a_time_limit_reaches_the_load_bound() -> None:
    """6 t at one 2 t load per truck and day: three trucks, none more, all checked."""
    instance = _county()
    truck = dataclasses.replace(instance.vehicle_types[0], count=8, max_load_kg_per_day=2000.0)
    instance = dataclasses.replace(instance, vehicle_types=(truck,))
    params = _params(solution_limit=None, time_limit_s=3.0, minimize_vehicles=True)
    result = solve(instance, params=params)
    assert evaluate.check(instance, result) == []
    assert not result.unserved
    assert len(result.routes) == 3


@pytest.mark.parametrize(
    ("max_stops", "daily_kg", "expected"),
    [(10, 4000.0, "pyvrp"), (4, 2000.0, "pyvrp"), (4, 4000.0, "pyvrp+ortools")],
)
def test_per_day_limits_in_the_engine(max_stops: int, daily_kg: float, expected: str) -> None:
    """One binding per-day limit is kept by PyVRP itself; only two at once need the repair path.

    400 kg stops: 4,000 kg a day is at most 10 stops (a limit of 10 never binds);
    a day of one 2 t load needs no daily-load encoding, so 4 stops a day is the
    only binding limit; 4 stops beside 4,000 kg over two trips both bind.
    """
    instance = _county(max_stops=max_stops)
    truck = dataclasses.replace(instance.vehicle_types[0], count=5, max_load_kg_per_day=daily_kg)
    instance = dataclasses.replace(instance, vehicle_types=(truck,))
    assert engines.choose(instance, [truck], _params(), None).engine == expected
    result = solve(instance, params=_params())
    assert evaluate.check(instance, result) == []
    assert not result.unserved
    assert max(len(r.stops) for r in result.routes) <= max_stops


def test_time_limit_holds_under_a_solution_limit() -> None:
    """With a solution limit PyVRP still stops at the time limit (it once ran 13 s at 1 s)."""
    from optimizer.routing import pyvrp_engine

    inst = _county()
    params = RoutingParams(time_limit_s=0.3, solution_limit=2000, engine="pyvrp")
    run = pyvrp_engine.solve_component(
        inst,
        [s.id for s in inst.stops],
        inst.vehicle_types,
        params=params,
        time_limit_s=0.3,
        on_solution=None,
        interrupted=None,
    )
    assert run.runtime_s < 1.5
    assert run.status == "time_limit"
    assert run.routes


@pytest.mark.parametrize(
    ("max_reloads", "capacity", "expected"), [(0, 60, 25), (9, 60, 10), (9, 200, 30)]
)
def test_perturbation_moves_a_trip_and_a_half_only_in_multi_trip_models(
    max_reloads: int, capacity: int, expected: int
) -> None:
    """Multi-trip models perturb a trip and a half of stops (at least 10); one trip: PyVRP's 25.

    Every model has a reload depot (the unloading site); only a type that
    may reload (``max_reloads`` > 0) makes trips.
    """
    import numpy as np
    import pyvrp

    from optimizer.routing import pyvrp_engine

    n = 60
    locations = [pyvrp.Location(x=k, y=0) for k in range(n + 1)]
    clients = [pyvrp.Client(location=k, pickup=[10]) for k in range(1, n + 1)]
    vt = pyvrp.VehicleType(
        num_available=5, capacity=[capacity], reload_depots=[0], max_reloads=max_reloads
    )
    x = np.arange(n + 1)
    matrix = np.abs(x[:, None] - x[None, :])
    data = pyvrp.ProblemData(
        locations, clients, [pyvrp.Depot(location=0)], [vt], [matrix], [matrix]
    )
    assert pyvrp_engine._trips_worth(data, n) == expected
