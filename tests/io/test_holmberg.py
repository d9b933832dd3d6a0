"""Holmberg single-source capacitated facility location reader."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from optimizer.io.holmberg import parse_holmberg, read_holmberg
from optimizer.siting.check import evaluate
from optimizer.siting.mip import solve
from optimizer.siting.result import SolveStatus

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "siting"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")


def _optimum(name: str) -> float:
    with open(DATA / "optima.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["set"] == "Holmberg-SSCFLP" and row["instance"] == name:
                return float(row["value"])
    raise KeyError(name)


@needs_data
@pytest.mark.parametrize("name", ["p1", "p2", "p3", "p4", "p5"])
def test_single_source_optimum_is_reproduced(name: str) -> None:
    """The published optimum is proven with each customer at one facility within capacity."""
    problem = read_holmberg(DATA / "holmberg_sscflp" / name)
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    assert result.objective == pytest.approx(_optimum(name), abs=1e-6)
    assert all(len(s) == 1 for s in result.decision.assignment.values())
    assert evaluate(problem, result.decision).violations == []


def test_cost_matrix_is_read_one_row_per_facility() -> None:
    """Costs are stored facility by facility: row i holds facility i's cost to every customer."""
    # 2 facilities, 3 customers; facility 1 costs 1 2 3, facility 2 costs 4 5 6.
    text = "2 3\n10 100\n10 200\n1 1 1\n1 2 3\n4 5 6\n"
    problem = parse_holmberg(text, "orient")
    assert problem.assign_cost.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert problem.single_source
    assert solve(problem).objective == pytest.approx(100 + 6)
