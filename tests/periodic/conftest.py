"""Fixtures of the week tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.workbook import write_workbook
from optimizer.periodic.model import WeekInstance
from optimizer.periodic.result import WeekResult
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import WeekParams, solve_week
from optimizer.routing.params import Objective
from tests.periodic.week_data import week_county

#: A small, fixed amount of search: the planned week is the same on every run.
FAST = WeekParams(
    objective=Objective.COST,
    day_solution_limit=1,
    polish_solution_limit=3,
    max_moves=10,
    engine="pyvrp",
)


@pytest.fixture(scope="session")
def planned() -> tuple[WeekInstance, WeekResult]:
    """Plan the week county once (fixed work) for the tests that inspect a planned week."""
    week = week_from_instance(week_county())
    return week, solve_week(week, params=FAST)


@pytest.fixture
def week_county_dir(tmp_path: Path) -> Path:
    """Provide the week county as a workbook folder of CSV files."""
    path = tmp_path / "county"
    write_workbook(week_county(), path)
    return path
