r"""Ask whether one walk step takes our week plan to the authors' optimum (PVRP-IF).

For a week plan kept by ``countyopt bench ... --engine week --keep all``,
takes the customers whose visiting days differ from the authors' best
solution (under the symmetry of the 4-day horizon that leaves fewest,
:mod:`benchmarks.periodic.timetables`) and moves them all as one walk step
from our week, routed as the walk routes it (changed days warm-started
from the insertions, then the descent, then the intensification), and
with more search (200 units a day). Then it ranks that step's insertion
estimate (stops cut out and inserted at their cheapest places, before any
routing) among random draws of the walk's own perturbations. A step the
walk routes to the optimum but seldom draws says the draws are the limit,
not the routing::

    python -m benchmarks.periodic.near_miss --data-dir ../shared/data \
        RUN_DIR/plans/instances/NAME.geojson/week_s0_60s.week.json

Costs are total travel minutes (the authors' objective); the week's own
score adds the service time, the same for every timetable.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.periodic.timetables import differing, timetable, turned
from optimizer.io.pvrpif import read_pvrpif, read_solution_report, result_from_paths
from optimizer.model import Instance
from optimizer.periodic.model import day_instance
from optimizer.periodic.perturb import neighbours, perturbation
from optimizer.periodic.result import WeekResult
from optimizer.periodic.solve import (
    WeekParams,
    _apply,
    _changed_days,
    _Days,
    _score,
    _Search,
)
from optimizer.routing.params import Objective
from optimizer.routing.result import RoutingResult

MORE_UNITS = 200  # search units a day for "with more search"


def near_miss(
    plan: dict[str, Any], data_dir: Path, draws: int = 600, seed: int = 0
) -> Iterator[str]:
    """Yield the report's lines for a kept week plan (``*.week.json`` read as a dict)."""
    name = plan["instance"]
    root = data_dir / "periodic" / "pvrpif"
    week = read_pvrpif(root / "instances" / f"{name}.geojson")
    customers = {s.id for s in week.base.stops}
    ours = result_from_paths(week, {int(d): r for d, r in plan["days"].items()})
    assert isinstance(ours, WeekResult)
    visits = dict(ours.visits)
    (report,) = (root / "solutions").glob(f"report_{name}_*")
    theirs = turned(visits, timetable(read_solution_report(report), customers))
    diff = sorted(differing(visits, theirs), key=int)
    params = WeekParams(objective=Objective.TIME, seed=seed, time_limit_s=60.0)
    days = _Days(week, params)
    state = [(day_instance(week, d, visits), ours.days[d]) for d in range(week.days)]
    score = _score(week, [r for _, r in state], params)
    service = score[-1] / 60 - plan["cost_travel_minutes"]

    def minutes(s: tuple[float, ...]) -> str:
        return f"{s[-1] / 60 - service:.0f}"

    yield f"{name} seed {plan['seed']}: ours {minutes(score)}, the authors' {report.stem}"
    yield f"  {len(diff)} customers on other days: {', '.join(diff)}"
    if not diff:
        return
    trial = {**visits, **{k: theirs[k] for k in diff}}
    applied = _apply(week, state, visits, trial, diff)
    moved = list(state)
    for d in sorted(_changed_days(week, visits, trial, diff)):
        warm = None if applied is None else applied[d][1]
        moved[d] = days.route(d, trial, params.day_solution_limit, initial=warm)
    now = time.perf_counter()
    search = _Search(week, params, days, random.Random(seed), now, now + 600.0, None)
    descended = search.descend(trial, moved, deep=False)
    intensified = search.intensify(*descended[:2])
    more = [days.route(d, trial, MORE_UNITS, fewer=True) for d in range(week.days)]
    estimate = (
        None if applied is None else _score(week, [r for _, r in applied], params)[-1] - score[-1]
    )

    def week_minutes(st: list[tuple[Instance, RoutingResult]] | None) -> str:
        return "infeasible" if st is None else minutes(_score(week, [r for _, r in st], params))

    yield (
        f"  as one walk step: inserted {week_minutes(applied)}, routed {week_minutes(moved)}, "
        f"descended {minutes(descended[2])}, intensified {minutes(intensified[2])}; "
        f"those days with {MORE_UNITS} units a day: {week_minutes(more)}"
    )
    if estimate is None:
        return
    rng = random.Random(seed)
    movable = [s.id for s in week.base.stops if len(week.rule(s.id).patterns) > 1]
    near = neighbours(week)
    drawn: list[float] = []
    for _ in range(draws):
        moves = perturbation(week, visits, state, rng.random(), movable, near, rng)
        got = _apply(week, state, visits, {**visits, **moves}, list(moves)) if moves else None
        if got is not None:
            drawn.append(_score(week, [r for _, r in got], params)[-1] - score[-1])
    if not drawn:
        yield "  no random walk perturbation of this week could be inserted"
        return
    drawn.sort()
    share = sum(x <= estimate for x in drawn) / max(len(drawn), 1)
    yield (
        f"  insertion estimate +{estimate / 60:.0f} min: {share:.0%} of {len(drawn)} random walk "
        f"perturbations estimate as well or better (median +{drawn[len(drawn) // 2] / 60:.0f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plan", type=Path, help="a kept week plan (*.week.json)")
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--draws", type=int, default=600, help="random perturbations ranked")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    try:
        plan = json.loads(a.plan.read_text(encoding="utf-8"))
        name = plan["instance"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"{a.plan}: not a kept week plan ({e!r})") from None
    root = a.data_dir / "periodic" / "pvrpif"
    if not (root / "instances" / f"{name}.geojson").is_file():
        raise SystemExit(f"{a.plan}: instance {name!r} not found under {root / 'instances'}")
    if len(list((root / "solutions").glob(f"report_{name}_*"))) != 1:
        raise SystemExit(
            f"{a.plan}: no single authors' solution for {name!r} in {root / 'solutions'}"
        )
    for line in near_miss(plan, a.data_dir, a.draws, a.seed):
        print(line, flush=True)


if __name__ == "__main__":
    main()
