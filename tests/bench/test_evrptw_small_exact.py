"""The small E-VRPTW optima are proven by an independent exact method, and ev-alns reaches them."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from optimizer.evaluate import check
from optimizer.io.evrptw import read_evrptw
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.solve import solve

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "vrp" / "evrptw"
OPTIMA = ROOT / "benchmarks" / "evrptw" / "small_optima.csv"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")


def _exact() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "exact_small", ROOT / "benchmarks" / "evrptw" / "exact_small.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _recorded() -> dict[str, dict[str, str]]:
    with OPTIMA.open(encoding="utf-8") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


@needs_data
@pytest.mark.parametrize("name", ["c101C5", "r104C5", "rc108C5", "rc204C5"])
def test_exact_method_proves_the_recorded_optimum(name: str) -> None:
    """Labelling plus set partitioning proves the vehicles and distance small_optima.csv records."""
    opt = _exact().solve(DATA / "5" / f"{name}.txt", time_limit=60)
    row = _recorded()[name]
    assert opt.status == "Optimal" and opt.gap == pytest.approx(0.0, abs=1e-9)
    assert opt.vehicles == int(row["vehicles"])
    assert opt.distance == pytest.approx(float(row["distance"]), abs=0.0005)


@needs_data
@pytest.mark.parametrize("name", ["c101C5", "r104C5", "rc108C5"])
def test_ev_alns_plan_equals_the_proven_optimum(name: str) -> None:
    """The engine's plan (300 iterations, seed 0) has the proven optimum's vehicles and distance."""
    opt = _exact().solve(DATA / "5" / f"{name}.txt", time_limit=60)
    instance = read_evrptw(DATA / "5" / f"{name}.txt")
    params = RoutingParams(
        objective=Objective.DISTANCE, minimize_vehicles=True, solution_limit=300, seed=0
    )
    result = solve(instance, params=params)
    assert check(instance, result) == [] and not result.unserved
    assert len(result.routes) == opt.vehicles
    assert result.distance_m / 1000 == pytest.approx(opt.distance, abs=0.005)


@needs_data
def test_route_check_refuses_a_route_without_its_charging_stop() -> None:
    """The LP cross-check accepts an optimal route that charges and refuses it with the stop cut."""
    exact = _exact()
    path = DATA / "5" / "r104C5.txt"
    problem = exact.load(path)
    opt = exact.solve(path, time_limit=60)
    index = {name: k for k, name in enumerate(problem.names)}
    charging = [r for r in opt.routes if any(problem.names.index(v) > problem.n for v in r[1:-1])]
    assert charging, "r104C5's optimum needs a charging stop"
    nodes = [index[v] for v in charging[0]]
    assert exact.route_lp(problem, nodes) is not None
    cut = [v for k, v in enumerate(nodes) if not (0 < k < len(nodes) - 1 and v > problem.n)]
    assert exact.route_lp(problem, cut) is None


@pytest.mark.benchmark
@needs_data
def test_exact_method_reproduces_the_ten_customer_optima() -> None:
    """Re-proving the 12 ten-customer files gives the table's vehicles and distances (~10 s)."""
    exact, recorded = _exact(), _recorded()
    for path in sorted((DATA / "10").glob("*.txt")):
        opt = exact.solve(path, time_limit=120)
        row = recorded[path.stem]
        assert opt.status == "Optimal"
        assert opt.vehicles == int(row["vehicles"])
        assert opt.distance == pytest.approx(float(row["distance"]), abs=0.0005)
