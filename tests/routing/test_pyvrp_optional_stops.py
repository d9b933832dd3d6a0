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

from pathlib import Path

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
