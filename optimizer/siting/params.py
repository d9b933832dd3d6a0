"""Settings of one siting solve."""

from __future__ import annotations

from dataclasses import dataclass

#: MIP backends of OR-Tools' linear solver wrapper usable here, by our name.
SOLVERS = ("scip", "highs", "cbc")


@dataclass(frozen=True)
class SitingParams:
    """How to solve a siting problem.

    ``relative_gap`` 0 asks for a proven optimum (the solvers' default of
    1e-4 stops short of it on the OR-Library sets). ``time_limit_s`` bounds
    the search; on a stop the best plan found and the remaining gap are
    reported. ``threads`` 1 keeps runs reproducible and fair on shared cores.
    ``reduce`` first bounds the problem by Lagrangian relaxation and removes
    the choices no optimal plan makes (:mod:`optimizer.siting.lagrange`);
    the optimum is the same, found faster.
    """

    solver: str = "scip"
    relative_gap: float = 0.0
    time_limit_s: float = 60.0
    seed: int = 0
    threads: int = 1
    reduce: bool = True

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(
                f"unknown solver {self.solver!r}; expected one of {', '.join(SOLVERS)}"
            )
        if not 0.0 <= self.relative_gap < 1.0:
            raise ValueError(f"relative gap must be in [0, 1), got {self.relative_gap}")
        if not self.time_limit_s > 0:
            raise ValueError(f"time limit must be > 0 s, got {self.time_limit_s}")
        if self.threads < 1:
            raise ValueError(f"threads must be >= 1, got {self.threads}")
