"""Property tests: on random small counties the objective always equals its recomputation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.carbon.objectives import minimise_cost
from optimizer.carbon.recompute import recompute
from optimizer.carbon.scenario import parse_scenario


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    electricity=st.floats(min_value=5e7, max_value=5e8),
    heat=st.floats(min_value=1e7, max_value=2e8),
    seed=st.integers(min_value=0, max_value=1000),
    days=st.integers(min_value=1, max_value=3),
)
def test_random_county_cost_recomputes_to_the_objective(
    tiny_county_path: Path, electricity: float, heat: float, seed: int, days: int
) -> None:
    """For any demand sizes, weather seed and day count, recomputed cost equals the objective."""
    text = (
        tiny_county_path.read_text(encoding="utf-8")
        .replace("electricity_kwh = 2.0e8", f"electricity_kwh = {electricity!r}")
        .replace("building_heat_kwh = 1.0e8", f"building_heat_kwh = {heat!r}")
        .replace("seed = 1", f"seed = {seed}")
        .replace("typical_days = 2", f"typical_days = {days}")
    )
    data = parse_scenario(text, source="random.toml").data
    result = minimise_cost(data)
    assert result.outcome.optimal
    again = recompute(data, result.activity, result.new_capacity, result.new_storage)
    assert again.total_discounted_cost == pytest.approx(result.outcome.objective, rel=1e-7)
