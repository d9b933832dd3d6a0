"""Tests of the sweep summary: which runs count towards gaps, and what is counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from optimizer.bench.summary import (
    common_rows,
    engine_rows,
    instance_rows,
    latest,
    side_by_side,
    write_summary,
)


def _record(key: str, engine: str, seed: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "instance": key.split("/")[-1],
        "key": key,
        "engine": engine,
        "seed": seed,
        "settings": {"time_limit_s": 10.0},
        "status": "ok",
        "error": "",
        "bks": 100.0,
        "feasible": True,
        "violations": 0,
        "unserved": 0,
        "routes": 3,
        "solve_s": 10.0,
        "first_solution_s": 0.5,
        "cpu_s": 9.0,
        "peak_mem_mb": 80.0,
        "trace": [[0.5, 120.0], [5.0, 104.0]],
    }
    base.update(fields)
    if base["status"] == "ok" and "objective" in fields and base["feasible"]:
        base["gap_pct"] = 100.0 * (base["objective"] - 100.0) / 100.0
    return base


RECORDS = [
    _record("s/a", "ortools", 0, objective=102.0),
    _record("s/a", "ortools", 1, objective=104.0),
    _record("s/b", "ortools", 0, objective=150.0, feasible=False, violations=2, gap_pct=None),
    _record("s/a", "ortools-plain", 0, status="crashed", error="exit code -9", feasible=None),
    _record("s/b", "ortools-plain", 0, objective=110.0),
]


def test_gaps_average_only_feasible_runs_and_failures_are_counted() -> None:
    """Infeasible and crashed runs never enter a mean gap but are counted next to it."""
    rows = {(r["instance"], r["engine"]): r for r in instance_rows(RECORDS)}
    assert rows[("a", "ortools")]["mean_gap_pct"] == pytest.approx(3.0)
    assert rows[("a", "ortools")]["best_gap_pct"] == pytest.approx(2.0)
    assert rows[("b", "ortools")]["mean_gap_pct"] is None
    assert "infeasible: 2 violations" in rows[("b", "ortools")]["notes"]
    assert rows[("a", "ortools-plain")]["failed_runs"] == 1
    engines = {r["engine"]: r for r in engine_rows(list(rows.values()), RECORDS)}
    assert engines["ortools"]["feasible_runs"] == 2 and engines["ortools"]["runs"] == 3
    assert engines["ortools"]["instances_with_gap"] == 1
    assert engines["ortools-plain"]["mean_gap_pct"] == pytest.approx(10.0)
    assert engines["ortools-plain"]["failed_runs"] == 1


def test_latest_record_of_a_retried_task_wins() -> None:
    """A task retried after a crash is summarised by its newest record only."""
    retried = _record("s/a", "ortools-plain", 0, objective=101.0)
    rows = instance_rows(latest([*RECORDS, retried]))
    plain_a = next(r for r in rows if r["instance"] == "a" and r["engine"] == "ortools-plain")
    assert plain_a["runs"] == 1 and plain_a["failed_runs"] == 0
    assert plain_a["mean_gap_pct"] == pytest.approx(1.0)


def test_summary_files_are_written(tmp_path: Path) -> None:
    """The Markdown and CSV tables list every instance row and the plot is a PNG."""
    paths = write_summary(tmp_path, RECORDS)
    assert [p.name for p in paths] == [
        "summary.md",
        "summary.csv",
        "engines.csv",
        "gap_vs_time.png",
    ]
    assert len((tmp_path / "summary.csv").read_text().splitlines()) == 1 + 4
    assert "| ortools-plain |" in (tmp_path / "summary.md").read_text()
    assert (tmp_path / "gap_vs_time.png").read_bytes().startswith(b"\x89PNG")


def test_side_by_side_compares_engines_on_the_same_instances_only() -> None:
    """Totals cover only instances every engine planned feasibly; cells say why one did not."""
    more = [*RECORDS, _record("s/c", "ortools", 0, objective=100.0, routes=4)]
    more.append(_record("s/c", "ortools-plain", 0, objective=120.0, routes=5))
    rows = instance_rows(latest(more))
    common = {r["engine"]: r for r in common_rows(rows)}
    # a: plain crashed; b: ortools infeasible; c: both feasible.
    assert common["ortools"]["common_instances"] == 1
    assert common["ortools"]["total_objective"] == pytest.approx(100.0)
    assert common["ortools-plain"]["total_routes"] == pytest.approx(5.0)
    assert common["ortools-plain"]["mean_gap_pct"] == pytest.approx(20.0)
    columns, pivot = side_by_side(rows)
    assert columns == ["instance", "bks", "ortools", "ortools-plain"]
    cells = {p["instance"]: p for p in pivot}
    assert cells["a"]["ortools"] == "102.00 (2.00 %, 3 routes)"
    assert "crashed" in cells["a"]["ortools-plain"]
    assert "infeasible" in cells["b"]["ortools"]
