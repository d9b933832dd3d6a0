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

    Large counties (see :mod:`optimizer.routing.decompose`): a county of
    more than ``decompose_above`` stops is planned by parts (a stream
    component that large is cut into parts of about ``part_stops`` stops),
    ``jobs`` parts at a time in worker processes, or on the Dask cluster
    whose scheduler is at ``scheduler`` (``tcp://host:8786``); ``rounds`` bounds the
    improvement rounds (None: while time remains; a number makes a run with
    a solution limit reproducible). A stream component of more than
    ``improve_above`` stops that is not cut is planned whole first, then
    improved in the same rounds with groups of about ``group_stops`` stops
    (PyVRP's search steps are far cheaper on a few routes than on the whole
    component; benchmarks/kim/README.md).
    """

    objective: Objective = Objective.COST
    time_limit_s: float = 30.0
    solution_limit: int | None = None
    seed: int = 0
    minimize_vehicles: bool = False
    # A search that removes vehicles shortens its last plan until this share
    # of its time once the removal has ended (1: to the end; less where
    # decompose's rounds take over).
    polish_until: float = 1.0
    engine: str = "auto"
    unserved_penalty: float | None = None  # None: engine picks one above any route cost
    jobs: int = 1
    scheduler: str | None = None
    # Above 2,500 stops (the Kim set's largest, 2,092, stays whole; the xxl
    # set starts at 3,000) a county is planned by parts.
    decompose_above: int = 2500
    part_stops: int = 1000
    improve_above: int = 1000
    group_stops: int = 400
    rounds: int | None = None

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError(f"time limit must be > 0 s, got {self.time_limit_s}")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError("solution limit must be >= 1")
        if self.jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {self.jobs}")
        if min(self.part_stops, self.decompose_above, self.improve_above, self.group_stops) < 1:
            raise ValueError("part, group and decomposition sizes must be >= 1")
        if self.engine not in ("ortools", "pyvrp", "auto"):
            raise ValueError(f"unknown engine {self.engine!r}; expected ortools, pyvrp or auto")
