"""Visit rules of the week: default patterns, maximum intervals, accumulation, workbook rules."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.model import ModelError, Stream
from optimizer.periodic.model import (
    VisitRule,
    amounts,
    default_patterns,
    gaps,
    interval_patterns,
    parse_patterns,
)
from optimizer.periodic.rules import week_from_instance
from tests.periodic.week_data import week_county


def test_week_defaults_follow_the_usual_timetables() -> None:
    """Three a week is Mon-Wed-Fri or Tue-Thu-Sat; twice is Mon-Thu or Tue-Fri; 7 is daily."""
    assert default_patterns(3, 7) == ((0, 2, 4), (1, 3, 5))
    assert default_patterns(2, 7) == ((0, 3), (1, 4))
    assert default_patterns(7, 7) == ((0, 1, 2, 3, 4, 5, 6),)
    assert default_patterns(1, 7) == tuple((d,) for d in range(7))


def test_four_day_horizon_matches_the_pvrpif_schemes() -> None:
    """Over 4 days, twice means days {0, 2} or {1, 3}, as in Taverna & Tilk's instances."""
    assert default_patterns(2, 4) == ((0, 2), (1, 3))
    assert default_patterns(4, 4) == ((0, 1, 2, 3),)


def test_interval_patterns_never_wait_longer_than_the_limit() -> None:
    """Every pattern for a 2-day limit has 4 visits and gaps of at most 2 days (week repeating)."""
    patterns = interval_patterns(2, 7)
    assert patterns
    assert all(len(p) == 4 and max(gaps(p, 7)) <= 2 for p in patterns)


def test_amount_is_generation_since_the_previous_visit() -> None:
    """On Mon-Thu, Monday collects 4 days of waste (since last Thursday) and Thursday 3 days."""
    rule = VisitRule("S", ((0, 3), (1, 4)), daily_kg=100.0)
    got = amounts(rule, (0, 3), 7)
    assert got[0][0] == pytest.approx(400.0)
    assert got[3][0] == pytest.approx(300.0)


def test_patterns_parse_english_chinese_and_numbers() -> None:
    """A patterns cell may name days in English, Chinese or as numbers, alternatives split by |."""
    assert parse_patterns("Mon-Wed-Fri|Tue-Thu-Sat", 7) == ((0, 2, 4), (1, 3, 5))
    assert parse_patterns("周一、周四", 7) == ((0, 3),)
    assert parse_patterns("0,2;1,3", 4) == ((0, 2), (1, 3))
    with pytest.raises(ValueError, match="Funday"):
        parse_patterns("Mon-Funday", 7)


def test_clinics_get_the_two_day_limit() -> None:
    """Medical stops get at most 2 days between visits unless the workbook says otherwise."""
    week = week_from_instance(week_county())
    rule = week.rule("H1")
    assert rule.max_interval_days == 2
    assert all(max(gaps(p, 7)) <= 2 for p in rule.patterns)


def test_a_day_off_cuts_daily_patterns() -> None:
    """When the medical van does not work on Sunday, no clinic pattern uses Sunday."""
    week = week_from_instance(week_county(van_days="Mon,Tue,Wed,Thu,Fri,Sat"))
    assert week.horizon.fleet[6].get("MW", 0) == 0
    assert all(6 not in p for p in week.rule("H1").patterns)
    assert all(6 in p for p in week.rule("S00").patterns)  # the compactors still work on Sunday


def test_patterns_column_overrides_the_frequency() -> None:
    """A stop's patterns cell replaces the defaults of its frequency."""
    week = week_from_instance(week_county(patterns="Mon-Thu-Sat"))
    assert week.rule("S02").patterns == ((0, 3, 5),)


def test_bad_patterns_cell_names_the_stop() -> None:
    """A patterns cell that is not days is reported with the stop and the field."""
    with pytest.raises(ModelError, match="stop S02: patterns"):
        week_from_instance(week_county(patterns="someday"))


def test_daily_generation_spreads_the_visit_amount() -> None:
    """A stop collected 3 times a week at 1200 kg a visit generates 1200 × 3 / 7 kg a day."""
    week = week_from_instance(week_county())
    assert week.rule("S02").daily_kg == pytest.approx(1200.0 * 3 / 7)
    assert week.base.stop("H1").stream is Stream.MEDICAL


def test_area_setting_sets_the_patterns_of_its_stops() -> None:
    """A ``patterns:village`` setting gives village stops those days; other areas keep theirs."""
    county = week_county()
    county = dataclasses.replace(county, meta={"patterns:village": "Tue-Fri|Wed-Sat"})
    week = week_from_instance(county)
    assert week.rule("S08").patterns == ((1, 4), (2, 5))
    assert week.rule("S02").patterns == ((0, 2, 4), (1, 3, 5))
