"""The near-miss report of the PVRP-IF benchmark: our week against the authors' timetable."""

from __future__ import annotations

from benchmarks.periodic.near_miss import near_miss
from optimizer.io.pvrpif import read_solution_report
from tests.periodic.week_data import PVRPIF, needs_pvrpif


@needs_pvrpif
def test_the_optimum_with_its_days_turned_round_and_reversed_is_no_near_miss() -> None:
    """The authors' own week, day d moved to day 2 - d (mod 4), has no customer elsewhere.

    Turning the 4-day horizon round and reversing it keeps every pattern
    ({0, 2}, {1, 3}, single days), so the report must find the symmetry
    and stop at zero customers on other days, with our cost theirs.
    """
    name = "Roma_030_4_5"
    (report,) = (PVRPIF / "solutions").glob(f"report_{name}_*")
    paths = read_solution_report(report)
    plan = {
        "instance": name,
        "seed": 0,
        "cost_travel_minutes": float(report.stem.split("_")[-2]),
        "days": {str((2 - d) % 4): routes for d, routes in paths.items()},
    }
    lines = list(near_miss(plan, PVRPIF.parent.parent))
    assert lines[0].startswith(f"{name} seed 0: ours {plan['cost_travel_minutes']:.0f},")
    assert lines[1].startswith("  0 customers on other days")
    assert len(lines) == 2
