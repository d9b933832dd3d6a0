"""Smoke test of ``countyopt bench``: both engines, records, summary, resumption."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main

DATA = Path(__file__).resolve().parent / "data"
TINY_OPTIMUM = 327.0  # tests/bench/data/Tiny6.sol


def test_bench_runs_both_engines_writes_summary_and_resumes(tmp_path: Path) -> None:
    """Both engines reach the proven optimum, every run is recorded once, a rerun adds nothing."""
    out = tmp_path / "out"
    args = ["bench", str(DATA / "Tiny6.vrp"), "--engine", "ortools", "--engine", "ortools-plain"]
    args += ["--time-limit", "2", "--jobs", "2", "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    lines = (out / "results.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["engine"] for r in records) == ["ortools", "ortools-plain"]
    for r in records:
        assert r["feasible"] and r["violations"] == 0, r
        assert r["bks"] == TINY_OPTIMUM and r["bks_source"] == "Tiny6.sol"
        assert r["objective"] == TINY_OPTIMUM and r["gap_pct"] == 0.0
        assert r["first_solution_s"] is not None and r["first_solution_s"] <= r["solve_s"]
        assert r["wall_s"] >= r["solve_s"] and r["peak_mem_mb"] > 0
    with (out / "summary.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {(r["engine"], r["feasible_runs"], float(r["mean_gap_pct"])) for r in rows} == {
        ("ortools", "1", 0.0),
        ("ortools-plain", "1", 0.0),
    }
    assert "| engine |" in (out / "summary.md").read_text()
    assert (out / "gap_vs_time.png").read_bytes().startswith(b"\x89PNG")

    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "2 already in" in again.output
    assert (out / "results.jsonl").read_text().splitlines() == lines


def test_bench_reports_missing_data_dir(tmp_path: Path) -> None:
    """A set name with no data folder ends with exit code 2 naming the folder, nothing run."""
    result = CliRunner().invoke(
        main,
        ["bench", "solomon100", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output and "solomon100" in result.output
    assert not (tmp_path / "results.jsonl").exists()


def test_bench_refuses_unknown_engine(tmp_path: Path) -> None:
    """An engine that is neither built in nor module:function is refused before any run."""
    result = CliRunner().invoke(
        main, ["bench", str(DATA / "Tiny6.vrp"), "--engine", "lkh", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "lkh" in result.output
