"""What a routing plan amounts to, and what it saves against today's routes.

Pure data: vehicles, distance, hours, tonnes collected by stream, energy,
CO2, cost and unserved stops by reason. The CLI and reports render it in
English or Chinese; :func:`reason_label` gives the wording of the reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from optimizer.i18n import Lang, tr
from optimizer.model import Instance, Stream
from optimizer.routing.result import RoutingResult, UnservedReason
from optimizer.routing.sequence import loaded_breaks

_REASON_TEXT: Mapping[UnservedReason, tuple[str, str]] = MappingProxyType(
    {
        UnservedReason.DEMAND_TOO_LARGE: (
            "demand exceeds every vehicle that carries its stream",
            "产生量超过所有可收运该类垃圾车辆的容量",
        ),
        UnservedReason.NO_VEHICLE_FOR_STREAM: (
            "no vehicle type carries its stream",
            "没有车型收运该类垃圾",
        ),
        UnservedReason.NO_FACILITY_FOR_STREAM: (
            "no facility accepts its stream",
            "没有处理设施接收该类垃圾",
        ),
        UnservedReason.WINDOW_UNREACHABLE: (
            "its time window cannot be reached within any shift",
            "任何班次都无法在其时间窗内到达",
        ),
        UnservedReason.FLEET_TOO_SMALL: (
            "the fleet is too small to serve it",
            "车辆数量不足",
        ),
        UnservedReason.NOT_ROUTED: (
            "the search found no place for it within the time limit",
            "求解时限内未能安排",
        ),
        UnservedReason.INTERRUPTED: (
            "not planned: interrupted",
            "未规划：运行被中断",
        ),
    }
)


def reason_label(reason: UnservedReason, lang: Lang) -> str:
    """Return why a stop is unserved, as a phrase in ``lang``."""
    return tr(lang, *_REASON_TEXT[reason])


@dataclass(frozen=True)
class RoutingSummary:
    """The totals of one plan, in model units (m, s, kg, kWh, kg CO2e, yuan)."""

    num_vehicles: int
    vehicles_by_type: Mapping[str, int]
    distance_m: float
    duration_s: float
    energy_kwh: float
    co2_kg: float
    cost: float
    num_served: int
    collected_kg_by_stream: Mapping[Stream, float]
    unserved_by_reason: Mapping[UnservedReason, int]
    engine: str
    engine_choice: tuple[str, ...]  # per group of streams: engine and why
    engine_choice_zh: tuple[str, ...]
    status: str
    build_s: float
    runtime_s: float
    num_loaded_breaks: int = 0  # breaks taken with waste on board (where the workbook allows)

    @property
    def collected_kg(self) -> float:
        """Return the total mass collected over all streams."""
        return sum(self.collected_kg_by_stream.values())

    @property
    def search_s(self) -> float:
        """Return the search time: the run time less the time building matrices and model.

        ``RoutingResult.runtime_s`` covers the whole solve call, building included.
        """
        return max(self.runtime_s - self.build_s, 0.0)

    @property
    def num_unserved(self) -> int:
        """Return the number of stops left out of the plan."""
        return sum(self.unserved_by_reason.values())


def summarize(instance: Instance, result: RoutingResult) -> RoutingSummary:
    """Return the totals of ``result`` on ``instance``.

    Collected masses come from the instance's demands of the stops served,
    not from the engine.
    """
    collected: dict[Stream, float] = {}
    served = 0
    for route in result.routes:
        for stop_id in route.stops:
            stop = instance.stop(stop_id)
            collected[stop.stream] = collected.get(stop.stream, 0.0) + stop.demand_kg
            served += 1
    types = Counter(r.vehicle_type for r in result.routes)
    reasons = Counter(u.reason for u in result.unserved)
    return RoutingSummary(
        num_vehicles=result.num_vehicles,
        vehicles_by_type=MappingProxyType(dict(sorted(types.items()))),
        distance_m=result.distance_m,
        duration_s=sum(r.duration_s for r in result.routes),
        energy_kwh=sum(r.energy_kwh for r in result.routes),
        co2_kg=result.co2_kg,
        cost=sum(r.cost for r in result.routes),
        num_served=served,
        collected_kg_by_stream=MappingProxyType(
            {s: collected[s] for s in Stream if s in collected}
        ),
        unserved_by_reason=MappingProxyType(
            {r: reasons[r] for r in UnservedReason if r in reasons}
        ),
        engine=result.engine,
        engine_choice=_texts(result.settings.get("engine_choice")),
        engine_choice_zh=_texts(result.settings.get("engine_choice_zh")),
        status=result.status,
        build_s=result.build_s,
        runtime_s=result.runtime_s,
        num_loaded_breaks=sum(loaded_breaks(r) for r in result.routes),
    )


@dataclass(frozen=True)
class Comparison:
    """A plan against a baseline (today's routes): what the plan saves.

    Savings are baseline minus plan, so positive numbers are improvements.
    """

    baseline: RoutingSummary
    plan: RoutingSummary

    @property
    def vehicles_saved(self) -> int:
        """Return how many fewer vehicles the plan uses."""
        return self.baseline.num_vehicles - self.plan.num_vehicles

    @property
    def distance_saved_m(self) -> float:
        """Return how many metres fewer the plan drives."""
        return self.baseline.distance_m - self.plan.distance_m

    @property
    def duration_saved_s(self) -> float:
        """Return how many vehicle-seconds of work the plan saves."""
        return self.baseline.duration_s - self.plan.duration_s

    @property
    def co2_saved_kg(self) -> float:
        """Return how many kg CO2e the plan saves."""
        return self.baseline.co2_kg - self.plan.co2_kg

    @property
    def cost_saved(self) -> float:
        """Return how many yuan the plan saves."""
        return self.baseline.cost - self.plan.cost

    @property
    def extra_stops_served(self) -> int:
        """Return how many more stops the plan serves than the baseline."""
        return self.plan.num_served - self.baseline.num_served


def compare(instance: Instance, plan: RoutingResult, baseline: RoutingResult) -> Comparison:
    """Return the savings of ``plan`` against ``baseline`` on ``instance``."""
    return Comparison(baseline=summarize(instance, baseline), plan=summarize(instance, plan))


def _texts(value: object) -> tuple[str, ...]:
    """Return a settings entry that holds texts as a tuple of strings."""
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()
