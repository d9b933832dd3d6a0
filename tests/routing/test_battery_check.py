"""The checker's state of charge on a hand-computed line town (km and kWh by hand)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optimizer.evaluate import Rule, check, objective_value, simulate_route
from optimizer.model import (
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.routing.result import Route, RoutingResult, VisitKind

H = 3600
D, S, U, C = VisitKind.DEPOT, VisitKind.STOP, VisitKind.UNLOAD, VisitKind.CHARGE


def _town(*, facility_kw: float | None = None, count: int = 2) -> Instance:
    """Depot D at 0 km, stop A at 10 km (500 kg), charger Q at 20 km, facility F at 30 km.

    The truck uses 1 kWh/km empty and 2 kWh/km full (1000 kg), so 1.5 kWh/km
    with A's 500 kg on board; its 60 kWh battery keeps a 6 kWh reserve.
    """
    x = {"D": 0.0, "A": 10_000.0, "Q": 20_000.0, "F": 30_000.0, "N": 25_000.0}
    stops = (Stop("A", "a", 0, 10, Stream.OTHER, 500, service_s=60),)
    sites = (
        Site("D", "depot", SiteKind.DEPOT, 0, 0),
        Site("Q", "charger", SiteKind.CHARGER, 0, 20, charger_kw=60.0, chargers=1),
        Site(
            "F",
            "plant",
            SiteKind.INCINERATOR,
            0,
            30,
            frozenset({Stream.OTHER}),
            unload_s=600,
            charger_kw=facility_kw,
        ),
        Site("N", "no charger", SiteKind.CHARGER, 0, 25),
    )
    ev = VehicleType(
        "ev",
        count,
        "D",
        frozenset({Stream.OTHER}),
        capacity_kg=1000,
        fuel=Fuel.ELECTRIC,
        battery_kwh=60.0,
        reserve_kwh=6.0,
        shift=TimeWindow(6 * H, 18 * H),
        extra={"empty_per_100km": "100", "full_per_100km": "200"},
    )
    ids = tuple(x)
    pos = np.array([x[i] for i in ids])
    dist = np.abs(pos[:, None] - pos[None, :])
    return Instance("town", stops, sites, (ev,), TravelMatrix(ids, dist, dist / 10.0))


def _plan(inst: Instance, *routes: Route) -> RoutingResult:
    return RoutingResult(
        "town", routes, (), "distance", objective_value(routes, "distance"), "hand"
    )


def _route(inst: Instance, seq: list[tuple[VisitKind, str]], name: str = "ev#1") -> Route:
    return simulate_route(inst, name, inst.vehicle_type("ev"), seq, 7 * H)


def test_flat_battery_is_caught_where_it_runs_out() -> None:
    """D-A-F-D needs 10 + 30 + 30 = 70 kWh of a 60 kWh battery: the return to D is flagged."""
    inst = _town()
    route = _route(inst, [(D, "D"), (S, "A"), (U, "F"), (D, "D")])
    found = [v for v in check(inst, _plan(inst, route)) if v.rule is Rule.BATTERY]
    assert [v.visit for v in found] == [3]
    assert "-10 kWh" in found[0].message


def test_charging_just_enough_keeps_the_reserve() -> None:
    """Q charges 16 kWh (960 s at 60 kW) to reach D with the 6 kWh reserve; 1 min less fails."""
    inst = _town()
    route = _route(inst, [(D, "D"), (S, "A"), (U, "F"), (C, "Q"), (D, "D")])
    charge = route.visits[3]
    assert charge.departure_s - charge.start_s == pytest.approx(960.0)
    assert check(inst, _plan(inst, route)) == []
    visits = list(route.visits)
    visits[3] = dataclasses.replace(charge, departure_s=charge.departure_s - 60)
    cut = dataclasses.replace(route, visits=tuple(visits))
    rules = {v.rule for v in check(inst, _plan(inst, cut))}
    assert Rule.BATTERY in rules


def test_unloading_at_a_facility_with_a_charger_recharges() -> None:
    """600 s of unloading at a 120 kW charger adds 20 kWh, so D-A-F-D holds without a detour."""
    inst = _town(facility_kw=120.0)
    route = _route(inst, [(D, "D"), (S, "A"), (U, "F"), (D, "D")])
    assert check(inst, _plan(inst, route)) == []


def test_charging_without_a_charger_is_caught() -> None:
    """A charge visit at a site without charger is reported, and the battery still runs out."""
    inst = _town()
    route = _route(inst, [(D, "D"), (S, "A"), (U, "F"), (C, "N"), (D, "D")])
    rules = {v.rule for v in check(inst, _plan(inst, route))}
    assert {Rule.CHARGER, Rule.BATTERY} <= rules


def test_two_vehicles_on_one_charger_at_once_are_caught() -> None:
    """Q has one charger: two trucks charging there over the same minutes break the count."""
    inst = _town()
    seq = [(D, "D"), (S, "A"), (U, "F"), (C, "Q"), (D, "D")]
    first = _route(inst, seq)
    second = _route(inst, [(D, "D"), (U, "F"), (C, "Q"), (D, "D")], "ev#2")
    plan = _plan(inst, first, second)
    assert Rule.CHARGERS_BUSY in {v.rule for v in check(inst, plan)}
