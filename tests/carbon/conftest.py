"""Shared fixtures of the carbon tests: reference data (skipped when absent) and a tiny county."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.carbon.data import EnergyData
from optimizer.carbon.result import CarbonResult

ENERGY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "energy"
UTOPIA = ENERGY / "osemosys_utopia" / "utopia.txt"
SUPER_SIMPLE = ENERGY / "otoole_super_simple"

TINY_COUNTY = """
[county]
name = "Tiny test county"
synthetic = true
grid_region = "central"
latitude_deg = 34.8
discount_rate = 0.06

[time]
first_year = 2025
last_year = 2026
resolution = "typical_days"
typical_days = 2
seed = 1

[demand]
electricity_kwh = 2.0e8
building_heat_kwh = 1.0e8
industry_heat_kwh = 5.0e7
bus_km = 1.0e6
sanitation_km = 2.0e5
electricity_growth = 0.03

[stock]
coal_boiler_kw = 60000
industry_coal_boiler_kw = 10000
diesel_buses = 20
diesel_sanitation_trucks = 8
remaining_years = 4

[measures.rooftop_pv]
enabled = true
roof_area_m2 = 5.0e5
usable_share = 0.5

[measures.battery]
enabled = true

[measures.heat_pump]
enabled = true

[measures.gas_boiler]
enabled = true

[measures.building_retrofit]
enabled = true
max_share_of_building_heat = 0.2

[measures.electric_bus]
enabled = true

[measures.electric_sanitation_truck]
enabled = true
"""


@pytest.fixture(scope="session")
def utopia() -> EnergyData:
    """Return UTOPIA read from its MathProg data file (read once: otoole takes seconds)."""
    if not UTOPIA.exists():
        pytest.skip("shared benchmark data not available")
    from optimizer.carbon.osemosys_io import read_datafile

    return read_datafile(UTOPIA)


@pytest.fixture()
def tiny_county_path(tmp_path: Path) -> Path:
    """Return a tiny two-year, two-typical-day county scenario file."""
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_COUNTY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def utopia_least_cost(utopia: EnergyData) -> CarbonResult:
    """Return UTOPIA's least-cost plan (solved once for the session)."""
    from optimizer.carbon.objectives import minimise_cost

    return minimise_cost(utopia)
