"""Recompute total discounted cost and emissions from a solution, independently of the LP.

Follows the OSeMOSYS reference equations term by term (CC1–CC2, SV1–SV4,
OC1–OC4, E1–E6, SI4–SI10) from activities and new capacities only, so a
mistake in the model's objective coefficients shows up as a mismatch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from optimizer.carbon.data import EnergyData, Index, Key


@dataclass(frozen=True)
class Recomputed:
    """Costs and emissions recomputed from a solution."""

    total_discounted_cost: float
    discounted_cost_by_technology: dict[tuple[Key, Key, int], float]  # r, t, y
    annual_emissions: dict[tuple[Key, Key, int], float]  # r, e, y


def _salvage_left(method: float, rate: float, life: float, y: int, last: int) -> float:
    if y + life - 1 <= last:
        return 0.0
    if method == 1 and rate > 0:
        return float(1 - ((1 + rate) ** (last - y + 1) - 1) / ((1 + rate) ** life - 1))
    return float(1 - (last - y + 1) / life)


def recompute(
    data: EnergyData,
    activity: Mapping[Index, float],
    new_capacity: Mapping[Index, float],
    new_storage: Mapping[Index, float] | None = None,
) -> Recomputed:
    """Return total discounted cost and annual emissions of a solution.

    Parameters
    ----------
    data
        The model data.
    activity
        RateOfActivity by (region, time slice, technology, mode, year).
    new_capacity
        NewCapacity by (region, technology, year).
    new_storage
        NewStorageCapacity by (region, storage, year).

    """
    d = data
    years = d.years
    first, last = years[0], years[-1]
    annual_by_mode: dict[tuple[Key, Key, Key, int], float] = defaultdict(float)
    for (r, ts, t, m, y), rate in activity.items():
        annual_by_mode[r, t, m, int(y)] += rate * d.value("YearSplit", ts, y)

    by_tech: dict[tuple[Key, Key, int], float] = defaultdict(float)
    emissions: dict[tuple[Key, Key, int], float] = defaultdict(float)
    for r in d.sets["REGION"]:
        rate = d.value("DiscountRate", r)
        method = d.value("DepreciationMethod", r)
        for t in d.sets["TECHNOLOGY"]:
            life = d.value("OperationalLife", r, t)
            idv = d.given("DiscountRateIdv").get((r, t), rate)
            if idv != rate and idv > 0 and rate > 0:
                annuity = (1 - (1 + idv) ** -1) / (1 - (1 + idv) ** -life)
                annuity *= (1 - (1 + rate) ** -life) * (1 + rate) / rate
            else:
                annuity = 1.0
            for y in years:
                invest = (
                    d.value("CapitalCost", r, t, y) * annuity * new_capacity.get((r, t, y), 0.0)
                )
                capital = invest / (1 + rate) ** (y - first)
                salvage = invest * _salvage_left(method, rate, life, y, last)
                salvage /= (1 + rate) ** (1 + last - first)
                total_capacity = d.value("ResidualCapacity", r, t, y) + sum(
                    new_capacity.get((r, t, yy), 0.0) for yy in years if 0 <= y - yy < life
                )
                fixed = total_capacity * d.value("FixedCost", r, t, y)
                variable = 0.0
                penalty = 0.0
                for m in d.sets["MODE_OF_OPERATION"]:
                    level = annual_by_mode.get((r, t, m, y), 0.0)
                    variable += level * d.value("VariableCost", r, t, m, y)
                    for e in d.sets["EMISSION"]:
                        emitted = level * d.value("EmissionActivityRatio", r, t, e, m, y)
                        emissions[r, e, y] += emitted
                        penalty += emitted * d.value("EmissionsPenalty", r, e, y)
                mid = (1 + rate) ** (y - first + 0.5)
                by_tech[r, t, y] = (fixed + variable + penalty) / mid + capital - salvage
        for s in d.sets["STORAGE"]:
            srate = d.value("DiscountRateStorage", r, s)
            slife = d.value("OperationalLifeStorage", r, s)
            for y in years:
                invest = d.value("CapitalCostStorage", r, s, y) * (new_storage or {}).get(
                    (r, s, y), 0.0
                )
                salvage = invest * _salvage_left(method, srate, slife, y, last)
                by_tech[r, s, y] += invest / (1 + srate) ** (y - first) - salvage / (1 + srate) ** (
                    1 + last - first
                )
    return Recomputed(
        total_discounted_cost=float(sum(by_tech.values())),
        discounted_cost_by_technology=dict(by_tech),
        annual_emissions=dict(emissions),
    )
