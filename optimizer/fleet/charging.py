"""Overnight depot charging: the fewest chargers that recharge every electric truck in time.

Each truck needs ``duration`` minutes on one charger (the day's energy at the
charger's power) between its return to the depot and its departure the next
day, and one charger serves at most ``max_per_charger`` trucks a night (each
further truck is a re-plug by the night staff). The fewest chargers is a
scheduling problem with one machine per charger, solved with OR-Tools CP-SAT
(one worker, fixed seed and a deterministic work limit: reproducible),
started from a greedy plan that is always feasible. The peak power drawn is
the most trucks charging at once times the charger power; the "unmanaged"
peak is what the depot draws when every truck plugs in on return.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

DAY_MIN = 24 * 60
# CP-SAT's deterministic work limit per depot and scenario (roughly seconds on one
# core). With three trucks per charger the count bound is usually reached at once;
# with many trucks per charger and long charges a proof can take far longer (measured:
# 60 trucks, 10 per charger, unproven after 10 units = 17 s), so the search stops
# here with its best plan and the plan says it is not proven (with its lower bound).
DETERMINISTIC_LIMIT = 2.0


@dataclass(frozen=True)
class ChargeJob:
    """One truck's overnight charge: minutes from the day's midnight."""

    vehicle: str
    release_min: int  # back at the depot
    deadline_min: int  # leaves the next day (may pass 1440)
    duration_min: int  # at the charger's power

    @property
    def fits(self) -> bool:
        """Return whether the charge fits between return and the next departure."""
        return self.duration_min <= self.deadline_min - self.release_min


@dataclass(frozen=True)
class ChargePlan:
    """A depot's charging plan: chargers needed, who charges where and when, and the peaks."""

    chargers: int
    slots: tuple[tuple[str, int, int, int], ...]  # vehicle, charger (1-based), start, end minute
    peak_trucks: int  # most trucks charging at once in the plan
    unmanaged_peak_trucks: int  # most at once when all plug in on return
    proven: bool  # the charger count is proven minimal
    lower_bound: int


def _most_at_once(spans: list[tuple[int, int]]) -> int:
    events = sorted([(e, -1) for s, e in spans if e > s] + [(s, 1) for s, e in spans if e > s])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def lower_bound(jobs: list[ChargeJob], max_per_charger: int) -> int:
    """Return a lower bound on chargers from the trucks per charger and the charging time.

    Over every stretch [a, b] from a return to a departure, the jobs that must
    lie inside it need their minutes on chargers within ``b - a`` minutes.
    """
    if not jobs:
        return 0
    best = math.ceil(len(jobs) / max_per_charger)
    for a in sorted({j.release_min for j in jobs}):
        for b in sorted({j.deadline_min for j in jobs}):
            if b <= a:
                continue
            need = sum(j.duration_min for j in jobs if j.release_min >= a and j.deadline_min <= b)
            best = max(best, math.ceil(need / (b - a)))
    return best


#: Orders the greedy start tries: earliest departure, earliest return, longest charge.
_ORDERS: tuple[Callable[[ChargeJob], tuple[int, int]], ...] = (
    lambda j: (j.deadline_min, j.release_min),
    lambda j: (j.release_min, j.deadline_min),
    lambda j: (-j.duration_min, j.deadline_min),
)


def _greedy(
    jobs: list[ChargeJob], max_per_charger: int, order: Callable[[ChargeJob], tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return (charger, start) per job, taken in ``order``, each on the charger free first."""
    free: list[int] = []  # minute each charger is free again
    served: list[int] = []
    plan: list[tuple[int, int]] = [(0, 0)] * len(jobs)
    for k in sorted(range(len(jobs)), key=lambda i: order(jobs[i])):
        j = jobs[k]
        options = [
            (max(free[c], j.release_min), c)
            for c in range(len(free))
            if served[c] < max_per_charger
            and max(free[c], j.release_min) + j.duration_min <= j.deadline_min
        ]
        if options:
            start, c = min(options)
        else:
            free.append(0)
            served.append(0)
            start, c = j.release_min, len(free) - 1
        free[c] = start + j.duration_min
        served[c] += 1
        plan[k] = (c, start)
    return plan


def plan_charging(jobs: list[ChargeJob], *, max_per_charger: int, seed: int = 0) -> ChargePlan:
    """Return the fewest chargers and a plan that charges every job in its window.

    A job longer than its window is charged for the whole window (the caller
    reports it as short of charge).
    """
    work = [
        ChargeJob(
            j.vehicle,
            j.release_min,
            j.deadline_min,
            min(j.duration_min, j.deadline_min - j.release_min),
        )
        for j in jobs
        if j.duration_min > 0
    ]
    if not work:
        return ChargePlan(0, (), 0, 0, True, 0)
    unmanaged = _most_at_once([(j.release_min, j.release_min + j.duration_min) for j in work])
    bound = lower_bound(work, max_per_charger)
    greedy = min(
        (_greedy(work, max_per_charger, order) for order in _ORDERS),
        key=lambda plan: max(c for c, _ in plan),
    )
    top = 1 + max(c for c, _ in greedy)
    plan, proven = greedy, top == bound
    if not proven:
        plan, proven = _solve(work, max_per_charger, bound, top, greedy, seed)
    used = sorted({c for c, _ in plan})
    number = {c: n + 1 for n, c in enumerate(used)}
    slots = tuple(
        (j.vehicle, number[c], s, s + j.duration_min) for j, (c, s) in zip(work, plan, strict=True)
    )
    return ChargePlan(
        len(used),
        slots,
        _most_at_once([(s, e) for _, _, s, e in slots]),
        unmanaged,
        proven,
        bound,
    )


def _solve(
    work: list[ChargeJob],
    max_per_charger: int,
    bound: int,
    top: int,
    hint: list[tuple[int, int]],
    seed: int,
) -> tuple[list[tuple[int, int]], bool]:
    """Return the CP-SAT plan (charger, start) per job and whether it is proven minimal."""
    model = cp_model.CpModel()
    use = [model.new_bool_var(f"use[{c}]") for c in range(top)]
    starts = []
    on: list[list[cp_model.IntVar]] = []
    per_charger: list[list[cp_model.IntervalVar]] = [[] for _ in range(top)]
    for k, j in enumerate(work):
        start = model.new_int_var(j.release_min, j.deadline_min - j.duration_min, f"start[{k}]")
        starts.append(start)
        row = []
        for c in range(top):
            x = model.new_bool_var(f"on[{k},{c}]")
            model.add_implication(x, use[c])
            per_charger[c].append(
                model.new_optional_fixed_size_interval_var(
                    start, j.duration_min, x, f"charge[{j.vehicle},{c}]"
                )
            )
            model.add_hint(x, hint[k][0] == c)
            row.append(x)
        model.add_hint(start, hint[k][1])
        model.add_exactly_one(row)
        on.append(row)
    for c in range(top):
        model.add_no_overlap(per_charger[c])
        model.add(sum(on[k][c] for k in range(len(work))) <= max_per_charger)
        if c + 1 < top:
            model.add_implication(use[c + 1], use[c])  # chargers are used in order
    model.add(sum(use) >= bound)
    model.minimize(sum(use))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = DETERMINISTIC_LIMIT
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, False
    plan = [
        (next(c for c in range(top) if solver.value(on[k][c])), int(solver.value(starts[k])))
        for k in range(len(work))
    ]
    return plan, status == cp_model.OPTIMAL
