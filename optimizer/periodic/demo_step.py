"""The demo's week: villages, clinics, recyclables and hazardous points over a repeating week.

The daily urban rounds are the day demo's; the week is where visiting days
matter: township clinics (medical waste, at most 2 days between visits),
the village points, recyclable points (three times a week) and hazardous
points (once a week). The week plan is compared with planning each day on
its own, every stop on its first allowed days (the timetable an office
writes without looking at the week as a whole).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from optimizer.i18n import Lang, tr
from optimizer.model import Instance, Stream
from optimizer.periodic.check import check_week
from optimizer.periodic.output import write_week_outputs
from optimizer.periodic.result import WeekResult
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import WeekParams, independent_days, solve_week
from optimizer.routing.params import Objective

DAY_UNIT_S = 0.1  # seconds of routing per unit of search: big days on a time budget
WEEK_STREAMS = frozenset({Stream.MEDICAL, Stream.RECYCLABLE, Stream.HAZARDOUS})


def week_part(instance: Instance) -> Instance:
    """Return the stops planned over the week (villages, clinics, weekly points) and their fleet."""
    stops = tuple(s for s in instance.stops if s.area == "village" or s.stream in WEEK_STREAMS)
    streams = {s.stream for s in stops}
    types = tuple(vt for vt in instance.vehicle_types if vt.streams & streams)
    return dataclasses.replace(
        instance, name=f"{instance.name} week", stops=stops, vehicle_types=types
    )


def week_step(
    instance: Instance, out_dir: Path, *, lang: Lang, time_limit_s: float, seed: int
) -> tuple[WeekResult, WeekResult, list[Path], str]:
    """Plan the demo week, check and write it; return it, the day-alone plan, files, message."""
    part = week_part(instance)
    week = week_from_instance(part if part.stops else instance, days=7)
    params = WeekParams(
        objective=Objective.COST,
        time_limit_s=time_limit_s,
        seed=seed,
        balance=True,
        same_vehicle=True,
        # The relaxation pays on small, tight weeks (PVRP-IF); the demo's days
        # are big and loose, and it starts from the balanced construction.
        relax_share=0.0,
        unit_s=DAY_UNIT_S,
        day_solution_limit=10,
    )
    result = solve_week(week, params=params)
    bugs = [v for v in check_week(week, result) if v.rule != "missed_visit"]
    if bugs:
        raise RuntimeError(
            "internal error: week checker found violations: " + "; ".join(map(str, bugs[:5]))
        )
    alone = independent_days(week, params)
    files = write_week_outputs(week, result, out_dir, lang=lang)
    clinics = [s.id for s in week.base.stops if s.stream is Stream.MEDICAL]
    message = tr(
        lang,
        f"{len(week.base.stops)} stops over 7 days ({len(clinics)} clinics every 2 days at most): "
        f"fleet {result.peak_vehicles} (vehicles per day {list(result.vehicles_per_day)}), "
        f"{result.distance_m / 1000:,.0f} km, {result.num_unserved} visits missed; each day "
        f"planned on its own needs {alone.peak_vehicles} vehicles, "
        f"{alone.distance_m / 1000:,.0f} km, {alone.num_unserved} visits missed",
        f"{len(week.base.stops)} 个收集点的周计划（{len(clinics)} 家卫生院最多隔 2 天收运）："
        f"车队 {result.peak_vehicles} 辆（每日 {list(result.vehicles_per_day)}），"
        f"里程 {result.distance_m / 1000:,.0f} km，漏收 {result.num_unserved} 次；逐日单独规划需 "
        f"{alone.peak_vehicles} 辆，里程 {alone.distance_m / 1000:,.0f} km，"
        f"漏收 {alone.num_unserved} 次",
    )
    return result, alone, files, message
