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


def test_scenario_co2_pathway_caps_each_named_year(tiny_county_path: Path, tmp_path: Path) -> None:
    """A [policy] CO2 pathway in the scenario holds in the year it names, in tonnes."""
    free = run_scenario(read_scenario(tiny_county_path), tmp_path / "free")
    assert free.result is not None
    emitted_2026 = free.result.annual_emissions["COUNTY", "CO2", 2026] * 1000  # kt -> t
    text = tiny_county_path.read_text(encoding="utf-8")
    limit = 0.9 * emitted_2026
    capped_path = tmp_path / "capped.toml"
    capped_path.write_text(text + f'\n[policy]\nco2_pathway_t = {{ "2026" = {limit} }}\n')
    capped = run_scenario(read_scenario(capped_path), tmp_path / "capped")
    assert capped.result is not None
    by_year = pd.read_csv(tmp_path / "capped" / "carbon_by_year.csv").set_index("year")
    assert by_year.loc[2026, "co2_t"] <= limit * (1 + 1e-7)
