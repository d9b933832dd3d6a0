"""Re-check E-VRPTW plans with plain code: no countyopt import, only the instance file.

For each plan (countyopt's ``solution.json`` as ``bench`` keeps it) recompute
from the Schneider et al. instance file: Euclidean legs, the start of
service within each customer's window, the load against C, and the state
of charge along the route (consumption r per unit of distance; at a
station the charge bought is the dwell time divided by g, capped at Q;
never below zero), the return to the depot before it closes, and that
every customer is served exactly once. Prints one line per plan.

    python benchmarks/evrptw/plain_check.py ../shared/data/vrp/evrptw/100 PLAN.json ...
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

TIME_SCALE = 1000.0  # solution.json times are the file's time units x 1000 (seconds)
EPS = 1e-6


def read_instance(path: Path) -> tuple[dict[str, dict[str, float | str]], dict[str, float]]:
    """Return the nodes by name and the parameters (Q, C, r, g, v) of an E-VRPTW file."""
    nodes: dict[str, dict[str, float | str]] = {}
    params: dict[str, float] = {}
    for line in path.read_text().splitlines():
        t = line.split()
        if len(t) >= 8 and t[1] in ("d", "f", "c"):
            x, y, q, a, b, s = map(float, t[2:8])
            nodes[t[0]] = {"type": t[1], "x": x, "y": y, "q": q, "a": a, "b": b, "s": s}
        elif "/" in line:
            params[t[0]] = float(line.split("/")[1])
    return nodes, params


def check(instance: Path, plan: Path) -> tuple[int, float, list[str]]:
    """Return (routes, total distance, problems) of ``plan`` on ``instance``."""
    nodes, par = read_instance(instance)
    depot = next(k for k, n in nodes.items() if n["type"] == "d")
    q_max, cap, rate, g, speed = par["Q"], par["C"], par["r"], par["g"], par["v"]
    doc = json.loads(plan.read_text())
    total, served, problems = 0.0, [], []
    for route in doc["routes"]:
        soc, t, load, prev = q_max, 0.0, 0.0, depot
        for visit in route["visits"][1:]:
            loc = depot if visit["kind"] in ("depot", "unload") else visit["location"]
            n, p = nodes[loc], nodes[prev]
            dist = math.hypot(float(n["x"]) - float(p["x"]), float(n["y"]) - float(p["y"]))
            total += dist
            soc -= rate * dist
            t += dist / speed
            if soc < -EPS:
                problems.append(f"{route['vehicle']}: battery below zero reaching {loc}")
            if visit["kind"] == "stop":
                t = max(t, float(n["a"]))
                if t > float(n["b"]) + EPS:
                    problems.append(f"{route['vehicle']}: {loc} served after its window")
                t += float(n["s"])
                load += float(n["q"])
                served.append(loc)
            elif visit["kind"] == "charge":
                dwell = (visit["departure_s"] - visit["arrival_s"]) / TIME_SCALE
                soc = min(q_max, soc + dwell / g)
                t += dwell
            elif t > float(nodes[depot]["b"]) + EPS:
                problems.append(f"{route['vehicle']}: back at the depot after it closes")
            prev = loc
        if load > cap + EPS:
            problems.append(f"{route['vehicle']}: load {load} above {cap}")
    customers = sorted(k for k, n in nodes.items() if n["type"] == "c")
    if sorted(served) != customers:
        problems.append("customers not served exactly once")
    return len(doc["routes"]), total, problems


def main(argv: list[str]) -> int:
    """Check each plan against the instance file of the same name in the folder argv[0]."""
    folder, plans = Path(argv[0]), [Path(a) for a in argv[1:]]
    bad = 0
    for plan in plans:
        name = plan.parent.name
        routes, total, problems = check(folder / f"{name}.txt", plan)
        bad += bool(problems)
        verdict = "; ".join(problems[:3]) or "feasible"
        print(f"{name}: {routes} routes, distance {total:.2f}, {verdict}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
