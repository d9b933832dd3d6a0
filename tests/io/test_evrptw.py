"""Tests of the E-VRPTW (Schneider, Stenger & Goeke 2014) reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.evaluate import check
from optimizer.io.errors import InputError
from optimizer.io.evrptw import parse_evrptw, read_evrptw
from optimizer.io.vrplib_solution import result_from_routes
from optimizer.model import Fuel, SiteKind
from optimizer.model import check as check_instance

VRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp"

TINY = """\
StringID   Type       x          y          demand     ReadyTime  DueDate    ServiceTime
D0         d          40.0       50.0       0.0        0.0        1236.0     0.0
S0         f          40.0       50.0       0.0        0.0        1236.0     0.0
S5         f          31.0       84.0       0.0        0.0        1236.0     0.0
C30        c          20.0       55.0       10.0       355.0      407.0      90.0
C12        c          25.0       85.0       20.0       176.0      228.0      90.0

Q Vehicle fuel tank capacity /77.75/
C Vehicle load capacity /200.0/
r fuel consumption rate /1.0/
g inverse refueling rate /3.47/
v average Velocity /1.0/
"""


def test_tiny_file_maps_stations_customers_and_battery() -> None:
    """Stations become chargers at the set's recharge rate, customers stops, Q the battery."""
    instance = parse_evrptw(TINY, file="tiny.txt")
    assert check_instance(instance) == []
    assert [s.id for s in instance.stops] == ["C30", "C12"]
    chargers = [s for s in instance.sites if s.kind is SiteKind.CHARGER]
    assert [s.id for s in chargers] == ["S0", "S5"]
    assert instance.travel.distance("S0", "0") == 0.0
    vt = instance.vehicle_types[0]
    assert vt.fuel is Fuel.ELECTRIC and vt.capacity_kg == 200.0
    assert vt.battery_kwh == pytest.approx(77.75) and vt.range_m is None
    # charging 1 unit of energy takes g = 3.47 time units, i.e. 3470 model seconds
    assert 3600.0 / chargers[1].charger_kw == pytest.approx(3470.0)
    assert vt.extra["recharge_time_per_unit"] == "3.47"
    c12 = instance.stop("C12")
    assert c12.window is not None and (c12.window.start, c12.window.end) == (176000, 228000)
    assert c12.service_s == 90000
    assert instance.travel.distance("C30", "C12") == pytest.approx(1000 * (25 + 30**2) ** 0.5)


def test_energy_of_a_route_is_the_battery_used() -> None:
    """The checker's energy of each one-stop route equals r × distance in battery units."""
    instance = parse_evrptw(TINY, file="tiny.txt")
    result = result_from_routes(instance, [["C12"], ["C30"]])
    assert check(instance, result) == []
    route = result.routes[0]
    assert route.energy_kwh == pytest.approx(route.distance_m / 1000 * 1.0)


@pytest.mark.parametrize(
    ("defect", "text", "field", "row"),
    [
        ("missing battery", TINY.replace("Q Vehicle fuel tank capacity /77.75/\n", ""), "Q", None),
        ("bad type", TINY.replace("C12        c", "C12        x"), "row", 6),
        ("text value", TINY.replace("176.0", "early"), "row", 6),
        ("window reversed", TINY.replace("176.0      228.0", "276.0      228.0"), "DueDate", 6),
        ("no depot", TINY.replace("D0         d", "D0         c"), "Type", None),
    ],
)
def test_malformed_file_names_line_and_field(
    defect: str, text: str, field: str, row: int | None
) -> None:
    """Each defect of an E-VRPTW file is refused with its line and field."""
    with pytest.raises(InputError) as err:
        parse_evrptw(text, file="bad.txt")
    problem = err.value.problems[0]
    assert (problem.file, str(problem.column), problem.row) == ("bad.txt", field, row), defect


@pytest.mark.skipif(not VRP.is_dir(), reason="benchmark data ../shared/data absent")
def test_every_shipped_instance_reads_and_checks() -> None:
    """All 45 E-VRPTW files read into instances the model's check accepts."""
    files = sorted((VRP / "evrptw").glob("*/*.txt"))
    assert len(files) == 45
    for f in files:
        instance = read_evrptw(f)
        assert check_instance(instance) == [], f
        assert len(instance.stops) == {"5": 5, "10": 10, "15": 15, "100": 100}[f.parent.name]
