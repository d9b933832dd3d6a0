"""Report tables: units converted once, and sector totals add up to yearly totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.carbon.pipeline import run_scenario
from optimizer.carbon.scenario import read_scenario


def test_tables_convert_units_and_sectors_add_up(tiny_county_path: Path, tmp_path: Path) -> None:
    """CO2 by sector sums to CO2 by year, and both equal the model's kt CO2 times 1000 (t)."""
    run = run_scenario(read_scenario(tiny_county_path), tmp_path)
    assert run.result is not None
    kt = run.result.emissions_total("CO2")
    by_year = pd.read_csv(tmp_path / "carbon_by_year.csv")
    by_sector = pd.read_csv(tmp_path / "carbon_by_sector.csv")
    summary = pd.read_csv(tmp_path / "carbon_summary.csv")
    assert by_year["co2_t"].sum() == pytest.approx(kt * 1000, rel=1e-9)
    assert by_sector["co2_t"].sum() == pytest.approx(kt * 1000, rel=1e-9)
    cost_yuan = summary["total_discounted_cost_yuan"].iloc[0]
    assert cost_yuan == pytest.approx(run.result.total_discounted_cost * 1e6, rel=1e-12)
    capacity = pd.read_csv(tmp_path / "carbon_capacity.csv")
    assert {"capacity_kw", "capacity_vehicles"} <= set(capacity.columns)
