"""Solve a location-routing problem: open-depot sets searched with real routing inside.

The search (a route-pool matheuristic):

1. Screen every depot set that can hold the demand by an estimated cost
   (:mod:`optimizer.lrp.estimate`: opening + radial routing cost of a
   capacitated assignment) and keep the best :data:`CANDIDATES`.
2. Route the most promising set for real: first cluster-first (each
   customer assigned whole to a depot within capacities, a small MIP on the
   estimated costs, each cluster routed alone), then from that start
   PyVRP multi-depot (at most
   ``ceil(capacity / Q)`` routes per depot); when the routes break a depot
   capacity, a greedy repair moves customers or routes to depots with room
   (:mod:`optimizer.lrp.repair`), and failing that the route-pool MIP
   (:func:`optimizer.lrp.pool.choose`) picks a feasible combination of all
   routes found so far, re-rooted to that set. Each depot's customers are then
   re-routed alone, which respects its capacity by construction. Every
   route goes to the pool.
3. Next set: the next candidate whose estimate, scaled by the best
   real-to-estimated ratio seen, is within :data:`EXPLORE_MARGIN` of the
   best plan.
4. The time left improves the best plan's routes (PyVRP from that plan),
   until two rounds in a row bring no gain.

Every plan kept is re-checked by :func:`optimizer.lrp.check.evaluate`; the
cost reported is the checker's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.lrp.check import LrpEvaluation, LrpPlan, LrpRoute, evaluate
from optimizer.lrp.estimate import DepotSet, assign_customers, candidate_sets, radial_costs
from optimizer.lrp.instance import LrpInstance
from optimizer.lrp.pool import RoutePool, choose
from optimizer.lrp.repair import repair_capacity
from optimizer.lrp.routing import Budget, integer_costs, route

CANDIDATES = 12  # depot sets kept from the screening
ROUND_SHARE = 0.07  # of the time limit, per routed depot set
# Route a candidate set while its scaled estimate is within this fraction of
# the best plan's cost.
EXPLORE_MARGIN = 0.03
INTENSIFY_SHARE = 0.25  # of the time limit, per chunk improving the best plan
MIP_TIME_S = 3.0  # cap per pool MIP (a tight capacity makes it slow; it is optional)


@dataclass(frozen=True)
class LrpParams:
    """Search settings: wall-clock limit, seed, and optional work caps for reproducible runs.

    ``iterations`` caps each PyVRP call and ``max_rounds`` the routed depot
    sets; with both set, a run does the same work whatever the machine
    (the time limit still stops it).
    """

    time_limit_s: float = 60.0
    seed: int = 0
    iterations: int | None = None
    max_rounds: int | None = None


@dataclass(frozen=True)
class LrpResult:
    """The best plan found, its checked evaluation, and how the search went."""

    plan: LrpPlan
    evaluation: LrpEvaluation
    rounds: int
    routed_sets: tuple[tuple[int, ...], ...]
    trace: tuple[tuple[float, float], ...]  # (elapsed s, best cost) at each improvement
    status: str  # "time_limit", "converged", "interrupted", "round_limit"
    runtime_s: float = 0.0


@dataclass
class _Search:
    inst: LrpInstance
    params: LrpParams
    matrix: NDArray[np.int64]
    pool: RoutePool
    on_improve: Callable[[float, float], None] | None
    start: float = field(default_factory=time.perf_counter)
    best: LrpPlan | None = None
    best_eval: LrpEvaluation | None = None
    trace: list[tuple[float, float]] = field(default_factory=list)
    rounds: int = 0

    def __post_init__(self) -> None:
        self.radial = radial_costs(self.inst, self.pool.cost)

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def left(self) -> float:
        return self.params.time_limit_s - self.elapsed()

    def best_cost(self) -> float:
        return self.best_eval.total if self.best_eval is not None else math.inf

    def consider(self, plan: LrpPlan) -> float | None:
        """Keep ``plan`` if it is feasible and the best; return its cost if feasible."""
        used = {r.depot for r in plan.routes}  # open depots without routes only cost money
        plan = LrpPlan(tuple(i for i in plan.open_depots if i in used), plan.routes)
        ev = evaluate(self.inst, plan)
        if not ev.feasible:
            return None
        if ev.total < self.best_cost() - 1e-9:
            self.best, self.best_eval = plan, ev
            self.trace.append((round(self.elapsed(), 3), ev.total))
            if self.on_improve is not None:
                self.on_improve(self.elapsed(), ev.total)
        return ev.total

    def budget(self, share: float) -> Budget:
        seconds = min(self.params.time_limit_s * share, max(0.0, self.left()))
        return Budget(seconds, self.params.iterations)

    def mip_time(self) -> float:
        return max(1.0, min(MIP_TIME_S, self.left() / 4))

    def out_of_rounds(self) -> bool:
        cap = self.params.max_rounds
        return cap is not None and self.rounds >= cap

    def route_set(self, depots: frozenset[int], *, share: float = ROUND_SHARE) -> float | None:
        """Route ``depots`` for real, repair, polish, pool the routes; return the best cost."""
        self.rounds += 1
        inst = self.inst
        order = sorted(depots)
        seed = self.params.seed + self.rounds
        start: tuple[LrpRoute, ...] = ()
        costs: list[float] = []
        if self.best is not None and frozenset(self.best.open_depots) == depots:
            start = self.best.routes
        else:
            # Cluster first: each customer to one depot within capacities,
            # each cluster routed alone; a feasible start for the set.
            clusters = assign_customers(
                inst, self.radial, order, time_limit_s=min(5.0, self.mip_time())
            )
            first: list[LrpRoute] = []
            for i, members in (clusters or {}).items():
                first += route(
                    inst,
                    self.matrix,
                    [i],
                    members,
                    budget=self.budget(share * 0.2 / len(order)),
                    seed=seed,
                )
            if clusters is not None:
                self.pool.add(first)
                if (value := self.consider(LrpPlan(tuple(order), tuple(first)))) is not None:
                    costs.append(value)
                    start = tuple(first)
        limit = [math.ceil(inst.depot_capacity[i] / inst.vehicle_capacity - 1e-9) for i in order]
        routes = route(
            inst,
            self.matrix,
            order,
            list(range(inst.num_customers)),
            budget=self.budget(share * 0.5),
            seed=seed,
            start=start,
            max_routes=limit,
        )
        self.pool.add(routes)
        joint = LrpPlan(tuple(order), tuple(routes))
        value = self.consider(joint)
        if value is None:
            fixed = repair_capacity(inst, self.pool.cost, routes, order)
            if fixed is not None:
                joint = LrpPlan(tuple(order), tuple(fixed))
                value = self.consider(joint)
        if value is None:
            pick = choose(self.pool, fixed_open=depots, time_limit_s=self.mip_time())
            if pick is None:
                return min(costs, default=None)
            joint = pick.plan
            value = self.consider(joint)
            if value is None:
                return min(costs, default=None)
        costs.append(value)
        polished: list[LrpRoute] = []
        for i in order:
            mine = [r for r in joint.routes if r.depot == i]
            members = [c for r in mine for c in r.customers]
            if members:
                polished += route(
                    inst,
                    self.matrix,
                    [i],
                    members,
                    budget=self.budget(share * 0.3 / len(order)),
                    seed=seed,
                    start=mine,
                )
        self.pool.add(polished)
        if (value := self.consider(LrpPlan(tuple(order), tuple(polished)))) is not None:
            costs.append(value)
        return min(costs)


def solve(
    inst: LrpInstance,
    *,
    params: LrpParams | None = None,
    on_improve: Callable[[float, float], None] | None = None,
) -> LrpResult:
    """Return the best checked plan found for ``inst`` within ``params``' limits.

    Ctrl-C stops the search and keeps the best plan so far (status
    ``interrupted``).

    Raises
    ------
    RuntimeError
        If no feasible plan was found at all.

    """
    params = params or LrpParams()
    cost = inst.cost_matrix()
    s = _Search(inst, params, integer_costs(inst, cost), RoutePool(inst, cost), on_improve)
    routed: dict[frozenset[int], float] = {}
    ratio = math.inf  # best real cost / estimate over the routed candidate sets
    status = "time_limit"  # "converged" once extra routing time stops paying
    try:
        queue: list[DepotSet] = candidate_sets(inst, cost, count=CANDIDATES)
        estimates = {d.depots: d.estimate for d in queue}
        while s.left() > 0 and not s.out_of_rounds():
            nxt: frozenset[int] | None = None
            while nxt is None and queue:
                cand = queue.pop(0)
                if cand.depots in routed:
                    continue
                if math.isfinite(ratio) and cand.estimate * ratio > s.best_cost() * (
                    1 + EXPLORE_MARGIN
                ):
                    continue
                nxt = cand.depots
            if nxt is None:
                break
            value = s.route_set(nxt)
            if value is not None:
                routed[nxt] = min(value, routed.get(nxt, math.inf))
                if nxt in estimates:
                    ratio = min(ratio, routed[nxt] / estimates[nxt])
            else:
                routed.setdefault(nxt, math.inf)
        # The time left improves the best plan's routes, in chunks that start
        # from it; two chunks in a row without gain end the search.
        stale = 0
        while s.best is not None and s.left() > 0.5 and not s.out_of_rounds() and stale < 2:
            before = s.best_cost()
            share = min(INTENSIFY_SHARE, s.left() / params.time_limit_s)
            s.route_set(frozenset(s.best.open_depots), share=share)
            stale = stale + 1 if s.best_cost() >= before - 1e-9 else 0
        status = "converged" if stale >= 2 else "time_limit"
    except KeyboardInterrupt:
        status = "interrupted"
    if s.best is None or s.best_eval is None:
        raise RuntimeError(f"{inst.name}: no feasible plan found within {params.time_limit_s:g} s")
    if s.out_of_rounds() and status == "time_limit":
        status = "round_limit"
    return LrpResult(
        plan=s.best,
        evaluation=s.best_eval,
        rounds=s.rounds,
        routed_sets=tuple(tuple(sorted(d)) for d in routed),
        trace=tuple(s.trace),
        status=status,
        runtime_s=round(s.elapsed(), 3),
    )
