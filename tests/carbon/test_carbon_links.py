"""The carbon scenario takes sanitation and waste activity from routing, fleet, siting results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.carbon.objectives import minimise_cost
from optimizer.carbon.scenario import CO2, REGION, read_scenario
from optimizer.cli import main
from optimizer.commands.common import EXIT_INPUT
from optimizer.distances import great_circle_matrix
from optimizer.factors import factor
from optimizer.io.errors import InputError
from optimizer.io.solution import write_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import Fuel, Instance, Site, SiteKind, Stop, Stream, TimeWindow, VehicleType
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve

SITING = {
    "status": "optimal",
    "open_sites": {"P1": "existing", "T1": "existing", "L1": "existing"},
    "assignment": {},
    "flows_kg_per_day": [],
    "load_kg_per_day": {"P1": 250000.0, "T1": 90000.0, "L1": 5000.0},
    "site_kinds": {"P1": "incinerator", "T1": "transfer", "L1": "landfill"},
}


def _county() -> Instance:
    sites = (
        Site("D1", "depot", SiteKind.DEPOT, 34.82, 114.81),
        Site("P1", "plant", SiteKind.INCINERATOR, 34.84, 114.84, streams=frozenset({Stream.OTHER})),
    )
    stops = tuple(
        Stop(f"S{k}", f"s{k}", 34.81 + 0.003 * k, 114.80 + 0.004 * k, Stream.OTHER, 900.0)
        for k in range(6)
    )
    shift = TimeWindow(5 * 3600, 13 * 3600)
    types = (
        VehicleType("D", 1, "D1", frozenset({Stream.OTHER}), 3000.0, fuel=Fuel.DIESEL, shift=shift),
        VehicleType(
            "E", 1, "D1", frozenset({Stream.OTHER}), 3000.0, fuel=Fuel.ELECTRIC, shift=shift
        ),
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("links", stops, sites, types, great_circle_matrix(points))


def _with(path: Path, text: str) -> Path:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return path


def test_sanitation_from_routing_result(tiny_county_path: Path) -> None:
    """Routes from solution.json replace the typed km and trucks, split by the workbook's fuels."""
    base = tiny_county_path.parent
    instance = _county()
    write_workbook(instance, base / "county")
    params = RoutingParams(solution_limit=10, time_limit_s=60, seed=1, engine="ortools")
    result = solve(instance, params=params)
    write_solution_json(result, instance, base / "solution.json")
    path = _with(
        tiny_county_path,
        '[sanitation]\nfrom_result = "solution.json"\nworkbook = "county"\n'
        "operating_days_per_year = 300\n",
    )
    scenario = read_scenario(path)
    electric = [r for r in result.routes if r.vehicle_type == "E"]
    fossil = [r for r in result.routes if r.vehicle_type == "D"]
    km = sum(r.distance_m for r in result.routes) / 1000 * 300
    assert scenario.activity["sanitation_km"] == pytest.approx(km)
    assert scenario.activity["electric_sanitation_trucks"] == len(electric)
    assert scenario.activity["fossil_sanitation_trucks"] == len(fossil)
    demand = scenario.data.given("SpecifiedAnnualDemand")
    assert demand[REGION, "SAN_KM", 2025] == pytest.approx(km / 1e6)  # million km
    if electric:
        kwh_per_km = (
            sum(r.energy_kwh for r in electric) / sum(r.distance_m for r in electric) * 1000
        )
        ratio = scenario.data.given("InputActivityRatio")[
            REGION, "ELECTRIC_SANITATION", "ELC", 1, 2025
        ]
        assert ratio == pytest.approx(kwh_per_km)


def test_waste_from_siting_result(tiny_county_path: Path) -> None:
    """Incinerator tonnes in siting.json become the waste sector; landfill is the alternative."""
    (tiny_county_path.parent / "siting.json").write_text(json.dumps(SITING), encoding="utf-8")
    burn = read_scenario(_with(tiny_county_path, '[waste]\nfrom_siting = "siting.json"\n'))
    tonnes = 250.0 * 365  # only P1 is an incinerator
    assert burn.activity["incinerated_t"] == pytest.approx(tonnes)
    assert burn.activity["wte_electricity_kwh"] == pytest.approx(tonnes * 280)
    d = burn.data
    assert d.given("SpecifiedAnnualDemand")[REGION, "WASTE", 2025] == pytest.approx(tonnes / 1000)
    assert d.given("OutputActivityRatio")[REGION, "INCINERATION", "ELC", 1, 2025] == 0.28
    fossil = 1000 * 0.20 * 0.39 * 1.0 * 44 / 12 / 1000  # kt CO2 per kt burnt
    assert d.given("EmissionActivityRatio")[REGION, "INCINERATION", CO2, 1, 2025] == pytest.approx(
        fossil
    )
    text = tiny_county_path.read_text(encoding="utf-8") + "incineration = false\n"
    tiny_county_path.write_text(text, encoding="utf-8")
    landfill = read_scenario(tiny_county_path)
    ch4 = 1000 * 1.0 * 0.15 * 0.5 * 0.5 * 16 / 12 * factor("gwp100_ch4") / 1000  # kt CO2e per kt
    ratio = landfill.data.given("EmissionActivityRatio")[REGION, "LANDFILL", CO2, 1, 2025]
    assert ratio == pytest.approx(ch4)
    a, b = minimise_cost(burn.data), minimise_cost(landfill.data)
    # Burning instead of landfilling cuts at least the methane less the fossil CO2.
    saved = (b.emissions_total(CO2) - a.emissions_total(CO2)) * 1e6 / 1000  # t over 2 years
    assert saved >= 2 * tonnes * (ch4 - fossil) - 1e-3 * tonnes


