"""Recombine the routes seen during a week's search: a set-partitioning MIP over days and patterns.

Every day the search routes (and every route a pattern move builds) is a
*column*: a vehicle type, its sequence of stops and unloads, its departure,
the amount it collects at each stop and its objective. A column is valid
on every day with the same open facilities (and hours) that has a vehicle
of its type, provided each of its stops has an allowed pattern visiting
that day with that amount. The MIP picks, for every day, columns that
cover exactly the stops visited that day, and for every stop one pattern:

    min  Σ cost_c · x[c, d]
    s.t. Σ_{c ∋ i, amount a} x[c, d] = Σ_{p ∋ d, amount a} y[i, p]   (stop i, day d, amount a)
         Σ_p y[i, p] = 1                                               (stop i)
         Σ_{c of type t} x[c, d] ≤ fleet[d][t]                          (day d, type t)
         x, y binary

solved by HiGHS, started from the current week (its routes are columns),
so it never returns a worse week. This recombines day plans found under
different visiting days: a day routed when a stop was elsewhere lends its
routes to a week where that stop moved back. (Set partitioning over a
pool of routes found by a local search is the ILS-SP scheme of
Subramanian, Uchoa & Ochi, Computers & Operations Research 40(10), 2013.)
Chosen routes are simulated again on the new day instances and checked
(:func:`optimizer.periodic.moves.day_from_bodies`): a week that breaks a
rule is never returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.evaluate import route_objective
from optimizer.model import Instance
from optimizer.native_output import native_stdout_silenced
from optimizer.periodic.model import Pattern, WeekInstance, amounts, day_instance
from optimizer.periodic.moves import Body, body, day_from_bodies
from optimizer.routing.result import Route, RoutingResult

MAX_COLUMNS = 20000  # the pool keeps at most this many routes (the cheapest per stop set first)
MAX_NODES = 5000  # branch-and-bound nodes of one recombination (a work limit: reproducible)


Amounts = tuple[tuple[str, tuple[float, float]], ...]


def _amount(kg: float, m3: float) -> tuple[float, float]:
    return (round(kg, 6), round(m3, 6))


def _collected(inst: Instance, route: Route) -> Amounts:
    """Return (stop, (kg, m3)) for each stop ``route`` serves, as ``inst`` gives the amounts."""
    return tuple(
        (sid, _amount(inst.stop(sid).demand_kg, inst.stop(sid).demand_m3)) for sid in route.stops
    )


@dataclass(frozen=True)
class Column:
    """A route as it can be repeated on another day."""

    vehicle_type: str
    body: Body
    leave_s: float
    amounts: Amounts  # stop, (kg, m3) collected
    cost: float
    sites: object  # the open facilities (and hours) of the day it was routed on


class RoutePool:
    """The routes a week's search has seen, without repeats."""

    def __init__(self, week: WeekInstance) -> None:
        self.week = week
        self.columns: dict[tuple[object, ...], Column] = {}

    def sites(self, day: int) -> object:
        """Return the signature of ``day``'s open facilities and hours."""
        return tuple(sorted(self.week.horizon.open_sites[day].items()))

    def add(self, day: int, inst: Instance, result: RoutingResult) -> None:
        """Add every route of ``result`` (routed on ``day`` over ``inst``).

        A full pool is trimmed first, so the routes just added (the current
        week's, which start the MIP) are always kept.
        """
        if len(self.columns) > MAX_COLUMNS:
            self._trim()
        sig = self.sites(day)
        for r in result.routes:
            got = _collected(inst, r)
            seq = body(r)
            leave = r.visits[0].departure_s
            key = (r.vehicle_type, seq, leave, got, sig)
            if key not in self.columns:
                self.columns[key] = Column(
                    r.vehicle_type, seq, leave, got, route_objective(r, result.objective), sig
                )

    def _trim(self) -> None:
        best: dict[tuple[object, ...], tuple[object, ...]] = {}
        for key, c in self.columns.items():
            stops = (c.vehicle_type, tuple(sorted(c.amounts)), c.sites)
            if stops not in best or c.cost < self.columns[best[stops]].cost:
                best[stops] = key
        keep = sorted(best.values(), key=lambda k: self.columns[k].cost)[: MAX_COLUMNS // 2]
        self.columns = {k: self.columns[k] for k in keep}


@dataclass(frozen=True)
class Recombined:
    """The week the MIP chose: patterns and each day's plan."""

    visits: dict[str, Pattern]
    days: list[tuple[Instance, RoutingResult]]


def recombine(
    pool: RoutePool,
    visits: Mapping[str, Pattern],
    state: Sequence[tuple[Instance, RoutingResult]],
    *,
    time_limit_s: float,
    seed: int = 0,
    max_vehicles: int | None = None,
) -> Recombined | None:
    """Return the best week made of the pool's routes, or None (no better week, or none valid).

    ``visits``/``state`` is the current week (complete: no visit unserved);
    its routes must be in the pool. ``max_vehicles`` bounds the routes of
    every day (the busiest day's fleet, when days are balanced).
    """
    import highspy

    week = pool.week
    D = week.days
    if any(r.unserved for _, r in state):
        return None
    # Allowed (stop, day) -> amounts, from the patterns.
    allowed: dict[tuple[str, int], set[tuple[float, float]]] = {}
    for rule in week.rules:
        for p in rule.patterns:
            for d, (kg, m3) in amounts(rule, p, D).items():
                allowed.setdefault((rule.stop, d), set()).add(_amount(kg, m3))
    fleet = week.horizon.fleet
    sigs = [pool.sites(d) for d in range(D)]
    cols: list[tuple[Column, int]] = []
    for c in pool.columns.values():
        for d in range(D):
            if sigs[d] != c.sites or fleet[d].get(c.vehicle_type, 0) <= 0:
                continue
            if all(a in allowed.get((s, d), ()) for s, a in c.amounts):
                cols.append((c, d))
    with native_stdout_silenced():  # HiGHS prints its banner from C++
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", seed)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", max(time_limit_s, 0.1))
    h.setOptionValue("mip_max_nodes", MAX_NODES)
    inf = highspy.kHighsInf
    n_x = len(cols)
    pats = [(rule.stop, p) for rule in week.rules for p in rule.patterns]
    costs = [c.cost for c, _ in cols] + [0.0] * len(pats)
    n = len(costs)
    h.addVars(n, [0.0] * n, [1.0] * n)
    h.changeColsCost(n, list(range(n)), costs)
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    rows: dict[tuple[object, ...], list[tuple[int, float]]] = {}
    for k, (c, d) in enumerate(cols):
        for s, a in c.amounts:
            rows.setdefault(("cover", s, d, a), []).append((k, 1.0))
        rows.setdefault(("fleet", d, c.vehicle_type), []).append((k, 1.0))
        if max_vehicles is not None:
            rows.setdefault(("peak", d), []).append((k, 1.0))
    for j, (s, p) in enumerate(pats):
        rule = week.rule(s)
        for d, (kg, m3) in amounts(rule, p, D).items():
            rows.setdefault(("cover", s, d, _amount(kg, m3)), []).append((n_x + j, -1.0))
        rows.setdefault(("one", s), []).append((n_x + j, 1.0))
    for key, entries in rows.items():
        idx = [k for k, _ in entries]
        val = [v for _, v in entries]
        if key[0] == "cover":
            lo = hi = 0.0
        elif key[0] == "one":
            lo = hi = 1.0
        elif key[0] == "fleet":
            lo, hi = -inf, float(fleet[int(key[1])][str(key[2])])  # type: ignore[call-overload]
        else:
            lo, hi = -inf, float(max_vehicles or 0)
        h.addRow(lo, hi, len(idx), idx, val)
    # Start from the current week.
    start = [0.0] * n
    where = {(c.vehicle_type, c.body, c.leave_s, c.amounts, d): k for k, (c, d) in enumerate(cols)}
    incumbent = 0.0
    for d, (inst, r) in enumerate(state):
        for route in r.routes:
            found = where.get(
                (
                    route.vehicle_type,
                    body(route),
                    route.visits[0].departure_s,
                    _collected(inst, route),
                    d,
                )
            )
            if found is None:
                return None  # the current week's routes are not in the pool
            start[found] = 1.0
            incumbent += cols[found][0].cost
    for j, (s, p) in enumerate(pats):
        if visits[s] == p:
            start[n_x + j] = 1.0
    given = highspy.HighsSolution()
    given.col_value = start
    given.value_valid = True
    h.setSolution(given)
    h.run()
    if h.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
        return None
    value = h.getInfo().objective_function_value
    if value >= incumbent - 1e-6:
        return None
    sol = list(h.getSolution().col_value)
    new_visits = {s: p for j, (s, p) in enumerate(pats) if sol[n_x + j] > 0.5}
    days: list[tuple[Instance, RoutingResult]] = []
    for d in range(D):
        inst = day_instance(week, d, new_visits)
        chosen = [
            (c.vehicle_type, c.body, c.leave_s)
            for k, (c, e) in enumerate(cols)
            if e == d and sol[k] > 0.5
        ]
        plan = day_from_bodies(state[d][1], inst, chosen)
        if plan is None:
            return None
        days.append((inst, plan))
    return Recombined(new_visits, days)
