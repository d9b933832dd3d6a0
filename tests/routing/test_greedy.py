"""Tests of the nearest-neighbour start plan used on large instances."""

from __future__ import annotations

import pytest
from test_ortools_engine import H, run, stop, town, truck

from optimizer.evaluate import check_route, simulate_route
from optimizer.model import Break, TimeWindow
from optimizer.routing import ortools_engine
from optimizer.routing.greedy import greedy_routes


def test_greedy_routes_are_feasible_and_serve_everything() -> None:
    """Twelve 400 kg stops for two 1000 kg trucks: every stop served, every route valid."""
    stops = [stop(f"S{k}", 800 * k - 4000, 400, service_s=300) for k in range(12)]
    inst = town(stops, [truck(count=2, max_load_kg_per_day=3000)])
    fleet = [(f"T#{k}", inst.vehicle_types[0]) for k in (1, 2)]
    plans = greedy_routes(inst, [s.id for s in stops], fleet)
    served = [loc for seq in plans.values() for kind, loc in seq if kind.value == "stop"]
    assert sorted(served) == sorted(s.id for s in stops)
    for name, seq in plans.items():
        route = simulate_route(inst, name, inst.vehicle_types[0], seq, 6 * H)
        assert check_route(inst, route) == []


def test_engine_started_from_greedy_plan_passes_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forcing the greedy start (as on large instances) still yields a checked, complete plan."""
    monkeypatch.setattr(ortools_engine, "GREEDY_ABOVE", 0)
    lunch = Break(TimeWindow(11 * H, 12 * H), 1800)
    stops = [stop(f"S{k}", 700 * k - 4000, 300, service_s=1200) for k in range(14)]
    result = run(town(stops, [truck(count=3, break_=lunch)]), solution_limit=20)
    assert not result.unserved
