"""Benchmark the county carbon model: hourly (8760 h) vs typical days, build and solve times.

The OSeMOSYS test models (UTOPIA, super_simple) are benchmarked by
``countyopt bench osemosys`` (benchmarks/README.md); this script measures
the county scenario, which is not an OSeMOSYS file.

Run from the repository root:  python benchmarks/carbon/run.py [--skip-hourly]
Writes benchmarks/carbon/results.csv and prints a Markdown table. Each model
is a fixed amount of work (one build, one solve to optimality); times are
wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import copy
import csv
import platform
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.carbon.model import build  # noqa: E402
from optimizer.carbon.scenario import demo_scenario_path, scenario_from_dict  # noqa: E402
from optimizer.carbon.solve import SolveParams, solve  # noqa: E402


def county(resolution: str, typical_days: int = 12, year: int = 2030) -> dict[str, object]:
    """Return the demo county scenario for one year at the given time resolution."""
    tree = tomllib.loads(demo_scenario_path().read_text(encoding="utf-8"))
    tree = copy.deepcopy(tree)
    tree["time"].update(
        first_year=year, last_year=year, resolution=resolution, typical_days=typical_days
    )
    return tree


def measure(name: str, data: object, params: SolveParams, repeat: int = 1) -> dict[str, object]:
    """Build and solve ``repeat`` times; return the fastest build and solve, and the objective."""
    runs = []
    for _ in range(repeat):
        model = build(data)  # type: ignore[arg-type]
        runs.append(solve(model, params=params))
    outcome = runs[-1]
    build_s = min(r.build_s for r in runs)
    solve_s = min(r.solve_s for r in runs)
    total = build_s + solve_s
    return {
        "model": name,
        "rows": len(model.prob.constraints()),
        "columns": len(model.prob.variables()),
        "status": outcome.status,
        "objective": outcome.objective,
        "repeats": repeat,
        "build_s": round(build_s, 2),
        "solve_s": round(solve_s, 2),
        "build_share": round(build_s / total, 3) if total else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-hourly", action="store_true", help="leave out the 8760 h model")
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads")
    args = parser.parse_args()
    params = SolveParams(threads=args.threads)
    rows = []
    typical = measure(
        "county 2030, 12 typical days x 24 h",
        scenario_from_dict(county("typical_days", 12)).data,
        params,
        repeat=5,
    )
    rows.append(typical)
    if not args.skip_hourly:
        hourly = measure("county 2030, 8760 h", scenario_from_dict(county("hourly")).data, params)
        rows.append(hourly)
        if hourly["objective"] and typical["objective"]:
            gap = float(typical["objective"]) / float(hourly["objective"]) - 1  # type: ignore[arg-type]
            typical["reference"] = hourly["objective"]
            typical["gap_to_reference"] = round(gap, 5)
    fields = [
        "model",
        "rows",
        "columns",
        "status",
        "objective",
        "reference",
        "gap_to_reference",
        "repeats",
        "build_s",
        "solve_s",
        "build_share",
    ]
    out = Path(__file__).with_name("results.csv")
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    machine = platform.processor() or platform.machine()
    print(f"# carbon benchmarks, {time.strftime('%Y-%m-%d')}, {machine}")
    print("| " + " | ".join(fields) + " |")
    print("|" + "---|" * len(fields))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "")) for k in fields) + " |")


if __name__ == "__main__":
    main()
