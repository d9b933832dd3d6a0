"""What one engine run on one component returns, shared by every engine adapter."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.routing.result import Route


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
