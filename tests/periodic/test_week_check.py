"""The week check: patterns, maximum intervals, accumulated amounts and the fleet of each day."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.io.pvrpif import read_pvrpif, read_solution_report, result_from_paths
from optimizer.periodic.check import check_week
from optimizer.periodic.model import Horizon, WeekInstance, day_instance
from optimizer.periodic.moves import DayPlan, remove
from optimizer.periodic.result import WeekResult
from tests.periodic.week_data import PVRPIF, needs_pvrpif


def _rules(planned: tuple[WeekInstance, WeekResult]) -> set[str]:
    week, result = planned
    return {v.rule for v in check_week(week, result)}


def test_a_dropped_visit_breaks_the_pattern(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Taking a twice-a-week stop off one of its days is reported as a pattern violation."""
    week, result = planned
    day = result.visits["S05"][0]
    inst = day_instance(week, day, result.visits)
    cut = remove(DayPlan(inst, result.days[day]), inst, "S05")
    assert cut is not None
    days = list(result.days)
    days[day] = cut
    broken = dataclasses.replace(result, days=tuple(days))
    messages = [str(v) for v in check_week(week, broken)]
    assert any("pattern" in m and "S05" in m for m in messages)


def test_amounts_follow_accumulation(planned: tuple[WeekInstance, WeekResult]) -> None:
    """Routes whose loads do not match the waste accumulated since the last visit are caught."""
    week, result = planned
    rules = tuple(
        dataclasses.replace(r, daily_kg=2 * r.daily_kg) if r.stop == "S05" else r
        for r in week.rules
    )
    heavier = dataclasses.replace(week, rules=rules)
    rules_hit = {v.rule for v in check_week(heavier, result)}
    assert "day:reported_load" in rules_hit


def test_interval_limit_is_checked(planned: tuple[WeekInstance, WeekResult]) -> None:
    """A clinic with a one-day limit visited every other day breaks the maximum interval."""
    week, result = planned
    rules = tuple(
        dataclasses.replace(r, max_interval_days=1, patterns=(result.visits["H1"],))
        if r.stop == "H1"
        else r
        for r in week.rules
    )
    strict = dataclasses.replace(week, rules=rules)
    assert "max_interval" in {v.rule for v in check_week(strict, result)}


def test_fleet_of_each_day_is_checked(planned: tuple[WeekInstance, WeekResult]) -> None:
    """A day using more compactors than that day's fleet is reported for that day."""
    week, result = planned
    busy = max(range(week.days), key=lambda d: result.vehicles_per_day[d])
    fleet = [dict(f) for f in week.horizon.fleet]
    fleet[busy]["C5"] = 0
    fewer = dataclasses.replace(
        week, horizon=Horizon(week.days, tuple(fleet), week.horizon.open_sites)
    )
    got = [v for v in check_week(fewer, result) if v.rule == "day:fleet"]
    assert got and all(v.day == busy for v in got)


def test_planned_week_is_clean(planned: tuple[WeekInstance, WeekResult]) -> None:
    """The solver's own week passes the check untouched."""
    assert _rules(planned) == set()


@needs_pvrpif
def test_authors_optimum_passes_our_check() -> None:
    """The authors' proven optimum of Milano_020_4_0 passes our week check at 562 minutes."""
    week = read_pvrpif(PVRPIF / "instances" / "Milano_020_4_0.geojson")
    paths = read_solution_report(PVRPIF / "solutions" / "report_Milano_020_4_0_feasible_562_0.txt")
    result = result_from_paths(week, paths)
    assert isinstance(result, WeekResult)
    assert check_week(week, result) == []
    service = sum(week.base.stop(s).service_s * len(p) for s, p in result.visits.items())
    assert (result.objective_value - service) / 60 == pytest.approx(562.0)
