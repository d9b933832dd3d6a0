"""The objective a plan reports is what its routes cost, whatever engine planned it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from optimizer.evaluate import objective_value
from optimizer.model import Instance
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve
from tests.county_gen import county_instances


@pytest.mark.parametrize("engine", ["ortools", "pyvrp", "auto"])
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(county=county_instances(min_stops=3, max_stops=12))
def test_reported_objective_is_the_routes_cost(engine: str, county: Instance) -> None:
    """Regression (2026-12-06): OR-Tools reported its rounded model's cost (324.50 for 324.49)."""
    result = solve(
        county, params=RoutingParams(time_limit_s=1, solution_limit=5, seed=1, engine=engine)
    )
    want = objective_value(result.routes, result.objective)
    assert result.objective_value == pytest.approx(want, rel=1e-9, abs=1e-9)
