"""Fixtures of the week tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.workbook import write_workbook
from tests.periodic.week_data import week_county


@pytest.fixture
def week_county_dir(tmp_path: Path) -> Path:
    """Provide the week county as a workbook folder of CSV files."""
    path = tmp_path / "county"
    write_workbook(week_county(), path)
    return path
