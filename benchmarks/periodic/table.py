"""Print the PVRP-IF table: our week plans side by side with the authors' bounds.

The runs come from ``countyopt bench`` (one record per instance, the
plan kept under ``plans/``)::

    nice -n 10 countyopt bench pvrpif --time-limit 60 --out benchmarks/results/pvrpif_60s
    python benchmarks/periodic/table.py benchmarks/results/pvrpif_60s/results.jsonl

A record is ``feasible`` when the authors' rules, re-checked on the raw file
(:func:`optimizer.io.pvrpif.check_authors_rules`), and our own week check
(:func:`optimizer.periodic.check.check_week`) both find nothing; its
objective is the authors' cost (total travel minutes) recomputed from the
file's duration matrix (see ``optimizer/bench/week_task.py``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


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

    def mark(r: dict[str, Any]) -> str:
        return " (opt.)" if r.get("proven_optimal") else ""

    for r in records:
        star = "*" if r.get("proven") else ""
        gap = "" if r.get("gap_pct") is None else f"{r['gap_pct']:+.2f}"
        lines.append(
            f"| {r['instance']} | {r.get('num_stops', '')} | {fmt(r.get('mip_ub'))} | "
            f"{fmt(r.get('mip_lb'))} | {fmt(r.get('bcp_ub'))} | {fmt(r.get('bcp_lb'))} | "
            f"{fmt(r.get('bks'))}{star} | {fmt(r.get('objective'))}{mark(r)} | {gap} | "
            f"{'yes' if r.get('feasible') else 'NO'} | {r.get('solve_s', 0):.0f} | "
            f"{r.get('cpu_s', r.get('child_cpu_s', 0)):.0f} |"
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
        f"{len(matched)} of {len(proven)}. Below the best known upper bound: {len(below)}. "
        f"Proven optimal by our exact week (opt.): "
        f"{sum(1 for r in ok if r.get('proven_optimal'))}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a results.jsonl of `countyopt bench pvrpif`")
    args = parser.parse_args()
    records = [json.loads(x) for x in args.results.read_text(encoding="utf-8").splitlines() if x]
    print(table(sorted(records, key=lambda r: r["instance"])))


if __name__ == "__main__":
    main()
