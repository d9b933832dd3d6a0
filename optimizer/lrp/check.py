"""Recompute an LRP plan's cost and check it against the instance, trusting nothing else.

A plan names its open depots and, per route, the depot and the customers in
visiting order. Everything else (edge costs in the file's convention, route
loads, depot loads, opening and vehicle costs) is recomputed here from the
instance's coordinates with plain arithmetic, not with the solver's matrix.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass

from optimizer.i18n import Text
from optimizer.lrp.instance import LrpInstance

# Loads are sums of the file's numbers; real-valued demands may carry
# rounding noise.
TOL = 1e-6


@dataclass(frozen=True)
class LrpRoute:
    """One vehicle's tour: leaves ``depot``, visits ``customers`` in order, returns."""

    depot: int  # 0-based depot index
    customers: tuple[int, ...]  # 0-based customer indices


@dataclass(frozen=True)
class LrpPlan:
    """Open depots and routes (0-based indices; ids ``D1``/``C1`` number them from 1)."""

    open_depots: tuple[int, ...]
    routes: tuple[LrpRoute, ...]


@dataclass(frozen=True)
class LrpEvaluation:
    """A plan's recomputed cost parts, loads and the rules it breaks."""

    opening: float
    vehicles: float
    distance: float
    route_loads: tuple[float, ...]
    depot_loads: dict[int, float]
    violations: tuple[Text, ...]

    @property
    def total(self) -> float:
        """Return the plan's cost: depot opening + route fixed costs + travel."""
        return self.opening + self.vehicles + self.distance

    @property
    def feasible(self) -> bool:
        """Return whether the plan breaks no rule."""
        return not self.violations


def _edge(inst: LrpInstance, a: tuple[float, float], b: tuple[float, float]) -> float:
    d = math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)
    return float(math.ceil(d * 100.0)) if inst.integer_costs else d


def route_distance(inst: LrpInstance, route: LrpRoute) -> float:
    """Return the travel cost of ``route`` from the coordinates."""
    pts = [
        inst.depot_xy[route.depot],
        *(inst.customer_xy[c] for c in route.customers),
        inst.depot_xy[route.depot],
    ]
    return sum(_edge(inst, a, b) for a, b in itertools.pairwise(pts))


def evaluate(inst: LrpInstance, plan: LrpPlan) -> LrpEvaluation:
    """Recompute ``plan``'s cost on ``inst`` and list every broken rule.

    Rules: depot and customer indices exist; each customer is visited
    exactly once; routes are not empty and leave from open depots; a route
    carries at most the vehicle capacity; a depot serves at most its
    capacity. An open depot without routes is allowed (and paid for).
    """
    bad: list[Text] = []
    m, n = inst.num_depots, inst.num_customers
    opened = set(plan.open_depots)
    for i in sorted(opened):
        if not 0 <= i < m:
            bad.append(Text(f"open depot {i + 1} does not exist", f"开设的站点 {i + 1} 不存在"))
    if len(opened) != len(plan.open_depots):
        bad.append(Text("a depot is listed open twice", "有站点被重复列为开设"))
    seen: Counter[int] = Counter()
    loads: list[float] = []
    depot_loads: dict[int, float] = {i: 0.0 for i in opened if 0 <= i < m}
    distance = 0.0
    for k, route in enumerate(plan.routes, start=1):
        if not 0 <= route.depot < m:
            bad.append(
                Text(
                    f"route {k}: depot {route.depot + 1} does not exist",
                    f"路线 {k}：站点 {route.depot + 1} 不存在",
                )
            )
            loads.append(0.0)
            continue
        if route.depot not in opened:
            bad.append(
                Text(
                    f"route {k} leaves from closed depot D{route.depot + 1}",
                    f"路线 {k} 从未开设的站点 D{route.depot + 1} 出发",
                )
            )
        if not route.customers:
            bad.append(Text(f"route {k} visits no customer", f"路线 {k} 没有服务任何客户"))
        unknown = [c for c in route.customers if not 0 <= c < n]
        if unknown:
            bad.append(
                Text(
                    f"route {k}: customer {unknown[0] + 1} does not exist",
                    f"路线 {k}：客户 {unknown[0] + 1} 不存在",
                )
            )
            loads.append(0.0)
            continue
        seen.update(route.customers)
        load = float(sum(inst.demand[c] for c in route.customers))
        loads.append(load)
        if load > inst.vehicle_capacity + TOL:
            bad.append(
                Text(
                    f"route {k} from D{route.depot + 1} carries {load:g}, more than the vehicle "
                    f"capacity {inst.vehicle_capacity:g}",
                    f"路线 {k}（站点 D{route.depot + 1}）装载 {load:g}，"
                    f"超过车辆容量 {inst.vehicle_capacity:g}",
                )
            )
        depot_loads[route.depot] = depot_loads.get(route.depot, 0.0) + load
        distance += route_distance(inst, route)
    for i, load in sorted(depot_loads.items()):
        if load > inst.depot_capacity[i] + TOL:
            bad.append(
                Text(
                    f"depot D{i + 1} serves {load:g}, "
                    f"more than its capacity {inst.depot_capacity[i]:g}",
                    f"站点 D{i + 1} 服务量 {load:g}，超过其容量 {inst.depot_capacity[i]:g}",
                )
            )
    missing = [j for j in range(n) if seen[j] == 0]
    twice = [j for j in range(n) if seen[j] > 1]
    if missing:
        bad.append(
            Text(
                f"{len(missing)} customers not visited (first C{missing[0] + 1})",
                f"{len(missing)} 个客户未被服务（第一个为 C{missing[0] + 1}）",
            )
        )
    if twice:
        bad.append(
            Text(
                f"{len(twice)} customers visited more than once (first C{twice[0] + 1})",
                f"{len(twice)} 个客户被重复服务（第一个为 C{twice[0] + 1}）",
            )
        )
    opening = float(sum(inst.opening_cost[i] for i in opened if 0 <= i < m))
    return LrpEvaluation(
        opening=opening,
        vehicles=inst.route_cost * len(plan.routes),
        distance=distance,
        route_loads=tuple(loads),
        depot_loads=depot_loads,
        violations=tuple(bad),
    )
