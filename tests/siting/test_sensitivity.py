"""Station economics and the sensitivity table: flips where hand arithmetic says."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.workbook import write_workbook
from optimizer.siting.diagnose import explain_stations
from optimizer.siting.mip import solve
from optimizer.siting.problem import FacilityProblem, ForwardArc, Option, Status
from optimizer.siting.sensitivity import scaled, sensitivity
from tests.siting.tiny_county import tiny_county

# One village (1 t/year) 30 km from the plant P and 2 km from the candidate
# station S. Direct: truck 3 yuan/t·km × 30 km = 90. Via S: truck 3 × 2 = 6,
# handling 20, transfer 0.5 yuan/t·km × 28 km = 14, station fixed 40:
# 80 in all. S opens while 90 k > 6 k + 74, i.e. for truck factors
# k > 74 / 84 = 0.881; for transfer factors t with 90 > 66 + 14 t, t < 1.714;
# for capital factors c (capital part 30 of the 40) with 90 > 50 + 30 c, c < 4/3.
TRUCK_FLIP, TRANSFER_FLIP, CAPITAL_FLIP = 74 / 84, 24 / 14, 4 / 3


def _two_site_problem() -> FacilityProblem:
    return FacilityProblem(
        name="hand",
        facilities=("S", "P"),
        customers=("V",),
        demand=np.array([1.0]),
        options=(
            (Option("V", None, {"capital_annualised": 30.0, "fixed_operating": 10.0}, 300.0),),
            (Option("existing", None),),
        ),
        status=(Status.FREE, Status.OPEN),
        assign_parts={
            "collection_transport": np.array([[6.0], [90.0]]),
            "station_operating": np.array([[20.0], [0.0]]),
            "treatment": np.zeros((2, 1)),
        },
        customer_stream=("other",),
        forwarders=frozenset({"S"}),
        arcs=(ForwardArc("S", "P", "other", {"transfer_transport": 14.0}),),
    )


@pytest.mark.parametrize(
    ("assumption", "flip"),
    [
        ("truck_cost", TRUCK_FLIP),
        ("transfer_cost", TRANSFER_FLIP),
        ("station_capital", CAPITAL_FLIP),
    ],
)
def test_flip_is_found_where_the_hand_computation_puts_it(assumption: str, flip: float) -> None:
    """Each assumption's flip is bracketed around the break-even factor worked out by hand."""
    rows, flips = sensitivity(
        _two_site_problem(), factors=(0.5, 1.5, 2.5), assumptions=[assumption]
    )
    assert len(rows) >= 3 and all(r.proven for r in rows)
    (found,) = flips
    assert found.low <= flip <= found.high
    assert found.high - found.low <= 1.0 / 2**4 + 1e-12
    opened = {r.factor: r.stations for r in rows}
    assert all(("S" in " ".join(st)) == _opens(assumption, f) for f, st in opened.items())


def _opens(assumption: str, factor: float) -> bool:
    if assumption == "truck_cost":
        return factor > TRUCK_FLIP
    if assumption == "transfer_cost":
        return factor < TRANSFER_FLIP
    return factor < CAPITAL_FLIP


def test_scaling_touches_only_its_own_cost_part() -> None:
    """Doubling the truck cost doubles the collection part and leaves the others as they were."""
    base = _two_site_problem()
    twice = scaled(base, "truck_cost", 2.0)
    assert np.array_equal(twice.assign_parts["collection_transport"], [[12.0], [180.0]])
    assert np.array_equal(twice.assign_parts["station_operating"], [[20.0], [0.0]])
    assert twice.arcs == base.arcs and twice.options == base.options


def test_station_note_nets_haul_against_handling_and_fixed_cost() -> None:
    """The used station's note shows 84 saved, 34 handling and transfer added, 40 fixed: net 10."""
    problem = _two_site_problem()
    result = solve(problem)
    assert result.decision is not None and "S" in result.decision.open
    (note,) = explain_stations(problem, result.decision)
    assert note.used and note.haul_saved == pytest.approx(84.0)
    assert note.handling_added == pytest.approx(34.0)
    assert note.fixed == pytest.approx(40.0) and note.net == pytest.approx(10.0)


def test_site_sensitivity_writes_the_table_in_chinese(tmp_path: Path) -> None:
    """``countyopt --lang zh site --sensitivity`` prints the flips and writes the table."""
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    out = tmp_path / "o"
    res = CliRunner().invoke(
        main, ["--lang", "zh", "site", str(county), "--out", str(out), "--sensitivity"]
    )
    assert res.exit_code == 0, res.output
    assert "敏感性分析" in res.output and "收运车辆每吨公里费用" in res.output
    with open(out / "siting_sensitivity.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["假设"] for r in rows} == {"truck_cost", "transfer_cost", "station_capital"}
    with open(out / "siting_stations.csv", encoding="utf-8-sig") as fh:
        assert "净节省 (元/年)" in next(csv.reader(fh))
