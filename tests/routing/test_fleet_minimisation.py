"""Fleet minimisation in PyVRP's search, per-day limits in the engine, plain PyVRP reference."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import pyvrp

from optimizer.bench.plain_pyvrp import solve_plain_pyvrp
from optimizer.evaluate import check
from optimizer.io.kim import parse_kim
from optimizer.io.vrplib_sets import read_vrplib
from optimizer.io.vrplib_solution import result_from_routes
from optimizer.model import Instance
from optimizer.routing import engines, pyvrp_engine
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.solve import solve

DATA = Path(__file__).resolve().parents[1] / "bench" / "data"


def _kim_like(*, daily_yd3: float, max_stops: int, n: int = 36) -> Instance:
    """Return a Kim-format instance: n stops of 5 yd3 on a grid, 40 yd3 trucks, one landfill."""
    header = (
        "40.0 // vehicle capacity (yards)\n"
        f"{daily_yd3} // total yardage allowed for a vehicle per day\n"
        f"{max_stops} // total number of regular stops for a vehicle allowed per day\n"
        "3600 // lunch time duration in second\n"
        "40 // speed: MPH\n"
        "Stop_ID X Y Early Late Service Load Type\n"
    )
    rows = ["0 0 0 0700 1700 0 9999 0", "1 26400 0 0600 1800 600 9999 2"]
    for k in range(n):
        x, y = 2640 * (k % 6) + 1000, 2640 * (k // 6) - 6000
        rows.append(f"{k + 2} {x} {y} 0000 2400 240 5 1")
    return parse_kim(header + "\n".join(rows) + "\n", "kim-like")


def _reduce(
    instance: Instance, *, polish_until: float = 1.0, fewest: int = 1
) -> tuple[pyvrp_engine._Builder, pyvrp.Solution, pyvrp.Solution, pyvrp_engine._Budget]:
    """Search the first complete plan (work-bounded), then reduce its fleet.

    Returns the model, the first plan, the reduced plan and the budget spent.
    """
    vt = instance.vehicle_types[0]
    params = RoutingParams(objective=Objective.DISTANCE, minimize_vehicles=True, seed=1)
    builder = pyvrp_engine._Builder(
        instance, [s.id for s in instance.stops], [vt], params, Objective.DISTANCE
    )
    assert builder.required is not None
    stop = pyvrp_engine._Stop(
        pyvrp_engine._Deadline(math.inf), 1.0, None, None, len(builder.stop_ids)
    )
    budget = pyvrp_engine._Budget(stop, 30.0, work=1500)
    stop.limit = budget.criterion(0.3)
    first = stop.search(builder.required, params.seed, until_complete=True)
    best = pyvrp_engine._fewer_vehicles(
        builder.required, first, stop, params.seed, budget, polish_until=polish_until, fewest=fewest
    )
    return builder, first, best, budget


def test_fleet_reduction_removes_vehicles_from_the_first_complete_plan() -> None:
    """The search's first complete plan is cut down to the load bound: 180 yd3 at 60 a day is 3."""
    instance = _kim_like(daily_yd3=60.0, max_stops=500)
    builder, first, best, _ = _reduce(instance)
    assert pyvrp_engine._complete(len(builder.stop_ids), first)
    lower = math.ceil(36 * 5 / 60.0)
    assert first.num_routes() > lower
    assert best.num_routes() == lower
    routes, dropped = builder.decode(best)
    assert not dropped
    assert all(sum(instance.stop(s).demand_kg for s in r.stops) <= 60.0 for r in routes)


def test_the_polish_ends_where_the_caller_takes_over() -> None:
    """``polish_until`` (decompose's rounds shorten the plan next): same fleet, the rest left."""
    instance = _kim_like(daily_yd3=60.0, max_stops=500)
    left = {}
    for until in (1.0, 0.6):
        builder, _, best, budget = _reduce(instance, polish_until=until)
        assert best.num_routes() == math.ceil(36 * 5 / 60.0)
        assert pyvrp_engine._complete(len(builder.stop_ids), best)
        left[until] = budget.left()
    assert left[1.0] < 0.01
    assert left[0.6] == pytest.approx(0.4, abs=0.02)


