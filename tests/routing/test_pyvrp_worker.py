"""PyVRP searches in a worker process: results, progress, Ctrl-C and errors as in-process."""

from __future__ import annotations

import functools
import os
import signal
import time

import pytest
import pyvrp
from pyvrp.stop import MaxIterations

from optimizer.evaluate import check
from optimizer.routing import pyvrp_worker
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.pyvrp_engine import _Builder, _Stop
from optimizer.routing.pyvrp_worker import Ended, search
from optimizer.routing.solve import Progress, solve
from tests.commands.conftest import small_county


def _plain(data: pyvrp.ProblemData, stop: _Stop, seed: int) -> pyvrp.Solution:
    """Plain ``pyvrp.solve`` under ``stop`` (a module function: it pickles)."""
    return pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False).best


def _solve(
    data: pyvrp.ProblemData, stop: _Stop, *, seed: int, limit_s: float, keep: bool = False
) -> pyvrp.Solution | Ended:
    """Run plain ``pyvrp.solve`` under ``stop`` in the worker (the kept one with ``keep``)."""
    return search(
        functools.partial(_plain, data, stop, seed),
        stop,
        num_clients=data.num_clients,
        limit_s=limit_s,
        keep=keep,
    )


def _data_and_stop(iterations: int) -> tuple[pyvrp.ProblemData, _Stop, list[tuple[float, int]]]:
    inst = small_county()
    seen: list[tuple[float, int]] = []
    stops = [s.id for s in inst.stops]
    builder = _Builder(inst, stops, list(inst.vehicle_types), RoutingParams(), Objective.COST)
    stop = _Stop(MaxIterations(iterations), 1.0, lambda c, n: seen.append((c, n)), None, len(stops))
    return builder.data, stop, seen


@pytest.mark.parametrize("keep", [False, True], ids=["forked", "kept"])
def test_worker_returns_the_same_solution_and_progress_as_a_search_here(keep: bool) -> None:
    """A seeded search gives the same best solution in the worker, and its progress arrives."""
    data, stop, seen = _data_and_stop(200)
    found = _solve(data, stop, seed=3, limit_s=30.0, keep=keep)
    assert isinstance(found, pyvrp.Solution)
    here = pyvrp.solve(data, stop=MaxIterations(200), seed=3, collect_stats=False).best
    assert found.distance() == here.distance() and found.is_feasible()
    assert seen and stop.improvements == len(seen) and stop.best < float("inf")


class Broken(ValueError):
    """An error raised inside the worker's search."""


def _explode(best_cost: float) -> bool:
    raise Broken("in the worker")


@pytest.mark.parametrize("keep", [False, True], ids=["forked", "kept"])
def test_error_in_the_worker_is_raised_here(keep: bool) -> None:
    """An exception inside the worker's search reaches the caller, not a silent empty plan."""
    data, stop, _ = _data_and_stop(10)
    stop.limit = _explode  # type: ignore[assignment]
    with pytest.raises(Broken):
        _solve(data, stop, seed=1, limit_s=30.0, keep=keep)
    # The kept worker answered and serves the next search.
    data, stop, _ = _data_and_stop(10)
    assert isinstance(_solve(data, stop, seed=1, limit_s=30.0, keep=keep), pyvrp.Solution)


def test_the_kept_worker_serves_search_after_search() -> None:
    """Searches sent to the kept worker run in one process, each with its own stop's state."""
    pids = set()
    for seed in range(3):
        data, stop, seen = _data_and_stop(50)
        found = _solve(data, stop, seed=seed, limit_s=30.0, keep=True)
        assert isinstance(found, pyvrp.Solution) and found.is_feasible()
        assert stop.iterations >= 50 and len(seen) == stop.improvements > 0
        assert pyvrp_worker._kept is not None
        pids.add(pyvrp_worker._kept.proc.pid)
    assert len(pids) == 1


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
    """Return the from-scratch PyVRP problem of class #9 (benchmarks/robustness)."""
    from benchmarks.robustness.pyvrp_loop_repro import problem

    return problem()


@pytest.mark.parametrize("keep", [False, True], ids=["forked", "kept"])
def test_a_search_that_never_stops_is_ended(keep: bool) -> None:
    """PyVRP's search on the problem of class #9 never ends; the worker ends it."""
    # Seed 0 gets stuck before its 2000th iteration (PyVRP 0.14.1): without the
    # worker this call never returns.
    data = _never_stops()
    stop = _Stop(MaxIterations(2000), 1.0, None, None, data.num_clients)
    assert isinstance(_solve(data, stop, seed=0, limit_s=0.0, keep=keep), Ended)
    # A search after it gets a new worker (the stuck one was ended).
    data, stop, _ = _data_and_stop(20)
    assert isinstance(_solve(data, stop, seed=1, limit_s=30.0, keep=keep), pyvrp.Solution)


