"""Tests of reading today's routes (ROUTES.csv) into an evaluated starting plan."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from optimizer.evaluate import Rule, check
from optimizer.io.errors import InputError
from optimizer.io.initial_routes import parse_initial_routes, read_initial_routes
from optimizer.model import Break, Instance, TimeWindow
from optimizer.routing.result import RoutingResult, VisitKind
from optimizer.routing.summary import compare

GOOD = """vehicle,type,seq,stop
A,C2t,1,S1
A,C2t,2,S2
A,C2t,3,S3
B,C2t,1,S4
"""


def test_reads_a_feasible_day_without_violations(tiny_county: Instance) -> None:
    """A plain file becomes a plan that serves every stop, unloads before home and passes check."""
    initial = parse_initial_routes(GOOD, tiny_county)
    result = initial.result
    assert initial.violations == ()
    assert check(tiny_county, result) == []
    assert {r.vehicle: r.stops for r in result.routes} == {"A": ("S1", "S2", "S3"), "B": ("S4",)}
    for route in result.routes:
        assert route.visits[-2].kind is VisitKind.UNLOAD and route.visits[-2].location == "T"
        assert route.visits[-1].load_kg == 0.0
    leg_sum = sum(
        tiny_county.travel.distance(a.location, b.location)
        for r in result.routes
        for a, b in zip(r.visits, r.visits[1:], strict=False)
    )
    assert result.distance_m == pytest.approx(leg_sum)
    assert result.co2_kg > 0 and result.unserved == ()


def test_chinese_headers_and_gb18030(tmp_path: Path, tiny_county: Instance) -> None:
    """A GB18030 export with Chinese headers, a depot row and rows out of order reads the same."""
    text = "车辆,车型,序号,收集点\n甲,C2t,2,S2\n甲,C2t,3,D\n甲,C2t,1,S1\n"
    path = tmp_path / "ROUTES.csv"
    path.write_bytes(text.encode("gb18030"))
    result = read_initial_routes(path, tiny_county).result
    assert [r.stops for r in result.routes] == [("S1", "S2")]
    assert result.routes[0].vehicle == "甲"
    assert {u.stop for u in result.unserved} == {"S3", "S4"}


def test_overflow_is_a_violation_not_an_input_error(tiny_county: Instance) -> None:
    """A listed route that overfills the truck is evaluated, and the capacity breach reported."""
    text = "vehicle,type,seq,stop\nA,C2t,1,S4\nA,C2t,2,S1\nA,C2t,3,T\n"
    initial = parse_initial_routes(text, tiny_county)
    assert initial.result.distance_m > 0
    assert Rule.CAPACITY in {v.rule for v in initial.violations}


def test_unload_inserted_when_the_truck_would_overflow(tiny_county: Instance) -> None:
    """Without facility rows the truck unloads at the nearest facility before it would overflow."""
    text = "vehicle,type,seq,stop\nA,C2t,1,S4\nA,C2t,2,S1\nA,C2t,3,S2\n"
    initial = parse_initial_routes(text, tiny_county)
    kinds = [(v.kind.value, v.location) for v in initial.result.routes[0].visits]
    assert kinds == [
        ("depot", "D"),
        ("stop", "S4"),
        ("unload", "T"),
        ("stop", "S1"),
        ("stop", "S2"),
        ("unload", "T"),
        ("depot", "D"),
    ]
    assert initial.violations == ()


def test_break_is_placed_inside_its_window(tiny_county: Instance) -> None:
    """Today's routes get their break inside its window where a crew can take it, if needed."""
    vt = dataclasses.replace(
        tiny_county.vehicle_types[0], break_=Break(TimeWindow(5 * 3600 + 300, 6 * 3600), 1800)
    )
    with_break = dataclasses.replace(tiny_county, vehicle_types=(vt,))
    initial = parse_initial_routes(GOOD, with_break)
    # The first route spans the window and breaks; the second is back before it closes.
    first, second = initial.result.routes
    assert any(v.kind is VisitKind.BREAK for v in first.visits)
    assert second.visits[-1].arrival_s <= vt.break_.window.end  # type: ignore[union-attr]
    assert not {Rule.BREAK, Rule.BREAK_PLACE} & {v.rule for v in initial.violations}


@pytest.mark.parametrize(
    ("name", "text", "row", "column"),
    [
        ("unknown stop", "vehicle,type,seq,stop\nA,C2t,1,S9\n", 2, "stop"),
        ("unknown type", "vehicle,type,seq,stop\nA,bus,1,S1\n", 2, "type"),
        ("stop twice", "vehicle,type,seq,stop\nA,C2t,1,S1\nB,C2t,1,S1\n", 3, "stop"),
        (
            "more vehicles than the fleet",
            "vehicle,type,seq,stop\nA,C2t,1,S1\nB,C2t,1,S2\nC,C2t,1,S3\n",
            4,
            "vehicle",
        ),
        ("seq not a number", "vehicle,type,seq,stop\nA,C2t,first,S1\n", 2, "seq"),
        ("seq repeated", "vehicle,type,seq,stop\nA,C2t,1,S1\nA,C2t,1,S2\n", 3, "seq"),
        ("empty cell", "vehicle,type,seq,stop\nA,C2t,1,\n", 2, "stop"),
        ("missing column", "vehicle,type,seq\nA,C2t,1\n", 1, "stop"),
        ("empty file", "", None, ""),
    ],
)
def test_bad_input_names_file_row_and_column(
    tiny_county: Instance, name: str, text: str, row: int | None, column: str
) -> None:
    """Every kind of bad routes file is refused with its file, row and column."""
    with pytest.raises(InputError) as err:
        parse_initial_routes(text, tiny_county, file="ROUTES.csv")
    problems = err.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [("ROUTES.csv", row, column)], name


def test_every_problem_reported_at_once(tiny_county: Instance) -> None:
    """A file with several mistakes lists all of them in one report."""
    text = "vehicle,type,seq,stop\nA,C2t,1,S9\nA,bus,2,S1\nA,C2t,x,S2\nB,C2t,1,S2\n"
    with pytest.raises(InputError) as err:
        parse_initial_routes(text, tiny_county)
    assert {(p.row, p.column) for p in err.value.problems} >= {
        (2, "stop"),
        (3, "type"),
        (4, "seq"),
    }
    assert "row 2" in str(err.value) and "'S9'" in str(err.value)


def test_comparison_with_todays_routes(tiny_county: Instance, tiny_plan: RoutingResult) -> None:
    """The comparison reports km, hours, CO2 and vehicles saved as baseline minus plan."""
    today = parse_initial_routes(GOOD, tiny_county).result
    comparison = compare(tiny_county, tiny_plan, today)
    assert comparison.vehicles_saved == 1
    assert comparison.distance_saved_m == pytest.approx(today.distance_m - tiny_plan.distance_m)
    assert comparison.co2_saved_kg == pytest.approx(today.co2_kg - tiny_plan.co2_kg)
    assert comparison.baseline.num_served == 4 and comparison.plan.num_served == 2
    assert comparison.extra_stops_served == -2
