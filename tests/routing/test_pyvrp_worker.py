"""PyVRP searches in a worker process: results, progress, Ctrl-C and errors as in-process."""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from pathlib import Path

import pytest
import pyvrp
from pyvrp.stop import MaxIterations

from optimizer.evaluate import check
from optimizer.io.load import read_instance
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.pyvrp_engine import _Builder, _Stop
from optimizer.routing.pyvrp_worker import Ended, search
from optimizer.routing.solve import Progress, solve
from tests.commands.conftest import small_county


def _data_and_stop(iterations: int) -> tuple[pyvrp.ProblemData, _Stop, list[tuple[float, int]]]:
    inst = small_county()
    seen: list[tuple[float, int]] = []
    stops = [s.id for s in inst.stops]
    builder = _Builder(inst, stops, list(inst.vehicle_types), RoutingParams(), Objective.COST)
    stop = _Stop(MaxIterations(iterations), 1.0, lambda c, n: seen.append((c, n)), None)
    return builder.data, stop, seen


def test_worker_returns_the_same_solution_and_progress_as_a_search_here() -> None:
    """A seeded search gives the same best solution in the worker, and its progress arrives."""
    data, stop, seen = _data_and_stop(200)
    found = search(data, stop, seed=3, limit_s=30.0)
    assert isinstance(found, pyvrp.Solution)
    here = pyvrp.solve(data, stop=MaxIterations(200), seed=3, collect_stats=False).best
    assert found.distance() == here.distance() and found.is_feasible()
    assert seen and stop.improvements == len(seen) and stop.best < float("inf")


class Broken(ValueError):
    """An error raised inside the worker's search."""


def test_error_in_the_worker_is_raised_here() -> None:
    """An exception inside the worker's search reaches the caller, not a silent empty plan."""
    data, stop, _ = _data_and_stop(10)

    def explode(best_cost: float) -> bool:
        raise Broken("in the worker")

    stop.limit = explode  # type: ignore[assignment]
    with pytest.raises(Broken):
        search(data, stop, seed=1, limit_s=30.0)


def test_ctrl_c_during_a_pyvrp_search_keeps_its_best_plan() -> None:
    """Ctrl-C while the worker searches stops it and keeps a checked plan of what it found."""

    def interrupt_at_first(p: Progress) -> None:
        if p.num_solutions == 1:
            os.kill(os.getpid(), signal.SIGINT)

    inst = small_county()
    params = RoutingParams(engine="pyvrp", objective=Objective.DISTANCE, time_limit_s=60)
    result = solve(inst, params=params, progress=interrupt_at_first)
    assert result.status == "interrupted"
    assert result.runtime_s < 30
    assert result.routes and check(inst, result) == []


def _never_stops() -> pyvrp.ProblemData:
    """Return PyVRP's model of the county of class #9 with its fleet at D1."""
    county = Path(__file__).resolve().parents[1] / "data" / "routing" / "pyvrp_search_never_stops"
    inst = read_instance(county)
    types = [dataclasses.replace(vt, depot="D1") for vt in inst.vehicle_types]
    inst = dataclasses.replace(inst, vehicle_types=tuple(types))
    stops = [s.id for s in inst.stops]
    return _Builder(inst, stops, types, RoutingParams(), Objective.COST).data


def test_a_search_that_never_stops_is_ended() -> None:
    """PyVRP's search on the county of class #9 (fleet at D1) never ends; the worker ends it."""
    # Seed 0 gets stuck before its 100th iteration (PyVRP 0.14.1): without the
    # worker this call never returns.
    stop = _Stop(MaxIterations(100), 1.0, None, None)
    assert isinstance(search(_never_stops(), stop, seed=0, limit_s=0.0), Ended)


def test_ctrl_c_ends_a_stuck_search_long_before_its_time_limit() -> None:
    """Ctrl-C during a stuck search ends it after the grace, not after its 600 s limit."""
    t0 = time.perf_counter()
    stop = _Stop(MaxIterations(100), 1.0, None, lambda: time.perf_counter() - t0 > 0.5)
    assert isinstance(search(_never_stops(), stop, seed=0, limit_s=600.0), Ended)
    assert time.perf_counter() - t0 < 120


def _distance_in_pool_worker(iterations: int) -> int:
    data, stop, _ = _data_and_stop(iterations)
    found = search(data, stop, seed=3, limit_s=30.0)
    assert isinstance(found, pyvrp.Solution)
    return int(found.distance())


def test_a_daemonic_pool_worker_searches_in_process() -> None:
    """Inside a multiprocessing pool (daemonic, no children allowed) the search still runs."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_distance_in_pool_worker, (50,)) > 0
