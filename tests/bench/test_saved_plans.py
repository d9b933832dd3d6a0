"""Plans that ``bench`` keeps are auditable without countyopt: vrplib reads, plain code re-costs."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
import vrplib

from optimizer.bench.task import execute, make_task

VRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp"
needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="benchmark data ../shared/data absent")


def _dist(a: list[float], b: list[float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def plain_cost(instance: dict, routes: list[list[int]], set_type: str) -> float:
    """Return the published cost of ``routes`` from the file's data alone.

    CVRP X: nearest-integer distances. Solomon (LKH-3, SCALE 10, FLOOR_2D),
    Gehring-Homberger and MTVRPTWR: distances truncated to one decimal
    (``floor(10 d) / 10``); a 0 inside a route is a reload at the depot.
    HFVRP: per route, the fixed cost plus the unit cost times the distance
    (``round(1000 d) / 1000``) of the route's vehicle (route i = vehicle i),
    both stored ×100 in the file.
    """
    xy = instance["node_coord"]
    total = 0.0
    for slot, route in enumerate(routes):
        if not route:
            continue
        pairs = list(itertools.pairwise([0, *route, 0]))
        if set_type == "CVRP":
            legs = [float(math.floor(_dist(xy[a], xy[b]) + 0.5)) for a, b in pairs]
        elif set_type == "HFVRP":
            legs = [round(1000 * _dist(xy[a], xy[b])) / 1000 for a, b in pairs]
        else:
            legs = [math.floor(10 * _dist(xy[a], xy[b])) / 10 for a, b in pairs]
        if set_type == "HFVRP":
            fixed = instance["vehicles_fixed_cost"][slot] / 100
            unit = instance["vehicles_unit_distance_cost"][slot] / 100
            total += fixed + unit * sum(legs)
        else:
            total += sum(legs)
    return total


def served_once_within_capacity(instance: dict, routes: list[list[int]]) -> bool:
    """Return whether every customer is visited exactly once and no trip exceeds its capacity."""
    demand = instance["demand"]
    visited = sorted(n for r in routes for n in r if n != 0)
    if visited != list(range(1, len(demand))):
        return False
    capacity = instance["capacity"]
    for slot, route in enumerate(routes):
        cap = capacity[slot] if hasattr(capacity, "__len__") else capacity
        load = 0.0
        for node in [*route, 0]:
            if node == 0:  # end of a trip (reload at the depot)
                if load > cap + 1e-9:
                    return False
                load = 0.0
            else:
                load += demand[node]
    return True


# Seconds per run. R201's 8 vehicles leave room (its best plans use 4): C101's
# fleet is exactly its best plan's 10, and on a busy machine PyVRP may leave a
# customer out within seconds, which says nothing about saved plans.
CASES = [
    ("cvrp_x/X-n101-k25.vrp", "CVRP", 1.0),
    ("solomon100/R201.100.8.vrptw", "VRPTW", 2.0),
    ("small/RC208.vrp", "GH", 1.0),
    ("small/C201R0.25.vrp", "MTVRPTWR", 1.0),
    ("small/X115-HVRP.vrp", "HFVRP", 1.0),
]


@needs_data
@pytest.mark.parametrize(("file", "set_type", "seconds"), CASES, ids=[c[1] for c in CASES])
def test_saved_sol_reads_with_vrplib_and_recosts_with_plain_code(
    tmp_path: Path, file: str, set_type: str, seconds: float
) -> None:
    """A run's saved .sol is a valid VRPLIB solution whose plain-code cost is the recorded one."""
    path = VRP / file
    task = make_task(path, "pyvrp", 0, seconds, out_dir=tmp_path)
    record = execute(task)
    assert record["status"] == "ok" and record["feasible"], record.get("error")
    sol_path = tmp_path / record["plan"]
    assert sol_path.suffix == ".sol" and sol_path.is_file()

    solution = vrplib.read_solution(sol_path)
    instance = vrplib.read_instance(path, compute_edge_weights=False)
    routes = [list(map(int, r)) for r in solution["routes"]]
    assert served_once_within_capacity(instance, routes)
    cost = plain_cost(instance, routes, set_type)
    assert cost == pytest.approx(record["objective"], rel=1e-9, abs=1e-6)
    assert float(solution["cost"]) == pytest.approx(cost, rel=1e-9, abs=1e-6)
