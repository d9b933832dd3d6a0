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
``bound``: the fewest vehicles any plan needs, the larger of the daily-load
bound (total load over the route capacity per day) and a time bound: K
shifts less lunch must hold the service, each stop's cheapest arc in, the
fewest unloads (total load over the truck capacity, at least one per
route) each with its cheapest arc from a stop into a disposal site and its
unloading time, and each route's cheapest run home from a disposal site.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.bench.plans import best_per_instance, plan_file, read_plan_text  # noqa: E402
from optimizer.io.kim import read_kim  # noqa: E402
from optimizer.model import Instance, SiteKind  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"
ORDER = ["102", "277", "335", "444", "804", "1051", "1351", "1599", "1932", "2100"]
H = 3600.0


def vehicle_bound(inst: Instance) -> int:
    """Return the lower bound on vehicles described in the module docstring."""
    vt = inst.vehicle_types[0]
    idx = {k: i for i, k in enumerate(inst.travel.ids)}
    t = np.asarray(inst.travel.duration_s)
    stops = [idx[s.id] for s in inst.stops]
    dumps = [s for s in inst.sites if s.kind is not SiteKind.DEPOT]
    home = next(idx[s.id] for s in inst.sites if s.kind is SiteKind.DEPOT)
    into = t[np.ix_(stops + [idx[f.id] for f in dumps] + [home], stops)].copy()
    into[np.arange(len(stops)), np.arange(len(stops))] = np.inf  # no arc from a stop to itself
    arcs_in = float(into.min(axis=0).sum())
    to_dump = float(t[np.ix_(stops, [idx[f.id] for f in dumps])].min())
    unload = min(f.unload_s for f in dumps)
    run_home = float(t[np.ix_([idx[f.id] for f in dumps], [home])].min())
    load = sum(s.demand_kg for s in inst.stops)
    service = sum(s.service_s for s in inst.stops)
    day_cap = vt.max_load_kg_per_day or math.inf
    lunch = vt.break_.duration_s if vt.break_ else 0
    k = max(1, math.ceil(load / day_cap - 1e-9))
    while True:
        unloads = max(k, math.ceil(load / vt.capacity_kg - 1e-9))
        need = service + arcs_in + unloads * (to_dump + unload) + k * run_home
        if k * (vt.shift.end - vt.shift.start - lunch) >= need:
            return k
        k += 1


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
            f"{vehicle_bound(inst)} |"
        )


if __name__ == "__main__":
    main()
