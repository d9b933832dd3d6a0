"""End-to-end tests of ``countyopt fleet`` on the small county, numbers recomputed independently."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import math
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands.common import EXIT_INPUT
from optimizer.io.solution import write_solution_json
from optimizer.io.workbook import read_workbook, write_workbook
from optimizer.model import Fuel, Instance
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("optimizer").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture
def county_dir(tmp_path: Path, small_county_instance: Instance) -> Path:
    """Provide the small county with diesel trucks only, as a workbook folder."""
    county = small_county_instance
    types = tuple(
        dataclasses.replace(vt, count=0) if vt.fuel is Fuel.ELECTRIC else vt
        for vt in county.vehicle_types
    )
    path = tmp_path / "county"
    write_workbook(dataclasses.replace(county, vehicle_types=types), path)
    return path


@pytest.fixture
def routed(county_dir: Path, tmp_path: Path) -> Path:
    """Return a solution.json of the small county, planned with a solution limit."""
    instance = read_workbook(county_dir)
    params = RoutingParams(solution_limit=20, time_limit_s=60, seed=1, engine="ortools")
    result = solve(instance, params=params)
    path = tmp_path / "solution.json"
    write_solution_json(result, instance, path)
    return path


def _electric_kwh(county_dir: Path, solution: Path) -> float:
    """Recompute the electric energy of every route from the CSV rates, leg by leg."""
    instance = read_workbook(county_dir)
    doc = json.loads(solution.read_text(encoding="utf-8"))
    rows = {(r["fuel"], r["size_class"]): r for r in _csv("vehicle_energy.csv")}
    total = 0.0
    for route in doc["routes"]:
        vt = instance.vehicle_type(route["vehicle_type"])
        sizes = sorted(
            (float(r["max_payload_kg"]), c) for (f, c), r in rows.items() if f == "electric"
        )
        cls = next(c for cap, c in sizes if vt.capacity_kg <= cap)
        row = rows["electric", cls]
        empty, full = float(row["empty_per_100km"]) / 100, float(row["full_per_100km"]) / 100
        visits = route["visits"]
        for a, b in itertools.pairwise(visits):
            if b["kind"] == VisitKind.BREAK.value or a["kind"] == VisitKind.BREAK.value:
                continue
            km = instance.travel.distance(a["location"], b["location"]) / 1000
            share = min(1.0, a["load_kg"] / vt.capacity_kg)
            total += km * (empty + (full - empty) * share)
    return total


def test_fleet_all_electric_energy_and_co2_recomputed(
    county_dir: Path, routed: Path, tmp_path: Path
) -> None:
    """All-electric kWh is the sum of route energies and CO2 is kWh x the published grid factor."""
    out = tmp_path / "fleet"
    code, stdout, _ = _run(
        "fleet", county_dir, "--routes", routed, "--out", out, "--first-year", "2024",
        "--grid-region", "south",
    )  # fmt: skip
    assert code == 0, stdout
    doc = json.loads((out / "fleet.json").read_text(encoding="utf-8"))
    scen = {s["name"]: s for s in doc["scenarios"]}
    kwh = _electric_kwh(county_dir, routed)
    assert scen["all_electric"]["electricity_kwh_per_day"] == pytest.approx(kwh, rel=1e-6)
    factors = {r["key"]: float(r["value"]) for r in _csv("emission_factors.csv")}
    grid = factors["grid_south_2022"]  # the newest published South China factor
    assert scen["all_electric"]["co2_t_by_year"]["2024"] == pytest.approx(kwh * grid * 365 / 1000)
    assert doc["grid_factors"][0]["estimate"] is True  # 2024 uses the 2022 factor
    assert scen["all_electric"]["electric_vehicles"] == scen["all_electric"]["vehicles"]
    assert scen["all_electric"]["chargers"] >= 1
    assert scen["all_electric"]["peak_kw"] <= scen["all_electric"]["unmanaged_peak_kw"]
    # Today's diesel trucks emit tank-to-wheel; the electric scenario saves CO2.
    assert scen["all_electric"]["co2_saved_t_over_life"] > 0
    assert {p.name for p in out.iterdir()} >= {
        "fleet.json", "fleet.xlsx", "fleet_chart.png", "fleet_scenarios.csv",
        "fleet_co2_by_year.csv", "fleet_routes.csv", "fleet_charging.csv", "fleet_assumptions.csv",
    }  # fmt: skip
    assert "Estimates used" in stdout


def test_fleet_cost_of_ownership_adds_up(county_dir: Path, routed: Path, tmp_path: Path) -> None:
    """TCO = trucks + chargers - subsidies + life x (energy + upkeep), with workbook subsidies."""
    settings = county_dir / "settings.csv"
    with open(settings, "a", encoding="utf-8") as fh:
        fh.write("subsidy_yuan_per_electric_vehicle,100000\nprice_electricity_yuan_per_kwh,0.5\n")
    out = tmp_path / "fleet"
    code, stdout, _ = _run("fleet", county_dir, "--routes", routed, "--out", out)
    assert code == 0, stdout
    doc = json.loads((out / "fleet.json").read_text(encoding="utf-8"))
    params = {p["key"]: p for p in doc["parameters"]}
    assert params["subsidy_yuan_per_electric_vehicle"]["value"] == 100000
    assert params["subsidy_yuan_per_electric_vehicle"]["estimate"] is False
    for s in doc["scenarios"]:
        capex = s["vehicles_capex_yuan"] + s["chargers_capex_yuan"] - s["subsidies_yuan"]
        yearly = s["energy_yuan_per_year"] + s["maintenance_yuan_per_year"]
        assert s["tco_yuan"] == pytest.approx(capex + doc["life_years"] * yearly)
        assert s["subsidies_yuan"] == pytest.approx(100000 * s["electric_vehicles"])
    e = next(s for s in doc["scenarios"] if s["name"] == "all_electric")
    assert e["energy_yuan_per_year"] == pytest.approx(e["electricity_kwh_per_day"] * 0.5 * 365)


def test_fleet_write_carbon_links_the_chosen_scenario(
    county_dir: Path, routed: Path, tmp_path: Path
) -> None:
    """--write-carbon writes a carbon scenario whose sanitation sector is the chosen fleet."""
    from optimizer.carbon.scenario import read_scenario

    out = tmp_path / "fleet"
    code, stdout, _ = _run(
        "--lang", "zh", "fleet", county_dir, "--routes", routed, "--out", out,
        "--write-carbon", "all_electric",
    )  # fmt: skip
    assert code == 0, stdout
    tree = tomllib.loads((out / "carbon_scenario.toml").read_text(encoding="utf-8"))
    assert tree["sanitation"] == {"from_result": "fleet.json", "scenario": "all_electric"}
    doc = json.loads((out / "fleet.json").read_text(encoding="utf-8"))
    chosen = next(s for s in doc["scenarios"] if s["name"] == "all_electric")
    scenario = read_scenario(out / "carbon_scenario.toml")
    assert scenario.activity["sanitation_km"] == pytest.approx(chosen["km_per_day"] * 365)
    assert scenario.activity["electric_sanitation_trucks"] == chosen["vehicles"]
    assert scenario.activity["fossil_sanitation_trucks"] == 0
    assert "方案" in (out / "fleet_scenarios.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"schema": "countyopt.solution", "schema_version": 1}', "routes"),
        ("not json", "solution.json"),
    ],
)
def test_fleet_bad_routes_file_exit_2(
    county_dir: Path, tmp_path: Path, content: str, field: str
) -> None:
    """A damaged --routes file is refused with exit 2 naming file and field; nothing is written."""
    bad = tmp_path / "solution.json"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "fleet"
    code, _, stderr = _run("fleet", county_dir, "--routes", bad, "--out", out)
    assert code == EXIT_INPUT
    assert "solution.json" in stderr and field in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_fleet_bad_setting_exit_2(county_dir: Path, routed: Path, tmp_path: Path) -> None:
    """A price that is not a number is reported with file, row and column, exit 2."""
    with open(county_dir / "settings.csv", "a", encoding="utf-8") as fh:
        fh.write("charger_kw,fast\n")
    out = tmp_path / "fleet"
    code, _, stderr = _run("fleet", county_dir, "--routes", routed, "--out", out)
    assert code == EXIT_INPUT
    assert "settings.csv" in stderr and "row" in stderr and "'fast'" in stderr
    assert not out.exists()


def test_fleet_routes_from_another_county_exit_2(
    county_dir: Path, routed: Path, tmp_path: Path
) -> None:
    """Routes whose vehicle types the workbook lacks are the user's input error (exit 2)."""
    doc = json.loads(routed.read_text(encoding="utf-8"))
    doc["routes"][0]["vehicle_type"] = "NOPE"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(doc), encoding="utf-8")
    code, _, stderr = _run("fleet", county_dir, "--routes", other, "--out", tmp_path / "o")
    assert code == EXIT_INPUT
    assert "routes[0].vehicle_type" in stderr and "NOPE" in stderr


