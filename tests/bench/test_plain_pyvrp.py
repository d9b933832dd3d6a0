"""Plain PyVRP, the reference of the xxl benchmark, gives checked plans in our ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.bench.plain_ortools import Unsupported
from optimizer.bench.sets import best_known, load_instance
from optimizer.bench.task import engine_function
from optimizer.evaluate import check
from tests.commands.conftest import small_county

DATA = Path(__file__).resolve().parent / "data"


def test_plain_pyvrp_plan_maps_to_our_stops_and_reaches_the_optimum() -> None:
    """PyVRP's routes of Tiny6 become a checked plan in our stop ids, at the optimum."""
    path = DATA / "Tiny6.vrp"
    instance = load_instance(path)
    seen: list[float] = []
    result = engine_function("pyvrp-plain")(instance, 1.0, 0, lambda t, v: seen.append(v))
    assert check(instance, result) == []
    assert not result.unserved
    bks, _ = best_known(path, instance)
    assert result.objective_value == pytest.approx(bks)
    assert seen


def test_plain_pyvrp_refuses_a_county() -> None:
    """A county workbook is not a VRPLIB CVRP file: the reference says so instead of guessing."""
    with pytest.raises(Unsupported):
        engine_function("pyvrp-plain")(small_county(), 1.0, 0, lambda t, v: None)
