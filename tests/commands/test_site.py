"""End-to-end tests of ``countyopt site`` on a tiny county workbook, in-process."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands.common import EXIT_INFEASIBLE, EXIT_INPUT
from optimizer.io.workbook import write_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "siting"))
from tiny_county import tiny_county

OUTPUTS = {
    "siting.json",
    "siting.xlsx",
    "siting_sites.csv",
    "siting_assignments.csv",
    "siting_flows.csv",
    "siting_costs.csv",
    "siting_stations.csv",
}


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Return the tiny county written as a workbook folder."""
    path = tmp_path / "county"
    write_workbook(tiny_county(), path)
    return path


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_site_end_to_end(workbook: Path, tmp_path: Path) -> None:
    """Every stop is assigned once, loads fit capacities, and the files hold the proven plan."""
    out = tmp_path / "out"
    code, stdout, _ = _run("site", workbook, "--out", out)
    assert code == 0, stdout
    assert {p.name for p in out.iterdir()} == OUTPUTS
    with open(out / "siting_assignments.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert Counter(r["stop_id"] for r in rows) == Counter(s.id for s in tiny_county().stops)
    assert set(Counter(r["stop_id"] for r in rows).values()) == {1}
    with open(out / "siting_sites.csv", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["capacity_t_per_day"]:
                assert float(row["load_t_per_day"]) <= float(row["capacity_t_per_day"]) + 1e-6
    data = json.loads((out / "siting.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimal"
    total = sum(data["costs_yuan_per_year"].values())
    assert total == pytest.approx(data["objective_yuan_per_year"], rel=1e-9)
    assert data["open_sites"]["C1"] == "large"
    assert "proven optimal" in stdout


def test_site_in_chinese(workbook: Path, tmp_path: Path) -> None:
    """With --lang zh the summary is in Chinese."""
    code, stdout, _ = _run("--lang", "zh", "site", workbook, "--out", tmp_path / "o")
    assert code == 0
    assert "已证明最优" in stdout and "年成本" in stdout


def test_budget_limits_capital(workbook: Path, tmp_path: Path) -> None:
    """With --budget the plan's capital stays within it."""
    out = tmp_path / "o"
    code, _, _ = _run("site", workbook, "--out", out, "--budget", "2000000")
    assert code == 0
    assert json.loads((out / "siting.json").read_text(encoding="utf-8"))["capital_yuan"] <= 2e6


def test_haul_limit_infeasible_names_the_stops(workbook: Path, tmp_path: Path) -> None:
    """A haul limit no stop can meet exits with code 3 and names the stops it cannot serve."""
    out = tmp_path / "o"
    code, stdout, _ = _run("site", workbook, "--out", out, "--max-haul-km", "0.3")
    assert code == EXIT_INFEASIBLE
    assert "stop W0" in stdout and "haul limit" in stdout
    assert json.loads((out / "siting.json").read_text(encoding="utf-8"))["diagnosis"]


def test_bad_config_is_reported_as_input_error(workbook: Path, tmp_path: Path) -> None:
    """A broken override TOML ends with exit code 2 naming the file, and nothing is written."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[finance\n", encoding="utf-8")
    out = tmp_path / "o"
    code, _, stderr = _run("site", workbook, "--out", out, "--config", bad)
    assert code == EXIT_INPUT
    assert "bad.toml" in stderr
    assert not out.exists()


@pytest.mark.parametrize("engine", ["auto", "ortools"])
def test_plan_routes_every_stop_to_its_assigned_site(
    workbook: Path, tmp_path: Path, engine: str
) -> None:
    """`plan` sites first, then routes each site's stops so that they unload at that site."""
    out = tmp_path / "plan"
    code, stdout, _ = _run(
        "plan", workbook, "--out", out, "--route-time-limit", "6", "--engine", engine
    )
    assert code == 0, stdout
    assignment = json.loads((out / "siting" / "siting.json").read_text(encoding="utf-8"))
    # One plan for the whole county: one solution, one workbook, one map.
    assert {p.name for p in (out / "routing").iterdir()} >= {
        "solution.json",
        "routes.xlsx",
        "route_map.html",
    }
    solution = json.loads((out / "routing" / "solution.json").read_text(encoding="utf-8"))
    assert solution["unserved"] == []
    assert solution["engine"] == engine
    served: list[str] = []
    for route in solution["routes"]:
        unloads = {v["location"] for v in route["visits"] if v["kind"] == "unload"}
        stops = [v["location"] for v in route["visits"] if v["kind"] == "stop"]
        assert len(unloads) == 1
        assert all(unloads <= set(assignment["assignment"][s]) for s in stops)
        served += stops
    assert len({r["vehicle"] for r in solution["routes"]}) == len(solution["routes"])
    assert "Against `route` alone (no siting):" in stdout
    assert sorted(served) == sorted(s.id for s in tiny_county().stops)
    bound = re.search(r"Fewest vehicles any plan needs \(a lower bound\): (\d+);", stdout)
    assert bound is not None and 1 <= int(bound.group(1)) <= len(solution["routes"])


def test_site_explains_each_transfer_station_in_chinese(workbook: Path, tmp_path: Path) -> None:
    """The siting report says for each transfer station why it is used or idle, in yuan."""
    code, stdout, _ = _run("--lang", "zh", "site", workbook, "--out", tmp_path / "o")
    assert code == 0, stdout
    assert "转运站：" in stdout
    lines = stdout.split("转运站：", 1)[1].splitlines()
    assert any("启用" in line and "元/年" in line for line in lines)
