"""The week solver: feasible weeks, better than planning each day alone, crews kept."""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import optimizer.periodic.solve as solve_module
from optimizer.io.pvrpif import read_pvrpif, read_solution_report, result_from_paths
from optimizer.model import Instance
from optimizer.periodic.check import check_week
from optimizer.periodic.model import day_instance, gaps
from optimizer.periodic.perturb import CLUSTER_MAX, exchange, neighbours, trip_swap, trips
from optimizer.periodic.result import WeekResult
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import (
    WeekParams,
    construct,
    independent_days,
    same_vehicle_share,
    solve_week,
)
from optimizer.routing.params import Objective
from tests.county_gen import county_instances
from tests.periodic.week_data import PVRPIF, needs_pvrpif, week_county

FAST = WeekParams(
    objective=Objective.COST,
    day_solution_limit=1,
    polish_solution_limit=3,
    max_moves=30,
    time_limit_s=60.0,
    engine="pyvrp",
)


@pytest.fixture(scope="module")
def planned():  # type: ignore[no-untyped-def]
    """Plan the week county once for the tests of this module."""
    week = week_from_instance(week_county())
    return week, solve_week(week, params=FAST)


def test_week_passes_the_independent_check(planned) -> None:  # type: ignore[no-untyped-def]
    """Every day of the planned week is feasible and every stop keeps an allowed pattern."""
    week, result = planned
    assert check_week(week, result) == []
    for stop in week.base.stops:
        assert result.visits[stop.id] in week.rule(stop.id).patterns


@needs_pvrpif
def test_a_trip_swap_trades_whole_trips_between_allowed_patterns() -> None:
    """The walk's trip swap moves the stops of one trip to an allowed pattern, one trip back.

    On PVRP-IF Milano_030_4_0's optimal week (days of two and three trips).
    """
    name = "Milano_030_4_0"
    week = read_pvrpif(PVRPIF / "instances" / f"{name}.geojson")
    (report,) = (PVRPIF / "solutions").glob(f"report_{name}_*")
    given = result_from_paths(week, read_solution_report(report))
    assert isinstance(given, WeekResult)
    visits = dict(given.visits)
    state = [(day_instance(week, d, visits), given.days[d]) for d in range(week.days)]
    given_trips = [set(t) for plan in given.days for t in trips(plan)]
    both = 0
    for seed in range(100):
        swap = trip_swap(week, visits, state, random.Random(seed))
        groups: dict[tuple[int, ...], set[str]] = {}
        for sid, pattern in swap.items():
            assert pattern in week.rule(sid).patterns
            assert pattern != visits[sid]
            groups.setdefault(pattern, set()).add(sid)
        assert len(groups) <= 2
        assert all(any(g <= t for t in given_trips) for g in groups.values())
        both += len(groups) == 2
    assert both >= 50  # most draws trade two trips


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(county_instances(min_stops=3, max_stops=14), st.integers(0, 2**16))
def test_an_exchange_sends_nearby_stops_to_the_other_days(county: Instance, seed: int) -> None:
    """The walk's exchange: the seed stop takes the target pattern, nearby stops trade days.

    On generated counties (frequencies 1-14 a week): every stop moved gets
    an allowed pattern; a stop visited only on the seed's old days moves
    within the target's days, one visited only on the target's days within
    the old ones; no more stops move than asked, all of them near the seed.
    """
    week = week_from_instance(county, days=7)
    visits = construct(week)
    near = neighbours(week)
    assume(near)
    rng = random.Random(seed)
    stop = rng.choice(sorted(near))
    target = rng.choice([p for p in week.rule(stop).patterns if p != visits[stop]])
    size = rng.randint(2, CLUSTER_MAX)
    moved = exchange(week, visits, stop, target, near[stop], size, rng)
    assert moved[stop] == target
    assert len(moved) <= size
    here, there = set(visits[stop]), set(target)
    for sid, pattern in moved.items():
        assert pattern in week.rule(sid).patterns
        if sid == stop:
            continue
        assert sid in near[stop]
        old, new = set(visits[sid]), set(pattern)
        assert not (old <= here and old <= there)
        assert (old <= here and new <= there) or (old <= there and new <= here)


def test_clinics_never_wait_more_than_two_days(planned) -> None:  # type: ignore[no-untyped-def]
    """Both clinics are visited with at most 2 days between visits, the week repeating."""
    week, result = planned
    for clinic in ("H1", "H2"):
        assert max(gaps(result.visits[clinic], week.days)) <= 2


def test_objective_is_the_sum_of_the_days(planned) -> None:  # type: ignore[no-untyped-def]
    """The week's objective is the sum of its days' objectives."""
    _, result = planned
    assert result.objective_value == pytest.approx(sum(d.objective_value for d in result.days))


def test_week_is_no_worse_than_planning_days_alone(planned) -> None:  # type: ignore[no-untyped-def]
    """Choosing days together needs no more vehicles on the busiest day than a fixed timetable."""
    week, result = planned
    alone = independent_days(week, FAST)
    assert result.num_unserved <= alone.num_unserved
    assert result.peak_vehicles <= alone.peak_vehicles or alone.num_unserved > 0


