"""County scenarios compile onto the core, solve, serve every demand, and fail clearly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from optimizer.carbon.diagnose import diagnose
from optimizer.carbon.objectives import minimise_cost, minimise_emissions
from optimizer.carbon.recompute import recompute
from optimizer.carbon.scenario import demo_scenario_path, parse_scenario, read_scenario
from optimizer.io.errors import InputError


def test_tiny_county_least_cost_plan_serves_every_demand(tiny_county_path: Path) -> None:
    """In every time slice, production minus use covers the demand of every fuel."""
    scenario = read_scenario(tiny_county_path)
    d = scenario.data
    result = minimise_cost(d)
    assert result.outcome.optimal
    net: dict[tuple[object, ...], float] = defaultdict(float)
    for (r, ts, t, m, y), rate in result.activity.items():
        for (rr, tt, f, mm, yy), ratio in d.given("OutputActivityRatio").items():
            if (rr, tt, mm, yy) == (r, t, m, y):
                net[f, ts, y] += rate * ratio * d.value("YearSplit", ts, y)
        for (rr, tt, f, mm, yy), ratio in d.given("InputActivityRatio").items():
            if (rr, tt, mm, yy) == (r, t, m, y):
                net[f, ts, y] -= rate * ratio * d.value("YearSplit", ts, y)
    for (r, f, y), annual in d.given("SpecifiedAnnualDemand").items():
        for ts in d.sets["TIMESLICE"]:
            demand = annual * d.value("SpecifiedDemandProfile", r, f, ts, y)
            assert net[f, ts, y] >= demand - 1e-6 * max(1.0, demand)


def test_tiny_county_recomputed_cost_equals_the_objective(tiny_county_path: Path) -> None:
    """Recomputing cost (with battery storage investment) from the solution gives the objective."""
    d = read_scenario(tiny_county_path).data
    result = minimise_cost(d)
    again = recompute(d, result.activity, result.new_capacity, result.new_storage)
    assert again.total_discounted_cost == pytest.approx(result.outcome.objective, rel=1e-8)
    assert sum(again.annual_emissions.values()) == pytest.approx(
        result.emissions_total("CO2"), rel=1e-8
    )


def test_tiny_county_budget_buys_clause_28_measures(tiny_county_path: Path) -> None:
    """Spending 10 % more than least cost lowers CO2 by building clause (二十八) measures."""
    scenario = read_scenario(tiny_county_path)
    cheapest = minimise_cost(scenario.data)
    greener = minimise_emissions(scenario.data, budget=cheapest.total_discounted_cost * 1.1)
    assert greener.emissions_total("CO2") < cheapest.emissions_total("CO2")
    measures = {scenario.techs[str(t)].measure for (_, t, _) in greener.new_capacity}
    assert measures - {"baseline"}


def test_cap_below_reach_is_diagnosed_with_the_lowest_reachable_value(
    tiny_county_path: Path,
) -> None:
    """An unreachable cap is reported as such, with the lowest CO2 the measures can reach."""
    d = read_scenario(tiny_county_path).data
    assert not minimise_cost(d, cap=1.0).outcome.has_solution
    why = diagnose(d, cap=1.0)
    assert why.cause == "cap_below_reachable"
    assert why.reachable is not None and why.reachable > 1.0
    assert minimise_cost(d, cap=why.reachable * 1.001).outcome.has_solution


def test_demo_scenario_compiles_and_says_it_is_synthetic() -> None:
    """The shipped demo county compiles and is flagged as synthetic."""
    scenario = read_scenario(demo_scenario_path())
    assert scenario.synthetic
    assert "BATTERY" in scenario.data.sets["STORAGE"]
    assert {"ROOFTOP_PV", "HEAT_PUMP", "ELECTRIC_BUS", "ELECTRIC_SANITATION"} <= set(
        scenario.data.sets["TECHNOLOGY"]
    )


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (("latitude_deg = 34.8", 'latitude_deg = "north"'), "county.latitude_deg"),
        (("first_year = 2025", "first_year = 2030"), "time.last_year"),
        (('resolution = "typical_days"', 'resolution = "hourly"'), "time.resolution"),
        (('grid_region = "central"', 'grid_region = "mars"'), "county.grid_region"),
        (("[measures.battery]", "[measures.teleporter]"), "measures.teleporter"),
        (("bus_km = 1.0e6", "bus_km = -5.0"), "demand.bus_km"),
        (
            (
                "[measures.battery]",
                '[policy]\nco2_pathway_t = { "1999" = 5.0 }\n[measures.battery]',
            ),
            "policy.co2_pathway_t.1999",
        ),
    ],
)
def test_bad_scenario_values_are_reported_by_key(
    tiny_county_path: Path, edit: tuple[str, str], key: str
) -> None:
    """A bad value raises InputError naming the file and the section.key at fault."""
    text = tiny_county_path.read_text(encoding="utf-8").replace(*edit)
    with pytest.raises(InputError) as err:
        parse_scenario(text, source="bad.toml")
    assert any(p.column == key and p.file == "bad.toml" for p in err.value.problems)
