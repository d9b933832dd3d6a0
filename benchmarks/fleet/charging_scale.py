r"""How many chargers, and how sure: the depot charging planner on synthetic depots.

Usage::

    nice -n 10 python benchmarks/fleet/charging_scale.py

Each depot: ``n`` trucks back between 10:00 and 16:40, out again between
04:00 and 06:00, each needing 60-500 minutes of charge (seeded by ``n``).
For one and for ten trucks a charger per night, the table gives the
chargers planned, the lower bound (trucks per charger and charging time in
every stretch of the night), whether the count is proven minimal, the best
greedy start, and the CPU seconds of :func:`optimizer.fleet.charging.plan_charging`.
Every plan passes :func:`optimizer.fleet.check.check_plan`.
"""

from __future__ import annotations

import random
import time

from optimizer.fleet.charging import _ORDERS, ChargeJob, _greedy, plan_charging
from optimizer.fleet.check import check_plan


def depot(n: int) -> list[ChargeJob]:
    """Return ``n`` seeded overnight charges."""
    rnd = random.Random(n)
    return [
        ChargeJob(f"T{k}", rnd.randint(600, 1000), rnd.randint(1680, 1800), rnd.randint(60, 500))
        for k in range(n)
    ]


def main() -> None:
    """Print the table in Markdown."""
    print("| trucks | per charger | chargers | lower bound | proven | greedy | CPU s |")
    print("|---:|---:|---:|---:|:---:|---:|---:|")
    for per in (3, 10):
        for n in (10, 30, 60, 120):
            jobs = depot(n)
            greedy = min(1 + max(c for c, _ in _greedy(jobs, per, o)) for o in _ORDERS)
            t = time.process_time()
            plan = plan_charging(jobs, max_per_charger=per, seed=0)
            cpu = time.process_time() - t
            trucks = {j.vehicle: (j.release_min, j.deadline_min, j.duration_min) for j in jobs}
            assert check_plan(trucks, plan, per, f"{n} trucks") == []
            print(
                f"| {n} | {per} | {plan.chargers} | {plan.lower_bound} | "
                f"{'yes' if plan.proven else 'no'} | {greedy} | {cpu:.2f} |"
            )


if __name__ == "__main__":
    main()
