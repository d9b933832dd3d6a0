"""Solve a built energy model with HiGHS (default) or CBC through PuLP.

PuLP reports a HiGHS or CBC stop at a time limit as "Optimal"; the status
returned here is the solver's own (HiGHS's model status string; CBC's
status line), and ``optimal`` is true only for a proven optimum.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pulp

from optimizer.carbon.model import EnergyModel

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")


@dataclass(frozen=True)
class SolveParams:
    """How to solve: solver, time limit in seconds, threads, and an optional LP file."""

    solver: SolverName = "highs"
    time_limit_s: float | None = None
    threads: int = 1
    write_lp: Path | None = None
    msg: bool = False


@dataclass(frozen=True)
class SolveOutcome:
    """What the solver said, and how long building and solving took."""

    solver: SolverName
    status: str
    optimal: bool
    has_solution: bool
    objective: float | None
    build_s: float
    solve_s: float


def available_solvers() -> list[SolverName]:
    """Return the solvers usable on this machine, HiGHS first."""
    found: list[SolverName] = []
    if pulp.HiGHS().available():
        found.append("highs")
    if _cbc().available():
        found.append("cbc")
    return found


def write_lp(model: EnergyModel, path: Path) -> Path:
    """Write the model as a CPLEX LP file (atomically) and return its path."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.lp")
    model.prob.writeLP(str(tmp))
    tmp.replace(path)
    return path


def solve(model: EnergyModel, *, params: SolveParams | None = None) -> SolveOutcome:
    """Solve ``model`` in place and return the solver's status and timings."""
    params = params or SolveParams()
    if params.write_lp is not None:
        write_lp(model, params.write_lp)
    start = time.perf_counter()
    if params.solver == "highs" and not pulp.HiGHS().available():
        # CBC is the fallback when highspy is missing (it ships with PuLP 3).
        params = replace(params, solver="cbc")
    if params.solver == "highs":
        status, optimal, has_solution = _solve_highs(model, params)
    elif params.solver == "cbc":
        status, optimal, has_solution = _solve_cbc(model, params)
    else:
        raise ValueError(f"unknown solver {params.solver!r}; expected one of {SOLVERS}")
    solve_s = time.perf_counter() - start
    objective = pulp.value(model.prob.objective) if has_solution else None
    return SolveOutcome(
        solver=params.solver,
        status=status,
        optimal=optimal,
        has_solution=has_solution,
        objective=None if objective is None else float(objective),
        build_s=model.build_s,
        solve_s=solve_s,
    )


class _BulkHiGHS(pulp.HiGHS):  # type: ignore[misc]
    """PuLP's HiGHS interface, handing the model to HiGHS in bulk.

    PuLP 3.3 adds every column and row with its own ``addCol``/``addRow``
    call; on the hourly county model (220k rows) that took longer than the
    rest of building. Here the columns and the rows go in one call each, as
    CSR arrays; everything else (options, status, solution read-back) is
    PuLP's own.
    """

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        import highspy
        import numpy as np

        inf = highspy.kHighsInf
        sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        columns = lp.variables()
        for i, var in enumerate(columns):
            var.index = i
        objective = lp.objective
        cost = np.array([sign * objective.get(v, 0.0) for v in columns], dtype=np.float64)
        lower = np.array(
            [-inf if v.lowBound is None else v.lowBound for v in columns], dtype=np.float64
        )
        upper = np.array(
            [inf if v.upBound is None else v.upBound for v in columns], dtype=np.float64
        )
        highs = lp.solverModel
        empty_i = np.zeros(0, dtype=np.int32)
        empty_f = np.zeros(0, dtype=np.float64)
        highs.addCols(len(columns), cost, lower, upper, 0, empty_i, empty_i, empty_f)
        integer = [v.index for v in columns if v.cat == pulp.LpInteger]
        if integer and self.mip:
            kinds = np.array([highspy.HighsVarType.kInteger] * len(integer))
            highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32), kinds)
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        row_lower: list[float] = []
        row_upper: list[float] = []
        for i, constraint in enumerate(lp.constraints()):
            constraint.index = i
            starts.append(len(indices))
            for var, coef in constraint.items():
                if coef != 0:
                    indices.append(var.index)
                    values.append(coef)
            lo, up = constraint.getLb(), constraint.getUb()
            row_lower.append(-inf if lo is None else lo)
            row_upper.append(inf if up is None else up)
        highs.addRows(
            len(starts),
            np.array(row_lower, dtype=np.float64),
            np.array(row_upper, dtype=np.float64),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=np.float64),
        )


def _solve_highs(model: EnergyModel, params: SolveParams) -> tuple[str, bool, bool]:
    import highspy  # the adapter's own solver library

    solver = _BulkHiGHS(
        msg=params.msg,
        timeLimit=params.time_limit_s,
        threads=params.threads,
        gapRel=1e-9,
        random_seed=0,
    )
    model.prob.solve(solver)
    highs = model.prob.solverModel
    status = highs.getModelStatus()
    text = str(highs.modelStatusToString(status))
    feasible = int(highs.getInfo().primal_solution_status) == 2  # kSolutionStatusFeasible
    return text, status == highspy.HighsModelStatus.kOptimal, feasible


_CBC_WORDS = {
    pulp.LpSolutionOptimal: "Optimal",
    pulp.LpSolutionIntegerFeasible: "Stopped on limit with a feasible solution",
    pulp.LpSolutionInfeasible: "Infeasible",
    pulp.LpSolutionUnbounded: "Unbounded",
    pulp.LpSolutionNoSolutionFound: "Stopped without a solution",
}


def _cbc(**options: Any) -> Any:
    """Return PuLP's bundled-CBC solver (pulp < 4, pinned), without its 4.x deprecation warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PULP_CBC_CMD is deprecated", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def _solve_cbc(model: EnergyModel, params: SolveParams) -> tuple[str, bool, bool]:
    solver = _cbc(
        msg=params.msg, timeLimit=params.time_limit_s, threads=params.threads, gapRel=1e-9
    )
    model.prob.solve(solver)
    sol_status = model.prob.sol_status
    text = _CBC_WORDS.get(sol_status, f"CBC solution status {sol_status}")
    has_solution = sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    return text, sol_status == pulp.LpSolutionOptimal, has_solution
