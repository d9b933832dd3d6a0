"""Route the days of the authors' optimal PVRP-IF timetables and compare with their optimum.

The week search ranks visiting days by routing each day with a small
budget; this measures how far that routing is from the proven optimum of
each day (the authors' routes of the same day), so a change of the day
routing can be judged without the noise of the week search::

    python benchmarks/periodic/days.py --data-dir ../shared/data --limits 2,6 --seeds 0,1

For every file whose best upper bound is proven (``*`` in ``bks.csv``) and
every day with more stops than the exact method takes (smaller days are
planned optimally: ``optimizer.routing.exact``), the day is routed as the
week search does (``_Days.route``: PyVRP with ``limit`` units of search,
then the routes joined and their trips refined) on a fresh cache, once per
seed. Printed per day: the travel minutes above the authors' day (or
``unserved`` where the search left a stop out), and the seconds; then per
limit the sum of the excess, the days at their optimum, the days with a
stop left out and the time.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import time
from pathlib import Path

from optimizer.io.pvrpif import read_pvrpif, read_solution_report
from optimizer.periodic.solve import WeekParams, _Days
from optimizer.routing.exact import MAX_STOPS
from optimizer.routing.params import Objective


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--limits", default="2", help="search units per day, comma-separated")
    ap.add_argument("--seeds", default="0,1", help="comma-separated")
    a = ap.parse_args()
    root = a.data_dir / "periodic" / "pvrpif"
    limits = [int(x) for x in a.limits.split(",")]
    seeds = [int(x) for x in a.seeds.split(",")]
    with (root / "bks.csv").open(encoding="utf-8") as f:
        proven = [r["instance"] for r in csv.DictReader(f) if r["best_ub"].strip().endswith("*")]
    # per limit: minutes above the optima, days at it, days, seconds, days with a stop left out
    totals = {lim: [0.0, 0, 0, 0.0, 0] for lim in limits}
    for name in proven:
        week = read_pvrpif(root / "instances" / f"{name}.geojson")
        (report,) = (root / "solutions").glob(f"report_{name}_*")
        paths = read_solution_report(report)
        ids = {s.id for s in week.base.stops}
        on: dict[str, set[int]] = {}
        for d, routes in paths.items():
            for p in routes:
                for x in p:
                    if str(x) in ids:
                        on.setdefault(str(x), set()).add(d)
        visits = {s: tuple(sorted(v)) for s, v in on.items()}
        tm = week.base.travel
        for d in range(week.days):
            size = sum(1 for v in visits.values() if d in v)
            if size <= MAX_STOPS:
                continue
            theirs = sum(
                tm.duration(str(x), str(y)) for p in paths[d] for x, y in itertools.pairwise(p)
            )
            row = []
            for lim in limits:
                for seed in seeds:
                    days = _Days(week, WeekParams(objective=Objective.TIME, seed=seed))
                    t0 = time.perf_counter()
                    _, res = days.route(d, visits, lim)
                    dt = time.perf_counter() - t0
                    ours = sum(
                        tm.duration(x.location, y.location)
                        for r in res.routes
                        for x, y in itertools.pairwise(r.visits)
                    )
                    t = totals[lim]
                    t[2] += 1
                    t[3] += dt
                    if res.unserved:  # a stop left out: no excess to count, shown apart
                        t[4] += 1
                        row.append(f"unserved/{dt:.2f}s")
                        continue
                    excess = (ours - theirs) / 60
                    t[0] += excess
                    t[1] += excess < 0.5
                    row.append(f"{excess:+.0f}/{dt:.2f}s")
            print(name, f"day {d}", f"{size} stops", *row, flush=True)
    for lim, (excess, hit, n, s, left) in totals.items():
        print(
            f"limit {lim}: {excess:.0f} min above the optima, {hit} of {n} days at their "
            f"optimum, {left} with a stop left out, {s:.1f} s"
        )


if __name__ == "__main__":
    main()
