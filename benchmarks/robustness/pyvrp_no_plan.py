"""Count PyVRP searches that end without a plan within the rules, on generated counties.

Usage: python benchmarks/robustness/pyvrp_no_plan.py [--count 40] [--seed 1] [--objective cost]

Draws ``--count`` counties (tests/county_gen.py, 10-40 stops, Hypothesis
seed ``--seed``), plans each with ``--engine pyvrp`` at a fixed amount of
work (40 solutions, time limit 60 s so that work, not time, ends every
search) and records every PyVRP search whose best plan breaks a rule
(time warp, load, the distance that carries a daily limit): such a
component gets no plan from PyVRP and OR-Tools plans it instead. Prints
one line per such search, one per county (objective, vehicles,
unserved, checker violations) and the counts.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from county_gen import county_instances  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from optimizer.evaluate import check  # noqa: E402
from optimizer.model import Instance  # noqa: E402
from optimizer.routing import pyvrp_engine  # noqa: E402
from optimizer.routing.params import RoutingParams  # noqa: E402
from optimizer.routing.solve import solve  # noqa: E402


def _draw(count: int, seed: int) -> list[Instance]:
    drawn: list[Instance] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count, database=None, suppress_health_check=list(HealthCheck), deadline=None
    )
    @given(county_instances(min_stops=10, max_stops=40))
    def draw(instance: Instance) -> None:
        drawn.append(instance)

    draw()
    return drawn


def main() -> None:
    """Print the searches without a plan and the per-county results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--objective", default="cost")
    args = parser.parse_args()
    searches: list[dict[str, Any]] = []
    original = pyvrp_engine._search

    def recorded(builder: Any, stop: Any, *a: Any, **k: Any) -> Any:
        data, best = original(builder, stop, *a, **k)
        searches.append(
            {
                "stops": len(builder.stop_ids),
                "within the rules": bool(best.is_feasible()),
                "time warp s": int(best.time_warp()),
                "excess load": [int(x) for x in best.excess_load()],
                "excess distance": int(best.excess_distance()),
                "carried": builder.carried,
                "stops optional": data is not builder.required,
            }
        )
        return data, best

    pyvrp_engine._search = recorded
    counts: collections.Counter[str] = collections.Counter()
    for k, inst in enumerate(_draw(args.count, args.seed)):
        searches.clear()
        params = RoutingParams(
            engine="pyvrp", objective=args.objective, seed=0, time_limit_s=60, solution_limit=40
        )
        res = solve(inst, params=params)
        for s in searches:
            counts["searches"] += 1
            if not s["within the rules"]:
                counts["searches without a plan within the rules"] += 1
                print(f"county {k}: {s}")
        print(
            f"county {k}: {res.objective_value:.1f}, {res.num_vehicles} vehicles, "
            f"{len(res.unserved)} unserved, {len(check(inst, res))} violations",
            flush=True,
        )
    print(dict(counts))


if __name__ == "__main__":
    main()
