"""``bench`` keeps each run's plan next to its record (bounded by --keep); the README uses them."""

from __future__ import annotations

import json
from pathlib import Path

import vrplib
from click.testing import CliRunner

from optimizer.bench import plans
from optimizer.bench.readme import render
from optimizer.cli import main
from optimizer.io.load import read_facility_problem
from optimizer.siting.check import evaluate
from optimizer.siting.result import Decision

DATA = Path(__file__).resolve().parent / "data"
TINY_OPTIMUM = 327.0  # tests/bench/data/Tiny6.sol


def _bench(out: Path, *extra: str) -> list[dict]:
    args = ["bench", str(DATA / "Tiny6.vrp"), "--engine", "ortools", "--engine", "ortools-plain"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "1", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_keep_all_then_best_then_none(tmp_path: Path) -> None:
    """Every run writes a VRPLIB .sol; --keep best leaves the best one, --keep none leaves none."""
    out = tmp_path / "out"
    records = _bench(out, "--keep", "all")
    files = [out / r["plan"] for r in records]
    assert len(files) == 2 and all(f.suffix == ".sol" and f.is_file() for f in files)
    for f in files:
        assert vrplib.read_solution(f)["cost"] == TINY_OPTIMUM
    record = records[0]
    assert record["command"].startswith("countyopt bench ") and "--keep all" in record["command"]
    assert record["machine"] and "finished_utc" in record and "load_avg" in record

    _bench(out, "--keep", "best")  # nothing left to run: only the plans are pruned
    kept = sorted(p for p in (out / "plans").rglob("*") if p.is_file())
    assert kept == [files[0]] or kept == [files[1]]
    assert kept[0].name in (out / "summary.md").read_text()

    _bench(out, "--keep", "none")
    assert not (out / "plans").exists()


def test_large_plans_are_gzipped_and_still_found(tmp_path: Path) -> None:
    """A plan above the size limit is kept gzipped, and the record still finds and reads it."""
    rel = "plans/set/inst/e_s0_1s.json"
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    text = '{"x": "' + "a" * (plans.GZIP_ABOVE_BYTES + 10) + '"}'
    path.write_text(text)
    record = {"key": "set/inst", "plan": rel, "status": "ok", "feasible": True, "objective": 1.0}
    (kept,) = plans.apply_keep(tmp_path, [record], "best")
    assert kept.name.endswith(".json.gz") and not path.exists()
    found = plans.plan_file(tmp_path, record)
    assert found is not None and plans.read_plan_text(found) == text


def test_siting_set_records_optimum_and_a_recheckable_plan(tmp_path: Path) -> None:
    """A siting set runs both solvers side by side; each plan re-costs to the published optimum."""
    folder = tmp_path / "data" / "siting" / "orlib_cap"
    folder.mkdir(parents=True)
    (folder / "cap1.txt").write_text("2 3\n10 5\n10 7\n4 1 9\n4 8 2\n4 3 3\n")
    (folder.parent / "optima.csv").write_text(
        "set,instance,size,value,value_type,param,source\n"
        "ORLIB-CFLP(MS),cap1,2x3,18,optimal,,hand-computed\n"
    )
    out = tmp_path / "out"
    args = ["bench", "cap", "--data-dir", str(tmp_path / "data"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--time-limit", "10", "--keep", "all"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(r["engine"] for r in records) == ["pulp-cbc", "scip"]
    problem = read_facility_problem(folder / "cap1.txt", "cap")
    for r in records:
        assert r["domain"] == "siting" and r["bks"] == 18.0
        assert r["proven_optimal"] and r["matches_bks"] and r["feasible"]
        plan = json.loads((out / r["plan"]).read_text())
        decision = Decision(plan["open"], plan["assignment"])
        assert evaluate(problem, decision).total_cost == 18.0
    assert "optimal_runs" in (out / "summary.md").read_text()


def test_readme_tables_name_command_machine_date_and_commit(tmp_path: Path) -> None:
    """A README section built from a results folder states how its runs were made."""
    _bench(tmp_path / "results" / "tiny", "--keep", "best")
    template = tmp_path / "README.in.md"
    template.write_text(
        "# Bench\n\n<!-- bench:overview results/tiny results/missing -->\n\n"
        "## Tiny\n\n<!-- bench:section results/tiny -->\n"
    )
    text = render(template)
    assert "countyopt bench " in text and "Machine: " in text and "Commit: " in text
    assert "Runs finished (UTC): 20" in text
    assert "| ortools |" in text and "0.00 % (1/1 feasible)" in text
    assert "`results/missing`: no runs yet" in text
    assert "plans/" in text  # the kept plan is named in the per-instance table
