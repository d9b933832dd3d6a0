"""What driver breaks cost: each instance solved with its breaks and without them.

Usage: python benchmarks/breaks/run.py --time-limit 30 [--sets demo kim county]

For every instance the same solve runs three times (same engine, seed and
time limit): as given, with every break removed, and with every break
allowed with waste on board (``Break.loaded``; what is left of the gap is
the price of taking breaks only empty at a facility). It prints, per instance,
the objective and the working hours of both plans, the break time the
plan with breaks takes (sum over its routes of the break length), the
breaks taken with waste on board and the breaks with an idle wait before
them, and whether the checker accepts both plans. A plan "keeps issue 17"
when its extra working time over the plan without breaks is at most the
break time it takes, and its objective is no worse by more than the price
of that time (cost objective: hours x cost per hour; distance: 0).

Sets: ``demo`` the demo county workbook (cost objective, breaks where a
crew can take them); ``kim`` three Kim et al. instances (distance,
vehicles minimised, lunch may be taken loaded as in the paper);
``county`` five generated counties (tests/county_gen.py, the first
examples hypothesis derives with a fixed seed), a break mid-shift on
every type. One solve at a time (one core each).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.evaluate import check  # noqa: E402
from optimizer.io.kim import read_kim  # noqa: E402
from optimizer.io.load import read_instance  # noqa: E402
from optimizer.model import Break, Instance, TimeWindow  # noqa: E402
from optimizer.routing.params import RoutingParams  # noqa: E402
from optimizer.routing.result import RoutingResult, VisitKind  # noqa: E402
from optimizer.routing.sequence import idle_before_break, loaded_breaks  # noqa: E402
from optimizer.routing.solve import solve  # noqa: E402

KIM = ROOT / ".." / "shared" / "data" / "vrp" / "kim2006_wcvrptw"
H = 3600


def _demo() -> Iterator[tuple[str, Instance, RoutingParams]]:
    yield "demo", read_instance(ROOT / "instances" / "demo_county"), RoutingParams()


def _kim() -> Iterator[tuple[str, Instance, RoutingParams]]:
    for name in ("102_stop", "277_stop", "444_stop"):
        params = RoutingParams(objective="distance", minimize_vehicles=True)
        yield f"kim {name}", read_kim(KIM / f"{name}.txt"), params


def _county() -> Iterator[tuple[str, Instance, RoutingParams]]:
    from hypothesis import HealthCheck, given, settings

    sys.path.insert(0, str(ROOT / "tests"))
    from county_gen import county_instances

    drawn: list[Instance] = []

    @settings(
        derandomize=True,
        max_examples=5,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(county_instances(min_stops=20, max_stops=40))
    def draw(instance: Instance) -> None:
        drawn.append(instance)

    draw()
    for k, inst in enumerate(drawn, start=1):
        types = []
        for vt in inst.vehicle_types:
            mid = (vt.shift.start + vt.shift.end) // 2
            types.append(dataclasses.replace(vt, break_=Break(TimeWindow(mid - H, mid), 1800)))
        yield f"county {k}", dataclasses.replace(inst, vehicle_types=tuple(types)), RoutingParams()


def _without_breaks(inst: Instance) -> Instance:
    types = tuple(dataclasses.replace(vt, break_=None) for vt in inst.vehicle_types)
    return dataclasses.replace(inst, vehicle_types=types)


def _loaded_breaks_allowed(inst: Instance) -> Instance:
    types = tuple(
        vt
        if vt.break_ is None
        else dataclasses.replace(vt, break_=dataclasses.replace(vt.break_, loaded=True))
        for vt in inst.vehicle_types
    )
    return dataclasses.replace(inst, vehicle_types=types)


def _break_time(inst: Instance, result: RoutingResult) -> tuple[float, float]:
    """Return (seconds of break, yuan of that time) the plan's routes take."""
    seconds = price = 0.0
    for route in result.routes:
        vt = inst.vehicle_type(route.vehicle_type)
        taken = sum(v.departure_s - v.start_s for v in route.visits if v.kind is VisitKind.BREAK)
        seconds += taken
        price += taken / H * vt.cost_per_h
    return seconds, price


def main() -> None:
    """Run the sets and print one Markdown row per instance."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--sets", nargs="*", default=["demo", "kim", "county"])
    parser.add_argument("--engine", default="auto", help="ortools, pyvrp or auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sources = {"demo": _demo, "kim": _kim, "county": _county}
    print(
        "| instance | objective | with breaks | without | Δ objective | allowed Δ | "
        "loaded allowed | hours with | hours without | break h taken | loaded | idle>1 min | "
        "unserved w/wo/loaded | checker | cpu s |"
    )
    print("|" + "---|" * 15)
    for set_name in args.sets:
        for name, inst, base in sources[set_name]():
            params = dataclasses.replace(
                base, engine=args.engine, time_limit_s=args.time_limit, seed=args.seed
            )
            t0 = time.process_time()
            with_b = solve(inst, params=params)
            plain_inst = _without_breaks(inst)
            without = solve(plain_inst, params=params)
            anywhere_inst = _loaded_breaks_allowed(inst)
            anywhere = solve(anywhere_inst, params=params)
            cpu = time.process_time() - t0
            ok = not (
                check(inst, with_b) or check(plain_inst, without) or check(anywhere_inst, anywhere)
            )
            seconds, price = _break_time(inst, with_b)
            allowed = price if params.objective == "cost" else 0.0
            if params.objective == "time":
                allowed = seconds
            hours_w = sum(r.duration_s for r in with_b.routes) / H
            hours_wo = sum(r.duration_s for r in without.routes) / H
            loaded = sum(loaded_breaks(r) for r in with_b.routes)
            idle = sum(idle_before_break(r) > 60 for r in with_b.routes)
            print(
                f"| {name} | {params.objective} | {with_b.objective_value:.1f} "
                f"({with_b.num_vehicles} veh) | {without.objective_value:.1f} "
                f"({without.num_vehicles} veh) | "
                f"{with_b.objective_value - without.objective_value:+.1f} | {allowed:.1f} | "
                f"{anywhere.objective_value:.1f} ({anywhere.num_vehicles} veh) | "
                f"{hours_w:.2f} | {hours_wo:.2f} | {seconds / H:.2f} | {loaded} | {idle} | "
                f"{len(with_b.unserved)}/{len(without.unserved)}/{len(anywhere.unserved)} | "
                f"{'ok' if ok else 'VIOLATION'} | {cpu:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
