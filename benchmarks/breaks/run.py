"""What driver breaks cost: each instance solved with its breaks, without them, and in between.

Usage: python benchmarks/breaks/run.py --time-limit 30 --seeds 3 [--sets demo kim county]

For every instance the same solve (engine, time limit, seeds 0..K-1) runs
on four variants: without any break; with every break allowed with waste
on board and every shift longer by its break (nothing about the break
binds: what it costs beyond its time is the search's doing); with loaded
breaks and the real shifts; and as given (breaks only empty at a facility
unless the workbook allows loaded ones). Columns, means over the seeds:
the objective of each variant (vehicles); the price of the break time the
plan with breaks takes (cost objective: hours x cost per hour; time: its
seconds; distance: 0); and the difference of each variant to the one
before it, each less the price of the break time it takes: ``search Δ``
(shift + break against without), ``shift Δ`` (the real shift against the
longer one), ``place Δ`` (breaks only where a crew may rest empty against
anywhere). Issue 17 asks that the plan with breaks costs no more than the
plan without them plus the price of its break time, that is that the
three add up to at most 0. Then: working hours with / without breaks,
break hours taken, breaks taken with waste on board, unserved stops, and
whether the independent checker accepts every plan.

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
import os
import sys
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
from optimizer.routing.sequence import loaded_breaks  # noqa: E402
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


def _longer_shift(inst: Instance) -> Instance:
    """Return ``inst`` with loaded breaks allowed and every shift longer by its break."""
    types = []
    for vt in _loaded_breaks_allowed(inst).vehicle_types:
        if vt.break_ is not None:
            d = vt.break_.duration_s
            vt = dataclasses.replace(
                vt,
                shift=TimeWindow(vt.shift.start, vt.shift.end + d),
                max_duration_s=None if vt.max_duration_s is None else vt.max_duration_s + d,
            )
        types.append(vt)
    return dataclasses.replace(inst, vehicle_types=tuple(types))


VARIANTS = {
    "without": _without_breaks,
    "longer": _longer_shift,
    "loaded": _loaded_breaks_allowed,
    "with": lambda inst: inst,
}


def main() -> None:
    """Run the sets and print one Markdown row per instance (means over the seeds)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--sets", nargs="*", default=["demo", "kim", "county"])
    parser.add_argument("--engine", default="auto", help="ortools, pyvrp or auto")
    parser.add_argument("--seeds", type=int, default=1, help="runs per variant, seeds 0..K-1")
    args = parser.parse_args()
    sources = {"demo": _demo, "kim": _kim, "county": _county}
    print(
        "| instance | objective | without breaks | breaks loaded, shift + break | "
        "breaks loaded | with breaks | price of break time | search Δ | shift Δ | place Δ | "
        "hours with / without | break h | loaded | unserved w/wo | checker | cpu s |"
    )
    print("|" + "---|" * 16)
    for set_name in args.sets:
        for name, inst, base in sources[set_name]():
            t0 = _cpu()
            value = {v: 0.0 for v in VARIANTS}
            price = {v: 0.0 for v in VARIANTS}
            vehicles = {v: 0 for v in VARIANTS}
            hours = {v: 0.0 for v in VARIANTS}
            unserved = {v: 0 for v in VARIANTS}
            brk_h = loaded = 0.0
            ok = True
            for seed in range(args.seeds):
                params = dataclasses.replace(
                    base, engine=args.engine, time_limit_s=args.time_limit, seed=seed
                )
                for v, make in VARIANTS.items():
                    variant = make(inst)
                    result = solve(variant, params=params)
                    ok = ok and not check(variant, result)
                    seconds, yuan = _break_time(variant, result)
                    value[v] += result.objective_value / args.seeds
                    price[v] += _allowed(params.objective, seconds, yuan) / args.seeds
                    vehicles[v] += result.num_vehicles
                    hours[v] += sum(r.duration_s for r in result.routes) / H / args.seeds
                    unserved[v] += len(result.unserved)
                    if v == "with":
                        brk_h += seconds / H / args.seeds
                        loaded += sum(loaded_breaks(r) for r in result.routes) / args.seeds
            cpu = _cpu() - t0
            cell = {v: f"{value[v]:.1f} ({vehicles[v] / args.seeds:.1f} veh)" for v in VARIANTS}
            # Each variant less the price of the break time it takes; the Δs
            # compare consecutive variants.
            net = {v: value[v] - price[v] for v in VARIANTS}
            print(
                f"| {name} | {base.objective} | {cell['without']} | {cell['longer']} | "
                f"{cell['loaded']} | {cell['with']} | {price['with']:.1f} | "
                f"{net['longer'] - net['without']:+.1f} | "
                f"{net['loaded'] - net['longer']:+.1f} | "
                f"{net['with'] - net['loaded']:+.1f} | "
                f"{hours['with']:.2f} / {hours['without']:.2f} | {brk_h:.2f} | {loaded:g} | "
                f"{unserved['with']}/{unserved['without']} | {'ok' if ok else 'VIOLATION'} | "
                f"{cpu:.0f} |",
                flush=True,
            )


def _cpu() -> float:
    """Return the CPU seconds of this process and its finished children (PyVRP's searches)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _allowed(objective: str, seconds: float, yuan: float) -> float:
    """Return what the break time a plan takes is worth in the objective's unit."""
    if objective == "cost":
        return yuan
    if objective == "time":
        return seconds
    return 0.0


if __name__ == "__main__":
    main()
