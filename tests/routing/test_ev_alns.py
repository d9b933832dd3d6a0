"""The E-VRPTW engine (RoutingBlocks ALNS with charging stops) through ``solve``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimizer.evaluate import check
from optimizer.io.evrptw import read_evrptw
from optimizer.routing.ev_alns import unfit
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import VisitKind
from optimizer.routing.solve import solve

EVRPTW = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp" / "evrptw"


@pytest.mark.skipif(not EVRPTW.is_dir(), reason="benchmark data ../shared/data absent")
def test_small_file_reaches_its_best_known_distance() -> None:
    """r104C5 is planned at 136.69 with 2 vehicles and the charging stop its battery needs.

    136.69 / 2 is the value Schneider et al. (2014) list for r104C5, quoted
    from memory of their table (no table of the small files is in the data).
    """
    instance = read_evrptw(EVRPTW / "5" / "r104C5.txt")
    assert unfit(instance, instance.vehicle_types) == ""
    params = RoutingParams(objective=Objective.DISTANCE, solution_limit=300, seed=0)
    result = solve(instance, params=params)
    assert "ev-alns" in result.settings["engine_choice"][0]  # type: ignore[index]
    assert check(instance, result) == []
    assert not result.unserved
    assert result.distance_m / 1000 == pytest.approx(136.69, abs=0.01)
    charges = [v for r in result.routes for v in r.visits if v.kind is VisitKind.CHARGE]
    assert charges and all(v.departure_s > v.start_s for v in charges)


@pytest.mark.skipif(not EVRPTW.is_dir(), reason="benchmark data ../shared/data absent")
def test_without_stations_the_battery_leaves_far_stops_unserved() -> None:
    """With the stations taken away, a stop beyond the battery's reach is reported unserved."""
    import dataclasses

    from optimizer.model import SiteKind

    instance = read_evrptw(EVRPTW / "5" / "r104C5.txt")
    sites = tuple(s for s in instance.sites if s.kind is not SiteKind.CHARGER)
    bare = dataclasses.replace(instance, sites=sites)
    params = RoutingParams(objective=Objective.DISTANCE, solution_limit=50, seed=0)
    result = solve(bare, params=params)
    assert check(bare, result) == []
    assert "C71" in {u.stop for u in result.unserved}


@pytest.mark.skipif(not EVRPTW.is_dir(), reason="benchmark data ../shared/data absent")
def test_restarts_keep_the_search_deterministic_given_the_seed() -> None:
    """Two runs with one seed and an iteration limit spanning restarts give the same plan."""
    from optimizer.routing.ev_alns import EvSearchParams, solve_component

    instance = read_evrptw(EVRPTW / "10" / "r201C10.txt")
    params = RoutingParams(
        objective=Objective.DISTANCE, minimize_vehicles=True, solution_limit=400, seed=3
    )
    runs = [
        solve_component(
            instance,
            [s.id for s in instance.stops],
            instance.vehicle_types,
            params=params,
            time_limit_s=600,
            search=EvSearchParams(max_stall=100),
        )
        for _ in range(2)
    ]
    restarts = re.search(r"(\d+) restarts", runs[0].note[0])
    assert restarts is not None and int(restarts.group(1)) >= 1
    plans = [[[v.location for v in r.visits] for r in run.routes] for run in runs]
    assert plans[0] == plans[1] and runs[0].objective_value == runs[1].objective_value
