"""``countyopt plan --joint``: stations and routes chosen together, never worse than sequential."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands.plan import route_sited
from optimizer.evaluate import check
from optimizer.io.workbook import write_workbook
from optimizer.lrp.county import plan_jointly
from optimizer.siting.config import load_config
from optimizer.siting.county import build_county_problem, site_county
from optimizer.siting.mip import solve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "siting"))
from tiny_county import tiny_county


def test_joint_search_is_checked_and_no_worse_than_sequential() -> None:
    """Every station set routed is checked; the plan kept costs no more than the sequential one."""
    county = tiny_county()
    config = load_config(None)
    problem = build_county_problem(county, config).problem
    sequential = site_county(county, config)

    def route(sited):  # type: ignore[no-untyped-def]
        return route_sited(
            county, sited, time_limit_s=2, seed=0, engine="auto", lang="en", quiet=True
        )

    found = plan_jointly(problem, sequential, site=solve, route=route, max_evaluations=3)
    assert len(found.tried) >= 2  # the sequential plan and at least one other station set
    assert all(not c.violations for c in found.tried)
    assert not check(found.best.county, found.best.plan)
    assert not found.best.plan.unserved
    assert found.best.total_per_day <= found.sequential.total_per_day
    # Real routing replaces the siting model's estimated collection cost.
    assert found.sequential.total_per_day != found.sequential.estimate_per_day


def test_plan_joint_writes_the_chosen_plan_and_reports_against_sequential(tmp_path: Path) -> None:
    """The command prints the routed station sets and writes one checked plan for the chosen set."""
    workbook = tmp_path / "county"
    write_workbook(tiny_county(), workbook)
    out = tmp_path / "plan"
    res = CliRunner().invoke(
        main,
        ["plan", str(workbook), "--out", str(out), "--route-time-limit", "1", "--joint",
         "--joint-evaluations", "2", "--no-compare"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Stations and routes together" in res.output and "Joint plan:" in res.output
    siting = json.loads((out / "siting" / "siting.json").read_text(encoding="utf-8"))
    solution = json.loads((out / "routing" / "solution.json").read_text(encoding="utf-8"))
    assert solution["unserved"] == []
    for route in solution["routes"]:
        stops = [v["location"] for v in route["visits"] if v["kind"] == "stop"]
        unloads = {v["location"] for v in route["visits"] if v["kind"] == "unload"}
        assert all(unloads <= set(siting["assignment"][s]) for s in stops)
