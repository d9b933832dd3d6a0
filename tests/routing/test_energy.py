"""Tests of the load-dependent energy and CO2 model of collection trucks."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from optimizer import factors
from optimizer.evaluate import simulate_route
from optimizer.model import (
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TravelMatrix,
    VehicleType,
)
from optimizer.routing.energy import energy_rates, size_class
from optimizer.routing.result import VisitKind


def _type(fuel: Fuel = Fuel.DIESEL, capacity: float = 5000.0, **extra: str) -> VehicleType:
    return VehicleType(
        "T", 1, "D", frozenset({Stream.OTHER}), capacity_kg=capacity, fuel=fuel, extra=extra
    )


def test_every_figure_has_a_source() -> None:
    """Each row of vehicle_energy.csv states a source or says it is an assumption."""
    text = resources.files("optimizer").joinpath("data/vehicle_energy.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["fuel"] for r in rows} == {f.value for f in Fuel}
    for r in rows:
        assert len(r["source"]) > 20
        assert float(r["full_per_100km"]) > float(r["empty_per_100km"]) > 0


def test_consumption_grows_linearly_with_load() -> None:
    """A medium diesel compactor uses 25 L/100 km empty, 33 full and 29 half full."""
    rates = energy_rates(_type())
    assert size_class(_type()) == "medium"
    assert rates.fuel(10_000, 0.0) == pytest.approx(2.5)
    assert rates.fuel(10_000, 1.0) == pytest.approx(3.3)
    assert rates.fuel(10_000, 0.5) == pytest.approx(2.9)
    assert rates.fuel(10_000, 3.0) == pytest.approx(3.3)  # overload is not extrapolated


def test_diesel_conversions_follow_published_factors() -> None:
    """A litre of diesel is 0.84 kg x 43 MJ/kg = 10.03 kWh and 2.68 kg CO2 (IPCC 2006)."""
    rates = energy_rates(_type())
    assert rates.kwh_per_unit == pytest.approx(0.84 * 43 / 3.6)
    assert rates.co2_kg_per_unit == pytest.approx(factors.diesel_kg_co2_per_litre())
    assert rates.co2_kg_per_unit == pytest.approx(2.676, abs=1e-3)


def test_electric_truck_uses_the_regional_grid_factor() -> None:
    """An electric truck's CO2 per kWh is the grid factor of the chosen region and year."""
    rates = energy_rates(_type(Fuel.ELECTRIC), grid_region="south", grid_year=2022)
    assert rates.unit == "kWh" and rates.kwh_per_unit == 1.0
    assert rates.co2_kg_per_unit == pytest.approx(0.3869)


def test_type_overrides_the_table() -> None:
    """A type's own empty/full figures replace the table's."""
    rates = energy_rates(_type(empty_per_100km="20", full_per_100km="30"))
    assert rates.fuel(100_000, 0.5) == pytest.approx(25.0)


def test_route_energy_uses_load_on_each_leg() -> None:
    """Out empty 2 km, then 8 km with a full load, then 10 km empty: 2x0.25 + 8x0.33 + 10x0.25 L."""
    sites = (
        Site("D", "d", SiteKind.DEPOT, 0, 0),
        Site("F", "f", SiteKind.TRANSFER, 0, 10_000, frozenset({Stream.OTHER})),
    )
    stops = (Stop("A", "a", 0, 2000, Stream.OTHER, 5000.0),)
    ids = ("D", "F", "A")
    pos = np.array([0.0, 10_000.0, 2000.0])
    dist = np.abs(pos[:, None] - pos[None, :])
    vt = _type()
    inst = Instance("e", stops, sites, (vt,), TravelMatrix(ids, dist, dist / 10))
    seq = [
        (VisitKind.DEPOT, "D"),
        (VisitKind.STOP, "A"),
        (VisitKind.UNLOAD, "F"),
        (VisitKind.DEPOT, "D"),
    ]
    route = simulate_route(inst, "T#1", vt, seq, 6 * 3600)
    litres = 2 * 0.25 + 8 * 0.33 + 10 * 0.25
    assert route.co2_kg == pytest.approx(litres * factors.diesel_kg_co2_per_litre())
    assert route.energy_kwh == pytest.approx(litres * 0.84 * 43 / 3.6)
