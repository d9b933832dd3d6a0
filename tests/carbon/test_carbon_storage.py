"""OSeMOSYS storage on a hand-built three-day, four-bracket model with a PV surplus at noon."""

from __future__ import annotations

import pytest

from optimizer.carbon.data import EnergyData, make_data
from optimizer.carbon.objectives import minimise_cost
from optimizer.carbon.recompute import recompute

DAYS, BRACKETS, YEAR = 3, 4, 2030
PV_CF = (0.0, 1.0, 1.0, 0.0)  # PV produces only in brackets 2 and 3


def _data(day_split_factor: float = 1.0) -> EnergyData:
    slices = [f"d{d}h{h}" for d in range(1, DAYS + 1) for h in range(1, BRACKETS + 1)]
    share = 1 / len(slices)
    p: dict[str, dict[tuple[object, ...], float]] = {
        "YearSplit": {(ts, YEAR): share for ts in slices},
        "DaySplit": {(h, YEAR): share * day_split_factor for h in range(1, BRACKETS + 1)},
        "DaysInDayType": {(d, 1, YEAR): 1 for d in range(1, DAYS + 1)},
        "Conversionls": {(ts, int(ts[1])): 1 for ts in slices},
        "Conversionld": {(ts, 1): 1 for ts in slices},
        "Conversionlh": {(ts, int(ts[3])): 1 for ts in slices},
        "SpecifiedAnnualDemand": {("R", "ELC", YEAR): 12.0},
        "SpecifiedDemandProfile": {("R", "ELC", ts, YEAR): share for ts in slices},
        "OutputActivityRatio": {("R", t, "ELC", 1, YEAR): 1 for t in ("PV", "GRID", "BOUT")},
        "InputActivityRatio": {("R", "BIN", "ELC", 1, YEAR): 1},
        "CapacityFactor": {("R", "PV", ts, YEAR): PV_CF[int(ts[3]) - 1] for ts in slices},
        "ResidualCapacity": {("R", "PV", YEAR): 24.0},
        "TotalAnnualMaxCapacityInvestment": {("R", "PV", YEAR): 0.0},
        "VariableCost": {("R", "GRID", 1, YEAR): 10.0},
        "TechnologyToStorage": {("R", "BIN", "BAT", 1): 1},
        "TechnologyFromStorage": {("R", "BOUT", "BAT", 1): 1},
        "CapitalCostStorage": {("R", "BAT", YEAR): 1.0},
        "OperationalLifeStorage": {("R", "BAT"): 10},
    }
    sets = {
        "REGION": ["R"],
        "YEAR": [YEAR],
        "TIMESLICE": slices,
        "TECHNOLOGY": ["PV", "GRID", "BIN", "BOUT"],
        "FUEL": ["ELC"],
        "MODE_OF_OPERATION": [1],
        "SEASON": list(range(1, DAYS + 1)),
        "DAYTYPE": [1],
        "DAILYTIMEBRACKET": list(range(1, BRACKETS + 1)),
        "STORAGE": ["BAT"],
    }
    return make_data(sets, p, source="storage-test")


def test_storage_shifts_the_noon_surplus_to_the_night() -> None:
    """A battery is built and serves night demand that the grid would otherwise supply."""
    result = minimise_cost(_data())
    assert result.outcome.optimal
    assert sum(result.new_storage.values()) > 0
    grid = sum(v for (_, _, t, _, _), v in result.activity.items() if t == "GRID") / 12
    # Without storage the grid serves 2 of 4 brackets on each of 3 days (6 units).
    assert grid < 6.0 - 1e-6


def test_one_day_season_shortcut_keeps_the_optimum() -> None:
    """Leaving out SC3 for one-day seasons gives the optimum of the full SC3 chains."""
    short = minimise_cost(_data())
    full = minimise_cost(_data(day_split_factor=1 + 1e-7))  # forces the full chains
    assert short.total_discounted_cost == pytest.approx(full.total_discounted_cost, rel=1e-5)


def test_storage_investment_is_in_the_recomputed_cost() -> None:
    """The recomputed cost, storage investment included, equals the objective."""
    d = _data()
    result = minimise_cost(d)
    again = recompute(d, result.activity, result.new_capacity, result.new_storage)
    assert again.total_discounted_cost == pytest.approx(result.outcome.objective, rel=1e-9)
