"""Which engine ``auto`` runs on the standard sets (the benchmark tables rely on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.bench.sets import load_instance
from optimizer.routing import engines
from optimizer.routing.params import RoutingParams

VRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp"
needs_data = pytest.mark.skipif(not VRP.is_dir(), reason="benchmark data ../shared/data absent")


@needs_data
@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("cvrp_x/X-n101-k25.vrp", "pyvrp"),  # one load a day: exact without reloads
        ("solomon100/C101.100.10.vrptw", "pyvrp"),
        ("mtvrptwr/C201R0.25.vrp", "pyvrp"),  # reloads at the depot, no daily limit
        # At most 500 stops a day: implied by the daily load limit on 102_stop;
        # on 804_stop (784 light stops) it binds while the daily load cannot
        # (4,620 yd3 in all, 10,000 a day), so PyVRP keeps it in its distance.
        ("kim2006_wcvrptw/102_stop.txt", "pyvrp"),
        ("kim2006_wcvrptw/804_stop.txt", "pyvrp"),
    ],
)
def test_auto_picks_pyvrp_wherever_it_expresses_every_rule(file: str, expected: str) -> None:
    """On every standard set, Kim included, auto is PyVRP alone (as ``--engine pyvrp``)."""
    path = VRP / file
    if not path.is_file():
        pytest.skip(f"{file} absent")
    instance = load_instance(path)
    params = RoutingParams(engine="auto", objective="distance")
    choice = engines.choose(instance, instance.vehicle_types, params, None)
    assert choice.engine == expected
    pyvrp_choice = engines.choose(
        instance, instance.vehicle_types, RoutingParams(engine="pyvrp"), None
    )
    assert pyvrp_choice.engine == choice.engine
