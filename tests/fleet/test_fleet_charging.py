"""Depot charging plans: valid, and the fewest chargers (against brute force on small depots)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.fleet.charging import ChargeJob, lower_bound, plan_charging


@st.composite
def depots(draw: st.DrawFn, most: int = 5) -> list[ChargeJob]:
    """Draw a depot's night: trucks back between 10:00 and 20:00, out again 04:00-08:00."""
    n = draw(st.integers(1, most))
    jobs = []
    for k in range(n):
        back = draw(st.integers(600, 1200))
        out = draw(st.integers(1680, 1920))
        need = draw(st.integers(30, 600))
        jobs.append(ChargeJob(f"T{k}", back, out, need))
    return jobs


def _fits_one_charger(jobs: tuple[ChargeJob, ...]) -> bool:
    """Return whether some order charges all ``jobs`` on one charger (tried exhaustively)."""
    for order in itertools.permutations(jobs):
        now, ok = 0, True
        for j in order:
            now = max(now, j.release_min) + j.duration_min
            if now > j.deadline_min:
                ok = False
                break
        if ok:
            return True
    return False


def _fewest(jobs: list[ChargeJob], per_charger: int) -> int:
    """Return the fewest chargers by trying every split of the trucks onto k chargers."""
    for k in range(1, len(jobs) + 1):
        for labels in itertools.product(range(k), repeat=len(jobs)):
            groups = [
                tuple(j for j, c in zip(jobs, labels, strict=True) if c == g) for g in range(k)
            ]
            if all(len(g) <= per_charger and _fits_one_charger(g) for g in groups):
                return k
    return len(jobs)


@settings(max_examples=40, deadline=None)
@given(depots(), st.integers(1, 3))
def test_plan_is_valid_and_minimal(jobs: list[ChargeJob], per_charger: int) -> None:
    """Every truck charges once inside its night, chargers never overlap, and none is spare."""
    plan = plan_charging(jobs, max_per_charger=per_charger, seed=0)
    night = [
        ChargeJob(
            j.vehicle,
            j.release_min,
            j.deadline_min,
            min(j.duration_min, j.deadline_min - j.release_min),
        )
        for j in jobs
    ]  # a charge longer than the night takes the whole night
    by = {j.vehicle: j for j in jobs}
    assert sorted(v for v, _, _, _ in plan.slots) == sorted(by)
    spans: dict[int, list[tuple[int, int]]] = {}
    for truck, charger, start, end in plan.slots:
        j = by[truck]
        assert j.release_min <= start and end <= j.deadline_min
        assert end - start == min(j.duration_min, j.deadline_min - j.release_min)
        spans.setdefault(charger, []).append((start, end))
    for chosen in spans.values():
        assert len(chosen) <= per_charger
        chosen.sort()
        assert all(e <= s for (_, e), (s, _) in itertools.pairwise(chosen))
    assert plan.chargers == len(spans) >= lower_bound(night, per_charger)
    assert plan.proven
    assert plan.chargers == _fewest(night, per_charger)
    assert plan.peak_trucks <= plan.chargers


def test_short_night_is_charged_all_night() -> None:
    """A truck whose charge outlasts its night charges the whole night, not beyond."""
    plan = plan_charging([ChargeJob("T", 1200, 1500, 400)], max_per_charger=3)
    assert plan.slots == (("T", 1, 1200, 1500),)
