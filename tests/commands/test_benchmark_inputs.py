"""``route``, ``site`` and ``carbon`` run the standard benchmark files directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vrplib
from click.testing import CliRunner

from optimizer.cli import main

TINY = Path(__file__).resolve().parents[1] / "bench" / "data" / "Tiny6.vrp"
TINY_OPTIMUM = 327.0  # tests/bench/data/Tiny6.sol
ENERGY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "energy"


def test_route_plans_a_vrplib_file_and_writes_a_vrplib_solution(tmp_path: Path) -> None:
    """`route X.vrp` plans with the file's objective; its .sol uses the file's node numbers."""
    out = tmp_path / "out"
    args = ["route", str(TINY), "--out", str(out), "--solution-limit", "50", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    sol = vrplib.read_solution(out / "solution.sol")
    assert sorted(n for r in sol["routes"] for n in r) == [1, 2, 3, 4, 5, 6]
    assert sol["cost"] == pytest.approx(TINY_OPTIMUM)
    stops = {
        v["location"]
        for r in json.loads((out / "solution.json").read_text())["routes"]
        for v in r["visits"]
        if v["kind"] == "stop"
    }
    assert stops == {"1", "2", "3", "4", "5", "6"}


def test_site_solves_an_orlib_cap_file(tmp_path: Path) -> None:
    """`site cap1.txt` solves the file's problem to its optimum, with the file's numbering."""
    path = tmp_path / "cap1.txt"
    # Two sites (capacity 10, fixed 5 and 7), three customers of demand 4: both must
    # open (12 > 10), C1 -> F1 (1), C2 -> F2 (2), C3 either (3): optimum 5 + 7 + 6 = 18.
    path.write_text("2 3\n10 5\n10 7\n4 1 9\n4 8 2\n4 3 3\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["site", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "siting.json").read_text())
    assert sorted(doc["open_sites"]) == ["F1", "F2"]
    assert sum(doc["costs_yuan_per_year"].values()) == pytest.approx(18.0)
    assert doc["assignment"]["C1"] == {"F1": 1.0} and doc["assignment"]["C2"] == {"F2": 1.0}


def test_site_refuses_an_unnamed_text_file(tmp_path: Path) -> None:
    """A text file whose name tells no format ends with exit 2 asking for --format."""
    path = tmp_path / "sites.txt"
    path.write_text("2 3\n")
    result = CliRunner().invoke(main, ["site", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--format" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not ENERGY.is_dir(), reason="OSeMOSYS data ../shared/data/energy absent")
def test_carbon_solves_utopia_to_the_reference_cost(tmp_path: Path) -> None:
    """`carbon utopia.txt` reaches the GLPK reference cost, recomputed from the plan."""
    out = tmp_path / "out"
    path = ENERGY / "osemosys_utopia" / "utopia.txt"
    result = CliRunner().invoke(main, ["carbon", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "carbon_objective.json").read_text())
    assert doc["recheck_ok"] and doc["optimal"]
    assert doc["recomputed_total_discounted_cost"] == pytest.approx(29446.86269, rel=1e-8)
    assert (out / "carbon_new_capacity.csv").read_text().startswith("region,technology,year")
