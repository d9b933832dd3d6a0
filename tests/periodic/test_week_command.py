"""``countyopt week``: files written, checked week, bilingual output, bad input reported."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.workbook import write_workbook
from tests.periodic.week_data import week_county

ARGS = ["--time-limit", "30", "--max-moves", "5", "--day-solution-limit", "1", "--engine", "pyvrp"]


def test_week_writes_days_calendar_and_totals(week_county_dir: Path, tmp_path: Path) -> None:
    """The command writes solution.json with 7 days, the calendar, totals and a sheet per day."""
    out = tmp_path / "out"
    got = CliRunner().invoke(
        main, ["week", str(week_county_dir), "--out", str(out), "--no-maps", *ARGS]
    )
    assert got.exit_code == 0, got.output
    doc = json.loads((out / "solution.json").read_text(encoding="utf-8"))
    assert doc["horizon_days"] == 7 and len(doc["days"]) == 7
    assert all("routes" in day for day in doc["days"])  # each day is the routing contract
    assert max(doc["totals"]["vehicles_per_day"]) == doc["totals"]["peak_vehicles"]
    calendar = (out / "calendar.csv").read_text(encoding="utf-8-sig").splitlines()
    assert calendar[0].startswith("stop,name,stream,days,Mon")
    assert len(calendar) == 1 + 12
    assert (out / "routes_Mon.csv").is_file() and (out / "week.xlsx").is_file()
    assert "the week saves" in got.output


def test_week_speaks_chinese(week_county_dir: Path, tmp_path: Path) -> None:
    """With --lang zh the summary and the calendar headers are in Chinese."""
    out = tmp_path / "out"
    got = CliRunner().invoke(
        main,
        [
            "--lang",
            "zh",
            "week",
            str(week_county_dir),
            "--out",
            str(out),
            "--no-maps",
            "--no-compare-daily",
            *ARGS,
        ],
    )
    assert got.exit_code == 0, got.output
    assert "每日车辆" in got.output
    assert (out / "calendar.csv").read_text(encoding="utf-8-sig").startswith("收集点,名称")


def test_bad_pattern_cell_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """A patterns cell naming no day is reported (stop, field), exit code 2, nothing written."""
    src = tmp_path / "county"
    write_workbook(week_county(patterns="Mon-Funday"), src)
    out = tmp_path / "out"
    got = CliRunner().invoke(main, ["week", str(src), "--out", str(out), *ARGS])
    assert got.exit_code == 2
    assert "stop S02: patterns" in got.output
    assert not out.exists()
