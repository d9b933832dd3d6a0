"""The week as a model: a horizon of days, visit rules per stop, accumulation.

A :class:`WeekInstance` is a day-level :class:`~optimizer.model.Instance`
(stops, sites, fleet, travel) plus what only the week knows:

- a :class:`Horizon` of ``days`` days with the fleet available on each day
  (count per vehicle type) and the facilities open on each day (with their
  hours that day);
- a :class:`VisitRule` per stop: the allowed day patterns (sets of days),
  derived from the frequency (:func:`default_patterns`), given in the
  workbook, or derived from a maximum interval between visits
  (:func:`interval_patterns`);
- the amount collected at a visit is the waste generated since the previous
  visit: ``daily_kg × days since the previous visit`` over a week that
  repeats (cyclic), see :func:`amounts`.

Days are numbered from 0 (Monday in a 7-day week).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from optimizer.model import Instance, ModelError, Site, Stream, TimeWindow

DAY_NAMES_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

#: Medical waste may be stored at most 2 days at the producer: 《医疗废物管理条例》
#: (国务院令第380号, 2003) 第十七条 "医疗废物暂时贮存的时间不得超过2天", restated for
#: health institutions in 《医疗卫生机构医疗废物管理办法》(原卫生部令第36号, 2003)
#: (第三章, 第二十条 in the text we found; article number not confirmed by a second
#: source). 《医疗废物集中处置技术规范（试行）》(环发〔2003〕206号) 2.4.2 allows at most
#: 48 h in cold storage. So a clinic is visited with at most 2 days between visits.
MEDICAL_MAX_INTERVAL_DAYS = 2
DAY_CACHE_STOPS = 50_000  # stops held by the day instances a week keeps (memory bound)

Pattern = tuple[int, ...]
Visits = dict[str, Pattern]  # each stop's pattern: the days it is visited on


def day_name(day: int, *, lang: str = "en") -> str:
    """Return the weekday name of ``day`` (``D8`` and on past a week)."""
    names = DAY_NAMES_ZH if lang == "zh" else DAY_NAMES_EN
    if day < 7:
        return names[day]
    return f"第{day + 1}天" if lang == "zh" else f"D{day + 1}"


def gaps(pattern: Pattern, days: int) -> tuple[int, ...]:
    """Return the days from each visit to the next one, the last wrapping into the next week."""
    return tuple(
        (pattern[(k + 1) % len(pattern)] - d) % days or days for k, d in enumerate(pattern)
    )


def default_patterns(frequency: int, days: int) -> tuple[Pattern, ...]:
    """Return the usual patterns of ``frequency`` visits over ``days`` days.

    Evenly spaced visits on every possible first day: for a week, 7 gives
    daily; 3 gives Mon-Wed-Fri or Tue-Thu-Sat; 2 gives Mon-Thu or Tue-Fri;
    1 any single day. Over a
    4-day horizon 2 gives {0, 2} and {1, 3}, as in the PVRP-IF set.
    Spacings are as even as the horizon allows (gaps differ by at most a day).
    """
    if not 1 <= frequency <= days:
        raise ModelError(f"frequency {frequency} is not within 1..{days} visits in {days} days")
    low = days // frequency
    out: set[Pattern] = set()
    for combo in itertools.combinations(range(days), frequency):
        g = gaps(combo, days)
        if max(g) - min(g) <= 1 and min(g) >= low:
            out.add(combo)
    if days == 7 and frequency in WEEK_DEFAULTS:
        return WEEK_DEFAULTS[frequency]
    return tuple(sorted(out))


#: What offices mean by "three times a week" and "twice a week" (the usual
#: timetables; other spacings can be given per stop or area in the workbook).
WEEK_DEFAULTS: Mapping[int, tuple[Pattern, ...]] = MappingProxyType(
    {3: ((0, 2, 4), (1, 3, 5)), 2: ((0, 3), (1, 4))}
)


def interval_patterns(max_interval_days: int, days: int, frequency: int = 1) -> tuple[Pattern, ...]:
    """Return the patterns with at most ``max_interval_days`` between visits (week repeating).

    The fewest visits that keep the interval are used (at least ``frequency``).
    """
    if max_interval_days < 1:
        raise ModelError(f"maximum interval must be >= 1 day, got {max_interval_days}")
    need = max(frequency, math.ceil(days / max_interval_days))
    if need > days:
        raise ModelError(f"{need} visits do not fit in {days} days")
    return tuple(
        combo
        for combo in itertools.combinations(range(days), need)
        if max(gaps(combo, days)) <= max_interval_days
    )


def parse_patterns(text: str, days: int) -> tuple[Pattern, ...]:
    """Parse ``"Mon-Wed-Fri|Tue-Thu-Sat"`` or ``"0,2,4;1,3,5"`` (also Chinese day names).

    Raises
    ------
    ValueError
        Naming the part that is not a day.

    """
    out: list[Pattern] = []
    for part in text.replace(";", "|").replace("；", "|").split("|"):
        part = part.strip()
        if not part:
            continue
        tokens = [t.strip() for t in part.replace("-", ",").replace("、", ",").split(",")]
        found: list[int] = []
        for tok in tokens:
            if tok.isdigit():
                day = int(tok)
            elif tok.capitalize() in DAY_NAMES_EN:
                day = DAY_NAMES_EN.index(tok.capitalize())
            elif tok in DAY_NAMES_ZH:
                day = DAY_NAMES_ZH.index(tok)
            else:
                raise ValueError(f"{tok!r} is not a day (Mon..Sun, 周一..周日 or 0..{days - 1})")
            if not 0 <= day < days:
                raise ValueError(f"day {tok!r} is outside the {days}-day horizon")
            found.append(day)
        out.append(tuple(sorted(set(found))))
    if not out:
        raise ValueError("no pattern given")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class VisitRule:
    """How often and on which days a stop is visited, and how fast its waste grows.

    ``patterns`` are the allowed sets of days (sorted tuples); exactly one is
    used. ``max_interval_days`` (if set) is the most days between two visits,
    checked on its own too. ``daily_kg`` / ``daily_m3`` are generated per day.
    """

    stop: str
    patterns: tuple[Pattern, ...]
    daily_kg: float
    daily_m3: float = 0.0
    max_interval_days: int | None = None

    def __post_init__(self) -> None:
        if not self.patterns:
            raise ModelError(f"stop {self.stop}: no allowed day pattern")
        object.__setattr__(self, "patterns", tuple(tuple(sorted(p)) for p in self.patterns))


@dataclass(frozen=True)
class Horizon:
    """The days planned, the fleet on each day and the facilities open on each day.

    ``fleet[d]`` maps a vehicle type id to the vehicles available on day
    ``d``; ``open_sites[d]`` maps each facility id open on day ``d`` to its
    hours that day (None: the instance's hours).
    """

    days: int
    fleet: tuple[Mapping[str, int], ...]
    open_sites: tuple[Mapping[str, TimeWindow | None], ...]

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ModelError(f"the horizon needs at least one day, got {self.days}")
        if len(self.fleet) != self.days or len(self.open_sites) != self.days:
            raise ModelError("the horizon needs a fleet and open sites for every day")
        object.__setattr__(self, "fleet", tuple(MappingProxyType(dict(f)) for f in self.fleet))
        object.__setattr__(
            self, "open_sites", tuple(MappingProxyType(dict(o)) for o in self.open_sites)
        )


@dataclass(frozen=True)
class WeekInstance:
    """A day-level instance planned over a horizon with a visit rule per stop."""

    base: Instance
    horizon: Horizon
    rules: tuple[VisitRule, ...]
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))
        ids = [r.stop for r in self.rules]
        if sorted(ids) != sorted(s.id for s in self.base.stops):
            raise ModelError("the week needs exactly one visit rule per stop")
        for rule in self.rules:
            for p in rule.patterns:
                if not p or p[0] < 0 or p[-1] >= self.horizon.days:
                    raise ModelError(f"stop {rule.stop}: pattern {p} is outside the horizon")
        object.__setattr__(self, "_rule", {r.stop: r for r in self.rules})
        object.__setattr__(self, "_day_instances", _DayCache())  # see day_instance

    @property
    def name(self) -> str:
        """Return the instance name."""
        return self.base.name

    @property
    def days(self) -> int:
        """Return the number of days in the horizon."""
        return self.horizon.days

    def rule(self, stop_id: str) -> VisitRule:
        """Return the visit rule of ``stop_id``."""
        return self._rule[stop_id]  # type: ignore[attr-defined,no-any-return]


def amounts(rule: VisitRule, pattern: Pattern, days: int) -> dict[int, tuple[float, float]]:
    """Return (kg, m3) collected on each day of ``pattern``: generation since the last visit."""
    return {
        d: (rule.daily_kg * g, rule.daily_m3 * g)
        for d, g in zip(pattern, _gaps_before(pattern, days), strict=True)
    }


def _gaps_before(pattern: Pattern, days: int) -> tuple[int, ...]:
    """Return the days since the previous visit for each visit of ``pattern``."""
    after = gaps(pattern, days)
    return tuple(after[k - 1] for k in range(len(pattern)))


def day_instance(week: WeekInstance, day: int, visits: Mapping[str, Pattern]) -> Instance:
    """Return the routing instance of ``day`` when stops are visited on ``visits``.

    Its stops are those visited that day, each with the amount accumulated
    since its previous visit; its fleet is the day's; closed facilities are
    left out and open ones get the day's hours. Instances are immutable, so
    the week keeps the last ones built (a search asks for the same day often).
    """
    base = week.base
    on = tuple((stop, visits[stop.id]) for stop in base.stops if day in visits.get(stop.id, ()))
    cache: _DayCache = week._day_instances  # type: ignore[attr-defined]
    key = (day, tuple((stop.id, pattern) for stop, pattern in on))
    known = cache.kept.get(key)
    if known is not None:
        return known
    stops = []
    for stop, pattern in on:
        kg, m3 = amounts(week.rule(stop.id), pattern, week.days)[day]
        stops.append(dataclasses.replace(stop, demand_kg=kg, demand_m3=m3))
    fleet = week.horizon.fleet[day]
    types = tuple(dataclasses.replace(vt, count=fleet.get(vt.id, 0)) for vt in base.vehicle_types)
    meta = dict(base.meta)
    meta["day"] = str(day)
    inst = dataclasses.replace(
        base,
        name=f"{base.name} {day_name(day)}",
        stops=tuple(stops),
        sites=day_sites(week, day),
        vehicle_types=types,
        meta=meta,
    )
    cache.keep(key, inst)
    return inst


def day_sites(week: WeekInstance, day: int) -> tuple[Site, ...]:
    """Return the sites of ``day``: depots, and the facilities open that day with its hours."""
    open_today = week.horizon.open_sites[day]
    sites = []
    for site in week.base.sites:
        if not site.is_facility:
            sites.append(site)
        elif site.id in open_today:
            hours = open_today[site.id]
            sites.append(site if hours is None else dataclasses.replace(site, hours=hours))
    return tuple(sites)


class _DayCache:
    """Day instances a week built last, up to about ``DAY_CACHE_STOPS`` stops in all."""

    def __init__(self) -> None:
        self.kept: dict[tuple[object, ...], Instance] = {}
        self.stops = 0

    def keep(self, key: tuple[object, ...], inst: Instance) -> None:
        if self.stops + len(inst.stops) > DAY_CACHE_STOPS:
            self.kept.clear()
            self.stops = 0
        self.kept[key] = inst
        self.stops += len(inst.stops)


def working_days(week: WeekInstance, stream: Stream) -> frozenset[int]:
    """Return the days on which a vehicle carrying ``stream`` works and a facility takes it."""
    out = set()
    for d in range(week.days):
        trucks = any(
            week.horizon.fleet[d].get(vt.id, 0) > 0 and stream in vt.streams
            for vt in week.base.vehicle_types
        )
        sites = any(
            sid in week.horizon.open_sites[d] and stream in week.base.site(sid).streams
            for sid in (s.id for s in week.base.unloading_sites)
        )
        if trucks and sites:
            out.add(d)
    return frozenset(out)


def every_day(instance: Instance, days: int) -> Horizon:
    """Return a horizon where the whole fleet works and every facility opens each day."""
    fleet = {vt.id: vt.count for vt in instance.vehicle_types}
    sites: dict[str, TimeWindow | None] = {s.id: None for s in instance.unloading_sites}
    return Horizon(days, tuple(fleet for _ in range(days)), tuple(sites for _ in range(days)))


def patterns_on(patterns: Sequence[Pattern], allowed_days: frozenset[int]) -> tuple[Pattern, ...]:
    """Return the patterns that only use ``allowed_days``."""
    return tuple(p for p in patterns if set(p) <= allowed_days)