def test_same_vehicle_keeps_crews_on_their_streets() -> None:
    """Renaming vehicles keeps at least as many stops on one vehicle, and stays feasible."""
    week = week_from_instance(week_county())
    plain = solve_week(week, params=FAST)
    kept = solve_week(week, params=WeekParams(**{**FAST.__dict__, "same_vehicle": True}))
    assert check_week(week, kept) == []
    assert same_vehicle_share(kept) >= same_vehicle_share(plain)


def test_same_seed_same_week() -> None:
    """Two runs with the same seed and work limits give the same visiting days and objective."""
    week = week_from_instance(week_county())
    a = solve_week(week, params=FAST)
    b = solve_week(week, params=FAST)
    assert dict(a.visits) == dict(b.visits)
    assert a.objective_value == pytest.approx(b.objective_value)


def test_ctrl_c_keeps_the_best_week() -> None:
    """Ctrl-C during the search ends it early with a checked week marked interrupted."""
    week = week_from_instance(week_county())
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.perf_counter()
    try:
        result = solve_week(week, params=WeekParams(time_limit_s=120.0, engine="pyvrp"))
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 60.0
    assert result.status == "interrupted"
    assert [v for v in check_week(week, result) if v.rule != "missed_visit"] == []


def test_a_county_size_week_ends_near_its_time_limit() -> None:
    """The demo county's week streams (about 200 stops, 7 days) stop near the time limit.

    Regression (2026-12-06): with the default settings a 20 s week ran 66 s.
    Every start (construction, default days, relaxations) was routed day by
    day whatever the clock said, and joining a day's routes simulated every
    pair of its 15-odd routes after each join.
    """
    from optimizer.demo_county import build_demo_county
    from optimizer.periodic.demo_step import week_part

    week = week_from_instance(week_part(build_demo_county(seed=2022)), days=7)
    limit = 8.0
    began = time.perf_counter()
    result = solve_week(week, params=WeekParams(objective=Objective.COST, time_limit_s=limit))
    took = time.perf_counter() - began
    # An idle machine takes about the limit; the bound leaves room for a
    # loaded test run (28 s seen beside the rest of the suite) and still
    # fails the old 70 s.
    assert took <= 4 * limit + 2.0, took
    assert [v for v in check_week(week, result) if v.rule != "missed_visit"] == []


def test_balance_never_buys_a_smaller_fleet_with_a_missed_visit() -> None:
    """With ``balance``, a week serving every visit ranks above one with a truck fewer and a miss.

    Before, the fleet came first: the demo's week once left two clinic
    visits out to use 11 trucks instead of 12.
    """
    import dataclasses

    from optimizer.periodic.solve import _score
    from optimizer.routing.result import Route, RoutingResult, Unserved, UnservedReason

    week = week_from_instance(week_county())

    def day(trucks: int, missed: int) -> RoutingResult:
        route = Route("t#1", "t", (), 1000.0, 3600.0, 0.0, 0.0, 100.0)
        routes = tuple(dataclasses.replace(route, vehicle=f"t#{k}") for k in range(trucks))
        left = tuple(Unserved(f"s{k}", UnservedReason.NOT_ROUTED, "") for k in range(missed))
        return RoutingResult("d", routes, left, "cost", 100.0 * trucks, "pyvrp")

    params = dataclasses.replace(FAST, balance=True)
    full = [day(2, 0) for _ in range(week.days)]
    lean = [day(1, 1 if d == 0 else 0) for d in range(week.days)]
    assert _score(week, full, params) < _score(week, lean, params)
    # Among weeks that serve everything, the smaller fleet still wins.
    assert _score(week, [day(1, 0) for _ in range(week.days)], params) < _score(week, full, params)


@needs_pvrpif
def test_the_polish_plans_days_beyond_the_walks_size_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Milano_020_4_6 from its proven optimal timetable: every day at its optimum, 609 in all.

    Its day 0 has 13 stops, above the walk's exact method held to 12 stops
    here (its size before the compiled tables; the 30-customer files' days
    of 16–20 stops are the real case, too slow for a test); the polish
    plans it exactly (routed by the search, a 14-stop day of this file
    ended a minute above its optimum at 60 s).
    """
    monkeypatch.setattr(solve_module, "MAX_STOPS", 12)
    name = "Milano_020_4_6"
    week = read_pvrpif(PVRPIF / "instances" / f"{name}.geojson")
    paths = read_solution_report(PVRPIF / "solutions" / f"report_{name}_feasible_609_0.txt")
    given = result_from_paths(week, paths)
    assert isinstance(given, WeekResult)
    # A fixed amount of search, not a clock: beside the rest of the suite
    # (numba compiling into a fresh checkout's cache on both workers) an
    # 8 s limit once left the polish no time for the exact day.
    params = WeekParams(objective=Objective.TIME, time_limit_s=120.0, seed=0, max_moves=20)
    result = solve_week(week, params=params, initial=given.visits)
    assert check_week(week, result) == []
    big = [
        d for d, day in enumerate(result.days) if len({s for r in day.routes for s in r.stops}) > 12
    ]
    assert big and all(result.days[d].engine == "exact" for d in big)
    service = sum(s.service_s * len(result.visits[s.id]) for s in week.base.stops)
    assert (result.objective_value - service) / 60 == pytest.approx(609.0)
