"""Reading back siting.json: what `site` writes, `map` reads unchanged."""

from __future__ import annotations

import json

import pytest

from optimizer.io.errors import InputError
from optimizer.io.siting_input import is_siting_document, parse_siting_json
from optimizer.io.siting_output import siting_json
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus


def _result() -> SitingResult:
    decision = Decision(
        open={"C1": "large", "T1": "existing"},
        assignment={"S1": {"C1": 1.0}, "S4": {"C1": 0.3, "T1": 0.7}},
        flows=(Flow("C1", "I1", "other", 2_600.0),),
    )
    return SitingResult(
        "county",
        SolveStatus.FEASIBLE,
        decision,
        objective=1_000.0,
        bound=900.0,
        gap=0.1,
        costs={"haul": 600.0, "fixed": 400.0},
        co2={"haul": 50.0},
        load={"C1": 2_600.0, "T1": 280.0},
        capacity={"C1": 80_000.0, "T1": None},
        capital=3e6,
        solver="scip",
        diagnosis=("stopped at the time limit",),
    )


def test_siting_json_reads_back_to_the_same_result():
    """A result written as siting.json (through JSON text) reads back equal in every map field."""
    doc = json.loads(json.dumps(siting_json(_result())))
    assert is_siting_document(doc)
    back = parse_siting_json(doc)
    original = _result()
    assert back.decision == original.decision
    assert (back.status, back.gap, back.capital, back.solver) == (
        original.status,
        original.gap,
        original.capital,
        original.solver,
    )
    assert dict(back.load) == dict(original.load)
    assert dict(back.capacity) == dict(original.capacity)
    assert back.total_cost == original.total_cost and back.diagnosis == original.diagnosis


def test_infeasible_siting_reads_back_without_a_decision():
    """A siting with no plan (infeasible) reads back with no decision and its diagnosis."""
    result = SitingResult(
        "county", SolveStatus.INFEASIBLE, None, None, None, None, diagnosis=("too little capacity",)
    )
    back = parse_siting_json(json.loads(json.dumps(siting_json(result))))
    assert back.decision is None and back.diagnosis == ("too little capacity",)


def test_damaged_siting_json_names_each_bad_field():
    """Mistyped fields are reported one by one with their JSON path and the file name."""
    doc = siting_json(_result())
    doc["open_sites"] = {"C1": 3}
    doc["flows_kg_per_day"][0]["amount"] = "lots"
    with pytest.raises(InputError) as err:
        parse_siting_json(doc, file="runs/siting.json")
    text = "\n".join(str(p) for p in err.value.problems)
    assert "runs/siting.json" in text
    assert "open_sites" in text and "flows_kg_per_day[0].amount" in text


def test_a_routing_solution_is_not_taken_for_a_siting():
    """A solution.json-like document is not recognised as a siting."""
    assert not is_siting_document({"schema": "countyopt-solution", "routes": []})
    assert not is_siting_document([])
