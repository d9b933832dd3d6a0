"""PyVRP with optional stops (the fleet cannot serve every stop) returns a plan within the rules.

The instance is a generated county (tests/county_gen.py, hypothesis seed 1,
ninth draw) left with one truck of its first type and no break: 33 stops
of three streams, a daily load limit, a shift of 6¼ hours. The required
search finds no complete plan, so the stops become optional with prizes
far above any route cost; with PyVRP's penalties capped at 1e5 per unit,
keeping a stop hours late cost less than its prize and the search
returned no plan at all (now one route serving 17 stops).
"""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pyvrp
import pyvrp.stop

from optimizer.evaluate import check_route
from optimizer.io.load import read_instance
from optimizer.routing import pyvrp_engine
from optimizer.routing.params import RoutingParams

SHORT = Path(__file__).resolve().parents[1] / "data" / "routing" / "one_truck_for_33_stops.json"


def test_pyvrp_drops_some_stops_rather_than_return_no_plan() -> None:
    """The plan serves most stops, drops the rest, and each route keeps the rules."""
    inst = read_instance(SHORT)
    ids = [s.id for s in inst.stops]
    run = pyvrp_engine.solve_component(
        inst,
        ids,
        list(inst.vehicle_types),
        params=RoutingParams(seed=0, solution_limit=40),
        time_limit_s=60,
    )
    assert run.status != "no_solution"
    served = {s for r in run.routes for s in r.stops}
    assert len(served) > len(ids) // 2
    assert served | set(run.dropped) == set(ids) and not served & set(run.dropped)
    assert [str(v) for r in run.routes for v in check_route(inst, r)] == []


def test_penalties_reach_a_prize_only_where_stops_are_optional() -> None:
    """Required stops keep PyVRP's penalty range; optional ones let a minute late cost a prize."""
    inst = read_instance(SHORT)
    ids = [s.id for s in inst.stops]
    builder = pyvrp_engine._Builder(
        inst, ids, list(inst.vehicle_types), RoutingParams(seed=0), "cost"
    )
    assert builder.required is not None
    params, _ = pyvrp_engine._penalties(builder.required, len(ids))
    assert params.max_penalty == 1e5
    params, (loads, time_warp, _) = pyvrp_engine._penalties(builder.data, len(ids))
    prize = builder.data.client(0).prize
    assert time_warp == params.max_penalty == min(1e10, prize / 60) > 1e5
    assert loads == [time_warp] * builder.data.num_load_dimensions


def test_a_search_result_lists_the_stops_it_dropped() -> None:
    """A plan back from the worker process still knows its unplanned stops: never read complete.

    PyVRP 0.14.1 does not pickle a solution's unplanned clients; on a model
    of optional stops a plan that dropped stops looked complete (``_complete``).
    """
    inst = read_instance(SHORT)
    ids = [s.id for s in inst.stops]
    builder = pyvrp_engine._Builder(
        inst, ids, list(inst.vehicle_types), RoutingParams(seed=0), "cost"
    )
    stop = pyvrp_engine._Stop(pyvrp_engine._Deadline(math.inf), 1.0, None, None, len(ids))
    stop.limit = pyvrp.stop.MaxIterations(200)
    best = stop.search(builder.data, 0)
    served = sum(r.num_clients() for r in best.routes())
    assert 0 < served < len(ids)
    assert len(best.unplanned()) == len(ids) - served
    assert not pyvrp_engine._complete(len(ids), best)
    # What the pipe does to a solution, and what the rebuild restores.
    lost = pickle.loads(pickle.dumps(best))
    assert lost.unplanned() == [] and lost.is_feasible() == best.is_feasible()
    assert not pyvrp_engine._complete(len(ids), pyvrp_engine._rebuilt(builder.data, lost.routes()))
