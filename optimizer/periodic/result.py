"""The week result: a list of days, each a routing result, and the visiting days of each stop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from optimizer.periodic.model import Pattern
from optimizer.routing.result import RoutingResult, VisitKind


@dataclass(frozen=True)
class WeekResult:
    """A plan for every day of the horizon.

    ``days[d]`` is the routing result of day ``d`` (the day contract,
    unchanged); ``visits`` maps each stop to the days it is visited on (its
    chosen pattern). ``objective_value`` is the sum over days.
    """

    instance: str
    days: tuple[RoutingResult, ...]
    visits: Mapping[str, Pattern]
    objective: str
    objective_value: float
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    seed: int = 0
    runtime_s: float = 0.0
    status: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", tuple(self.days))
        object.__setattr__(
            self, "visits", MappingProxyType({k: tuple(v) for k, v in self.visits.items()})
        )
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    @property
    def vehicles_per_day(self) -> tuple[int, ...]:
        """Return the vehicles used on each day."""
        return tuple(d.num_vehicles for d in self.days)

    @property
    def peak_vehicles(self) -> int:
        """Return the most vehicles used on any day: the fleet the week needs."""
        return max(self.vehicles_per_day, default=0)

    @property
    def distance_m(self) -> float:
        """Return the distance driven over the horizon."""
        return sum(d.distance_m for d in self.days)

    @property
    def co2_kg(self) -> float:
        """Return the CO2 over the horizon."""
        return sum(d.co2_kg for d in self.days)

    @property
    def num_unserved(self) -> int:
        """Return the stop visits left out, over all days."""
        return sum(len(d.unserved) for d in self.days)


def served_days(result: WeekResult) -> dict[str, tuple[int, ...]]:
    """Return the days each stop is served on, read from the routes themselves."""
    out: dict[str, list[int]] = {}
    for d, day in enumerate(result.days):
        for route in day.routes:
            for v in route.visits:
                if v.kind is VisitKind.STOP:
                    out.setdefault(v.location, []).append(d)
    return {k: tuple(sorted(v)) for k, v in out.items()}
