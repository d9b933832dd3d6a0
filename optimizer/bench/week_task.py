"""Run one periodic benchmark task: a PVRP-IF file (Taverna & Tilk), the week solver, a time limit.

The engine ``week`` is :func:`optimizer.periodic.solve.solve_week` with the
``auto`` day engine. The record's objective is the authors' cost (total
travel minutes) recomputed from the raw file's ``duration`` matrix by
:func:`optimizer.io.pvrpif.check_authors_rules`, which also re-checks the
authors' rules on the raw file; our own week check
(:func:`optimizer.periodic.check.check_week`) must find nothing as well.
The gap is taken to the best known upper bound of the set's ``bks.csv``;
the authors' MIP and branch-cut-and-price bounds go into the record beside
it (``countyopt bench pvrpif`` summaries; ``benchmarks/periodic/table.py``
prints them side by side).
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

from optimizer.bench.plain_ortools import Unsupported
from optimizer.bench.task import PERIODIC_ENGINES, Task, plan_target
from optimizer.io.atomic import write_text_atomic
from optimizer.io.pvrpif import check_authors_rules, plan_paths, read_pvrpif
from optimizer.periodic.check import check_week
from optimizer.periodic.solve import WeekParams, solve_week
from optimizer.routing.params import Objective

BOUNDS = ("mip_ub", "mip_lb", "bcp_ub", "bcp_lb")


def _number(text: str | None) -> float | None:
    text = (text or "").strip().rstrip("*")
    return float(text) if text else None


def published_bounds(path: Path) -> dict[str, str]:
    """Return the authors' row of ``bks.csv`` (beside ``instances/``) for a file, or {}."""
    table = path.parent.parent / "bks.csv"
    try:
        with table.open(encoding="utf-8") as f:
            rows = {row["instance"]: row for row in csv.DictReader(f)}
    except (OSError, KeyError):
        return {}
    return rows.get(path.stem, {})


def run_week(task: Task, record: dict[str, Any]) -> None:
    """Run ``task`` (kind ``pvrpif``) and fill ``record``."""
    if task.engine not in PERIODIC_ENGINES:
        raise Unsupported(f"{task.engine} is not a week engine ({', '.join(PERIODIC_ENGINES)})")
    path = Path(task.file)
    t0 = time.perf_counter()
    week = read_pvrpif(path)
    load_s = time.perf_counter() - t0
    record["instance"] = path.stem
    record["num_stops"] = len(week.base.stops)
    record["set_type"] = "PVRP-IF"
    row = published_bounds(path)
    best = _number(row.get("best_ub"))
    record["bks"], record["bks_source"] = best, "bks.csv best_ub" if best is not None else ""
    record["proven"] = row.get("best_ub", "").strip().endswith("*")
    for key in BOUNDS:
        record[key] = _number(row.get(key))
    params = WeekParams(objective=Objective.TIME, time_limit_s=task.time_limit_s, seed=task.seed)
    t1 = time.perf_counter()
    result = solve_week(week, params=params)
    solve_s = time.perf_counter() - t1
    paths = plan_paths(result)
    cost, authors = check_authors_rules(path, paths)
    ours = [str(v) for v in check_week(week, result)]
    feasible = not authors and not ours
    record.update(
        status="ok",
        engine_status=result.status,
        proven_optimal=bool(result.settings.get("proven_optimal", False)),
        matches_bks=None if best is None or not feasible else cost <= best + 1e-6,
        objective=cost,
        bound=None,
        routes=sum(len(p) for p in paths.values()),
        vehicles_per_day=list(result.vehicles_per_day),
        unserved=result.num_unserved,
        feasible=feasible,
        violations=len(authors) + len(ours),
        violation_messages=[*authors[:3], *ours[:3]],
        gap_pct=None if best is None or not feasible else 100.0 * (cost - best) / best,
        moves_tried=result.settings.get("moves_tried"),
        days_routed=result.settings.get("days_routed"),
        load_s=round(load_s, 3),
        solve_s=round(solve_s, 3),
    )
    target = plan_target(task)
    if target is not None:
        plan_path, rel = target
        doc = {
            "instance": path.stem,
            "engine": task.engine,
            "seed": task.seed,
            "cost_travel_minutes": cost,
            # Node ids as in the file's features; day -> routes (depot ... depot).
            "days": {str(d): routes for d, routes in sorted(paths.items())},
            "violations": [*authors, *ours],
        }
        write_text_atomic(
            plan_path.with_name(plan_path.name + ".week.json"), json.dumps(doc, indent=1) + "\n"
        )
        record["plan"] = rel + ".week.json"
