"""How far the week plans of a benchmark run are from the authors' timetables (PVRP-IF).

For every week plan kept by ``countyopt bench ... --engine week --keep all``
(``PLANS/instances/<file>/*.week.json``), counts the customers whose
visiting days differ from those of the authors' best solution, over the
symmetries of the 4-day horizon that keep its patterns ({0, 2}, {1, 3},
every single day): turning the days round and reversing them. A week at
the optimum's cost with a few stops elsewhere is another optimum; a week
above it tells how many stops a search would have to move::

    python benchmarks/periodic/timetables.py RUN_DIR --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from optimizer.io.pvrpif import read_solution_report

Timetable = dict[str, tuple[int, ...]]
DAYS = 4
SYMMETRIES: list[Callable[[int], int]] = [
    *(lambda d, r=r: (d + r) % DAYS for r in range(DAYS)),
    *(lambda d, r=r: (r - d) % DAYS for r in range(DAYS)),
]


def timetable(paths: Mapping[int, list[list[int]]], customers: set[str]) -> Timetable:
    """Return each customer's visiting days in ``paths`` (day -> node paths)."""
    days: dict[str, set[int]] = {}
    for d, routes in paths.items():
        for path in routes:
            for node in path:
                if str(node) in customers:
                    days.setdefault(str(node), set()).add(int(d))
    return {k: tuple(sorted(v)) for k, v in days.items()}


def turned(ours: Timetable, theirs: Timetable) -> Timetable:
    """Return ``theirs`` under the symmetry that leaves fewest customers on other days than ours."""
    return min(
        ({k: tuple(sorted(f(d) for d in v)) for k, v in theirs.items()} for f in SYMMETRIES),
        key=lambda t: sum(ours[k] != t.get(k) for k in ours),
    )


def differing(ours: Timetable, theirs: Timetable) -> list[str]:
    """Return the customers visited on other days, under the symmetry that leaves fewest."""
    best = turned(ours, theirs)
    return sorted(k for k in ours if ours[k] != best.get(k))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="a bench output folder with plans kept")
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    a = ap.parse_args()
    root = a.data_dir / "periodic" / "pvrpif"
    for f in sorted(a.run.glob("plans/instances/*/*.week.json")):
        plan = json.loads(f.read_text(encoding="utf-8"))
        name = plan["instance"]
        doc = json.loads((root / "instances" / f"{name}.geojson").read_text(encoding="utf-8"))
        props = {str(x["properties"]["id"]): x["properties"] for x in doc["features"]}
        customers = {k for k, p in props.items() if p["type"] == "customer"}
        ours = timetable({int(d): r for d, r in plan["days"].items()}, customers)
        (report,) = (root / "solutions").glob(f"report_{name}_*")
        theirs = timetable(read_solution_report(report), customers)
        best = float(report.stem.split("_")[-2])
        diff = differing(ours, theirs)
        by_frequency: dict[float, int] = {}
        for k in diff:
            by_frequency[props[k]["frequency"]] = by_frequency.get(props[k]["frequency"], 0) + 1
        detail = ", ".join(f"{n} visited {fr:g}×" for fr, n in sorted(by_frequency.items()))
        print(
            f"{name} seed {plan['seed']}: {plan['cost_travel_minutes']:.0f} against {best:.0f}; "
            f"{len(diff)} of {len(customers)} customers on other days"
            + (f" ({detail})" if diff else "")
        )


if __name__ == "__main__":
    main()
