"""Build a :class:`~optimizer.periodic.model.WeekInstance` from a county workbook instance.

Where the week's rules come from (columns are kept in ``extra`` by the
workbook reader, settings in ``Instance.meta``):

- stops: ``frequency_per_week`` (visits in 7 days; scaled to the horizon),
  optional ``patterns`` (``"Mon-Wed-Fri|Tue-Thu-Sat"`` or ``"0,2,4;1,3,5"``),
  optional ``max_interval_days``, optional ``daily_kg`` (generation per
  day; default ``demand_kg × frequency_per_week / 7``: ``demand_kg`` is what
  one visit collects at the stated frequency, so a pattern with fewer or
  more visits collects more or less per visit);
- per area, settings ``patterns:AREA`` and ``max_interval_days:AREA`` apply
  to every stop of that area without its own;
- medical stops default to at most :data:`MEDICAL_MAX_INTERVAL_DAYS` days
  between visits (the 2-day storage limit);
- vehicles and sites: an optional ``days`` column (e.g. ``"Mon,Tue,Wed,Thu,Fri,Sat"``)
  lists the days a vehicle type works or a facility opens; default every day.

A pattern using a day on which no vehicle of the stop's stream works (or no
facility takes it) is cut to the working days ("daily" becomes Mon-Sat when
nobody works on Sunday).
"""

from __future__ import annotations

from optimizer.model import Instance, ModelError, Stop, Stream, TimeWindow
from optimizer.periodic.model import (
    MEDICAL_MAX_INTERVAL_DAYS,
    Horizon,
    Pattern,
    VisitRule,
    WeekInstance,
    default_patterns,
    interval_patterns,
    parse_patterns,
    working_days,
)


def _days_of(text: str, days: int, where: str) -> set[int]:
    try:
        found = parse_patterns(text.replace(",", "-").replace(" ", ""), days)
    except ValueError as err:
        raise ModelError(f"{where}: days: {err}") from None
    return {d for p in found for d in p}


def horizon_of(instance: Instance, days: int) -> Horizon:
    """Return the horizon of ``days`` days with the ``days`` columns of vehicles and sites."""
    fleet: list[dict[str, int]] = [{} for _ in range(days)]
    for vt in instance.vehicle_types:
        text = vt.extra.get("days", "").strip()
        on = _days_of(text, days, f"vehicle type {vt.id}") if text else set(range(days))
        for d in on:
            fleet[d][vt.id] = vt.count
    open_sites: list[dict[str, TimeWindow | None]] = [{} for _ in range(days)]
    for site in instance.unloading_sites:
        text = site.extra.get("days", "").strip()
        on = _days_of(text, days, f"site {site.id}") if text else set(range(days))
        for d in on:
            open_sites[d][site.id] = None
    return Horizon(days, tuple(fleet), tuple(open_sites))


def _visits(stop: Stop, days: int) -> int:
    return min(days, max(1, round(stop.frequency_per_week * days / 7)))


def _rule(instance: Instance, stop: Stop, days: int, work: frozenset[int]) -> VisitRule:
    where = f"stop {stop.id}"
    area_patterns = instance.meta.get(f"patterns:{stop.area}", "") if stop.area else ""
    area_interval = instance.meta.get(f"max_interval_days:{stop.area}", "") if stop.area else ""
    text = stop.extra.get("patterns", "").strip() or area_patterns.strip()
    interval_text = stop.extra.get("max_interval_days", "").strip() or area_interval.strip()
    interval: int | None = None
    if interval_text:
        try:
            interval = int(interval_text)
        except ValueError:
            raise ModelError(
                f"{where}: max_interval_days: {interval_text!r} is not a whole number of days"
            ) from None
    elif stop.stream is Stream.MEDICAL:
        interval = MEDICAL_MAX_INTERVAL_DAYS
    visits = _visits(stop, days)
    patterns: tuple[Pattern, ...]
    if text:
        try:
            patterns = parse_patterns(text, days)
        except ValueError as err:
            raise ModelError(f"{where}: patterns: {err}") from None
    elif interval is not None:
        patterns = interval_patterns(interval, days, visits)
    else:
        patterns = default_patterns(visits, days)
    cut = tuple(dict.fromkeys(tuple(d for d in p if d in work) for p in patterns))
    cut = tuple(p for p in cut if p)
    if not cut:
        raise ModelError(f"{where}: no vehicle for stream {stop.stream.value} works on its days")
    daily_text = stop.extra.get("daily_kg", "").strip()
    try:
        # demand_kg is what a visit collects at the stop's stated frequency.
        daily = float(daily_text) if daily_text else stop.demand_kg * visits / days
    except ValueError:
        raise ModelError(f"{where}: daily_kg: {daily_text!r} is not a number") from None
    scale = daily / stop.demand_kg if stop.demand_kg > 0 else 0.0
    return VisitRule(stop.id, cut, daily, stop.demand_m3 * scale, interval)


def week_from_instance(instance: Instance, *, days: int = 7) -> WeekInstance:
    """Return the week of ``instance`` over ``days`` days.

    Raises
    ------
    ModelError
        Naming the stop, vehicle type or site and the field that is wrong.

    """
    horizon = horizon_of(instance, days)
    bare = WeekInstance.__new__(WeekInstance)
    object.__setattr__(bare, "base", instance)
    object.__setattr__(bare, "horizon", horizon)
    work = {s: working_days(bare, s) for s in {st.stream for st in instance.stops}}
    rules = tuple(_rule(instance, s, days, work[s.stream]) for s in instance.stops)
    return WeekInstance(instance, horizon, rules, {"source": "workbook"})
