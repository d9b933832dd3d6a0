"""The demo county's clinics over the week: the vans serve every visit despite the break rule.

Regression (2026-12-04): once breaks had to be taken empty at a facility,
two medical vans could no longer reach all 16 clinics on one day, and the
week started with every clinic on the same four days and never moved a
missed visit (its removal was priced at nothing), so 16 visits a week were
missed while the other days stood nearly idle.
"""

from __future__ import annotations

import dataclasses

from optimizer.demo_county import build_demo_county
from optimizer.model import Stream
from optimizer.periodic.check import check_week
from optimizer.periodic.demo_step import week_part
from optimizer.periodic.model import gaps
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import WeekParams, construct, solve_week
from optimizer.routing.params import Objective


def _clinic_week():  # type: ignore[no-untyped-def]
    county = build_demo_county(seed=2022)
    part = dataclasses.replace(
        county,
        stops=tuple(s for s in county.stops if s.stream is Stream.MEDICAL),
        vehicle_types=tuple(vt for vt in county.vehicle_types if Stream.MEDICAL in vt.streams),
    )
    return week_from_instance(part, days=7)


def test_construction_spreads_clinics_over_the_vans_days() -> None:
    """The first timetable balances clinics against the medical vans, not the whole fleet.

    Weighed against the whole week fleet (before), the 16 clinics crowded
    onto four days ([16, 3, 16, 3, 16, 3, 16]).
    """
    week = week_from_instance(week_part(build_demo_county(seed=2022)), days=7)
    visits = construct(week)
    clinics = [s.id for s in week.base.stops if s.stream is Stream.MEDICAL]
    per_day = [sum(d in visits[c] for c in clinics) for d in range(week.days)]
    assert max(per_day) <= 2 * min(per_day), per_day


def test_missed_clinic_visits_move_to_other_days() -> None:
    """From every clinic on days 0, 2, 4, 6, every visit ends served.

    Each clinic stays at most 2 days apart and every day passes the checker.
    (The missed visits of the full demo week need its budget per day to show;
    ``tests/commands/test_demo.py``'s benchmark checks that week.)
    """
    week = _clinic_week()
    crowded = {s.id: (0, 2, 4, 6) for s in week.base.stops}
    params = WeekParams(
        objective=Objective.COST,
        time_limit_s=20.0,
        seed=2022,
        balance=True,
        relax_share=0.0,
        unit_s=0.1,
        day_solution_limit=10,
    )
    result = solve_week(week, params=params, initial=crowded)
    assert check_week(week, result) == []
    assert result.num_unserved == 0
    for stop in week.base.stops:
        assert max(gaps(result.visits[stop.id], week.days)) <= 2
