"""What one engine run on one component returns, shared by every engine adapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.evaluate import objective_value
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route


def plan_key(
    routes: Sequence[Route], dropped: int, params: RoutingParams
) -> tuple[int, int, float]:
    """Return the rank of a component's plan: dropped stops, vehicles if minimised, objective."""
    vehicles = len(routes) if params.minimize_vehicles else 0
    return dropped, vehicles, objective_value(routes, str(params.objective))


@dataclass(frozen=True)
class EngineRun:
    """What one engine run returns, in domain ids.

    ``objective_value`` is the solver's objective decoded to the objective's
    unit, without unserved penalties or the vehicle-count term. ``note`` says
    in English and Chinese what was done beyond the chosen engine (a
    construction heuristic that rescued the plan), empty if nothing.
    ``ended``: the engine did not stop at its time limit and was killed
    (see :mod:`optimizer.routing.pyvrp_worker`); the run has no plan.
    """

    routes: tuple[Route, ...]
    dropped: tuple[str, ...]
    objective_value: float
    status: str
    num_solutions: int
    build_s: float
    runtime_s: float
    note: tuple[str, str] = ("", "")
    ended: bool = False
