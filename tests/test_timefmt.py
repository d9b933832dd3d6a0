"""Tests of clock-time text: rounding for people, exact round trips for files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.timefmt import format_clock, parse_clock


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00"), (21599.6, "06:00"), (3600 * 25 + 90, "25:02"), (29.9, "00:00")],
)
def test_format_clock_rounds_to_the_minute(seconds: float, text: str) -> None:
    """Times round to the nearest minute and hours continue past midnight."""
    assert format_clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(27000, "07:30"), (27005, "07:30:05"), (3600 * 26 + 1800, "26:30"), (-90, "-00:01:30")],
)
def test_format_clock_exact_keeps_seconds(seconds: int, text: str) -> None:
    """With ``exact`` a time that is not a whole minute keeps its seconds."""
    assert format_clock(seconds, exact=True) == text


@given(st.integers(min_value=0, max_value=72 * 3600))
def test_exact_text_reads_back_the_same_second(seconds: int) -> None:
    """Every whole-second time written exactly parses back to the same second."""
    assert parse_clock(format_clock(seconds, exact=True)) == seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("07:30", 27000), (" 7:30 ", 27000), ("07：30", 27000), ("25:30:15", 91815)],
)
def test_parse_clock_reads_what_people_type(text: str, seconds: int) -> None:
    """Short hours, spaces, full-width colons and hours past 24 are read."""
    assert parse_clock(text) == seconds


@pytest.mark.parametrize("text", ["7.30", "07:60", "07:30:61", "", "noon", "-01:00"])
def test_parse_clock_refuses_malformed_text(text: str) -> None:
    """Text that is not a clock time gives None, for the caller to report."""
    assert parse_clock(text) is None
