"""The LRP checker recomputes costs and capacities from the instance and lists every broken rule."""

from __future__ import annotations

import math

from optimizer.lrp.check import LrpPlan, LrpRoute, evaluate
from optimizer.lrp.instance import LrpInstance


def _instance(*, integer: bool = True) -> LrpInstance:
    return LrpInstance(
        name="line",
        depot_xy=((0.0, 0.0), (10.0, 0.0)),
        customer_xy=((1.0, 0.0), (9.0, 0.0), (9.0, 1.0)),
        demand=(4.0, 4.0, 4.0),
        vehicle_capacity=10.0,
        depot_capacity=(20.0, 6.0),
        opening_cost=(100.0, 50.0),
        route_cost=7.0,
        integer_costs=integer,
    )


def test_cost_is_opening_plus_vehicles_plus_travel() -> None:
    """A feasible plan costs depot openings + route fixed costs + rounded-up travel."""
    inst = _instance()
    plan = LrpPlan((0,), (LrpRoute(0, (0,)), LrpRoute(0, (1, 2))))
    ev = evaluate(inst, plan)
    travel = 200 + (900 + 100 + math.ceil(100 * math.hypot(9, 1)))
    assert ev.feasible and ev.total == 100 + 2 * 7 + travel


def test_real_costs_are_not_rounded() -> None:
    """With real costs (Barreto) the travel is the plain Euclidean length."""
    ev = evaluate(_instance(integer=False), LrpPlan((0,), (LrpRoute(0, (2,)),)))
    assert math.isclose(ev.distance, 2 * math.hypot(9, 1))


def test_depot_capacity_violation_is_caught() -> None:
    """Two routes of load 4 from a depot holding 6 break its capacity, though each route fits."""
    inst = _instance()
    plan = LrpPlan((0, 1), (LrpRoute(0, (0,)), LrpRoute(1, (1,)), LrpRoute(1, (2,))))
    ev = evaluate(inst, plan)
    assert not ev.feasible and ev.depot_loads[1] == 8
    assert any("depot D2 serves 8" in v.en and "超过其容量" in v.zh for v in ev.violations)


def test_vehicle_capacity_violation_is_caught() -> None:
    """One route carrying 12 breaks the vehicle capacity of 10."""
    ev = evaluate(_instance(), LrpPlan((0,), (LrpRoute(0, (0, 1, 2)),)))
    assert [v.en for v in ev.violations] == [
        "route 1 from D1 carries 12, more than the vehicle capacity 10"
    ]


def test_missing_duplicate_and_closed_depot_are_caught() -> None:
    """Unvisited and twice-visited customers and routes from closed depots are each reported."""
    plan = LrpPlan((0,), (LrpRoute(0, (0,)), LrpRoute(1, (0, 1))))
    found = " | ".join(v.en for v in evaluate(_instance(), plan).violations)
    assert "closed depot D2" in found
    assert "1 customers not visited (first C3)" in found
    assert "1 customers visited more than once (first C1)" in found
