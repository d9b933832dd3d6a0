"""``countyopt route`` on a county workbook with electric compactors and chargers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.distances import great_circle_matrix
from optimizer.evaluate import check
from optimizer.io.load import read_instance
from optimizer.io.solution import read_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import (
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)
from optimizer.routing.result import VisitKind

H = 3600


def electric_county() -> Instance:
    """Return 8 stops about 13 km from the depot, a plant beyond them and a 60 kW charger.

    A round trip is about 40 km of road at 0.45-0.58 kWh/km, more than the
    usable 18 kWh of the 20 kWh battery (10 % reserve): every route must charge.
    """
    sites = (
        Site("D", "城关车场", SiteKind.DEPOT, 34.80, 114.80, charger_kw=40.0, chargers=2),
        Site(
            "P",
            "焚烧厂",
            SiteKind.INCINERATOR,
            34.80,
            114.98,
            streams=frozenset({Stream.OTHER}),
            unload_s=600,
            hours=TimeWindow(5 * H, 20 * H),
        ),
        Site("Q", "乡镇充电站", SiteKind.CHARGER, 34.81, 114.93, charger_kw=60.0, chargers=1),
    )
    stops = tuple(
        Stop(
            f"S{k}",
            f"点{k}",
            34.79 + 0.006 * (k % 4),
            114.93 + 0.008 * (k // 4),
            Stream.OTHER,
            300.0,
            service_s=300,
        )
        for k in range(8)
    )
    ev = VehicleType(
        "EV4",
        2,
        "D",
        frozenset({Stream.OTHER}),
        capacity_kg=1500.0,
        fuel=Fuel.ELECTRIC,
        battery_kwh=20.0,
        reserve_kwh=2.0,
        shift=TimeWindow(6 * H, 18 * H),
        cost_per_km=1.0,
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("ev-county", stops, sites, (ev,), great_circle_matrix(points))


def test_electric_trucks_charge_and_pass_the_checker(tmp_path: Path) -> None:
    """Every stop is served, routes charge on the way, check clean and show the battery."""
    workbook = tmp_path / "county"
    write_workbook(electric_county(), workbook)
    out = tmp_path / "out"
    args = ["route", str(workbook), "--out", str(out), "--engine", "pyvrp"]
    args += ["--solution-limit", "50", "--time-limit", "5", "--quiet", "--seed", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stdout
    instance = read_instance(workbook)
    assert instance.vehicle_type("EV4").battery_kwh == 20.0
    assert instance.site("Q").charger_kw == 60.0
    plan = read_solution_json(out / "solution.json")
    assert check(instance, plan) == []
    assert not plan.unserved
    assert plan.routes and all(
        any(v.kind is VisitKind.CHARGE for v in r.visits) for r in plan.routes
    )
    sheet = pd.read_csv(out / "routes.csv")
    battery = sheet["battery on leaving (kWh)"]
    assert battery.iloc[0] == 20.0  # leaves the depot full
    assert battery.min() >= 2.0 - 0.01  # never below the 2 kWh reserve (rounded to 0.01)


def test_battery_on_a_diesel_truck_is_refused(tmp_path: Path) -> None:
    """A battery given to a diesel type is refused with file, row and field, exit code 2."""
    workbook = tmp_path / "county"
    write_workbook(electric_county(), workbook)
    vehicles = workbook / "vehicles.csv"
    vehicles.write_text(
        vehicles.read_text(encoding="utf-8").replace("electric", "diesel"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(workbook)])
    assert result.exit_code == 2
    assert "vehicles.csv" in result.output and "battery_kwh" in result.output


def test_electric_trucks_with_breaks_and_two_streams_pass_the_checker() -> None:
    """With a lunch break and a kitchen stream beside, routes charge, rest and check clean."""
    import dataclasses

    from optimizer.model import Break
    from optimizer.routing.params import RoutingParams
    from optimizer.routing.solve import solve

    base = electric_county()
    ev = dataclasses.replace(base.vehicle_types[0], break_=Break(TimeWindow(7 * H, 9 * H), 1800))
    kitchen = dataclasses.replace(
        ev, id="EVK", streams=frozenset({Stream.KITCHEN}), break_=None, count=1
    )
    stops = tuple(
        dataclasses.replace(s, stream=Stream.KITCHEN) if s.id in ("S0", "S5") else s
        for s in base.stops
    )
    sites = tuple(
        dataclasses.replace(s, streams=frozenset({Stream.OTHER, Stream.KITCHEN}))
        if s.id == "P"
        else s
        for s in base.sites
    )
    instance = dataclasses.replace(base, stops=stops, sites=sites, vehicle_types=(ev, kitchen))
    params = RoutingParams(engine="pyvrp", solution_limit=50, time_limit_s=10, seed=1)
    result = solve(instance, params=params)
    assert check(instance, result) == []
    assert not result.unserved
    kinds = {v.kind for r in result.routes for v in r.visits}
    assert {VisitKind.CHARGE, VisitKind.BREAK} <= kinds
