"""OR-Library readers: capacitated/uncapacitated facility location and p-median."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from optimizer.io.errors import InputError
from optimizer.io.orlib import parse_cap, parse_pmed, read_cap, read_pmed
from optimizer.siting.check import evaluate
from optimizer.siting.mip import solve
from optimizer.siting.params import SitingParams
from optimizer.siting.result import SolveStatus

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "siting"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")


def _optimum(set_name: str, instance: str) -> float:
    with open(DATA / "optima.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["set"] == set_name and row["instance"] == instance:
                return float(row["value"])
    raise KeyError(instance)


@needs_data
@pytest.mark.parametrize("name", ["cap41", "cap42", "cap43", "cap44"])
def test_capacitated_optimum_is_reproduced(name: str) -> None:
    """The published capopt optimum is proven, with all demand served within capacities."""
    problem = read_cap(DATA / "orlib_cap" / f"{name}.txt")
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    assert result.objective == pytest.approx(_optimum("ORLIB-CFLP(MS)", name), abs=0.01)
    ev = evaluate(problem, result.decision)
    assert ev.violations == []  # every customer's shares sum to 1, capacities hold
    assert ev.total_cost == pytest.approx(result.objective, rel=1e-9)


@needs_data
def test_uncapacitated_optimum_is_reproduced() -> None:
    """Without capacities, cap71 reaches the published uncapopt optimum, one site per customer."""
    problem = read_cap(DATA / "orlib_cap" / "cap71.txt", capacitated=False)
    result = solve(problem)
    assert result.objective == pytest.approx(_optimum("ORLIB-UFL", "cap71"), abs=0.01)
    assert result.decision is not None
    assert all(len(s) == 1 for s in result.decision.assignment.values())


@needs_data
@pytest.mark.parametrize("name", ["pmed1", "pmed2", "pmed3"])
def test_pmedian_optimum_is_reproduced(name: str) -> None:
    """The published p-median optimum is proven with exactly p medians open."""
    problem = read_pmed(DATA / "pmed" / f"{name}.txt")
    # HiGHS solves the large, degenerate root LP of these models faster than SCIP.
    result = solve(problem, params=SitingParams(solver="highs"))
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    assert result.objective == pytest.approx(_optimum("ORLIB-pmedian", name), abs=1e-6)
    assert len(result.decision.open) == problem.num_open


def test_duplicate_edge_takes_its_last_length() -> None:
    """An edge listed twice keeps its last length before shortest paths are taken."""
    text = "3 3 1\n1 2 5\n2 3 1\n1 2 2\n"
    problem = parse_pmed(text, "dup")
    cost = problem.assign_cost
    assert cost[0, 1] == 2.0  # last listing of 1-2
    assert cost[0, 2] == 3.0  # 1-2-3 via shortest path
    assert solve(problem).objective == pytest.approx(3.0)  # median at node 2


def test_cap_cost_is_for_the_whole_demand() -> None:
    """A customer's cost entry pays its whole demand, not a unit of it."""
    text = "2 1\n10 5\n10 7\n4 8 3\n"
    problem = parse_cap(text, "tiny")
    assert problem.demand.tolist() == [4.0]
    assert problem.assign_cost[:, 0].tolist() == [8.0, 3.0]
    assert solve(problem).objective == pytest.approx(7 + 3)


@pytest.mark.parametrize(
    ("text", "what"),
    [("2 1\n10 5\n10 x\n4 8 3\n", "fixed cost of site 2"), ("2 1\n10 5\n10 7\n4 8\n", "cost of")],
)
def test_malformed_cap_file_names_what_is_wrong(text: str, what: str) -> None:
    """A non-number or a truncated file is reported naming the file and the value expected."""
    with pytest.raises(InputError) as err:
        parse_cap(text, "broken")
    assert "broken" in str(err.value) and what in str(err.value)


def test_disconnected_pmed_graph_is_refused() -> None:
    """A p-median graph with unreachable nodes is reported as bad input."""
    with pytest.raises(InputError, match="connected"):
        parse_pmed("3 1 1\n1 2 5\n", "split")
