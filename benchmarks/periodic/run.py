r"""Solve Taverna & Tilk's PVRP-IF instances with the week solver and check every plan.

Usage::

    nice -n 10 python benchmarks/periodic/run.py --time-limit 60 \\
        --out benchmarks/periodic/results_60s.jsonl
    python benchmarks/periodic/run.py --table benchmarks/periodic/results_60s.jsonl

One JSON record per instance (the shape of ``countyopt bench`` records:
instance, key, engine, seed, settings, status, objective, feasible,
violations, gap_pct, bks, solve_s, child_cpu_s, plus the authors' MIP and
branch-cut-and-price bounds). Instances already in the file are skipped,
so an interrupted sweep resumes. Each instance runs alone, one after the
other. A plan is ``feasible`` when the authors' rules, re-checked on the raw
file (:func:`optimizer.io.pvrpif.check_authors_rules`), and our own week
check (:func:`optimizer.periodic.check.check_week`) both find nothing. The
objective is the authors' cost: total travel minutes, recomputed from the
file's duration matrix.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.io.pvrpif import check_authors_rules, plan_paths, read_pvrpif  # noqa: E402
from optimizer.periodic.check import check_week  # noqa: E402
from optimizer.periodic.solve import WeekParams, solve_week  # noqa: E402
from optimizer.routing.params import Objective  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "periodic" / "pvrpif"


def bounds(data: Path) -> dict[str, dict[str, str]]:
    """Return the authors' bounds per instance (bks.csv; ``*`` marks a proven optimum)."""
    with (data / "bks.csv").open(encoding="utf-8") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


def _num(text: str) -> float | None:
    text = text.strip().rstrip("*")
    return float(text) if text else None


def run_one(path: Path, row: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Solve one instance and return its record."""
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    record: dict[str, Any] = {
        "instance": path.stem,
        "key": f"pvrpif/{path.name}",
        "engine": args.engine,
        "seed": args.seed,
        "settings": {"time_limit_s": args.time_limit},
        "status": "failed",
        "error": "",
    }
    t0 = time.perf_counter()
    week = read_pvrpif(path)
    params = WeekParams(
        objective=Objective.TIME, time_limit_s=args.time_limit, seed=args.seed, engine=args.engine
    )
    result = solve_week(week, params=params)
    solve_s = time.perf_counter() - t0
    cost, authors = check_authors_rules(path, plan_paths(result))
    ours = check_week(week, result)
    best = _num(row["best_ub"])
    feasible = not authors and not ours
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record.update(
        status="ok",
        objective=cost,
        feasible=feasible,
        violations=len(authors) + len(ours),
        violation_messages=[*authors[:3], *(str(v) for v in ours[:3])],
        bks=best,
        bks_source="bks.csv best_ub",
        proven=row["best_ub"].strip().endswith("*"),
        gap_pct=None if best is None or not feasible else 100.0 * (cost - best) / best,
        mip_ub=_num(row["mip_ub"]),
        mip_lb=_num(row["mip_lb"]),
        bcp_ub=_num(row["bcp_ub"]),
        bcp_lb=_num(row["bcp_lb"]),
        num_stops=len(week.base.stops),
        vehicles_per_day=list(result.vehicles_per_day),
        moves_tried=result.settings.get("moves_tried"),
        days_routed=result.settings.get("days_routed"),
        solve_s=round(solve_s, 3),
        child_cpu_s=round(usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime, 3),
    )
    return record


def table(records: list[dict[str, Any]]) -> str:
    """Return the Markdown table of a sweep, side by side with the authors' bounds."""
    lines = [
        "| instance | stops | MIP UB | MIP LB | BCP UB | BCP LB | best UB | ours "
        "| gap to best UB % "
        "| feasible | s | cpu s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|",
    ]

    def fmt(x: float | None) -> str:
        return "" if x is None else f"{x:g}"

    for r in records:
        star = "*" if r.get("proven") else ""
        gap = "" if r.get("gap_pct") is None else f"{r['gap_pct']:+.2f}"
        lines.append(
            f"| {r['instance']} | {r.get('num_stops', '')} | {fmt(r.get('mip_ub'))} | "
            f"{fmt(r.get('mip_lb'))} | {fmt(r.get('bcp_ub'))} | {fmt(r.get('bcp_lb'))} | "
            f"{fmt(r.get('bks'))}{star} | {fmt(r.get('objective'))} | {gap} | "
            f"{'yes' if r.get('feasible') else 'NO'} | {r.get('solve_s', 0):.0f} | "
            f"{r.get('child_cpu_s', 0):.0f} |"
        )
    ok = [r for r in records if r.get("feasible")]
    gaps = [r["gap_pct"] for r in ok if r.get("gap_pct") is not None]
    proven = [r for r in records if r.get("proven")]
    matched = [r for r in proven if r.get("feasible") and r["objective"] <= r["bks"] + 1e-6]
    below = [r for r in ok if r["objective"] < r["bks"] - 1e-6]
    lines += [
        "",
        f"Feasible under the authors' rules and our week check: {len(ok)} of {len(records)}. "
        f"Mean gap to the best known upper bound: {sum(gaps) / max(len(gaps), 1):+.2f} % "
        f"(max {max(gaps, default=0.0):+.2f} %). Proven optima (`*`) matched: "
        f"{len(matched)} of {len(proven)}. Below the best known upper bound: {len(below)}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", default="auto", help="routing engine: auto, pyvrp, ortools")
    parser.add_argument("--data-dir", type=Path, default=DATA, help="the pvrpif folder")
    parser.add_argument("--only", nargs="*", default=None, help="instance names")
    parser.add_argument("--out", type=Path, default=None, help="JSONL file (appended, resumable)")
    parser.add_argument("--table", type=Path, default=None, help="print the table of a JSONL file")
    args = parser.parse_args()
    if args.table is not None:
        records = [json.loads(x) for x in args.table.read_text(encoding="utf-8").splitlines() if x]
        print(table(sorted(records, key=lambda r: r["instance"])))
        return
    rows = bounds(args.data_dir)
    out = args.out or Path(__file__).with_name(f"results_{args.time_limit:g}s.jsonl")
    done = set()
    if out.is_file():
        done = {
            json.loads(x)["instance"] for x in out.read_text(encoding="utf-8").splitlines() if x
        }
    files = sorted((args.data_dir / "instances").glob("*.geojson"))
    for path in files:
        if (args.only and path.stem not in args.only) or path.stem in done:
            continue
        record = run_one(path, rows[path.stem], args)
        with out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        print(
            f"{record['instance']}: {record.get('objective')} (best {record.get('bks')}, "
            f"gap {record.get('gap_pct')}, feasible {record.get('feasible')}, "
            f"{record.get('solve_s')} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
