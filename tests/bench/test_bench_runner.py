"""Tests of the process-isolated task runner: records, crashes, timeouts, Dask."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from optimizer.bench import runner
from optimizer.bench.runner import RESULTS, pending, read_records, run_tasks
from optimizer.bench.task import make_task

TINY = Path(__file__).resolve().parent / "data" / "Tiny6.vrp"
TINY_OPTIMUM = 327  # tests/bench/data/Tiny6.sol: enumeration of every partition and order

ENGINES = textwrap.dedent(
    """
    import os, time

    def die(instance, time_limit_s, seed, on_solution):
        os._exit(7)

    def boom(instance, time_limit_s, seed, on_solution):
        raise RuntimeError("engine exploded on purpose")

    def hang(instance, time_limit_s, seed, on_solution):
        time.sleep(60)
    """
)


@pytest.fixture
def engines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Provide an importable module of misbehaving engines for the child processes."""
    (tmp_path / "bad_engines.py").write_text(ENGINES)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return "bad_engines"


def test_crashing_and_raising_engines_are_recorded_as_failed(engines: str, tmp_path: Path) -> None:
    """A child that dies or raises leaves a failed record, and the other task still succeeds."""
    tasks = [
        make_task(TINY, f"{engines}:die", 0, 1.0),
        make_task(TINY, f"{engines}:boom", 0, 1.0),
        make_task(TINY, "ortools-plain", 0, 1.0),
    ]
    out = tmp_path / "out"
    run_tasks(tasks, out, jobs=2)
    by_engine = {r["engine"]: r for r in read_records(out / RESULTS)}
    assert len(by_engine) == 3
    assert by_engine[f"{engines}:die"]["status"] == "crashed"
    assert "exit code 7" in by_engine[f"{engines}:die"]["error"]
    assert by_engine[f"{engines}:boom"]["status"] == "failed"
    assert "exploded on purpose" in by_engine[f"{engines}:boom"]["error"]
    plain = by_engine["ortools-plain"]
    assert plain["feasible"] and plain["objective"] == TINY_OPTIMUM
    assert plain["peak_mem_mb"] > 0 and plain["cpu_s"] > 0
    assert pending(tasks, out) == []
    assert len(pending(tasks, out, retry_failed=True)) == 2


def test_overrunning_task_is_killed_and_recorded_as_timeout(
    engines: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task running past its hard limit is killed and recorded as a timeout."""
    monkeypatch.setattr(runner, "HARD_LIMIT_EXTRA_S", 2.0)
    record = runner.run_isolated(make_task(TINY, f"{engines}:hang", 0, 0.5).to_json())
    assert record["status"] == "timeout"
    assert record["wall_s"] < 30


def test_torn_last_line_is_skipped_on_resume(tmp_path: Path) -> None:
    """A results file cut mid-line (killed sweep) still resumes from its whole lines."""
    task = make_task(TINY, "ortools-plain", 0, 1.0)
    line = json.dumps({**task.record("ok"), "feasible": True})
    (tmp_path / RESULTS).write_text(line + "\n" + line[:20])
    assert len(read_records(tmp_path / RESULTS)) == 1
    assert pending([task], tmp_path) == []


def test_dask_cluster_runs_the_same_tasks(engines: str, tmp_path: Path) -> None:
    """Tasks sent to a local Dask cluster come back as the same records, crashes included."""
    distributed = pytest.importorskip("distributed")
    tasks = [make_task(TINY, "ortools-plain", 0, 1.0), make_task(TINY, f"{engines}:die", 0, 1.0)]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        records = run_tasks(tasks, tmp_path, scheduler=cluster.scheduler_address)
    by_engine = {r["engine"]: r for r in records}
    assert by_engine["ortools-plain"]["feasible"]
    assert by_engine["ortools-plain"]["objective"] == TINY_OPTIMUM
    assert by_engine[f"{engines}:die"]["status"] == "crashed"
    assert len(read_records(tmp_path / RESULTS)) == 2
