"""Run one carbon benchmark task: an OSeMOSYS model (data file or otoole CSV folder), an LP solver.

Engines: ``highs`` and ``cbc`` through PuLP (:mod:`optimizer.carbon.solve`),
one thread. The model is solved at least cost as the file states it; the
record's objective is the total discounted cost recomputed from the plan's
activities and capacities (:mod:`optimizer.carbon.recompute`), and the run
is feasible only if it agrees with the LP's objective.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from optimizer.bench.plain_ortools import Unsupported
from optimizer.bench.sets import best_known_carbon
from optimizer.bench.task import CARBON_ENGINES, Task, plan_target
from optimizer.carbon.objectives import minimise_cost
from optimizer.carbon.solve import SolveParams, SolverName
from optimizer.io.load import read_energy_data
from optimizer.io.osemosys_output import objective_summary, write_plan_json

# A plan "matches" the reference within this relative difference: GLPK's
# super_simple solution states its objective to 10 digits (46.43125659 against
# the LP optimum 46.43123317, 5e-7 apart).
MATCH_REL = 1e-6


def run_carbon(task: Task, record: dict[str, Any]) -> None:
    """Run ``task`` (an OSeMOSYS model) and fill ``record``."""
    if task.engine not in CARBON_ENGINES:
        raise Unsupported(f"{task.engine} is not an LP solver here ({', '.join(CARBON_ENGINES)})")
    path = Path(task.file)
    t0 = time.perf_counter()
    data = read_energy_data(path)
    load_s = time.perf_counter() - t0
    name = path.stem if path.is_file() else f"{path.parent.name}/{path.name}"
    record["instance"] = name
    record["set_type"] = "datafile" if path.is_file() else "otoole csv"
    record["num_stops"] = len(data.sets["TECHNOLOGY"])
    bks, source = best_known_carbon(path)
    record["bks"], record["bks_source"] = bks, source
    solver: SolverName = "cbc" if task.engine == "cbc" else "highs"
    t1 = time.perf_counter()
    result = minimise_cost(data, params=SolveParams(solver=solver, time_limit_s=task.time_limit_s))
    solve_s = time.perf_counter() - t1
    o = result.outcome
    record.update(
        engine_status=o.status,
        proven_optimal=o.optimal,
        load_s=round(load_s, 3),
        solve_s=round(solve_s, 3),
        build_s=round(o.build_s, 3),
        lp_solve_s=round(o.solve_s, 3),
        routes=None,
        unserved=0,
        first_solution_s=None,
        trace=[],
    )
    if not o.has_solution:
        record.update(status="no_solution", feasible=False, objective=None, gap_pct=None)
        return
    summary = objective_summary(data, result)
    value = float(summary["recomputed_total_discounted_cost"])
    feasible = bool(summary["recheck_ok"])
    record.update(
        status="ok",
        objective=value,
        lp_objective=summary["total_discounted_cost"],
        feasible=feasible,
        violations=0 if feasible else 1,
        violation_messages=[] if feasible else ["recomputed cost differs from the LP objective"],
        gap_pct=None if bks is None or not feasible else 100.0 * (value - bks) / bks,
        matches_bks=None if bks is None else feasible and abs(value - bks) <= MATCH_REL * abs(bks),
    )
    target = plan_target(task)
    if target is not None:
        plan, rel = target
        write_plan_json(plan.with_name(plan.name + ".carbon.json"), data, result)
        record["plan"] = rel + ".carbon.json"
