"""The carbon model's result: domain-indexed values read back from a solved LP."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.carbon.data import Index
from optimizer.carbon.model import EnergyModel
from optimizer.carbon.solve import SolveOutcome


@dataclass(frozen=True)
class CarbonResult:
    """A solved energy model in model units, indexed by domain ids.

    ``activity`` is RateOfActivity by (region, time slice, technology, mode,
    year); ``new_capacity`` and ``total_capacity`` by (region, technology,
    year); ``annual_emissions`` by (region, emission, year). Zeros are left out.
    """

    outcome: SolveOutcome
    objective_name: str
    total_discounted_cost: float
    annual_emissions: dict[Index, float]
    activity: dict[Index, float]
    new_capacity: dict[Index, float]
    total_capacity: dict[Index, float]
    new_storage: dict[Index, float]

    def emissions_total(self, emission: str | None = None) -> float:
        """Return emissions summed over regions and years (one emission, or all)."""
        return sum(v for (_, e, _), v in self.annual_emissions.items() if emission in (None, e))


def _value(var: object) -> float:
    value = getattr(var, "varValue", None)
    return 0.0 if value is None else float(value)


def extract(model: EnergyModel, outcome: SolveOutcome, objective_name: str) -> CarbonResult:
    """Read the solution of a solved ``model`` into a :class:`CarbonResult`."""
    activity = {k: x for k, v in model.activity.items() if abs(x := _value(v)) > 1e-9}
    new_capacity = {k: x for k, v in model.new_capacity.items() if abs(x := _value(v)) > 1e-9}
    new_storage = {k: x for k, v in model.new_storage.items() if abs(x := _value(v)) > 1e-9}
    total_capacity: dict[Index, float] = {}
    d = model.data
    for r in d.sets["REGION"]:
        for t in d.sets["TECHNOLOGY"]:
            for y in d.years:
                terms, residual = model.capacity_terms(r, t, y)
                cap = residual + sum(_value(v) * c for v, c in terms.items())
                if cap != 0:
                    total_capacity[r, t, y] = cap
    emissions = {k: float(e.value() or 0.0) for k, e in model.emissions.items()}
    return CarbonResult(
        outcome=outcome,
        objective_name=objective_name,
        total_discounted_cost=float(model.cost.value() or 0.0),
        annual_emissions={k: v for k, v in emissions.items() if v != 0},
        activity=activity,
        new_capacity=new_capacity,
        total_capacity=total_capacity,
        new_storage=new_storage,
    )
