"""The location-routing search: checked plans, at the best-known cost on small instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.lrp import read_lrp
from optimizer.lrp.check import evaluate
from optimizer.lrp.instance import LrpInstance
from optimizer.lrp.solve import LrpParams, solve

LRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "siting" / "lrp"
needs_data = pytest.mark.skipif(not LRP.is_dir(), reason="shared benchmark data not present")
# Work caps, not wall-clock limits: the same plan on any machine.
CAPPED = LrpParams(time_limit_s=120, iterations=1000, max_rounds=4)


@needs_data
@pytest.mark.parametrize(
    ("name", "bks"), [("coord20-5-1b.dat", 39104), ("coord20-5-2b.dat", 37542)]
)
def test_small_prodhon_instance_reaches_its_bks(name: str, bks: float) -> None:
    """A 20-customer Prodhon instance is solved to its published best-known cost (≤ 0.5 % above)."""
    inst = read_lrp(LRP / "prodhon_prins2006" / name)
    result = solve(inst, params=CAPPED)
    ev = evaluate(inst, result.plan)
    assert ev.feasible
    assert ev.total == result.evaluation.total
    assert ev.total <= bks * 1.005


def test_depot_capacity_forces_a_second_depot() -> None:
    """When one depot cannot hold all demand, the plan opens a second and stays within both."""
    inst = LrpInstance(
        name="two-clusters",
        depot_xy=((0.0, 0.0), (50.0, 0.0), (25.0, 30.0)),
        customer_xy=tuple((float(x), float(y)) for x in (1, 2, 3, 48, 49) for y in (1, 2)),
        demand=(5.0,) * 10,
        vehicle_capacity=20.0,
        depot_capacity=(30.0, 30.0, 100.0),
        opening_cost=(100.0, 100.0, 5000.0),
        route_cost=10.0,
        integer_costs=True,
    )
    result = solve(inst, params=CAPPED)
    ev = evaluate(inst, result.plan)
    assert ev.feasible
    assert sorted(result.plan.open_depots) == [0, 1]
    assert all(load <= 30 for load in ev.depot_loads.values())


def test_exactly_tight_depot_capacities_still_give_a_feasible_plan() -> None:
    """Depots holding exactly the total demand (as in Prodhon's 100-10-1b) get a checked plan."""
    inst = LrpInstance(
        name="tight",
        depot_xy=((0.0, 0.0), (30.0, 0.0)),
        customer_xy=tuple((float(x), float(y)) for x in (2, 5, 14, 16, 25, 28) for y in (1, 3)),
        demand=(4.0, 6.0, 5.0, 5.0, 7.0, 3.0, 6.0, 4.0, 5.0, 5.0, 2.0, 8.0),
        vehicle_capacity=15.0,
        depot_capacity=(30.0, 30.0),
        opening_cost=(50.0, 50.0),
        route_cost=10.0,
        integer_costs=True,
    )
    result = solve(inst, params=CAPPED)
    ev = evaluate(inst, result.plan)
    assert ev.feasible
    assert ev.depot_loads == {0: 30.0, 1: 30.0}
