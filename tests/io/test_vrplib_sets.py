"""Tests of the VRPLIB benchmark readers and the .sol reader and writer.

Each published best solution is re-costed through the independent checker
(:mod:`optimizer.evaluate`) on the instance our reader builds; getting the
published value exactly proves the set's rounding convention.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import vrplib
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.evaluate import check
from optimizer.io.errors import InputError
from optimizer.io.vrplib_sets import UNLOAD_ID, objective_scale, parse_vrplib, read_vrplib
from optimizer.io.vrplib_solution import (
    read_lkh3_tour,
    read_vrplib_solution,
    result_from_routes,
    write_vrplib_solution,
)
from optimizer.model import Instance
from optimizer.model import check as check_instance
from optimizer.routing.result import RoutingResult, VisitKind

VRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp"
BAD = Path(__file__).resolve().parent / "vrplib_bad"

needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="benchmark data ../shared/data absent")


def _published(
    instance_path: Path, solution_path: Path, rounding: str | None = None
) -> tuple[Instance, RoutingResult]:
    instance = read_vrplib(instance_path, rounding=rounding)
    if solution_path.suffix == ".tour":
        sol = read_lkh3_tour(solution_path, instance)
    else:
        sol = read_vrplib_solution(solution_path, instance)
    result = result_from_routes(instance, sol.routes)
    assert check(instance, result) == []
    assert check_instance(instance) == []
    return instance, result


@needs_data
def test_x_n101_k25_costs_27591() -> None:
    """The published X-n101-k25 solution costs 27591 with nearest-integer distances."""
    instance, result = _published(VRP / "cvrp_x/X-n101-k25.vrp", VRP / "cvrp_x/X-n101-k25.sol")
    assert result.objective_value == 27591
    assert instance.meta["objective_scale"] == "1"
    assert sum(s.demand_kg for s in instance.stops) <= 206 * instance.num_vehicles


@needs_data
def test_rc208_costs_776_1_with_one_decimal_truncation() -> None:
    """RC208's best solution costs 776.1 (7761 tenths) with distances truncated to 0.1."""
    instance, result = _published(VRP / "small/RC208.vrp", VRP / "small/RC208.sol")
    assert result.objective_value == 7761
    assert result.objective_value / objective_scale(instance) == pytest.approx(776.1, abs=1e-9)
    assert all(s.window is not None for s in instance.stops)


@needs_data
def test_e_n22_k4_optimal_tour_costs_375() -> None:
    """The known optimal E-n22-k4 routes (CVRPLIB E-n22-k4.sol) cost 375 within capacity."""
    instance = read_vrplib(VRP / "small/E-n22-k4.txt")
    routes = [["17", "20", "18", "15", "12"], ["16", "19", "21", "14"]]
    routes += [["13", "11", "4", "3", "8", "10"], ["9", "7", "5", "2", "1", "6"]]
    result = result_from_routes(instance, routes)
    assert check(instance, result) == []
    assert result.objective_value == 375


@needs_data
def test_mtvrptwr_c201_costs_15006_in_tenths_with_reloads() -> None:
    """C201R0.25's optimal multi-trip plan costs 15006 (×10 units) and honours release dates."""
    instance, result = _published(VRP / "mtvrptwr/C201R0.25.vrp", VRP / "mtvrptwr/C201R0.25.sol")
    assert result.objective_value == 15006
    reloads = [v for r in result.routes for v in r.visits[1:-2] if v.kind is VisitKind.UNLOAD]
    assert reloads and all(v.location == UNLOAD_ID for v in reloads)
    assert any(s.release_s > 0 for s in instance.stops)
    assert instance.vehicle_types[0].max_load_kg_per_day is None


@needs_data
def test_x115_hvrp_costs_published_value_with_fleet_slots() -> None:
    """X115-HVRP's solution costs 1941256006 in PyVRP's ×10^5 integer form, by vehicle type."""
    instance, result = _published(VRP / "small/X115-HVRP.vrp", VRP / "small/X115-HVRP.sol")
    assert round(result.objective_value * 100_000) == 1941256006
    assert [(v.count, v.capacity_kg) for v in instance.vehicle_types] == [
        (11, 54.0),
        (7, 131.0),
        (1, 322.0),
    ]
    assert {r.vehicle_type for r in result.routes} == {"T1", "T2", "T3"}


