"""Published emission factors shipped as defaults, each with its source.

The numbers live in ``optimizer/data/emission_factors.csv`` (key, value,
unit, source) so that a reader can audit every default in one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Factor:
    """One published factor with its unit and source."""

    key: str
    value: float
    unit: str
    source: str


@cache
def factors() -> dict[str, Factor]:
    """Return every shipped factor by key."""
    text = resources.files("optimizer").joinpath("data/emission_factors.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["key"]: Factor(r["key"], float(r["value"]), r["unit"], r["source"]) for r in rows}


def factor(key: str) -> float:
    """Return the value of the factor ``key`` (see the CSV for units and sources)."""
    return factors()[key].value


def grid_kg_per_kwh(region: str = "china", year: int = 2023) -> float:
    """Return the grid emission factor in kg CO2/kWh, the latest published year ≤ ``year``.

    Parameters
    ----------
    region
        ``china`` (national) or a regional grid: north, northeast, east,
        central, northwest, south, southwest.
    year
        Planning year; the newest published factor not after it is used
        (or the oldest one if ``year`` precedes them all).

    """
    return factor(f"grid_{region}_{grid_factor_year(region, year)}")


def grid_factor_year(region: str, year: int) -> int:
    """Return the published year whose grid factor :func:`grid_kg_per_kwh` uses for ``year``."""
    prefix = f"grid_{region}_"
    years = sorted(int(k[len(prefix) :]) for k in factors() if k.startswith(prefix))
    if not years:
        raise KeyError(f"no grid factor for region {region!r}")
    usable = [y for y in years if y <= year] or years[:1]
    return usable[-1]


def diesel_kg_co2_per_litre() -> float:
    """Return tank-to-wheel CO2 of diesel in kg per litre (IPCC factor × NCV × density)."""
    tj_per_kg = factor("ncv_diesel") / 1e6
    return factor("ipcc_diesel") * tj_per_kg * factor("density_diesel")


def natural_gas_kg_co2_per_kg() -> float:
    """Return CO2 of burning natural gas (CNG/LNG) in kg per kg of fuel."""
    return factor("ipcc_natural_gas") * factor("ncv_natural_gas") / 1e6


def incineration_fossil_co2_kg_per_t() -> float:
    """Return fossil CO2 of burning one tonne of household waste, kg (IPCC 2006 Vol. 5 Eq. 5.1)."""
    carbon = factor("msw_carbon_content_wet") * factor("msw_fossil_carbon_share")
    return 1000.0 * carbon * factor("incineration_oxidation") * 44.0 / 12.0


def landfill_ch4_kg_per_t() -> float:
    """Return the methane one tonne of landfilled household waste eventually gives off, kg.

    The mass balance of IPCC 2006 Vol. 5 Ch. 3 (all the decomposable carbon,
    counted in the year of deposit; no gas recovery, no oxidation in the cover).
    """
    doc = factor("landfill_doc_wet") * factor("landfill_docf")
    return 1000.0 * factor("landfill_mcf") * doc * factor("landfill_ch4_fraction") * 16.0 / 12.0
