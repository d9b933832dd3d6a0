"""Issue 12, point 4: vans for recyclable + hazardous waste, no facility takes both.

PyVRP cannot express such a van, so ``auto`` hands the stream group to
OR-Tools; on a large county OR-Tools may place only part of the stops in
time. Prints stops served, unserved, checker violations and the engine
choice the route summary shows.

    nice -n 10 python benchmarks/robustness/two_stream_van.py --stops 400 --vans 20 --time-limit 10
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from optimizer.evaluate import check
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve
from tests.county_gen import two_stream_van_county


def main() -> None:
    """Solve the van county once with the default engine and print the outcome."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stops", type=int, default=400)
    ap.add_argument("--vans", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=10.0)
    args = ap.parse_args()
    inst = two_stream_van_county(args.stops, args.vans)
    t0 = time.perf_counter()
    result = solve(inst, params=RoutingParams(time_limit_s=args.time_limit, engine="auto"))
    wall = time.perf_counter() - t0
    served = sum(len(r.stops) for r in result.routes)
    print(
        f"stops {len(inst.stops)}: served {served}, unserved {len(result.unserved)}, "
        f"checker violations {len(check(inst, result))}, {wall:.1f} s"
    )
    for line in result.settings["engine_choice"]:  # type: ignore[union-attr]
        print(f"  {line}")


if __name__ == "__main__":
    main()
