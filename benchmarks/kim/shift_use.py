"""How full the shifts of a Kim et al. plan are, and what fewer vehicles would need.

Usage: python benchmarks/kim/shift_use.py [RESULTS_DIR]   (default benchmarks/results/kim_60s)

Reads the best run's plan kept for each instance (its record in
``results.jsonl``, the file under ``plans/``) and the instance, and prints
per instance: vehicles K, the shift, how much of K shifts the routes fill
(leaving the depot to coming back, lunch included), the service hours (fixed by the instance), the
hours of driving, unloading and waiting, and ``K at this driving``: the
working hours divided by one shift minus lunch, i.e. the fewest vehicles
that could do the same work if it were packed perfectly into shifts. A
plan with fewer vehicles than that needs less driving, not better packing.
``bound``: the fewest vehicles any plan needs,
``optimizer.routing.fleet_bound.fleet_lower_bound`` (the daily-load bound,
and K working days holding the service, the unloading and a lower bound on
the driving of K routes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.bench.plans import best_per_instance, plan_file, read_plan_text  # noqa: E402
from optimizer.io.kim import read_kim  # noqa: E402
from optimizer.routing.fleet_bound import fleet_lower_bound  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"
ORDER = ["102", "277", "335", "444", "804", "1051", "1351", "1599", "1932", "2100"]
H = 3600.0


def main() -> None:
    """Print one Markdown row per instance."""
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks/results/kim_60s"
    print(
        "| instance | vehicles | shift h | shifts filled | service h | driving, unloading, "
        "waiting h | K at this driving | bound |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with open(results / "results.jsonl", encoding="utf-8") as f:
        best = best_per_instance(json.loads(line) for line in f if line.strip())
    for n in ORDER:
        name = f"{n}_stop"
        path = plan_file(results, best[f"kim2006_wcvrptw/{name}.txt"])
        assert path is not None, f"no plan kept for {name} in {results}"
        plan = json.loads(read_plan_text(path))
        inst = read_kim(DATA / f"{name}.txt")
        vt = inst.vehicle_types[0]
        lunch = vt.break_.duration_s if vt.break_ else 0
        routes = plan["routes"]
        k = len(routes)
        day = sum(r["visits"][-1]["arrival_s"] - r["visits"][0]["departure_s"] for r in routes)
        # Lunch inside a route's span; a short route takes it before leaving or after coming back.
        lunches = lunch * sum(
            any(
                v["kind"] == "break"
                and r["visits"][0]["departure_s"] <= v["start_s"] < r["visits"][-1]["arrival_s"]
                for v in r["visits"]
            )
            for r in routes
        )
        service = sum(s.service_s for s in inst.stops)
        shift = vt.shift.end - vt.shift.start
        print(
            f"| {name} | {k} | {shift / H:.0f} | {day / (k * shift):.2f} | {service / H:.1f} | "
            f"{(day - service - lunches) / H:.1f} | {(day - lunches) / (shift - lunch):.2f} | "
            f"{fleet_lower_bound(inst, inst.stops, vt)} |"
        )


if __name__ == "__main__":
    main()
