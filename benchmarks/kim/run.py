"""Solve the Kim, Kim & Sahoo (2006) instances and check every plan.

Usage: python benchmarks/kim/run.py --time-limit 60 [--only 102_stop ...]
Writes benchmarks/kim/results_<engine>_<limit>s.csv (or --out) and prints a Markdown table. Each
instance runs alone, one after the other (one core per solve).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.evaluate import check  # noqa: E402
from optimizer.io.kim import FEET_PER_MILE, FOOT_M, read_kim  # noqa: E402
from optimizer.routing.fleet_bound import fleet_lower_bound  # noqa: E402
from optimizer.routing.params import RoutingParams  # noqa: E402
from optimizer.routing.solve import solve  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"
ORDER = ["102", "277", "335", "444", "804", "1051", "1351", "1599", "1932", "2100"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--only", nargs="*", default=None, help="instance names, e.g. 102_stop")
    parser.add_argument("--engine", default="ortools", help="ortools, pyvrp or auto")
    parser.add_argument("--seed", type=int, default=0, help="search seed")
    parser.add_argument("--out", default=None, help="CSV (default results_<engine>_<limit>s.csv)")
    args = parser.parse_args()
    names = args.only or [f"{n}_stop" for n in ORDER]
    rows = []
    for name in names:
        t0 = time.perf_counter()
        instance = read_kim(DATA / f"{name}.txt")
        vt = instance.vehicle_types[0]
        lb = fleet_lower_bound(instance, instance.stops, vt)
        params = RoutingParams(
            objective="distance",
            time_limit_s=args.time_limit,
            minimize_vehicles=True,
            engine=args.engine,
            seed=args.seed,
        )
        cpu0 = time.process_time()
        result = solve(instance, params=params)
        cpu_s = time.process_time() - cpu0
        violations = check(instance, result)
        row = {
            "instance": name,
            "stops": len(instance.stops),
            "facilities": len(instance.facilities),
            "fleet_bound": vt.count,
            "vehicles": result.num_vehicles,
            "vehicles_lb": lb,
            "unserved": len(result.unserved),
            "miles": round(result.distance_m / FOOT_M / FEET_PER_MILE, 1),
            "build_s": round(result.build_s, 1),
            "run_s": round(time.perf_counter() - t0, 1),
            "cpu_s": round(cpu_s, 1),
            "status": result.status,
            "checker_ok": not violations,
        }
        for v in violations[:5]:
            print("  ", v, file=sys.stderr)
        print(row, flush=True)
        rows.append(row)
    out = args.out or str(
        Path(__file__).with_name(f"results_{args.engine}_{args.time_limit:g}s.csv")
    )
    tmp = Path(out).with_suffix(".tmp")
    with tmp.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out)
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for r in rows:
        print("| " + " | ".join(str(v) for v in r.values()) + " |")


if __name__ == "__main__":
    main()
