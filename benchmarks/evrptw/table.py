"""Print the E-VRPTW tables of benchmarks/evrptw/README.md from bench records.

    python benchmarks/evrptw/table.py RESULTS.jsonl
    python benchmarks/evrptw/table.py --small RESULTS.jsonl

Columns: the best-known vehicles and distance (``bks_schiffer2017.csv``,
100-customer files only), our plan as the checker recomputes it, the
distance gap, and the run's wall and CPU seconds and load average. With
``--small``, the reference is the proven optimum of each small file
(``small_optima.csv``, made by ``exact_small.py``), in the order of that file.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

BKS = Path(__file__).resolve().parents[3] / "shared" / "data" / "vrp" / "evrptw"
OPTIMA = Path(__file__).resolve().parent / "small_optima.csv"


def small(results: str) -> None:
    """Print the small files' table: proven optimum against our plan."""
    with open(results, encoding="utf-8") as f:
        ours = {r["instance"]: r for r in map(json.loads, f)}
    print(
        "| instance | optimum k | optimum distance | proof (CPU s) "
        "| our k | our distance | gap % | wall s | CPU s | load |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    same = 0
    with OPTIMA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        r = ours.get(row["instance"])
        k, best = int(row["vehicles"]), float(row["distance"])
        if r is None:
            print(f"| {row['instance']} | {k} | {best:.2f} | {row['status']} | | | | | | |")
            continue
        gap = 100 * (r["objective"] / best - 1)
        hit = r["feasible"] and r["routes"] == k and abs(r["objective"] - best) < 0.005
        same += hit
        print(
            f"| {row['instance']} | {k} | {best:.2f} | {row['status']} ({row['cpu_seconds']}) "
            f"| {r['routes']} | {r['objective']:.2f}{'' if r['feasible'] else ' (infeasible)'} "
            f"| {gap:+.2f} | {r['solve_s']:.0f} | {r['child_cpu_s']:.0f} "
            f"| {r.get('load_avg', '')} |"
        )
    print(f"\nPlans equal to the proven optimum (vehicles and distance): {same} of {len(rows)}")


def main(argv: list[str]) -> None:
    """Print the Markdown table of the records in ``argv[0]``."""
    if argv[0] == "--small":
        small(argv[1])
        return
    known: dict[str, tuple[int, float]] = {}
    with (BKS / "bks_schiffer2017.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            known[row["Instance"].lower() + "_21"] = (int(row["k"]), float(row["Best"]))
    head = "instance | BKS k | BKS distance | our k | our distance | gap % | wall s | CPU s | load"
    print(f"| {head} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    gaps = []
    with open(argv[0], encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    for r in sorted(records, key=lambda r: r["instance"]):
        k, best = known.get(r["instance"], (None, None))
        gap = None if best is None or not r["feasible"] else 100 * (r["objective"] / best - 1)
        if gap is not None:
            gaps.append(gap)
        print(
            f"| {r['instance']} | {k or ''} | {'' if best is None else f'{best:.2f}'} "
            f"| {r['routes']} | {r['objective']:.2f}{'' if r['feasible'] else ' (infeasible)'} "
            f"| {'' if gap is None else f'{gap:+.2f}'} | {r['solve_s']:.0f} "
            f"| {r['child_cpu_s']:.0f} | {r.get('load_avg', '')} |"
        )
    if gaps:
        print(f"\nMean gap over {len(gaps)} files: {sum(gaps) / len(gaps):+.2f} %")


if __name__ == "__main__":
    main(sys.argv[1:])
