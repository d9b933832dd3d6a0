"""The fleet study on generated counties: energy, CO2 and cost recomputed independently."""

from __future__ import annotations

import csv
import itertools
import math
from importlib import resources

import pytest
from hypothesis import HealthCheck, assume, given, settings

from optimizer.evaluate import compartments
from optimizer.fleet.check import check_study
from optimizer.fleet.params import default_params
from optimizer.fleet.study import study_fleet
from optimizer.model import Fuel, Instance
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve
from tests.county_gen import county_instances

_RATES = {
    (r["fuel"], r["size_class"]): r
    for r in csv.DictReader(
        resources.files("optimizer")
        .joinpath("data/vehicle_energy.csv")
        .read_text("utf-8")
        .splitlines()
    )
}
_GRID = {
    r["key"]: float(r["value"])
    for r in csv.DictReader(
        resources.files("optimizer")
        .joinpath("data/emission_factors.csv")
        .read_text("utf-8")
        .splitlines()
    )
}


def _class(capacity_kg: float, fuel: str) -> str:
    sizes = sorted((float(r["max_payload_kg"]), c) for (f, c), r in _RATES.items() if f == fuel)
    return next(c for cap, c in sizes if capacity_kg <= cap)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(county_instances(min_stops=5, max_stops=14))
def test_generated_county_fleet_numbers(county: Instance) -> None:
    """All-electric kWh is Σ legs × load-dependent rate; CO2 and cost follow; plans check out."""
    params = RoutingParams(solution_limit=5, time_limit_s=60, seed=0, engine="ortools")
    result = solve(county, params=params)
    assume(result.routes)  # a county whose stops the search left all unserved has no fleet
    study = study_fleet(county, result, default_params(), first_year=2023, grid_region="east")
    assert check_study(study) == []
    electric = study.scenario("all_electric") if len(study.scenarios) > 1 else study.scenarios[0]
    kwh = 0.0
    for route in result.routes:
        vt = county.vehicle_type(route.vehicle_type)
        row = _RATES["electric", _class(vt.capacity_kg, vt.fuel.value)]
        empty = float(row["empty_per_100km"]) / 100
        full = float(row["full_per_100km"]) / 100
        if vt.fuel is Fuel.ELECTRIC:  # the county's own override, if any
            empty = float(vt.extra.get("empty_per_100km", empty * 100)) / 100
            full = float(vt.extra.get("full_per_100km", full * 100)) / 100
        capacity = sum(kg for kg, _ in compartments(vt).values())
        for a, b in itertools.pairwise(route.visits):
            km = county.travel.distance(a.location, b.location) / 1000
            kwh += km * (empty + (full - empty) * min(1.0, a.load_kg / capacity))
    assert electric.electricity_kwh_per_day == pytest.approx(kwh, rel=1e-6, abs=1e-9)
    assert electric.electric_vehicles == electric.vehicles >= len(result.routes)
    co2 = (kwh * _GRID["grid_east_2022"]) * 365 / 1000
    assert electric.co2_t_by_year[2023] == pytest.approx(co2, rel=1e-6, abs=1e-9)
    p = study.params
    for s in study.scenarios:
        capex = s.vehicles_capex_yuan + s.chargers_capex_yuan - s.subsidies_yuan
        yearly = s.energy_yuan_per_year + s.maintenance_yuan_per_year
        assert s.tco_yuan == pytest.approx(capex + p["life_years"] * yearly)
        usable = {r.vehicle: r.usable_kwh for r in s.routes if r.usable_kwh}
        for r in s.routes:
            if r.vehicle in usable:
                assert r.vehicles == max(1, math.ceil(r.energy_kwh / usable[r.vehicle] - 1e-9))
