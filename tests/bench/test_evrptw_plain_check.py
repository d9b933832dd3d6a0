"""The kept E-VRPTW plans pass a plain re-check, and the re-check catches a cut charge."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "vrp" / "evrptw" / "100"
PLANS = ROOT / "benchmarks" / "results" / "evrptw100_60s" / "plans" / "100"


def _plain_check():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "plain_check", ROOT / "benchmarks" / "evrptw" / "plain_check.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check


@pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")
@pytest.mark.parametrize("name", ["c101_21", "r201_21"])
def test_kept_plan_is_feasible_by_plain_code_with_its_recorded_distance(name: str) -> None:
    """Vehicles and distance of the table come out of the instance file and the plan alone."""
    plan = PLANS / name / "auto_s0_60s.json"
    routes, total, problems = _plain_check()(DATA / f"{name}.txt", plan)
    assert problems == []
    records = ROOT / "benchmarks" / "results" / "evrptw100_60s" / "results.jsonl"
    (record,) = [
        r for r in map(json.loads, records.read_text().splitlines()) if r["instance"] == name
    ]
    assert routes == record["routes"] and total == pytest.approx(record["objective"], abs=1e-6)


@pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")
def test_plain_check_refuses_a_plan_whose_charging_was_cut(tmp_path: Path) -> None:
    """Shortening every charging stop leaves some route without the energy to finish."""
    doc = json.loads((PLANS / "r201_21" / "auto_s0_60s.json").read_text())
    charges = [v for r in doc["routes"] for v in r["visits"] if v["kind"] == "charge"]
    assert charges
    for v in charges:
        v["departure_s"] = v["arrival_s"]
    bad = tmp_path / "r201_21" / "plan.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(doc))
    _, _, problems = _plain_check()(DATA / "r201_21.txt", bad)
    assert any("battery" in p for p in problems)
