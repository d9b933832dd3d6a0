"""Re-check a fleet study's charging plans from the routes alone; never trust the scheduler.

For every scenario and depot: each electric truck charges exactly once, on
one charger, for the minutes its energy needs at the charger's power (or the
whole night when that is longer), starting after it returns and ending
before it leaves; no charger holds two trucks at once or more than
``max_trucks_per_charger`` in a night; the charger count and the peak are
what the slots say.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping

from optimizer.fleet.charging import DAY_MIN, ChargePlan
from optimizer.fleet.study import FleetStudy
from optimizer.model import Fuel


def check_plan(
    trucks: Mapping[str, tuple[int, int, int]], plan: ChargePlan, per_charger: int, where: str
) -> list[str]:
    """List what breaks the rules in one depot's plan.

    ``trucks`` maps each truck to (return minute, departure minute, minutes of
    charge it needs).
    """
    problems: list[str] = []
    seen = Counter(v for v, _, _, _ in plan.slots)
    if set(seen) != set(trucks) or any(n != 1 for n in seen.values()):
        problems.append(f"{where}: trucks charged {dict(seen)} != once each of {sorted(trucks)}")
    by_charger: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for truck, charger, start, end in plan.slots:
        if truck not in trucks:
            continue
        release, deadline, minutes = trucks[truck]
        if end - start != min(minutes, deadline - release):
            problems.append(f"{where}: {truck} charges {end - start} min, needs {minutes}")
        if start < release or end > deadline:
            problems.append(f"{where}: {truck} charges {start}-{end} outside {release}-{deadline}")
        by_charger[charger].append((start, end))
    for charger, spans in by_charger.items():
        if len(spans) > per_charger:
            problems.append(f"{where}: charger {charger} serves {len(spans)} trucks")
        spans.sort()
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            if s2 < e1:
                problems.append(f"{where}: charger {charger} holds two trucks at {s2}")
    if plan.chargers != len(by_charger):
        problems.append(f"{where}: {plan.chargers} chargers reported, {len(by_charger)} used")
    events = sorted(
        [(e, -1) for sp in by_charger.values() for _, e in sp]
        + [(s0, 1) for sp in by_charger.values() for s0, _ in sp]
    )
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    if plan.peak_trucks != most:
        problems.append(f"{where}: peak {plan.peak_trucks} trucks reported, {most} in the plan")
    return problems


def check_study(study: FleetStudy) -> list[str]:
    """List every way the study's charging plans break the rules (empty: all good)."""
    problems: list[str] = []
    kw = study.params["charger_kw"]
    per_charger = max(1, int(study.params["max_trucks_per_charger"]))
    for s in study.scenarios:
        name = s.scenario.name
        needed: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
        for r in s.routes:
            if r.fuel is not Fuel.ELECTRIC or r.energy_kwh <= 0:
                continue
            window = (math.ceil(r.end_s / 60), math.floor(r.start_s / 60) + DAY_MIN)
            minutes = math.ceil(r.energy_kwh / r.vehicles / kw * 60 - 1e-9)
            for k in range(r.vehicles):
                truck = r.vehicle if r.vehicles == 1 else f"{r.vehicle}/{k + 1}"
                needed[r.depot][truck] = (window[0], window[1], minutes)
        if set(s.charging) != set(needed):
            problems.append(f"{name}: depots with plans {sorted(s.charging)} != {sorted(needed)}")
        for depot, trucks in needed.items():
            plan = s.charging.get(depot)
            if plan is not None:
                problems += check_plan(trucks, plan, per_charger, f"{name}, depot {depot}")
    return problems
