"""Tests of solution.json: exact round trip, human-readable fields, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.io.errors import InputError
from optimizer.io.solution import (
    SCHEMA_VERSION,
    dumps,
    parse_solution_json,
    read_solution_json,
    write_solution_json,
)
from optimizer.model import Instance
from optimizer.routing.result import (
    Route,
    RoutingResult,
    Unserved,
    UnservedReason,
    Visit,
    VisitKind,
)

_ids = st.sampled_from(["D", "T", "S1", "S2", "S3", "S4", "X9", "站点-7"])
_num = st.one_of(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**9),
)
_visit = st.builds(
    Visit,
    kind=st.sampled_from(list(VisitKind)),
    location=_ids,
    arrival_s=_num,
    start_s=_num,
    departure_s=_num,
    load_kg=_num,
    load_m3=_num,
)
_route = st.builds(
    Route,
    vehicle=st.text(min_size=1, max_size=12),
    vehicle_type=st.text(min_size=1, max_size=8),
    visits=st.lists(_visit, max_size=6).map(tuple),
    distance_m=_num,
    duration_s=_num,
    energy_kwh=_num,
    co2_kg=_num,
    cost=_num,
)
_unserved = st.builds(
    Unserved, stop=_ids, reason=st.sampled_from(list(UnservedReason)), detail=st.text(max_size=20)
)
_scalar = st.one_of(st.integers(), st.booleans(), st.text(max_size=10), _num, st.none())
_setting = st.one_of(_scalar, st.lists(_scalar, max_size=3).map(tuple))
_result = st.builds(
    RoutingResult,
    instance=st.text(max_size=10),
    routes=st.lists(_route, max_size=3).map(tuple),
    unserved=st.lists(_unserved, max_size=3).map(tuple),
    objective=st.sampled_from(["distance", "time", "cost", "co2"]),
    objective_value=_num,
    engine=st.sampled_from(["ortools", "pyvrp"]),
    settings=st.dictionaries(st.text(max_size=8), _setting, max_size=4),
    seed=st.integers(min_value=0, max_value=2**31),
    runtime_s=_num,
    build_s=_num,
    status=st.sampled_from(["feasible", "time_limit", "interrupted", ""]),
)


# The tiny_county fixture is read-only, so sharing it across examples is safe.
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(result=_result)
def test_round_trip_is_exact(tiny_county: Instance, result: RoutingResult) -> None:
    """Any result written to solution.json text reads back equal, field for field."""
    assert parse_solution_json(dumps(result, tiny_county)) == result


def test_file_round_trip_and_readable_fields(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """The file holds HH:MM times, names, loads, per-route metrics and totals, and reads back."""
    path = write_solution_json(tiny_plan, tiny_county, tmp_path / "solution.json")
    assert read_solution_json(path) == tiny_plan
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION
    route = doc["routes"][0]
    assert route["vehicle_type"] == "C2t"
    assert [v["kind"] for v in route["visits"]] == [
        "depot",
        "stop",
        "stop",
        "break",
        "unload",
        "depot",
    ]
    assert route["visits"][1]["name"] == "幸福小区"
    assert route["visits"][1]["arrival"] == "05:01"
    assert route["visits"][2]["load_kg"] == 700.0
    assert {"distance_m", "duration_s", "energy_kwh", "co2_kg", "cost_yuan"} <= set(route)
    assert doc["totals"]["collected_kg"] == 700.0
    assert doc["totals"]["stops_served"] == 2
    assert doc["unserved"][0] == {
        "stop": "S3",
        "reason": "window_unreachable",
        "detail": "opens 06:00",
    }
    assert doc["engine"] == "hand" and doc["seed"] == 7 and doc["build_s"] == 0.5


def test_write_failure_leaves_previous_file(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """A result that cannot be written (NaN) leaves the earlier file and no temp file."""
    path = write_solution_json(tiny_plan, tiny_county, tmp_path / "solution.json")
    before = path.read_bytes()
    broken = RoutingResult(**{**tiny_plan.__dict__, "objective_value": float("nan")})
    with pytest.raises(ValueError):
        write_solution_json(broken, tiny_county, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["solution.json"]


def test_bad_file_reports_every_field(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """A damaged solution file is refused with the path of each bad field."""
    doc = json.loads(dumps(tiny_plan, tiny_county))
    doc["routes"][0]["visits"][1]["arrival_s"] = "soon"
    doc["routes"][0]["visits"][2]["kind"] = "teleport"
    del doc["routes"][0]["co2_kg"]
    doc["unserved"][1]["reason"] = "lazy"
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_solution_json(path)
    fields = {p.column for p in err.value.problems}
    assert fields == {
        "routes[0].visits[1].arrival_s",
        "routes[0].visits[2].kind",
        "routes[0].co2_kg",
        "unserved[1].reason",
    }
    assert all(p.file == str(path) for p in err.value.problems)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", ""),
        ('{"schema": "something.else"}', "schema"),
        ('{"schema": "countyopt.solution", "schema_version": 99}', "schema_version"),
    ],
)
def test_foreign_or_future_files_are_refused(text: str, field: str) -> None:
    """Non-JSON, foreign and newer-schema files are refused with a clear field."""
    with pytest.raises(InputError) as err:
        parse_solution_json(text, file="x.json")
    assert err.value.problems[0].column == field
    assert err.value.problems[0].file == "x.json"
