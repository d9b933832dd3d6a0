"""Large counties are planned by parts: every stop once, checked, never a worse plan, on time."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections import Counter

import pytest

from optimizer.demo_county import build_large_county
from optimizer.evaluate import check
from optimizer.model import Instance
from optimizer.routing.decompose import sweep_parts
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import RoutingResult, UnservedReason
from optimizer.routing.solve import Progress, components, solve

# Small parts and few iterations: the parts of a 1,500-stop county in seconds.
SMALL = {"decompose_above": 300, "part_stops": 300, "solution_limit": 1}


@pytest.fixture(scope="module")
def county() -> Instance:
    return build_large_county(1500)


@pytest.fixture(scope="module")
def planned(county: Instance) -> tuple[RoutingResult, list[Progress]]:
    seen: list[Progress] = []
    # Two worker processes: the parts run as they would on a laptop.
    params = RoutingParams(time_limit_s=120, rounds=1, jobs=2, **SMALL)  # type: ignore[arg-type]
    return solve(county, params=params, progress=seen.append), seen


def test_large_county_generator_keeps_the_demo_rules(county: Instance) -> None:
    """The 1,500-stop county has the demo's five streams, breaks, stop limits and more vehicles."""
    assert abs(len(county.stops) - 1500) <= 5
    assert len({s.stream for s in county.stops}) == 5
    assert all(vt.break_ is not None and vt.max_stops for vt in county.vehicle_types)
    assert sum(vt.count for vt in county.vehicle_types) > 40
    assert build_large_county(1500).stops == county.stops  # seeded


def test_sweep_parts_share_the_fleet_without_creating_vehicles(county: Instance) -> None:
    """Parts cover each stop once and their vehicle counts add up to the fleet."""
    big = max(components(county, [s.id for s in county.stops]), key=lambda c: len(c.stops))
    parts = sweep_parts(county, list(big.stops), list(big.types), 250)
    assert len(parts) >= 3
    assert sorted(s for ids, _ in parts for s in ids) == sorted(big.stops)
    for vt in big.types:
        assert sum(counts[vt.id] for _, counts in parts) == vt.count


def test_decomposed_plan_serves_every_stop_once_and_passes_the_checker(
    planned: tuple[RoutingResult, list[Progress]], county: Instance
) -> None:
    """The plan by parts serves every stop exactly once and the independent checker accepts it."""
    result, _ = planned
    assert check(county, result) == []
    served = Counter(s for r in result.routes for s in r.stops)
    assert set(served) == {s.id for s in county.stops}
    assert max(served.values()) == 1
    assert result.settings["improvement_rounds"] == 1


def test_whole_plan_progress_never_gets_worse(
    planned: tuple[RoutingResult, list[Progress]],
) -> None:
    """Each whole-plan report serves no fewer stops than the last, and costs no more if as many."""
    result, seen = planned
    assert seen and all(p.whole_plan for p in seen)
    keys = [(-p.num_planned, p.best_objective) for p in seen]
    assert all(b <= a for a, b in itertools.pairwise(keys))
    assert seen[-1].best_objective == pytest.approx(result.objective_value)


def test_decomposition_keeps_the_time_limit(county: Instance) -> None:
    """Without a work limit, the search by parts (in-process) ends within the limit plus a bound.

    The first whole plan is always finished (there is nothing to keep
    before it), so on a busy machine the limit counts from whichever is
    later: the limit or the first plan.
    """
    params = RoutingParams(time_limit_s=6, decompose_above=300, part_stops=250)
    t0 = time.perf_counter()
    result = solve(county, params=params)
    elapsed = time.perf_counter() - t0
    first = float(result.settings["first_plan_s"])  # type: ignore[arg-type]
    assert elapsed <= max(6.0, first) * 1.05 + 10
    assert check(county, result) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ctrl_c_after_the_first_plan_keeps_it(county: Instance, seed: int) -> None:
    """Ctrl-C once the first whole plan exists ends the run with that plan, complete and checked.

    Three seeds: with smaller PyVRP perturbations from the empty plan of
    the medical part (break markers), two of them lost clinics (see
    ``pyvrp_engine.PERTURB_MAX``).
    """

    def interrupt(p: Progress) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    params = RoutingParams(time_limit_s=600, seed=seed, **SMALL)  # type: ignore[arg-type]
    result = solve(county, params=params, progress=interrupt)
    assert result.status == "interrupted"
    assert check(county, result) == []
    assert not result.unserved
    assert result.settings["improvement_rounds"] <= 1


def test_ctrl_c_during_the_first_plan_accounts_for_every_stop(county: Instance) -> None:
    """Ctrl-C before the first whole plan: each stop is served or reported unserved, and checked."""
    params = RoutingParams(time_limit_s=600, **SMALL)  # type: ignore[arg-type]
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = solve(county, params=params)
    finally:
        timer.cancel()
    assert result.status == "interrupted"
    assert check(county, result) == []
    assert any(u.reason is UnservedReason.INTERRUPTED for u in result.unserved)


def test_parts_run_on_a_dask_cluster(county: Instance) -> None:
    """With a Dask scheduler the parts run on its workers: every stop once, checked.

    The instance travels to the worker process pickled (read-only mappings
    included), and each part's deadline as a wall-clock time.
    """
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        params = RoutingParams(
            time_limit_s=120,
            rounds=1,
            scheduler=cluster.scheduler_address,
            **SMALL,  # type: ignore[arg-type]
        )
        result = solve(county, params=params)
        ran = set(cluster.scheduler.task_prefixes)
    assert "solve_part_on" in ran
    assert check(county, result) == []
    served = Counter(s for r in result.routes for s in r.stops)
    assert set(served) == {s.id for s in county.stops}
    assert max(served.values()) == 1


def test_a_large_whole_component_is_improved_by_groups(county: Instance) -> None:
    """A component above ``improve_above`` that is not cut: planned whole, then improved in groups.

    Every stop once, checked, and the rounds' whole-plan reports never
    worse than the first plan (the Kim set's 1,048-2,092-stop components
    take this path at the defaults).
    """
    seen: list[Progress] = []
    params = RoutingParams(
        time_limit_s=120,
        decompose_above=5000,
        improve_above=300,
        group_stops=150,
        solution_limit=1,
        rounds=1,
    )
    result = solve(county, params=params, progress=seen.append)
    assert result.settings["improvement_rounds"] == 1
    assert "1 part(s)" in " ".join(result.settings["engine_choice"])  # type: ignore[arg-type]
    assert check(county, result) == []
    served = Counter(s for r in result.routes for s in r.stops)
    assert set(served) == {s.id for s in county.stops} and max(served.values()) == 1
    keys = [(-p.num_planned, p.best_objective) for p in seen]
    assert all(b <= a for a, b in itertools.pairwise(keys))
