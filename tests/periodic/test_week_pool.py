"""Recombining the routes a week's search has seen (set partitioning over days and patterns)."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.model import Instance
from optimizer.periodic.check import check_week
from optimizer.periodic.model import Pattern, WeekInstance, day_instance
from optimizer.periodic.pool import RoutePool, recombine
from optimizer.periodic.result import WeekResult
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import construct
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import RoutingResult
from optimizer.routing.solve import solve
from tests.periodic.week_data import week_county

Week = list[tuple[Instance, RoutingResult]]


def _route_week(week: WeekInstance, visits: dict[str, Pattern], seed: int) -> Week:
    params = RoutingParams(
        objective=Objective.COST, time_limit_s=30.0, solution_limit=2, seed=seed, engine="pyvrp"
    )
    out = []
    for d in range(week.days):
        inst = day_instance(week, d, visits)
        out.append((inst, solve(inst, params=params)))
    return out


def _total(state: Week) -> float:
    return sum(r.objective_value for _, r in state)


@pytest.fixture(scope="module")
def two_weeks():  # type: ignore[no-untyped-def]
    """Route the week county under two timetables: the balanced one and the default one."""
    week = week_from_instance(week_county())
    balanced = construct(week)
    default = {s.id: week.rule(s.id).patterns[0] for s in week.base.stops}
    a = _route_week(week, balanced, seed=1)
    b = _route_week(week, default, seed=2)
    assert not any(r.unserved for _, r in a + b)
    return week, (balanced, a), (default, b)


def test_recombined_week_beats_every_week_in_the_pool(two_weeks) -> None:  # type: ignore[no-untyped-def]
    """From the worse of two routed weeks, the MIP returns a week at least as good as the better."""
    week, first, second = two_weeks
    pool = RoutePool(week)
    for _, state in (first, second):
        for d, (inst, r) in enumerate(state):
            pool.add(d, inst, r)
    (wv, ws), (_, bs) = sorted((first, second), key=lambda w: -_total(w[1]))
    got = recombine(pool, wv, ws, time_limit_s=30.0)
    if _total(ws) == _total(bs):
        return
    assert got is not None
    assert _total(got.days) <= _total(bs) + 1e-6
    result = WeekResult(
        week.name,
        tuple(dataclasses.replace(r, instance=i.name) for i, r in got.days),
        got.visits,
        "cost",
        _total(got.days),
    )
    assert check_week(week, result) == []
    for stop in week.base.stops:
        assert got.visits[stop.id] in week.rule(stop.id).patterns


def test_nothing_better_returns_none(two_weeks) -> None:  # type: ignore[no-untyped-def]
    """A pool holding only the current week's routes gives no other week."""
    week, first, _ = two_weeks
    pool = RoutePool(week)
    visits, state = first
    for d, (inst, r) in enumerate(state):
        pool.add(d, inst, r)
    assert recombine(pool, visits, state, time_limit_s=30.0) is None
