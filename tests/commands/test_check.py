"""``countyopt check``: exit codes, every problem listed, no traceback, both languages."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "workbook"


def test_good_workbook_passes_with_summary() -> None:
    """A good workbook exits 0 and summarises demand per stream in tonnes."""
    result = CliRunner().invoke(main, ["check", str(DATA / "good")])
    assert result.exit_code == 0, result.output
    assert "kitchen" in result.output and "0.120" in result.output
    assert "OK" in result.output


def test_chinese_summary() -> None:
    """With --lang zh the summary and verdict are in Chinese."""
    result = CliRunner().invoke(main, ["--lang", "zh", "check", str(DATA / "good")])
    assert result.exit_code == 0, result.output
    assert "厨余垃圾" in result.output and "检查通过" in result.output


def test_bad_workbook_exits_2_with_row_and_no_traceback() -> None:
    """A non-numeric demand exits 2 naming file, row and column, without a traceback."""
    result = CliRunner().invoke(main, ["check", str(DATA / "stops_demand_not_numeric")])
    assert result.exit_code == 2
    assert "stops.csv, row 3, column 'demand_kg'" in result.output
    assert "Traceback" not in result.output


def test_model_problems_are_listed_and_exit_2(tmp_path: Path) -> None:
    """A stream no vehicle carries passes the reader but fails the model check with exit 2."""
    folder = tmp_path / "wb"
    shutil.copytree(DATA / "good", folder)
    vehicles = folder / "vehicles.csv"
    vehicles.write_text(
        vehicles.read_text(encoding="utf-8").replace("kitchen;other", "other"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["--lang", "zh", "check", str(folder)])
    assert result.exit_code == 2
    assert "收集点 S1：stream：没有车型收运厨余垃圾" in result.output and "实例有" in result.output


def test_points_outside_china_only_warn(tmp_path: Path) -> None:
    """Swapped lat/lon outside China give a warning, not a failure, when the points are valid."""
    folder = tmp_path / "wb"
    shutil.copytree(DATA / "good", folder)
    stops = folder / "stops.csv"
    stops.write_text(
        stops.read_text(encoding="utf-8").replace("34.85,114.35", "-34.85,14.35"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "outside China: S3" in result.output


def test_check_command_converts_gcj02() -> None:
    """`--coord-sys gcj02` on the command line reads the points as GCJ-02 and passes."""
    result = CliRunner().invoke(main, ["check", str(DATA / "good"), "--coord-sys", "gcj02"])
    assert result.exit_code == 0, result.output
