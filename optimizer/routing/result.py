"""The routing result contract shared by every routing engine.

Results carry domain ids (stop, site and vehicle-type ids), never solver
indices. Times are seconds from midnight, distances metres, loads kg/m3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class VisitKind(StrEnum):
    """What happens at a visit."""

    DEPOT = "depot"  # leaving or returning to the depot
    STOP = "stop"  # collecting at a stop
    UNLOAD = "unload"  # emptying at a facility
    BREAK = "break"  # driver break (location: where the vehicle is)
    CHARGE = "charge"  # charging an electric vehicle at a site with a charger


@dataclass(frozen=True)
class Visit:
    """One visit of a route, with times and the load on board after it."""

    kind: VisitKind
    location: str  # stop or site id
    arrival_s: float
    start_s: float
    departure_s: float
    load_kg: float  # on board after the visit
    load_m3: float = 0.0


@dataclass(frozen=True)
class Route:
    """The day of one vehicle: its ordered visits and their totals."""

    vehicle: str  # e.g. "EV-8t#2": type id and index within the type
    vehicle_type: str
    visits: tuple[Visit, ...]
    distance_m: float
    duration_s: float
    energy_kwh: float
    co2_kg: float
    cost: float

    @property
    def stops(self) -> tuple[str, ...]:
        """Return the stop ids served, in order."""
        return tuple(v.location for v in self.visits if v.kind is VisitKind.STOP)


class UnservedReason(StrEnum):
    """Why a stop is not in the plan."""

    DEMAND_TOO_LARGE = "demand_too_large"
    NO_VEHICLE_FOR_STREAM = "no_vehicle_for_stream"
    NO_FACILITY_FOR_STREAM = "no_facility_for_stream"
    WINDOW_UNREACHABLE = "window_unreachable"
    FLEET_TOO_SMALL = "fleet_too_small"
    NOT_ROUTED = "not_routed"  # the search found no place for it in time
    INTERRUPTED = "interrupted"  # Ctrl-C stopped the run before its search finished


@dataclass(frozen=True)
class Unserved:
    """A stop left out of the plan, with the reason."""

    stop: str
    reason: UnservedReason
    detail: str = ""


@dataclass(frozen=True)
class RoutingResult:
    """A day's routing plan as returned by any engine."""

    instance: str
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    objective: str  # distance | time | cost | co2
    objective_value: float
    engine: str
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    seed: int = 0
    runtime_s: float = 0.0
    build_s: float = 0.0
    status: str = ""  # e.g. "feasible", "time_limit", "interrupted"

    @property
    def distance_m(self) -> float:
        """Return the total distance over all routes."""
        return sum(r.distance_m for r in self.routes)

    @property
    def co2_kg(self) -> float:
        """Return the total CO2 over all routes."""
        return sum(r.co2_kg for r in self.routes)

    @property
    def num_vehicles(self) -> int:
        """Return the number of vehicles used."""
        return len(self.routes)
