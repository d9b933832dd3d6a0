"""Re-check a week from the week instance alone; the day check does each day.

What a week must keep (on top of every day rule of :mod:`optimizer.evaluate`):

- one routing result per day of the horizon;
- each stop is visited on exactly the days of one of its allowed patterns
  (read from the routes, not from the result's own ``visits``), with at
  most ``max_interval_days`` between visits where a stop has a maximum
  interval (the week repeating); a visit listed unserved is a missed visit;
- the amount collected at each visit is the generation since the previous
  visit: each day is checked on an instance rebuilt with those amounts, so
  loads, capacities and reported loads follow the accumulation;
- each day uses at most that day's fleet and only the facilities open that
  day (the rebuilt day instance has only those);
- the reported visiting days and the objective agree with the routes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from optimizer.evaluate import METRIC_RTOL, check, objective_value
from optimizer.periodic.model import WeekInstance, day_instance, day_name, gaps
from optimizer.periodic.result import WeekResult, served_days


@dataclass(frozen=True)
class WeekViolation:
    """One broken rule of the week: the day (None: the whole week), the rule and what."""

    rule: str
    message: str
    day: int | None = None

    def __str__(self) -> str:
        where = "week" if self.day is None else day_name(self.day)
        return f"{where}: {self.rule}: {self.message}"


def check_week(week: WeekInstance, result: WeekResult) -> list[WeekViolation]:
    """List every rule the week plan breaks, recomputed from ``week`` alone.

    Returns
    -------
    list of WeekViolation
        Empty when every day is feasible and every stop keeps its visit rule.

    """
    out: list[WeekViolation] = []
    if len(result.days) != week.days:
        return [
            WeekViolation("days", f"{len(result.days)} days planned, the horizon has {week.days}")
        ]
    served = served_days(result)
    missed: dict[str, list[int]] = {}
    for d, day in enumerate(result.days):
        for u in day.unserved:
            missed.setdefault(u.stop, []).append(d)
            out.append(
                WeekViolation("missed_visit", f"stop {u.stop} is not visited ({u.reason})", d)
            )
    stop_ids = {s.id for s in week.base.stops}
    for sid in sorted(set(served) - stop_ids):
        out.append(WeekViolation("unknown_id", f"routes visit unknown stop {sid!r}"))
    claimed: dict[str, tuple[int, ...]] = {}
    for stop in week.base.stops:
        on = Counter(served.get(stop.id, ()) + tuple(missed.get(stop.id, ())))
        twice = sorted(d for d, n in on.items() if n > 1)
        for d in twice:
            out.append(WeekViolation("served_twice", f"stop {stop.id} is visited {on[d]} times", d))
        days = tuple(sorted(on))
        claimed[stop.id] = days
        rule = week.rule(stop.id)
        if days not in rule.patterns:
            allowed = ", ".join("-".join(day_name(x) for x in p) for p in rule.patterns[:6])
            more = " …" if len(rule.patterns) > 6 else ""
            got = "-".join(day_name(x) for x in days) or "no day"
            out.append(
                WeekViolation(
                    "pattern", f"stop {stop.id} is visited on {got}; allowed: {allowed}{more}"
                )
            )
        if rule.max_interval_days is not None and days:
            worst = max(gaps(days, week.days))
            if worst > rule.max_interval_days:
                out.append(
                    WeekViolation(
                        "max_interval",
                        f"stop {stop.id} waits {worst} days between visits "
                        f"> {rule.max_interval_days}",
                    )
                )
        reported = tuple(result.visits.get(stop.id, ()))
        if reported != tuple(served.get(stop.id, ())) and reported != days:
            out.append(
                WeekViolation(
                    "reported_pattern",
                    f"stop {stop.id}: result says days {list(reported)}, routes visit {list(days)}",
                )
            )
    for d, day in enumerate(result.days):
        inst = day_instance(week, d, claimed)
        for v in check(inst, day):
            out.append(WeekViolation(f"day:{v.rule.value}", str(v), d))
    total = sum(objective_value(day.routes, result.objective) for day in result.days)
    if abs(total - result.objective_value) > 1e-6 + METRIC_RTOL * abs(total):
        out.append(
            WeekViolation(
                "reported_objective",
                f"reported {result.objective_value:.6g}, routes sum to {total:.6g}",
            )
        )
    return out
