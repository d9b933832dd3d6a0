"""A tiny county with two clusters of stops, two candidate stations and a far plant."""

from __future__ import annotations

from optimizer.distances import great_circle_matrix
from optimizer.model import (
    BuildOption,
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    VehicleType,
)

#: Per cluster 4 stops of 10 t/day (5 t twice a day): 40 t/day, more than a small station holds.
OPTIONS = (
    BuildOption("small", 30_000.0, 800_000.0, 50_000.0),
    BuildOption("large", 45_000.0, 1_500_000.0, 80_000.0),
)


def tiny_county(*, west_siting: str = "") -> Instance:
    """Return the county: clusters near C1 (west) and C2 (east), plant P1 67 km north."""
    other = frozenset({Stream.OTHER})
    extra = {"siting": west_siting} if west_siting else {}
    sites = (
        Site("D1", "depot", SiteKind.DEPOT, 30.000, 120.100),
        Site("C1", "west", SiteKind.TRANSFER, 30.000, 120.000, streams=other,
             candidate=True, build_options=OPTIONS, extra=extra),
        Site("C2", "east", SiteKind.TRANSFER, 30.000, 120.200, streams=other,
             candidate=True, build_options=OPTIONS),
        Site("P1", "plant", SiteKind.INCINERATOR, 30.600, 120.100, streams=other,
             capacity_kg_per_day=600_000.0),
        Site("K1", "kitchen plant", SiteKind.COMPOSTING, 30.010, 120.100,
             streams=frozenset({Stream.KITCHEN}), capacity_kg_per_day=50_000.0),
    )  # fmt: skip
    stops = []
    for k, (lat, lon) in enumerate(
        [(30.004, 120.0), (29.996, 120.0), (30.0, 120.004), (30.0, 119.996)]
    ):
        stops.append(
            Stop(f"W{k}", f"west {k}", lat, lon, Stream.OTHER, 5_000.0, frequency_per_week=14)
        )
        stops.append(
            Stop(f"E{k}", f"east {k}", lat, lon + 0.2, Stream.OTHER, 5_000.0, frequency_per_week=14)
        )
    stops.append(Stop("KW0", "market", 30.002, 120.1, Stream.KITCHEN, 1_000.0))
    stops.append(Stop("KW1", "school", 29.998, 120.1, Stream.KITCHEN, 500.0, frequency_per_week=2))
    fleet = (
        VehicleType("CT8", 4, "D1", frozenset({Stream.OTHER}), 8_000.0, fuel=Fuel.DIESEL,
                    cost_per_km=3.0, cost_per_h=60.0),
        VehicleType("KW5", 1, "D1", frozenset({Stream.KITCHEN}), 5_000.0, fuel=Fuel.ELECTRIC,
                    cost_per_km=1.6),
    )  # fmt: skip
    pts = [(s.id, s.lat, s.lon) for s in (*stops, *sites)]
    return Instance("tiny", tuple(stops), sites, fleet, great_circle_matrix(pts))
