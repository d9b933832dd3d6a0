"""Settings of a routing run, shared by every engine."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Objective(StrEnum):
    """What a routing run minimises (after the number of vehicles, if asked)."""

    DISTANCE = "distance"
    TIME = "time"
    COST = "cost"
    CO2 = "co2"


@dataclass(frozen=True)
class RoutingParams:
    """Settings of one routing run.

    ``time_limit_s`` bounds the search; ``solution_limit`` bounds it by work
    (reproducible, since OR-Tools' search has no random seed).
    ``minimize_vehicles`` makes the number of used vehicles the first
    objective. ``engine`` is "ortools", "pyvrp" or "auto".
    """

    objective: Objective = Objective.COST
    time_limit_s: float = 30.0
    solution_limit: int | None = None
    seed: int = 0
    minimize_vehicles: bool = False
    engine: str = "auto"
    unserved_penalty: float | None = None  # None: engine picks one above any route cost

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError(f"time limit must be > 0 s, got {self.time_limit_s}")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError("solution limit must be >= 1")
        if self.engine not in ("ortools", "pyvrp", "auto"):
            raise ValueError(f"unknown engine {self.engine!r}; expected ortools, pyvrp or auto")
