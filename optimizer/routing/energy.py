"""Energy and CO2 of collection trucks, load-dependent, from sourced figures.

Consumption per km grows linearly with the load on board::

    rate(load) = empty + (full - empty) * min(1, load / capacity)

with ``empty`` and ``full`` per 100 km by fuel and size class from
``optimizer/data/vehicle_energy.csv`` (every row states its source or says
"assumption"). A vehicle type may override them with
``extra["empty_per_100km"]`` and ``extra["full_per_100km"]`` (in the fuel's
unit) and pick a class with ``extra["size_class"]``; otherwise the class
follows ``capacity_kg``. Energy is reported in kWh (fuel energy at its net
calorific value, or electricity at the plug) and CO2 tank-to-wheel (fuel) or
from the grid factor of ``instance.meta["grid_region"]`` /
``["grid_year"]`` (electricity).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from optimizer import factors
from optimizer.model import Fuel, VehicleType


@dataclass(frozen=True)
class EnergyRates:
    """Consumption of one vehicle type, in its fuel's unit per km.

    ``unit`` is "L" (diesel, hybrid), "kg" (CNG, LNG) or "kWh" (electric);
    ``kwh_per_unit`` and ``co2_kg_per_unit`` convert one unit of fuel.
    """

    unit: str
    empty_per_km: float
    full_per_km: float
    kwh_per_unit: float
    co2_kg_per_unit: float

    def fuel(self, distance_m: float, load_fraction: float) -> float:
        """Return the fuel used over ``distance_m`` with the given share of capacity on board."""
        share = min(1.0, max(0.0, load_fraction))
        rate = self.empty_per_km + (self.full_per_km - self.empty_per_km) * share
        return rate * distance_m / 1000.0


@cache
def _table() -> dict[tuple[str, str], tuple[float, float, float]]:
    text = resources.files("optimizer").joinpath("data/vehicle_energy.csv").read_text("utf-8")
    return {
        (r["fuel"], r["size_class"]): (
            float(r["max_payload_kg"]),
            float(r["empty_per_100km"]),
            float(r["full_per_100km"]),
        )
        for r in csv.DictReader(text.splitlines())
    }


def size_class(vehicle_type: VehicleType) -> str:
    """Return the size class (small, medium, large) of a vehicle type."""
    chosen = vehicle_type.extra.get("size_class")
    if chosen:
        return chosen
    fuel = vehicle_type.fuel.value
    classes = sorted((cap, cls) for (f, cls), (cap, _, _) in _table().items() if f == fuel)
    for cap, cls in classes:
        if vehicle_type.capacity_kg <= cap:
            return cls
    return classes[-1][1]


def energy_rates(
    vehicle_type: VehicleType, *, grid_region: str = "china", grid_year: int = 2023
) -> EnergyRates:
    """Return the consumption and conversion factors of a vehicle type."""
    fuel = vehicle_type.fuel
    _, empty, full = _table()[(fuel.value, size_class(vehicle_type))]
    empty = float(vehicle_type.extra.get("empty_per_100km", empty))
    full = float(vehicle_type.extra.get("full_per_100km", full))
    if fuel is Fuel.ELECTRIC:
        unit, kwh, co2 = "kWh", 1.0, factors.grid_kg_per_kwh(grid_region, grid_year)
    elif fuel in (Fuel.CNG, Fuel.LNG):
        unit = "kg"
        kwh = factors.factor("ncv_natural_gas") / 3.6  # MJ/kg -> kWh/kg
        co2 = factors.natural_gas_kg_co2_per_kg()
    else:
        unit = "L"
        kwh = factors.factor("ncv_diesel") * factors.factor("density_diesel") / 3.6
        co2 = factors.diesel_kg_co2_per_litre()
    return EnergyRates(unit, empty / 100.0, full / 100.0, kwh, co2)
