"""The optimal week of a small county, by dynamic programming over sets of stops.

Where every day of a week is a day the exact method of
:mod:`optimizer.routing.exact` plans (time objective, one vehicle type and
stream, no time windows nor breaks, ...) and the week holds at most
``MAX_WEEK_STOPS`` stops, the whole week is solved exactly instead of
searched:

1. **One table of routes for the week.** A stop collects the same amount
   at every visit (the same number of days since its previous visit on
   every pattern: PVRP-IF, or any horizon where each frequency spaces its
   visits evenly), so a day is its set of stops. For every set of stops
   one vehicle can serve within its shift, the least working time of a
   route serving it, trips and unloads included (the tables of the exact
   day over the week's stops, filled only for sets whose every smaller
   set one route serves: :func:`optimizer.routing.subsets.fill_closed`).
2. **Days from routes.** A day's least time with ``k`` vehicles: the best
   split of its set into at most ``k`` routes (memoised per set).
3. **Visiting days.** Every combination of patterns of the stops visited
   more than once is tried; for each, the stops visited once are placed on
   their days by a dynamic program over days and sets of those stops. A
   combination whose days, before the once-a-week stops, already cost as
   much as the best week is skipped.

With travel times that keep the triangle inequality (a day never gets
cheaper by adding a stop; checked on the instance) the week returned is
optimal: ``proven`` says so. Its days are then routed again one route at a
time by :mod:`optimizer.routing.exact`, so every route goes through the
simulation and the checker. Measured on the 20-customer PVRP-IF files in
``benchmarks/periodic`` (section "The whole week exact").
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit

from optimizer.model import Instance, VehicleType
from optimizer.periodic.model import Pattern, Visits, WeekInstance, amounts, day_sites
from optimizer.routing.exact import EPS, INF, DayTables, eligible
from optimizer.routing.subsets import fill_closed, held_karp

MAX_WEEK_STOPS = 20  # the route table has 2**n entries per start (and Held-Karp n times that)
# Seconds the route table of a 20-stop week takes (AMD EPYC, 7 Dec 2026: 3.5 s on the
# PVRP-IF 20-customer files); it halves with each stop fewer (2**n sets).
TABLE_S_AT_20 = 4.0
MAX_WORK = 3e8  # combinations × days × 3**(once-a-week stops): beyond, the walk searches
CHUNK = 256  # combinations per compiled call (the deadline is checked between calls)


@dataclass(frozen=True)
class ExactWeek:
    """The best visiting days found, the week's cost and whether it is proven optimal.

    ``groups[d]`` holds the stop ids of each route of day ``d``.
    """

    visits: Visits
    cost: float
    groups: tuple[tuple[tuple[str, ...], ...], ...]
    proven: bool


def exact_week(
    week: WeekInstance, *, deadline: float, stopped: Callable[[], bool] = lambda: False
) -> ExactWeek | None:
    """Return the week of least working time, or None when the method does not apply.

    Stops with one pattern are fixed; stops visited more than once choose
    among their patterns (every combination); stops visited once are placed
    on their days. ``proven`` is False when ``deadline`` (a
    ``time.perf_counter`` value) or ``stopped`` (Ctrl-C) cut the search
    short, or the travel times break the triangle inequality: the week is
    then only the best found.
    """
    setup = _setup(week)
    if setup is None:
        return None
    universe, ks, fixed, multi, once = setup
    n = len(universe.stops)
    vt = eligible(universe, "time", max_stops=MAX_WEEK_STOPS)
    if vt is None:
        return None
    D = week.days
    radix = np.array([len(week.rule(s).patterns) for s in multi], dtype=np.int64)
    combos = int(np.prod(radix)) if len(radix) else 1
    if combos * D * 3 ** len(once) > MAX_WORK:
        return None
    if time.perf_counter() + TABLE_S_AT_20 * 2.0 ** (n - 20) > deadline:
        return None
    index = {s.id: i for i, s in enumerate(universe.stops)}
    route, metric = _route_table(universe, vt)
    if time.perf_counter() > deadline:
        return None
    pats = np.zeros((len(multi), max(radix, default=1)), dtype=np.int64)
    for m, sid in enumerate(multi):
        for j, p in enumerate(week.rule(sid).patterns):
            pats[m, j] = sum(1 << d for d in p)
    bits = np.array([1 << index[s] for s in multi], dtype=np.int64)
    fixed_mask = np.zeros(D, dtype=np.int64)
    for sid in fixed:
        for d in week.rule(sid).patterns[0]:
            fixed_mask[d] |= 1 << index[sid]
    no = len(once)
    omask = np.zeros(1 << no, dtype=np.int64)
    for y in range(1, 1 << no):
        low = (y & -y).bit_length() - 1
        omask[y] = omask[y & (y - 1)] | (1 << index[once[low]])
    allow = np.zeros(D, dtype=np.int64)
    for o, sid in enumerate(once):
        for p in week.rule(sid).patterns:
            allow[p[0]] |= 1 << o
    kmax = max(1, min(int(max(ks)), n))
    memo = np.full((kmax + 1, 1 << n), np.nan)
    kd = np.minimum(np.array(ks, dtype=np.int64), kmax)
    best, best_idx = INF, -1
    proven = metric
    for lo in range(0, combos, CHUNK):
        if time.perf_counter() > deadline or stopped():
            proven = False
            break
        got, idx = _search(
            lo,
            min(combos, lo + CHUNK),
            radix,
            pats,
            bits,
            fixed_mask,
            kd,
            omask,
            allow,
            route,
            memo,
            best,
        )
        if idx >= 0:
            best, best_idx = got, idx
    if best_idx < 0 or not math.isfinite(best):
        return None
    digits = _digits(best_idx, radix)
    visits: dict[str, Pattern] = {sid: week.rule(sid).patterns[0] for sid in fixed}
    base = fixed_mask.copy()
    for m, sid in enumerate(multi):
        p = week.rule(sid).patterns[digits[m]]
        visits[sid] = p
        for d in p:
            base[d] |= bits[m]
    placed = _place_once(base, kd, omask, allow, route, memo)
    for o, sid in enumerate(once):
        visits[sid] = (placed[o],)
        base[placed[o]] |= 1 << index[sid]
    ids = [s.id for s in universe.stops]
    groups = tuple(
        tuple(
            tuple(ids[i] for i in range(n) if (r >> i) & 1)
            for r in _split(int(base[d]), int(kd[d]), route, memo)
        )
        for d in range(D)
    )
    return ExactWeek(visits, float(best), groups, proven)


def _setup(
    week: WeekInstance,
) -> tuple[Instance, list[int], list[str], list[str], list[str]] | None:
    """Return the week's stops with their amount per visit, the fleet per day and the stops by kind.

    None where a stop's amount differs between its visits or patterns, or
    the facilities differ between days (a day is then more than its stops).
    """
    base = week.base
    if len(base.stops) > MAX_WEEK_STOPS or len(base.vehicle_types) != 1:
        return None
    D = week.days
    opened = week.horizon.open_sites[0]
    if any(dict(o) != dict(opened) for o in week.horizon.open_sites):
        return None
    stops = []
    fixed, multi, once = [], [], []
    for stop in base.stops:
        rule = week.rule(stop.id)
        got = {a for p in rule.patterns for a in amounts(rule, p, D).values()}
        if len(got) != 1:
            return None
        ((kg, m3),) = got
        stops.append(dataclasses.replace(stop, demand_kg=kg, demand_m3=m3))
        if len(rule.patterns) == 1:
            fixed.append(stop.id)
        elif all(len(p) == 1 for p in rule.patterns):
            once.append(stop.id)
        else:
            multi.append(stop.id)
    vt = base.vehicle_types[0]
    ks = [week.horizon.fleet[d].get(vt.id, 0) for d in range(D)]
    universe = dataclasses.replace(
        base,
        stops=tuple(stops),
        sites=day_sites(week, 0),  # the same on every day (checked above)
        vehicle_types=(dataclasses.replace(vt, count=max(1, max(ks))),),
    )
    return universe, ks, fixed, multi, once


def _route_table(universe: Instance, vt: VehicleType) -> tuple[np.ndarray, bool]:
    """Return ``route[mask]`` and whether the travel times keep the triangle inequality.

    ``route[mask]`` is the least time of one route serving ``mask`` (inf:
    none); with the triangle inequality the table is exact.
    """
    tab = DayTables(universe, vt)
    n, t = tab.n, tab.t
    full = 1 << n
    starts = [*tab.fac, tab.depot]
    nq = len(tab.fac)
    trip = np.full((full, len(starts), nq), INF)
    for r, s in enumerate(starts):
        p = held_karp(t, s, n, tab.fits)
        for q, e in enumerate(tab.fac):
            trip[:, r, q] = np.where(
                tab.fits, (p + t[:n, e]).min(axis=1) + tab.svc + tab.unload[q], INF
            )
        del p
    h = np.full((full, len(starts)), INF)
    for q, e in enumerate(tab.fac):
        h[0, q] = t[e, tab.depot]
    fill_closed(h, trip, np.arange(nq), tab.fits, len(starts) - 1, tab.limit + EPS)
    route = np.where(h[:, -1] <= tab.limit + EPS, h[:, -1], INF)
    route[0] = 0.0
    # Triangle inequality on the drive: a day never gets dearer by dropping a stop.
    via = (t[:, :, None] + t[None, :, :]).min(axis=1)
    metric = bool(np.all(t <= via + EPS))
    return route, metric


def _digits(idx: int, radix: np.ndarray) -> list[int]:
    out = []
    for r in radix:
        out.append(idx % int(r))
        idx //= int(r)
    return out


@njit(cache=True)
def _cost(mask: int, k: int, route: np.ndarray, memo: np.ndarray) -> float:
    """Return the least time of serving ``mask`` with at most ``k`` routes (memoised)."""
    if mask == 0:
        return 0.0
    if k <= 1:
        return float(route[mask]) if k == 1 else np.inf
    v = memo[k, mask]
    if v == v:
        return float(v)
    best = float(route[mask])
    low = mask & -mask
    others = mask ^ low
    sub = others
    while True:
        b = sub | low
        r = route[b]
        if r < best and b != mask:
            v = r + _cost(mask ^ b, k - 1, route, memo)
            if v < best:
                best = v
        if sub == 0:
            break
        sub = (sub - 1) & others
    memo[k, mask] = best
    return best


@njit(cache=True)
def _once_dp(
    base: np.ndarray,
    ks: np.ndarray,
    omask: np.ndarray,
    allow: np.ndarray,
    route: np.ndarray,
    memo: np.ndarray,
    keep: np.ndarray,
) -> float:
    """Return the best week once the once-a-week stops are placed on their days.

    ``keep[d, X]`` records the subset of ``X`` placed on day ``d`` (for the
    walk back), ``X`` the once-a-week stops placed on days ``0..d``.
    """
    days = base.shape[0]
    m = omask.shape[0]
    g = np.full(m, np.inf)
    g[0] = 0.0
    for d in range(days):
        h = np.full(m, np.inf)
        for x in range(m):
            avail = x & allow[d]
            y = avail
            while True:
                prev = g[x ^ y]
                if prev < h[x]:
                    v = prev + _cost(base[d] | omask[y], ks[d], route, memo)
                    if v < h[x]:
                        h[x] = v
                        keep[d, x] = y
                if y == 0:
                    break
                y = (y - 1) & avail
        g = h
    return float(g[m - 1])


@njit(cache=True)
def _search(
    lo: int,
    hi: int,
    radix: np.ndarray,
    pats: np.ndarray,
    bits: np.ndarray,
    fixed: np.ndarray,
    ks: np.ndarray,
    omask: np.ndarray,
    allow: np.ndarray,
    route: np.ndarray,
    memo: np.ndarray,
    best: float,
) -> tuple[float, int]:
    """Return the best week over combinations ``lo..hi-1`` if below ``best`` (else index -1)."""
    nm = radix.shape[0]
    days = fixed.shape[0]
    digits = np.zeros(nm, dtype=np.int64)
    rest = lo
    for m in range(nm):
        digits[m] = rest % radix[m]
        rest //= radix[m]
    base = np.empty(days, dtype=np.int64)
    keep = np.zeros((days, omask.shape[0]), dtype=np.int64)
    found = -1
    for idx in range(lo, hi):
        for d in range(days):
            base[d] = fixed[d]
        for m in range(nm):
            p = pats[m, digits[m]]
            for d in range(days):
                if (p >> d) & 1:
                    base[d] |= bits[m]
        bound = 0.0
        for d in range(days):
            bound += _cost(base[d], ks[d], route, memo)
        if bound < best:
            total = _once_dp(base, ks, omask, allow, route, memo, keep)
            if total < best - 1e-6:
                best = total
                found = idx
        m = 0
        while m < nm:
            digits[m] += 1
            if digits[m] < radix[m]:
                break
            digits[m] = 0
            m += 1
    return best, found


def _place_once(
    base: np.ndarray,
    ks: np.ndarray,
    omask: np.ndarray,
    allow: np.ndarray,
    route: np.ndarray,
    memo: np.ndarray,
) -> list[int]:
    """Return the day of each once-a-week stop in the best placement over ``base``."""
    keep = np.zeros((len(base), len(omask)), dtype=np.int64)
    _once_dp(base, ks, omask, allow, route, memo, keep)
    no = len(omask).bit_length() - 1
    placed = [0] * no
    x = len(omask) - 1
    for d in range(len(base) - 1, -1, -1):
        y = int(keep[d, x])
        for o in range(no):
            if (y >> o) & 1:
                placed[o] = d
        x ^= y
    return placed


def _split(mask: int, k: int, route: np.ndarray, memo: np.ndarray) -> list[int]:
    """Return the route sets of the best split of ``mask`` over at most ``k`` routes."""
    out: list[int] = []
    while mask:
        target = _cost(mask, k, route, memo)
        if k <= 1 or abs(route[mask] - target) <= EPS:
            out.append(mask)
            break
        low = mask & -mask
        sub = mask ^ low
        others = sub
        while True:
            b = sub | low
            if b != mask and abs(route[b] + _cost(mask ^ b, k - 1, route, memo) - target) <= EPS:
                out.append(b)
                mask ^= b
                k -= 1
                break
            if sub == 0:
                raise RuntimeError("no split reproduces the table")
            sub = (sub - 1) & others
    return out