def test_fleet_battery_split_counts_trucks(county_dir: Path, routed: Path, tmp_path: Path) -> None:
    """A tiny battery makes every electric route need ceil(kWh / usable) trucks."""
    with open(county_dir / "settings.csv", "a", encoding="utf-8") as fh:
        fh.write("battery_kwh_small,5\nbattery_kwh_medium,5\n")
    out = tmp_path / "fleet"
    code, stdout, _ = _run("fleet", county_dir, "--routes", routed, "--out", out)
    assert code == 0, stdout
    with open(out / "fleet_routes.csv", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["scenario"] == "all_electric"]
    usable = 5 * 0.8 * (1 - 0.2)
    for r in rows:
        assert int(r["vehicles_needed"]) == math.ceil(float(r["energy_kwh"]) / usable - 1e-6)
    assert "more than one battery" in stdout


def test_fleet_routes_the_workbook_itself(county_dir: Path, tmp_path: Path) -> None:
    """Without --routes the command plans the day's routes, checks them and studies them."""
    out = tmp_path / "fleet"
    code, stdout, _ = _run("fleet", county_dir, "--out", out, "--time-limit", "2")
    assert code == 0, stdout
    doc = json.loads((out / "fleet.json").read_text(encoding="utf-8"))
    assert doc["routes_source"].startswith("countyopt route")
    assert doc["stops_unserved"] == 0
    assert {s["name"] for s in doc["scenarios"]} >= {"today", "all_electric"}


def test_fleet_unknown_carbon_scenario_name(county_dir: Path, routed: Path, tmp_path: Path) -> None:
    """--write-carbon with a scenario the study lacks is a usage error naming the choices."""
    out = tmp_path / "fleet"
    code, _, stderr = _run(
        "fleet", county_dir, "--routes", routed, "--out", out, "--write-carbon", "class:huge"
    )
    assert code == EXIT_INPUT
    assert "class:huge" in stderr and "all_electric" in stderr
    assert not out.exists()