@needs_data
@pytest.mark.parametrize("name", ["X110-HD", "X125-HVRP", "X153-FSMFD"])
def test_hfvrp_costs_published_two_decimal_value(name: str) -> None:
    """HFVRP solutions stated to two decimals cost exactly that with unrounded distances."""
    sol = VRP / f"hfvrp/{name}.sol"
    instance, result = _published(VRP / f"hfvrp/{name}.vrp", sol, rounding="raw")
    assert round(result.objective_value, 2) == read_vrplib_solution(sol, instance).cost


def _solomon_rows() -> list[tuple[str, int, float]]:
    table = VRP / "solomon100/lkh3_solomon100_best.csv"
    if not table.exists():
        return []
    with table.open() as f:
        rows = csv.DictReader(f)
        return [(r["instance"], int(r["vehicles"]), float(r["lkh3_distance_dimacs"])) for r in rows]


@needs_data
@pytest.mark.parametrize(("name", "vehicles", "best"), _solomon_rows())
def test_solomon_lkh3_tour_costs_the_published_distance(
    name: str, vehicles: int, best: float
) -> None:
    """Every LKH-3 best Solomon tour is feasible and costs the published distance ×10."""
    path = VRP / f"solomon100/{name}.100.{vehicles}.vrptw"
    tour = VRP / f"solomon100/tours/{name}.100.{vehicles}.{round(best * 10)}.tour"
    instance, result = _published(path, tour)
    assert result.objective_value == round(best * 10)
    assert read_lkh3_tour(tour, instance).cost == round(best * 10)
    assert result.num_vehicles <= instance.num_vehicles


@needs_data
def test_gehring_homberger_c1_10_1_costs_42444_8() -> None:
    """The 1000-customer C1_10_1 best solution costs 42444.8 with one-decimal truncation."""
    _, result = _published(VRP / "gh1000/C1_10_1.vrp", VRP / "gh1000/C1_10_1.sol")
    assert result.objective_value == 424448


@needs_data
@pytest.mark.parametrize(
    "pair",
    [("small/RC208.vrp", "small/RC208.sol"), ("small/X115-HVRP.vrp", "small/X115-HVRP.sol")],
)
def test_sol_round_trip_keeps_routes_and_cost(pair: tuple[str, str], tmp_path: Path) -> None:
    """Writing a plan as .sol and reading it back gives the same routes, slots and cost."""
    instance, result = _published(VRP / pair[0], VRP / pair[1])
    out = tmp_path / "plan.sol"
    write_vrplib_solution(out, instance, result)
    back = read_vrplib_solution(out, instance)
    again = result_from_routes(instance, back.routes)
    assert [r.stops for r in again.routes] == [r.stops for r in result.routes]
    assert [r.vehicle_type for r in again.routes] == [r.vehicle_type for r in result.routes]
    assert back.cost == pytest.approx(result.objective_value / objective_scale(instance))


def test_sol_writer_writes_reloads_as_zero(tmp_path: Path) -> None:
    """A multi-trip plan's reloads appear as 0 inside the route of the written .sol file."""
    text = (BAD / "Good.vrp").read_text().replace("TYPE : CVRP", "TYPE : MTVRPTWR")
    text = text.replace("CAPACITY : 10", "CAPACITY : 10\nVEHICLES : 1")
    windows = "".join(f"{k} 0 100\n" for k in range(1, 5))
    extra = f"TIME_WINDOW_SECTION\n{windows}VEHICLES_RELOAD_DEPOT_SECTION\n1 1\n"
    text = text.replace("\nDEPOT_SECTION", "\n" + extra + "DEPOT_SECTION")
    instance = parse_vrplib(text, file="MultiTrip.vrp")
    result = result_from_routes(instance, [["1", "3", UNLOAD_ID, "2"]])
    assert check(instance, result) == []
    write_vrplib_solution(tmp_path / "mt.sol", instance, result)
    assert vrplib.read_solution(tmp_path / "mt.sol")["routes"] == [[1, 3, 0, 2]]


