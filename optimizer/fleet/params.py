"""The fleet study's numbers: sourced defaults, overridden by the county's workbook settings.

Defaults live in ``optimizer/data/fleet_defaults.csv`` (key, value, unit,
estimate, source). A county overrides any of them with a row of the same
key in its workbook's ``settings`` table (e.g. ``subsidy_yuan_per_electric_vehicle``
or ``price_electricity_yuan_per_kwh``); such a value is sourced as "workbook"
and no longer counted as an estimate.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType

from optimizer.io.cells import Table, locate_columns, rows_of
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import Fuel

SIZE_CLASSES = ("small", "medium", "large")
# Upper bounds a setting may take, so a typo (kWh typed as Wh) is caught on read.
_SHARES = ("battery_reserve_share", "battery_end_of_life_share", "discount_rate")


@dataclass(frozen=True)
class Param:
    """One number of the study with its unit and where it comes from."""

    key: str
    value: float
    unit: str
    estimate: bool
    source: str


@dataclass(frozen=True)
class FleetParams:
    """Every number the study uses, by key (see ``fleet_defaults.csv``)."""

    params: Mapping[str, Param] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __getitem__(self, key: str) -> float:
        return self.params[key].value

    def price(self, fuel: Fuel, size_class: str) -> float:
        """Return the purchase price of a new vehicle, yuan."""
        return self[f"price_yuan_{fuel.value}_{size_class}"]

    def maintenance_per_km(self, fuel: Fuel) -> float:
        """Return the maintenance cost, yuan per km."""
        return self[f"maintenance_yuan_per_km_{fuel.value}"]

    def battery_kwh(self, size_class: str) -> float:
        """Return the installed battery of an electric truck of ``size_class``, kWh."""
        return self[f"battery_kwh_{size_class}"]

    def usable_kwh(self, battery_kwh: float) -> float:
        """Return what a battery of ``battery_kwh`` may give per day at its end of life."""
        return battery_kwh * self["battery_end_of_life_share"] * (1 - self["battery_reserve_share"])

    def with_value(self, key: str, value: float, source: str) -> FleetParams:
        """Return the parameters with ``key`` set to ``value`` (not an estimate)."""
        params = dict(self.params)
        params[key] = replace(params[key], value=value, estimate=False, source=source)
        return FleetParams(params)

    @property
    def estimates(self) -> list[str]:
        """Return the keys whose values are estimates or assumptions."""
        return sorted(k for k, p in self.params.items() if p.estimate)


@cache
def default_params() -> FleetParams:
    """Return the shipped defaults, each with its source."""
    text = resources.files("optimizer").joinpath("data/fleet_defaults.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return FleetParams(
        {
            r["key"]: Param(
                r["key"], float(r["value"]), r["unit"], r["estimate"] == "yes", r["source"]
            )
            for r in rows
        }
    )


def params_from_settings(table: Table | None, base: FleetParams | None = None) -> FleetParams:
    """Return ``base`` (the defaults) with the values a workbook ``settings`` table gives.

    Rows whose key is not a fleet parameter are left to the other readers.

    Raises
    ------
    InputError
        Naming file, row and column of every value that is not a valid number.

    """
    params = base or default_params()
    if table is None:
        return params
    problems: list[InputProblem] = []
    cols = locate_columns(table, problems)
    for row in rows_of(cols, problems):
        key = row.text("key")
        if key not in params.params:
            continue
        unit = params.params[key].unit
        high = 1.0 if key in _SHARES else 1e9
        high = {"life_years": 40.0, "operating_days_per_year": 366.0}.get(key, high)
        low_open = key not in _SHARES and not key.startswith("subsidy_")
        value = row.number("value", required=True, low=0.0, low_open=low_open, high=high, unit=unit)
        if value is not None:
            params = params.with_value(key, value, f"workbook settings, row {row.row_no}")
    if problems:
        raise InputError(problems)
    return params
