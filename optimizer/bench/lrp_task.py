"""Run one location-routing benchmark task: a Prodhon or Barreto file, the LRP search, a time limit.

The engine ``lrp`` is :func:`optimizer.lrp.solve.solve`. The record's
objective is recomputed from the plan by the independent checker
(:func:`optimizer.lrp.check.evaluate`: depot and vehicle capacities, every
customer once, opening + vehicle + travel cost), never read from the search,
and its gap is taken to the published best-known value (``bks/*.json``
beside the set folders).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from optimizer.bench.plain_ortools import Unsupported
from optimizer.bench.task import LRP_ENGINES, Task, plan_target
from optimizer.io.atomic import write_text_atomic
from optimizer.io.lrp import read_lrp
from optimizer.lrp.check import LrpPlan, evaluate, route_distance
from optimizer.lrp.instance import LrpInstance
from optimizer.lrp.solve import LrpParams, solve


def best_known_lrp(path: Path) -> tuple[float | None, str]:
    """Return the published best-known cost of an LRP file and its source table.

    The tables (``bks/P_prodhon.json``, ``bks/B_barreto.json``) map file
    names to values; a file in none of them (Barreto's ``coordOr117.dat``)
    has none.
    """
    folder = path.parent.parent / "bks"
    for table in sorted(folder.glob("*.json")):
        try:
            values = json.loads(table.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(values, dict) and path.name in values:
            return float(values[path.name]), f"bks/{table.name}"
    return None, ""


def plan_document(inst: LrpInstance, plan: LrpPlan) -> dict[str, Any]:
    """Return the plan as JSON-ready data, ids numbered from 1 as in the file (``D1``, ``C1``)."""
    ev = evaluate(inst, plan)
    return {
        "instance": inst.name,
        "cost_convention": "ceil(100 x Euclidean)" if inst.integer_costs else "Euclidean",
        "open_depots": [f"D{i + 1}" for i in sorted(plan.open_depots)],
        "routes": [
            {
                "depot": f"D{r.depot + 1}",
                "customers": [f"C{c + 1}" for c in r.customers],
                "load": load,
                "travel_cost": route_distance(inst, r),
            }
            for r, load in zip(plan.routes, ev.route_loads, strict=True)
        ],
        "depot_loads": {f"D{i + 1}": v for i, v in sorted(ev.depot_loads.items())},
        "cost": {
            "opening": ev.opening,
            "vehicles": ev.vehicles,
            "travel": ev.distance,
            "total": ev.total,
        },
        "violations": [v.en for v in ev.violations],
    }


def run_lrp(task: Task, record: dict[str, Any]) -> None:
    """Run ``task`` (kind ``lrp``) and fill ``record``."""
    if task.engine not in LRP_ENGINES:
        raise Unsupported(
            f"{task.engine} is not a location-routing engine ({', '.join(LRP_ENGINES)})"
        )
    record["exact"] = False  # a heuristic: summaries report its gap, also when it fails
    path = Path(task.file)
    t0 = time.perf_counter()
    inst = read_lrp(path)
    load_s = time.perf_counter() - t0
    record["instance"] = inst.name
    record["num_stops"] = inst.num_customers
    record["size"] = f"{inst.num_customers}x{inst.num_depots}"
    record["set_type"] = "LRP"
    bks, source = best_known_lrp(path)
    record["bks"], record["bks_source"] = bks, source
    t1 = time.perf_counter()
    result = solve(inst, params=LrpParams(time_limit_s=task.time_limit_s, seed=task.seed))
    solve_s = time.perf_counter() - t1
    ev = evaluate(inst, result.plan)  # re-checked here, whatever the search kept
    feasible = ev.feasible
    value = ev.total
    record.update(
        status="ok",
        engine_status=result.status,
        proven_optimal=False,
        matches_bks=None,
        objective=value,
        bound=None,
        routes=len(result.plan.routes),
        open_depots=len(result.plan.open_depots),
        rounds=result.rounds,
        unserved=0,
        feasible=feasible,
        violations=len(ev.violations),
        violation_messages=[v.en for v in ev.violations[:5]],
        gap_pct=None if bks is None or not feasible else 100.0 * (value - bks) / bks,
        first_solution_s=result.trace[0][0] if result.trace else None,
        load_s=round(load_s, 3),
        solve_s=round(solve_s, 3),
        trace=[list(t) for t in result.trace],
    )
    target = plan_target(task)
    if target is not None:
        plan_path, rel = target
        doc = {"engine": task.engine, "seed": task.seed, **plan_document(inst, result.plan)}
        write_text_atomic(
            plan_path.with_name(plan_path.name + ".lrp.json"), json.dumps(doc, indent=1) + "\n"
        )
        record["plan"] = rel + ".lrp.json"