@settings(max_examples=30, deadline=None)
@given(
    coords=st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000)), min_size=2, max_size=12),
    data=st.data(),
)
def test_reader_round_trips_vrplib_writer(
    coords: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Any instance written by vrplib reads back with its coordinates, demands and distances."""
    demand = [0] + [data.draw(st.integers(0, 20)) for _ in coords[1:]]
    capacity = max(20, sum(demand))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "R.vrp"
        vrplib.write_instance(
            path,
            {
                "NAME": "R",
                "TYPE": "CVRP",
                "DIMENSION": len(coords),
                "EDGE_WEIGHT_TYPE": "EUC_2D",
                "CAPACITY": capacity,
                "NODE_COORD_SECTION": np.array(coords),
                "DEMAND_SECTION": np.array(demand),
                "DEPOT_SECTION": np.array([1, -1]),
            },
        )
        instance = read_vrplib(path)
    assert [s.demand_kg for s in instance.stops] == demand[1:]
    assert [(s.lon, s.lat) for s in instance.stops] == [tuple(map(float, xy)) for xy in coords[1:]]
    assert instance.vehicle_types[0].capacity_kg == capacity
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    d = math.floor(math.hypot(x1 - x0, y1 - y0) + 0.5)
    assert instance.travel.distance("0", str(len(coords) - 1)) == d


@pytest.mark.parametrize(
    ("name", "field", "row"),
    [
        ("MissingDemandSection.vrp", "DEMAND_SECTION", None),
        ("DimensionLargerThanSections.vrp", "NODE_COORD_SECTION", 10),
        ("NonNumericCoordinate.vrp", "NODE_COORD_SECTION", 9),
        ("TwoDepots.vrp", "DEPOT_SECTION", 17),
        ("NodeIdsOutOfOrder.vrp", "NODE_COORD_SECTION", 10),
        ("UnsupportedSection.vrp", "BACKHAUL_SECTION", 16),
        ("DemandRowTooLong.vrp", "DEMAND_SECTION", 15),
        ("DimensionNotANumber.vrp", "DIMENSION", 3),
    ],
)
def test_malformed_file_names_file_line_and_field(name: str, field: str, row: int | None) -> None:
    """A malformed VRPLIB file is refused with the file, line and field of its defect."""
    with pytest.raises(InputError) as err:
        read_vrplib(BAD / name)
    problem = err.value.problems[0]
    assert problem.file.endswith(name)
    assert (problem.column, problem.row) == (field, row)


def test_good_tiny_file_reads() -> None:
    """The well-formed twin of the malformed files reads, so each defect alone is refused."""
    instance = read_vrplib(BAD / "Good.vrp")
    assert [s.id for s in instance.stops] == ["1", "2", "3"]
    assert instance.travel.distance("0", "1") == 5
    assert instance.travel.distance("0-unload", "2") == 10


@needs_data
@pytest.mark.parametrize("rounding", ["nint", "dimacs", "exact"])
def test_large_files_compute_the_same_distances_on_demand(
    rounding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the dense limit, every distance equals the dense matrix's, bit for bit."""
    path = VRP / "cvrp_x" / "X-n101-k25.vrp"
    dense = read_vrplib(path, rounding=rounding)
    monkeypatch.setattr("optimizer.io.vrplib_sets.DENSE_MAX_POINTS", 50)
    lazy = read_vrplib(path, rounding=rounding)
    assert type(lazy.travel.distance_m).__name__ == "EuclideanView"
    assert lazy.travel.ids == dense.travel.ids
    for name in ("distance_m", "duration_s"):
        whole = np.asarray(getattr(lazy.travel, name))
        assert np.array_equal(whole, getattr(dense.travel, name))
        m = getattr(lazy.travel, name)
        assert all(m[i, j] == whole[i, j] for i in range(0, 102, 7) for j in range(0, 102, 5))
    # The horizon is only a bound on a route's length: looser, never shorter.
    assert lazy.vehicle_types[0].shift.end >= dense.vehicle_types[0].shift.end


@needs_data
def test_ten_thousand_customers_read_without_a_dense_matrix() -> None:
    """Ghent1 (10,000 customers) is read in well under a gigabyte (4.7 GB with dense matrices)."""
    code = (
        "import resource, sys;"
        "from optimizer.io.vrplib_sets import read_vrplib;"
        f"i = read_vrplib({str(VRP / 'xxl' / 'Ghent1.vrp')!r});"
        "assert len(i.stops) == 10000;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert int(out.stdout.split()[-1]) < 1_000_000  # kB
