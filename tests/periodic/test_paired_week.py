"""The exact week of stops in pairs (optimizer.periodic.paired_week): a start above 20 stops."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import optimizer.periodic.paired_week as paired_module
from optimizer.io.pvrpif import read_pvrpif
from optimizer.periodic.check import check_week
from optimizer.periodic.model import WeekInstance, day_instance
from optimizer.periodic.paired_week import _pairs, paired_week
from optimizer.periodic.solve import WeekParams, solve_week
from optimizer.routing.exact import exact_day
from optimizer.routing.params import Objective
from tests.periodic.test_exact_week import every_week, small_weeks
from tests.periodic.week_data import PVRPIF, needs_pvrpif


@settings(max_examples=30, deadline=None)
@given(small_weeks())
def test_paired_weeks_give_every_stop_an_allowed_pattern_its_pair_shares(
    week: WeekInstance,
) -> None:
    """Generated weeks, pairs down to 3 stops: a timetable whose every day the fleet serves."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paired_module, "MAX_WEEK_STOPS", 3)
        mp.setattr(paired_module, "MAX_PAIRED_STOPS", 6)
        groups = _pairs(week)
        got = paired_week(week, deadline=float("inf"))
    n = len(week.base.stops)
    if n <= 3:
        assert got is None
        return
    if groups is None:  # too few stops share their patterns
        assert got is None
        return
    assert len(groups) <= 3 and sorted(s for g in groups for s in g) == sorted(
        s.id for s in week.base.stops
    )
    for g in groups:
        assert len(g) <= 2 and len({week.rule(s).patterns for s in g}) == 1
    if got is None:  # no week of the pairs serves every visit
        return
    assert every_week(week) < float("inf")
    for g in groups:
        assert len({got[s] for s in g}) == 1
    for rule in week.rules:
        assert got[rule.stop] in rule.patterns
    for d in range(week.days):
        inst = day_instance(week, d, got)
        if inst.stops:
            day = exact_day(inst, "time", max_stops=len(inst.stops))
            assert day is not None and day.status == "optimal"


@needs_pvrpif
def test_a_30_customer_pvrpif_week_starts_from_its_pairs() -> None:
    """Roma_030_4_2: the pairs' timetable, then the week search from it, checked."""
    week = read_pvrpif(PVRPIF / "instances" / "Roma_030_4_2.geojson")
    got = paired_week(week, deadline=float("inf"))
    assert got is not None
    for rule in week.rules:
        assert got[rule.stop] in rule.patterns
    result = solve_week(
        week, params=WeekParams(objective=Objective.TIME, time_limit_s=20.0, max_moves=20)
    )
    assert check_week(week, result) == [] and not result.settings["proven_optimal"]
