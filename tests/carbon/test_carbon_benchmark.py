"""Long runs (deselected by default): the typical-day county model against the full year."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from optimizer.carbon.objectives import minimise_cost
from optimizer.carbon.scenario import demo_scenario_path, scenario_from_dict


def _county(resolution: str) -> dict[str, Any]:
    tree = copy.deepcopy(tomllib.loads(demo_scenario_path().read_text(encoding="utf-8")))
    tree["time"].update(first_year=2030, last_year=2030, resolution=resolution, typical_days=12)
    return tree


@pytest.mark.benchmark
def test_typical_days_are_within_one_percent_of_the_hourly_year() -> None:
    """The 12 x 24 h typical-day model's cost is within 1 % of the 8760 h model's."""
    hourly = minimise_cost(scenario_from_dict(_county("hourly")).data)
    typical = minimise_cost(scenario_from_dict(_county("typical_days")).data)
    assert hourly.outcome.optimal and typical.outcome.optimal
    gap = typical.total_discounted_cost / hourly.total_discounted_cost - 1
    assert abs(gap) <= 0.01
    assert typical.outcome.build_s + typical.outcome.solve_s <= 2.0
