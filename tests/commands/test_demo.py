"""Tests of ``countyopt demo`` and the demo library."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer import demo_county
from optimizer.carbon.scenario import read_scenario
from optimizer.cli import main
from optimizer.demo import STEPS, StepStatus, run_demo
from optimizer.evaluate import check
from optimizer.io.solution import read_solution_json
from optimizer.model import Instance


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch, small_county_instance: Instance) -> Instance:
    """Swap the demo county for the small county, so that the demo runs in seconds."""
    county = small_county_instance
    monkeypatch.setattr(demo_county, "build_demo_county", lambda *, seed=2022: county)
    return county


def test_demo_command_runs_every_step(small_demo: Instance, tmp_path: Path) -> None:
    """The demo runs each step, reports each one, and writes checked routes and a map."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    for name, _ in STEPS:
        assert f"  {name}" in result.stdout
    assert "failed" not in result.stdout
    plan = read_solution_json(out / "routing" / "solution.json")
    assert check(small_demo, plan) == []
    assert (out / "routing" / "route_map.html").exists()
    assert (out / "demo_county" / "stops.csv").exists()
    # The scenario the carbon step ran lies next to its results, ready to edit and rerun.
    scenario = read_scenario(out / "carbon" / "demo_county.toml")
    assert scenario.name.startswith("Demo county")
    # The chain: the carbon scenario reads the fleet study of the routes and the siting.
    assert set(scenario.links) == {"sanitation", "waste"}
    fleet = json.loads((out / "fleet" / "fleet.json").read_text(encoding="utf-8"))
    chosen = next(s for s in fleet["scenarios"] if s["name"] == fleet["chosen"])
    assert scenario.activity["sanitation_km"] == pytest.approx(chosen["km_per_day"] * 365)
    with open(out / "carbon" / "carbon_links.csv", encoding="utf-8-sig") as fh:
        variants = {(r["electric_fleet"], r["incinerator"]) for r in csv.DictReader(fh)}
    assert variants == {("False", "False"), ("True", "False"), ("True", "True")}


def test_demo_in_chinese(small_demo: Instance, tmp_path: Path) -> None:
    """With --lang zh the step report is Chinese."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        main, ["--lang", "zh", "demo", "--out", str(out), "--time-limit", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "示例县" in result.stdout and "完成" in result.stdout


def test_failed_step_is_reported_not_hidden(
    small_demo: Instance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that raises is reported as failed with its error, and the others still run."""

    def broken(ctx: object) -> object:
        raise OSError("disk full")

    monkeypatch.setattr("optimizer.demo.STEPS", [("broken", broken), *STEPS])
    report = run_demo(tmp_path / "demo", time_limit_s=1)
    assert not report.ok
    assert report.steps[0].status is StepStatus.FAILED
    assert "disk full" in report.steps[0].message
    assert [s.status for s in report.steps[1:]] == [StepStatus.OK] * len(STEPS)


@pytest.mark.benchmark
def test_full_demo_county_routes_within_30_s(tmp_path: Path) -> None:
    """On the full demo county (>= 400 stops) every servable stop is routed within 30 s."""
    report = run_demo(tmp_path / "demo", time_limit_s=30)
    assert report.ok, [s.message for s in report.steps]
    plan = read_solution_json(tmp_path / "demo" / "routing" / "solution.json")
    instance = demo_county.build_demo_county()
    assert len(instance.stops) >= 400
    assert check(instance, plan) == []
    assert not [u for u in plan.unserved if u.reason.value == "not_routed"]
    assert plan.runtime_s <= 35
    week = json.loads((tmp_path / "demo" / "week" / "solution.json").read_text(encoding="utf-8"))
    assert sum(len(day.get("unserved", [])) for day in week["days"]) == 0
