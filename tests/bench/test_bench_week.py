"""`countyopt bench pvrpif`: the week solver on a PVRP-IF file, its plan kept and auditable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimizer.bench.runner import RESULTS, read_records, run_tasks
from optimizer.bench.sets import PERIODIC_KIND, SETS, kind_of, resolve
from optimizer.bench.task import default_engines, make_task
from optimizer.io.pvrpif import check_authors_rules

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FILE = DATA / "periodic" / "pvrpif" / "instances" / "Milano_020_4_0.geojson"
needs_data = pytest.mark.skipif(not FILE.is_file(), reason="benchmark data ../shared/data absent")


@needs_data
def test_pvrpif_files_are_weeks() -> None:
    """The set and a file given by path both run as weeks, with the week solver by default."""
    assert SETS["pvrpif"].kind == PERIODIC_KIND
    items = resolve(["pvrpif"], DATA)
    assert len(items) == 28 and {i.kind for i in items} == {PERIODIC_KIND}
    assert kind_of(FILE) == PERIODIC_KIND
    assert default_engines(PERIODIC_KIND) == ("week",)


@needs_data
def test_week_run_is_recorded_and_its_plan_rechecks_on_the_raw_file(tmp_path: Path) -> None:
    """The record's cost is the kept plan's cost under the authors' rules, which it keeps."""
    task = make_task(FILE, "week", 0, 3.0, kind=PERIODIC_KIND, out_dir=tmp_path)
    run_tasks([task], tmp_path, jobs=1)
    (record,) = read_records(tmp_path / RESULTS)
    assert record["status"] == "ok" and record["feasible"], record
    assert record["bks"] == 562.0 and record["bcp_lb"] == 562.0
    doc = json.loads((tmp_path / record["plan"]).read_text(encoding="utf-8"))
    paths = {int(d): routes for d, routes in doc["days"].items()}
    cost, problems = check_authors_rules(FILE, paths)
    assert problems == []
    assert cost == record["objective"] == doc["cost_travel_minutes"]
    assert record["gap_pct"] == pytest.approx(100.0 * (cost - 562.0) / 562.0)


@needs_data
def test_routing_engines_are_not_week_engines(tmp_path: Path) -> None:
    """A routing engine named on a week file is recorded as unsupported, not run."""
    task = make_task(FILE, "pyvrp", 0, 1.0, kind=PERIODIC_KIND)
    run_tasks([task], tmp_path, jobs=1)
    (record,) = read_records(tmp_path / RESULTS)
    assert record["status"] == "unsupported"
