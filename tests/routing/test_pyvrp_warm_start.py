"""PyVRP's search can start from a plan we hold: the start it is given is that plan."""

from __future__ import annotations

from optimizer.demo_county import build_demo_county
from optimizer.routing import pyvrp_engine
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import components


def test_warm_start_encodes_the_routes_it_is_given() -> None:
    """A plan's routes, encoded as PyVRP's first solution, decode back to the same stop orders."""
    county = build_demo_county()
    medical = next(c for c in components(county, [s.id for s in county.stops]) if len(c.stops) < 30)
    params = RoutingParams(solution_limit=1)
    run = pyvrp_engine.solve_component(
        county, medical.stops, medical.types, params=params, time_limit_s=30
    )
    assert run.routes
    builder = pyvrp_engine._Builder(
        county, list(medical.stops), list(medical.types), params, params.objective
    )
    start = builder.warm_start(run.routes)
    assert start is not None
    routes, dropped = builder.decode(start)
    assert [r.stops for r in routes] == [r.stops for r in run.routes]
    assert set(dropped) == set(run.dropped)
