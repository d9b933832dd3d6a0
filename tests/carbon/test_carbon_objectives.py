"""Objective modes on UTOPIA: budgets, caps, pathways and the trade-off curve are respected."""

from __future__ import annotations

import pytest

from optimizer.carbon.data import EnergyData
from optimizer.carbon.objectives import minimise_cost, minimise_emissions, tradeoff
from optimizer.carbon.result import CarbonResult


@pytest.fixture(scope="module")
def cheapest(utopia_least_cost: CarbonResult) -> tuple[float, float]:
    """Return (cost, CO2) of UTOPIA's least-cost plan."""
    return utopia_least_cost.total_discounted_cost, utopia_least_cost.emissions_total("CO2")


def test_min_emissions_within_budget_spends_no_more_and_emits_less(
    utopia: EnergyData, cheapest: tuple[float, float]
) -> None:
    """Minimum CO2 within budgets 2 % and 5 % above least cost keeps to them and cuts CO2."""
    cost, co2 = cheapest
    lowest = []
    for extra in (1.02, 1.05):  # a larger budget can never raise the lowest CO2
        result = minimise_emissions(utopia, budget=cost * extra)
        assert result.outcome.optimal
        assert result.total_discounted_cost <= cost * extra * (1 + 1e-7)
        lowest.append(result.emissions_total("CO2"))
    assert lowest[0] < co2 - 1.0
    assert lowest[1] <= lowest[0] + 1e-6


def test_min_cost_under_a_cap_respects_it_and_costs_more(
    utopia: EnergyData, cheapest: tuple[float, float]
) -> None:
    """The least-cost plan under a CO2 cap emits at most the cap and costs at least the optimum."""
    cost, co2 = cheapest
    result = minimise_cost(utopia, cap=0.8 * co2)
    assert result.outcome.optimal
    assert result.emissions_total("CO2") <= 0.8 * co2 * (1 + 1e-7)
    assert result.total_discounted_cost >= cost * (1 - 1e-9)


def test_min_cost_under_a_pathway_respects_every_year(utopia: EnergyData) -> None:
    """A yearly CO2 pathway holds in every year it names."""
    pathway = {2000: 6.0, 2005: 5.0, 2010: 4.0}
    result = minimise_cost(utopia, pathway=pathway)
    assert result.outcome.optimal
    for year, limit in pathway.items():
        emitted = sum(
            v for (_, e, y), v in result.annual_emissions.items() if (e, y) == ("CO2", year)
        )
        assert emitted <= limit * (1 + 1e-7)


def test_tradeoff_curve_costs_fall_as_the_cap_loosens(utopia: EnergyData) -> None:
    """Along the curve (solved in 2 processes) each plan meets its cap and cost falls."""
    points = tradeoff(utopia, points=3, processes=2)
    assert len(points) == 3
    assert all(p.cost is not None and p.emissions is not None for p in points)
    for p in points:
        assert p.emissions is not None and p.emissions <= p.cap * (1 + 1e-6)
    costs = [p.cost for p in points if p.cost is not None]
    assert costs == sorted(costs, reverse=True)
