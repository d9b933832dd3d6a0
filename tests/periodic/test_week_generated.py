"""Weeks of generated counties: whatever the county, the week solver returns a checked week.

The counties come from :mod:`tests.county_gen` (streams, multi-stream and
electric trucks, facility hours, tight and break-overlapping windows,
breaks, stop and daily load limits, frequencies 1–14 a week): the week is
planned with a small fixed amount of work and the independent week check
(:func:`optimizer.periodic.check.check_week`) must find no broken rule; a
visit may be missed only with a reason.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings

from optimizer.model import Instance
from optimizer.periodic.check import check_week
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import WeekParams, solve_week
from optimizer.routing.params import Objective
from tests.county_gen import county_instances

SMALL = WeekParams(
    objective=Objective.COST,
    time_limit_s=60.0,
    day_solution_limit=1,
    polish_solution_limit=2,
    max_moves=6,
    seed=1,
)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # shrinking a week takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(county_instances(min_stops=3, max_stops=10))
def test_a_generated_county_gets_a_checked_week(county: Instance) -> None:
    """Every day of the week passes the day checker; patterns, intervals and fleet hold."""
    week = week_from_instance(county, days=7)
    result = solve_week(week, params=SMALL)
    broken = [v for v in check_week(week, result) if v.rule != "missed_visit"]
    assert broken == [], broken
    for day in result.days:
        assert all(u.reason for u in day.unserved)
        served = [s for r in day.routes for s in r.stops]
        assert len(served) == len(set(served))
