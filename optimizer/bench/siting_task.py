"""Run one siting benchmark task: an OR-Library or Holmberg file, a MIP solver, a time limit.

Engines: ``scip``, ``highs`` and ``cbc`` solve countyopt's model through
OR-Tools (:func:`optimizer.siting.mip.solve`); ``pulp-cbc`` solves the same
formulation written in PuLP (:mod:`optimizer.bench.siting_pulp`). Every
engine is asked for a proven optimum (relative gap 0) on one thread. The
record's objective is recomputed from the plan by the independent checker
(:func:`optimizer.siting.check.evaluate`), never read from the solver.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from optimizer.bench.plain_ortools import Unsupported
from optimizer.bench.sets import best_known_siting
from optimizer.bench.task import SITING_ENGINES, Task, plan_target
from optimizer.io.atomic import write_text_atomic
from optimizer.io.load import read_facility_problem
from optimizer.siting.check import evaluate
from optimizer.siting.problem import FacilityProblem
from optimizer.siting.result import Decision

# A plan "matches" the published optimum within this relative tolerance (plus
# 0.01 absolute: OR-Library optima are printed to three decimals).
MATCH_REL = 1e-6
MATCH_ABS = 0.01


def matches(value: float | None, optimum: float | None) -> bool | None:
    """Return whether ``value`` equals the published ``optimum`` (None without one)."""
    if optimum is None:
        return None
    return (
        value is not None and abs(value - optimum) <= MATCH_REL * max(1.0, abs(optimum)) + MATCH_ABS
    )


def _solve(
    problem: FacilityProblem, engine: str, time_limit_s: float, seed: int
) -> tuple[str, Decision | None, float | None]:
    """Return (solver status, plan, proven bound) of one engine."""
    if engine == "pulp-cbc":
        from optimizer.bench.siting_pulp import solve_pulp

        run = solve_pulp(problem, time_limit_s)
        return run.status, run.decision, None
    from optimizer.siting.mip import solve
    from optimizer.siting.params import SitingParams

    result = solve(
        problem, params=SitingParams(solver=engine, time_limit_s=time_limit_s, seed=seed)
    )
    return result.status.value, result.decision, result.bound


def _write_plan(
    task: Task, problem: FacilityProblem, decision: Decision, doc: dict[str, Any]
) -> str:
    target = plan_target(task)
    if target is None:
        return ""
    path, rel = target
    plan = {
        "instance": problem.name,
        "format": task.kind,
        **doc,
        "open": dict(decision.open),
        "assignment": {c: dict(s) for c, s in decision.assignment.items()},
    }
    write_text_atomic(path.with_name(path.name + ".siting.json"), json.dumps(plan, indent=1) + "\n")
    return rel + ".siting.json"


def run_siting(task: Task, record: dict[str, Any]) -> None:
    """Run ``task`` (a siting kind) and fill ``record``."""
    if task.engine not in SITING_ENGINES:
        raise Unsupported(f"{task.engine} is not a siting engine ({', '.join(SITING_ENGINES)})")
    path = Path(task.file)
    t0 = time.perf_counter()
    problem = read_facility_problem(path, task.kind)
    load_s = time.perf_counter() - t0
    record["instance"] = problem.name.removesuffix(".txt")
    record["num_stops"] = len(problem.customers)
    record["size"] = f"{len(problem.facilities)}x{len(problem.customers)}"
    record["set_type"] = task.kind
    bks, source = best_known_siting(path, task.kind)
    record["bks"], record["bks_source"] = bks, source
    t1 = time.perf_counter()
    status, decision, bound = _solve(problem, task.engine, task.time_limit_s, task.seed)
    solve_s = time.perf_counter() - t1
    value = None
    violations: list[str] = []
    if decision is not None:
        ev = evaluate(problem, decision)
        value, violations = ev.total_cost, list(ev.violations)
    feasible = decision is not None and not violations
    hit = matches(value, bks) if feasible else False
    record.update(
        status="ok" if decision is not None else "no_solution",
        engine_status=status,
        proven_optimal=status == "optimal",
        matches_bks=hit,
        objective=value,
        bound=bound,
        routes=None,
        unserved=0,
        feasible=feasible,
        violations=len(violations),
        violation_messages=violations[:5],
        gap_pct=None
        if bks is None or value is None or not feasible
        else 100.0 * (value - bks) / bks,
        first_solution_s=None,
        load_s=round(load_s, 3),
        solve_s=round(solve_s, 3),
        trace=[],
    )
    if decision is not None:
        record["plan"] = _write_plan(
            task, problem, decision, {"engine": task.engine, "status": status, "objective": value}
        )