def test_sanitation_from_fleet_picks_the_scenario(tiny_county_path: Path) -> None:
    """A fleet.json scenario sets km, trucks by drive and kWh per km; unknown names are refused."""
    doc = {
        "schema": "countyopt.fleet",
        "operating_days_per_year": 365,
        "chosen": "all_electric",
        "scenarios": [
            {"name": "today", "electric_km_per_day": 0, "fossil_km_per_day": 100,
             "electricity_kwh_per_day": 0, "fuel_kwh_per_day": 250, "electric_vehicles": 0,
             "fossil_vehicles": 2},
            {"name": "all_electric", "electric_km_per_day": 100, "fossil_km_per_day": 0,
             "electricity_kwh_per_day": 120, "fuel_kwh_per_day": 0, "electric_vehicles": 3,
             "fossil_vehicles": 0},
        ],
    }  # fmt: skip
    (tiny_county_path.parent / "fleet.json").write_text(json.dumps(doc), encoding="utf-8")
    path = _with(tiny_county_path, '[sanitation]\nfrom_result = "fleet.json"\n')
    s = read_scenario(path)
    assert s.activity["sanitation_km"] == 36500
    assert s.activity["electric_sanitation_trucks"] == 3
    assert s.data.given("InputActivityRatio")[REGION, "ELECTRIC_SANITATION", "ELC", 1, 2025] == 1.2
    path.write_text(path.read_text(encoding="utf-8") + 'scenario = "nope"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"fleet\.json.*scenarios.*'nope'.*today, all_electric"):
        read_scenario(path)


@pytest.mark.parametrize(
    ("siting", "field"),
    [
        ({k: v for k, v in SITING.items() if k != "site_kinds"}, "site_kinds"),
        ({**SITING, "load_kg_per_day": {"P1": "lots"}}, "load_kg_per_day"),
    ],
)
def test_bad_linked_file_exit_2(
    tiny_county_path: Path, siting: dict[str, object], field: str
) -> None:
    """A linked siting.json without kinds or with bad loads is exit 2 naming file and field."""
    (tiny_county_path.parent / "siting.json").write_text(json.dumps(siting), encoding="utf-8")
    path = _with(tiny_county_path, '[waste]\nfrom_siting = "siting.json"\n')
    result = CliRunner().invoke(main, ["carbon", str(path), "--out", str(path.parent / "o")])
    assert result.exit_code == EXIT_INPUT
    assert "siting.json" in result.stderr and field in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_linked_file_and_unknown_key(tiny_county_path: Path) -> None:
    """A link to a missing file and a misspelt key are both reported by name."""
    path = _with(tiny_county_path, '[sanitation]\nfrom_result = "gone.json"\nscenari = "x"\n')
    with pytest.raises(InputError) as err:
        read_scenario(path)
    text = str(err.value)
    assert "gone.json" in text and "sanitation.scenari" in text


def test_carbon_command_names_links_and_estimates(tiny_county_path: Path) -> None:
    """`countyopt carbon` names the linked files and says the waste factors are estimates."""
    (tiny_county_path.parent / "siting.json").write_text(json.dumps(SITING), encoding="utf-8")
    path = _with(tiny_county_path, '[waste]\nfrom_siting = "siting.json"\n')
    result = CliRunner().invoke(main, ["carbon", str(path), "--out", str(path.parent / "o")])
    assert result.exit_code == 0, result.output
    assert "waste activity from" in result.stdout and "siting.json" in result.stdout
    assert "estimates" in result.stdout
    sectors = (path.parent / "o" / "carbon_by_sector.csv").read_text(encoding="utf-8-sig")
    assert "waste" in sectors
