"""Read back the ``siting.json`` that ``countyopt site`` writes (see siting_output.py).

Every missing or mistyped field is reported by its JSON path, as for
``solution.json``, so a damaged or foreign file is refused with one clear
message per field.
"""

from __future__ import annotations

import os
from typing import Any

from optimizer.io.errors import InputError
from optimizer.io.json_fields import MISSING, JsonFields, is_member, is_number, is_str
from optimizer.io.load import parse_json_text, read_input_text
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus

# The keys that tell a siting.json apart from other countyopt JSON files.
SITING_KEYS = ("open_sites", "assignment", "flows_kg_per_day")


def is_siting_document(doc: object) -> bool:
    """Return whether a parsed JSON document looks like a ``siting.json``."""
    return isinstance(doc, dict) and all(key in doc for key in SITING_KEYS)


def _is_text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _is_number_map(value: Any) -> bool:
    return isinstance(value, dict) and all(is_number(v) for v in value.values())


def _is_optional_number_map(value: Any) -> bool:
    return isinstance(value, dict) and all(v is None or is_number(v) for v in value.values())


def _is_shares(value: Any) -> bool:
    return isinstance(value, dict) and all(_is_number_map(v) for v in value.values())


def _optional_number(r: JsonFields, doc: dict[str, Any], key: str) -> float | None:
    value = r.get(doc, "", key, is_number, "a finite number or null", default=None)
    return None if value is None else float(value)


def _flows(r: JsonFields, doc: dict[str, Any]) -> tuple[Flow, ...]:
    flows = []
    for k, obj in enumerate(r.objects(doc, "", "flows_kg_per_day")):
        where = f"flows_kg_per_day[{k}]"
        flows.append(
            Flow(
                r.text(obj, where, "from"),
                r.text(obj, where, "to"),
                r.text(obj, where, "stream"),
                r.number(obj, where, "amount"),
            )
        )
    return tuple(flows)


def parse_siting_json(doc: object, *, file: str = "siting.json") -> SitingResult:
    """Return the siting result stored in a parsed ``siting.json`` document.

    Raises
    ------
    InputError
        Listing every missing or mistyped field by its path in the document.

    """
    r = JsonFields(file)
    if not isinstance(doc, dict):
        r.report("(document)", doc, "a JSON object")
        raise InputError(r.problems)
    status = r.get(doc, "", "status", is_member(SolveStatus), "a siting status")
    open_sites = r.get(doc, "", "open_sites", _is_text_map, "an object of size classes")
    assignment = r.get(doc, "", "assignment", _is_shares, "an object of shares by site")
    flows = _flows(r, doc)
    text_list = (lambda v: isinstance(v, list) and all(is_str(x) for x in v), "a list of strings")
    result_kwargs: dict[str, Any] = {
        "costs": r.get(doc, "", "costs_yuan_per_year", _is_number_map, "an object of numbers"),
        "co2": r.get(doc, "", "co2_kg_per_year", _is_number_map, "an object of numbers"),
        "load": r.get(doc, "", "load_kg_per_day", _is_number_map, "an object of numbers"),
        "capacity": r.get(
            doc, "", "capacity_kg_per_day", _is_optional_number_map, "an object of numbers"
        ),
        "diagnosis": r.get(doc, "", "diagnosis", *text_list, default=[]),
        "violations": r.get(doc, "", "violations", *text_list, default=[]),
        "kinds": r.get(doc, "", "site_kinds", _is_text_map, "an object of site kinds", default={}),
    }
    capital = r.get(doc, "", "capital_yuan", is_number, "a finite number", default=0.0)
    name = r.text(doc, "", "instance")
    solver = r.get(doc, "", "solver", is_str, "a string", default="")
    if r.problems:
        raise InputError(r.problems)
    # A siting with no plan (infeasible, stopped early) is written with empty maps.
    has_plan = bool(open_sites) or status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    decision = Decision(open_sites, assignment, flows) if has_plan else None
    objective = _optional_number(r, doc, "objective_yuan_per_year")
    bound = _optional_number(r, doc, "bound_yuan_per_year")
    gap = _optional_number(r, doc, "relative_gap")
    return SitingResult(
        name=name,
        status=SolveStatus(status),
        decision=decision,
        objective=objective,
        bound=bound,
        gap=gap,
        capital=float(capital),
        solver=solver,
        **{k: v for k, v in result_kwargs.items() if v is not MISSING and v is not None},
    )


def read_siting_json(path: str | os.PathLike[str]) -> SitingResult:
    """Return the siting result stored in the ``siting.json`` file at ``path``."""
    return parse_siting_json(parse_json_text(read_input_text(path), file=str(path)), file=str(path))
