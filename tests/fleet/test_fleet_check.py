"""The fleet checker accepts the study's own plans and catches broken ones."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.distances import great_circle_matrix
from optimizer.fleet.check import check_study
from optimizer.fleet.params import default_params
from optimizer.fleet.study import FleetStudy, study_fleet
from optimizer.model import Fuel, Instance, Site, SiteKind, Stop, Stream, TimeWindow, VehicleType
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve


@pytest.fixture(scope="module")
def study() -> FleetStudy:
    """Return the study of a 12-stop county with two diesel trucks of different sizes."""
    sites = (
        Site("D1", "depot", SiteKind.DEPOT, 34.82, 114.81),
        Site("P1", "plant", SiteKind.INCINERATOR, 34.86, 114.85, streams=frozenset({Stream.OTHER})),
    )
    stops = tuple(
        Stop(f"S{k}", f"s{k}", 34.80 + 0.004 * k, 114.79 + 0.005 * (k % 4), Stream.OTHER, 700.0)
        for k in range(12)
    )
    shift = TimeWindow(5 * 3600, 13 * 3600)
    types = (
        VehicleType("M", 1, "D1", frozenset({Stream.OTHER}), 5000.0, fuel=Fuel.DIESEL, shift=shift),
        VehicleType("S", 2, "D1", frozenset({Stream.OTHER}), 2000.0, fuel=Fuel.DIESEL, shift=shift),
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    county = Instance("check", stops, sites, types, great_circle_matrix(points))
    params = RoutingParams(solution_limit=20, time_limit_s=60, seed=1, engine="ortools")
    result = solve(
        county,
        params=params,
    )
    return study_fleet(county, result, default_params(), first_year=2026)


def test_own_plans_pass(study: FleetStudy) -> None:
    """Every scenario's charging plan passes the independent check."""
    assert check_study(study) == []
    assert study.scenario("all_electric").chargers >= 1


def test_overlap_and_missing_truck_are_caught(study: FleetStudy) -> None:
    """Two trucks on one charger at once, or a truck never charged, are reported."""
    s = study.scenario("all_electric")
    depot, plan = next(iter(s.charging.items()))
    first = plan.slots[0]
    overlap = (*plan.slots[:-1], (plan.slots[-1][0], first[1], first[2], first[3]))
    assert len(plan.slots) > 1
    bad = dataclasses.replace(plan, slots=overlap)
    broken = dataclasses.replace(s, charging={depot: bad})
    found = check_study(dataclasses.replace(study, scenarios=(broken,)))
    assert any("holds two trucks" in p or "outside" in p or "charges" in p for p in found)
    missing = dataclasses.replace(plan, slots=plan.slots[1:])
    broken = dataclasses.replace(s, charging={depot: missing})
    found = check_study(dataclasses.replace(study, scenarios=(broken,)))
    assert any("once each" in p for p in found)
