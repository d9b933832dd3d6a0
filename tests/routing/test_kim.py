"""Tests of the Kim, Kim & Sahoo (2006) reader and of solving its smallest instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.evaluate import check
from optimizer.io.errors import InputError
from optimizer.io.kim import FOOT_M, parse_kim, read_kim
from optimizer.io.vrplib_sets import objective_scale
from optimizer.model import SiteKind
from optimizer.model import check as check_instance
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"

HEADER = """280.0 \t// vehicle capacity (yards), real number
400.0\t// total yardage allowed for a vehicle per day, real number
500\t// total number of regular stops for a vehicle allowed per day
3600\t// lunch time duration in second
40\t// speed: MPH
Stop_ID\tX(feet)\tY(feet)\tEarly\tLate\tService\tLoad\tType
"""
ROWS = """0 0 0 0400 1500 0 9999 0
1 5280 0 0650 1675 600 9999 2
2 0 5280 0000 2400 60 12.5 1
3 2640 2640 0700 0800 90 8 1
"""


def test_small_text_maps_every_field() -> None:
    """A tiny file gives the depot shift, a landfill with hours, stops with windows and loads."""
    inst = parse_kim(HEADER + ROWS, "tiny")
    truck = inst.vehicle_types[0]
    assert (truck.capacity_kg, truck.max_load_kg_per_day, truck.max_stops) == (280, 400, 500)
    assert (truck.shift.start, truck.shift.end) == (4 * 3600, 15 * 3600)
    assert truck.break_ is not None and truck.break_.duration_s == 3600
    assert (truck.break_.window.start, truck.break_.window.end) == (11 * 3600, 12 * 3600)
    landfill = inst.site("1")
    assert landfill.kind is SiteKind.LANDFILL and landfill.unload_s == 600
    # "1675" is decimal hours (16.75 h = 16:45); "0650" is 06:50
    assert landfill.hours is not None
    assert (landfill.hours.start, landfill.hours.end) == (6 * 3600 + 50 * 60, 16 * 3600 + 45 * 60)
    assert inst.stop("2").window is None and inst.stop("2").demand_kg == 12.5
    assert inst.stop("3").window is not None and inst.stop("3").window.start == 7 * 3600
    # one mile at 40 mph is 90 s; Manhattan 2640 + 2640 ft = 1 mile
    assert inst.travel.duration("0", "3") == pytest.approx(90.0)
    assert inst.travel.distance("0", "1") == pytest.approx(5280 * FOOT_M)
    assert inst.meta["load_unit"] == "yd3" and inst.coord_sys == "planar"
    assert check_instance(inst) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEADER.replace("280.0", "lots", 1) + ROWS, "row 1, column 'vehicle capacity (yd3)'"),
        (HEADER + ROWS + "4 1 2 0700\n", "row 11, column 'row'"),
        (HEADER + ROWS.replace("12.5 1", "12.5 7"), "row 9, column 'Stop_Type'"),
        (HEADER + ROWS.replace("0700 0800", "07x0 0800"), "row 10, column 'row'"),
        (HEADER + ROWS + "3 1 1 0 2400 1 1 1\n", "row 11, column 'Stop_ID'"),
        (HEADER + ROWS.replace(" 0\n", " 1\n", 1), "column 'Stop_Type'"),
    ],
    ids=["bad_header", "short_row", "bad_type", "bad_time", "duplicate_id", "no_depot"],
)
def test_malformed_file_names_line_and_field(text: str, where: str) -> None:
    """Each defect is reported with the file's line number and the field."""
    with pytest.raises(InputError) as err:
        parse_kim(text, "bad", file="bad.txt")
    assert where in str(err.value)
    assert "bad.txt" in str(err.value)


needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")


@needs_data
def test_reads_documented_travel_time() -> None:
    """102_stop: depot to node 1 is 15387 ft = 2.914 mi = 262.3 s at 40 mph (data README)."""
    inst = read_kim(DATA / "102_stop.txt")
    assert len(inst.stops) == 99 and len(inst.facilities) == 2
    assert inst.travel.distance("0", "1") == pytest.approx(15387 * FOOT_M)
    assert inst.travel.duration("0", "1") == pytest.approx(262.3, abs=0.05)
    # Benchmarks report miles, as the literature does.
    assert inst.travel.distance("0", "1") / objective_scale(inst) == pytest.approx(2.914, abs=5e-4)


@needs_data
@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*_stop.txt")))
def test_every_instance_reads_and_checks(name: str) -> None:
    """All ten files read into instances without model problems."""
    inst = read_kim(DATA / f"{name}.txt")
    assert check_instance(inst) == []
    assert len(inst.stops) == int(name.split("_")[0]) - len(inst.sites)


@needs_data
def test_smallest_instance_plan_passes_checker() -> None:
    """102_stop solved by OR-Tools serves every stop with lunch, daily load and trips checked."""
    inst = read_kim(DATA / "102_stop.txt")
    params = RoutingParams(
        objective="distance",
        engine="ortools",
        time_limit_s=10,
        solution_limit=10,
        minimize_vehicles=True,
    )
    result = solve(inst, params=params)
    assert check(inst, result) == []
    assert not result.unserved
    # Lower bound: 897 yd3 over 400 yd3 per day -> 3 vehicles.
    assert len(result.routes) >= 3