def test_no_removal_is_tried_below_the_lower_bound() -> None:
    """At the load bound (3 vehicles) the reduction stops: no failed attempt spends the budget."""
    instance = _kim_like(daily_yd3=60.0, max_stops=500)
    assert fleet_lower_bound(instance, instance.stops, instance.vehicle_types[0]) == 3
    used = {}
    for fewest in (1, 3):
        _, _, best, budget = _reduce(instance, polish_until=0.0, fewest=fewest)
        assert best.num_routes() == 3
        used[fewest] = budget.used()
    # Below the bound every attempt fails after its full share (and a retry).
    assert used[3] + 2 * pyvrp_engine.ATTEMPT_SHARE <= used[1]


def test_kim_like_plan_with_fewest_vehicles_is_checked() -> None:
    """Through solve: every stop served, every rule checked, as few vehicles as the load bound."""
    instance = _kim_like(daily_yd3=60.0, max_stops=500)
    params = RoutingParams(
        objective=Objective.DISTANCE, minimize_vehicles=True, solution_limit=20, seed=2
    )
    result = solve(instance, params=params)
    assert check(instance, result) == []
    assert not result.unserved
    assert result.num_vehicles == 3


def test_per_day_stop_limit_is_kept_by_the_engine() -> None:
    """9 stops a day (the load cannot bind: 180 of 400 yd3) is in PyVRP's model, not cut later."""
    instance = _kim_like(daily_yd3=400.0, max_stops=9)
    vt = instance.vehicle_types[0]
    params = RoutingParams(
        objective=Objective.DISTANCE, minimize_vehicles=True, solution_limit=20, seed=3
    )
    assert pyvrp_engine.unsupported(instance, [vt]) == []
    assert engines.choose(instance, [vt], params, None).engine == "pyvrp"
    run = pyvrp_engine.solve_component(
        instance, [s.id for s in instance.stops], [vt], params=params, time_limit_s=30.0
    )
    assert not run.dropped
    assert max(len(r.stops) for r in run.routes) <= 9
    assert len(run.routes) == 4  # 36 stops at 9 a day


def test_plain_pyvrp_reference_solves_tiny_to_its_optimum() -> None:
    """PyVRP's documented model, run as the benchmark reference, finds Tiny6's proven 327."""
    instance = read_vrplib(DATA / "Tiny6.vrp")
    run = solve_plain_pyvrp(instance, time_limit_s=0.5, seed=0)
    result = result_from_routes(instance, run.routes)
    assert check(instance, result) == []
    assert result.objective_value == 327


def test_ortools_without_a_complete_plan_gives_up_early_and_is_rescued() -> None:
    """One truck, 36 stops, 4 a day: OR-Tools stops early, the rescue still plans 4 stops."""
    import dataclasses

    from optimizer.routing import ortools_engine

    instance = _kim_like(daily_yd3=400.0, max_stops=4)
    truck = dataclasses.replace(instance.vehicle_types[0], count=1)
    instance = dataclasses.replace(instance, vehicle_types=(truck,))
    params = RoutingParams(objective=Objective.DISTANCE, engine="ortools", time_limit_s=3.0)
    choice = engines.choose(instance, [truck], params, None)
    ids = [s.id for s in instance.stops]
    run = engines.run(
        choice,
        instance,
        ids,
        [truck],
        params=params,
        time_limit_s=3.0,
        initial=None,
        on_solution=None,
        interrupted=None,
    )
    alone = ortools_engine.solve_component(
        instance, ids, [truck], params=params, time_limit_s=3.0, give_up_share=0.2
    )
    assert alone.status == "gave_up" and alone.runtime_s < 2.0
    assert len(run.routes) == 1 and len(run.routes[0].stops) == 4
    assert len(run.dropped) == 32
    assert run.build_s + run.runtime_s < 6.0
