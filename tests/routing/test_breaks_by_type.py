"""Fleets whose types break at different hours, with a daily stop limit (generated county 5).

The instance is the fifth generated county of ``benchmarks/breaks/run.py
--sets county`` (tests/county_gen.py, a break mid-shift on every type):
three types whose break windows open at 6:52, 9:15 and 10:15, each with
a binding daily stop limit, cost objective.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from optimizer.evaluate import check, check_route
from optimizer.io.load import read_instance
from optimizer.model import Instance
from optimizer.routing import engines, pyvrp_engine
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve

BY_TYPE = Path(__file__).resolve().parents[1] / "data" / "routing" / "breaks_differ_by_type.json"


def _without_breaks(inst: Instance) -> Instance:
    types = tuple(dataclasses.replace(vt, break_=None) for vt in inst.vehicle_types)
    return dataclasses.replace(inst, vehicle_types=types)


def test_pyvrp_keeps_a_daily_stop_limit_under_the_cost_objective() -> None:
    """PyVRP plans every stop within the daily stop limits it carries in its distance.

    With one distance unit per stop, PyVRP's largest penalty for a stop over
    the limit was worth a few seconds of a route in cost units: the search
    never reached a plan within the limits and returned none.
    """
    inst = _without_breaks(read_instance(BY_TYPE))
    types = list(inst.vehicle_types)
    assert pyvrp_engine._distance_carries(inst, types) == "stops"
    run = pyvrp_engine.solve_component(
        inst,
        [s.id for s in inst.stops],
        types,
        params=RoutingParams(seed=0, solution_limit=60),
        time_limit_s=30,
    )
    assert run.routes and not run.dropped
    assert [v for r in run.routes for v in check_route(inst, r)] == []
    limit = {vt.id: vt.max_stops for vt in types}
    assert all(len(r.stops) <= limit[r.vehicle_type] for r in run.routes)


def test_breaks_at_different_hours_cost_no_vehicle_more_than_no_breaks() -> None:
    """With each type's break, the plan needs no more vehicles than the plan without breaks.

    The engine reserves the longest break from the earliest window on every
    stop, which cost this county two vehicles; a plan made without breaks and
    given them afterwards is now kept when it is better.
    """
    inst = read_instance(BY_TYPE)
    assert engines._breaks_differ(inst.vehicle_types)
    params = RoutingParams(seed=0, solution_limit=60, time_limit_s=30)
    free = solve(_without_breaks(inst), params=params)
    result = solve(inst, params=params)
    assert check(inst, result) == [] and not result.unserved and not free.unserved
    assert result.num_vehicles <= free.num_vehicles
