"""Check whether one generated county has a plan with breaks that the search misses.

Usage: python benchmarks/breaks/county_diagnosis.py [--county 5] [--time-limit 30]

Takes the generated county of ``run.py --sets county`` (1-5), plans it
without breaks, gives each route its break on the "loaded, shift + break"
variant (``sequence.place_break``) and reports whether every route then
passes the checker; then plans that variant with the search and prints
both. A checked plan with breaks from the plan without them, with fewer
vehicles than the search's, is a plan the search with breaks misses.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402

from optimizer.evaluate import check, check_route  # noqa: E402
from optimizer.routing.sequence import place_break  # noqa: E402
from optimizer.routing.solve import solve  # noqa: E402


def main() -> None:
    """Print the comparison for one county."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--county", type=int, default=5, help="1-5, as in run.py")
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    name, inst, base = list(run._county())[args.county - 1]
    params = dataclasses.replace(base, time_limit_s=args.time_limit, seed=0)
    free = run._without_breaks(inst)
    longer = run._longer_shift(inst)
    for vt in inst.vehicle_types:
        print(f"{name}: type {vt.id} x{vt.count}, shift {vt.shift}, break {vt.break_}")
    plain = solve(free, params=params)
    fits = True
    for r in plain.routes:
        vt = longer.vehicle_type(r.vehicle_type)
        seq = [(v.kind, v.location) for v in r.visits]
        route = place_break(longer, r.vehicle, vt, seq, r.visits[0].departure_s)
        fits = fits and not check_route(longer, route)
    print(
        f"without breaks: {plain.objective_value:.1f} ({plain.num_vehicles} vehicles, "
        f"{len(plain.unserved)} unserved); its routes take their breaks: {fits}"
    )
    found = solve(longer, params=params)
    print(
        f"search with breaks (loaded, shift + break): {found.objective_value:.1f} "
        f"({found.num_vehicles} vehicles, {len(found.unserved)} unserved, "
        f"{len(check(longer, found))} violations)"
    )


if __name__ == "__main__":
    main()