@pytest.mark.parametrize("keep", [False, True], ids=["forked", "kept"])
def test_ctrl_c_ends_a_stuck_search_long_before_its_time_limit(keep: bool) -> None:
    """Ctrl-C during a stuck search ends it after the grace, not after its 600 s limit."""
    t0 = time.perf_counter()
    data = _never_stops()
    stop = _Stop(
        MaxIterations(2000), 1.0, None, lambda: time.perf_counter() - t0 > 0.5, data.num_clients
    )
    assert isinstance(_solve(data, stop, seed=0, limit_s=600.0, keep=keep), Ended)
    assert time.perf_counter() - t0 < 120


def _distance_in_pool_worker(iterations: int) -> int:
    data, stop, _ = _data_and_stop(iterations)
    found = _solve(data, stop, seed=3, limit_s=30.0)
    assert isinstance(found, pyvrp.Solution)
    return int(found.distance())


def test_a_daemonic_pool_worker_searches_in_process() -> None:
    """Inside a multiprocessing pool (daemonic, no children allowed) the search still runs."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_distance_in_pool_worker, (50,)) > 0


def _kept_search_in_child(out: object) -> None:
    data, stop, _ = _data_and_stop(20)
    found = _solve(data, stop, seed=2, limit_s=30.0, keep=True)
    out.put(isinstance(found, pyvrp.Solution) and found.is_feasible())  # type: ignore[attr-defined]


def test_a_forked_process_gets_its_own_kept_worker() -> None:
    """A process forked after a kept search searches with a worker of its own; ours serves on."""
    import multiprocessing

    data, stop, _ = _data_and_stop(20)
    assert isinstance(_solve(data, stop, seed=1, limit_s=30.0, keep=True), pyvrp.Solution)
    assert pyvrp_worker._kept is not None
    ours = pyvrp_worker._kept.proc.pid
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_kept_search_in_child, args=(out,))
    child.start()
    assert out.get(timeout=60) is True
    child.join(timeout=60)
    assert child.exitcode == 0
    data, stop, _ = _data_and_stop(20)
    assert isinstance(_solve(data, stop, seed=1, limit_s=30.0, keep=True), pyvrp.Solution)
    assert pyvrp_worker._kept is not None and pyvrp_worker._kept.proc.pid == ours


def test_searches_from_two_threads_at_once_both_finish() -> None:
    """A search from a second thread while the kept worker is busy forks its own child."""
    import threading

    found: dict[str, object] = {}

    def in_thread() -> None:
        data, stop, _ = _data_and_stop(400)
        found["thread"] = _solve(data, stop, seed=4, limit_s=30.0, keep=True)

    other = threading.Thread(target=in_thread)
    other.start()
    data, stop, _ = _data_and_stop(400)
    found["main"] = _solve(data, stop, seed=5, limit_s=30.0, keep=True)
    other.join(timeout=120)
    assert all(isinstance(f, pyvrp.Solution) and f.is_feasible() for f in found.values())
    assert len(found) == 2 and not pyvrp_worker._kept_lock.locked()


def test_a_search_that_does_not_pickle_is_refused_and_the_worker_stays_usable() -> None:
    """``keep`` with a job that cannot travel raises, and the next search still runs."""
    data, stop, _ = _data_and_stop(10)
    with pytest.raises(Exception, match=r"pickle|lambda|local"):
        search(
            lambda: _plain(data, stop, 1),
            stop,
            num_clients=data.num_clients,
            limit_s=30.0,
            keep=True,
        )
    assert not pyvrp_worker._kept_lock.locked()
    assert isinstance(_solve(data, stop, seed=1, limit_s=30.0, keep=True), pyvrp.Solution)


def test_a_component_searched_by_forked_children_computes_its_neighbourhood_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the kept worker the neighbourhood is computed here, where every child inherits it."""
    from optimizer.routing import pyvrp_engine

    monkeypatch.setattr(pyvrp_engine, "KEEP_WORKER_LOCATIONS", 0)
    calls: list[int] = []
    real = pyvrp_engine.compute_neighbours

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(os.getpid())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pyvrp_engine, "compute_neighbours", counted)
    data, stop, _ = _data_and_stop(20)
    for seed in range(3):
        stop.limit = MaxIterations(20)
        assert isinstance(stop.search(data, seed), pyvrp.Solution)
    assert calls == [os.getpid()]  # once, in this process


@pytest.mark.parametrize("keep", [0, 10_000], ids=["forked", "kept"])
def test_a_warm_started_search_never_returns_worse_than_its_start(
    keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start reaches the worker intact: its best plan costs at most the start's."""
    from optimizer.routing import pyvrp_engine

    monkeypatch.setattr(pyvrp_engine, "KEEP_WORKER_LOCATIONS", keep)
    data, stop, _ = _data_and_stop(30)
    stop.limit = MaxIterations(30)
    start = stop.search(data, 1)
    assert start.is_feasible()
    cost = pyvrp.CostEvaluator([1.0] * data.num_load_dimensions, 1.0, 1.0).penalised_cost
    stop.limit = MaxIterations(2)
    again = stop.search(data, 2, start)
    assert again.is_feasible() and cost(again) <= cost(start)
