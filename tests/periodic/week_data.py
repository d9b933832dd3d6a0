"""A small county with a week's rules (frequencies, clinics, a day off) shared by the week tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.distances import great_circle_matrix
from optimizer.model import Fuel, Instance, Site, SiteKind, Stop, Stream, TimeWindow, VehicleType

PVRPIF = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "periodic" / "pvrpif"
needs_pvrpif = pytest.mark.skipif(not PVRPIF.is_dir(), reason="shared PVRP-IF data not present")

#: (frequency per week, demand per visit kg) of the ten "other" stops.
FREQUENCIES = [
    (7, 900.0),
    (7, 700.0),
    (3, 1200.0),
    (3, 1000.0),
    (3, 1100.0),
    (2, 1500.0),
    (2, 1400.0),
    (2, 1300.0),
    (1, 900.0),
    (1, 800.0),
]


def week_county(*, van_days: str = "", patterns: str = "") -> Instance:
    """Return 10 stops of several frequencies, two clinics, a compactor, a medical van."""
    sites = (
        Site("D1", "城关车场", SiteKind.DEPOT, 34.820, 114.810),
        Site(
            "T1",
            "转运站",
            SiteKind.TRANSFER,
            34.835,
            114.840,
            streams=frozenset({Stream.OTHER}),
            unload_s=600,
            hours=TimeWindow(4 * 3600, 20 * 3600),
        ),
        Site(
            "M1",
            "医废处置中心",
            SiteKind.MEDICAL,
            34.800,
            114.850,
            streams=frozenset({Stream.MEDICAL}),
            unload_s=300,
        ),
    )
    stops = [
        Stop(
            f"S{k:02d}",
            f"小区 {k}",
            34.810 + 0.004 * (k % 5),
            114.800 + 0.008 * (k // 5) + 0.002 * k,
            Stream.OTHER,
            kg,
            service_s=300,
            frequency_per_week=f,
            area="village" if k >= 8 else "urban",
            extra={"patterns": patterns} if patterns and k == 2 else {},
        )
        for k, (f, kg) in enumerate(FREQUENCIES)
    ]
    stops += [
        Stop(
            "H1",
            "卫生院 1",
            34.826,
            114.822,
            Stream.MEDICAL,
            20.0,
            service_s=300,
            frequency_per_week=3,
        ),
        Stop(
            "H2",
            "卫生院 2",
            34.806,
            114.836,
            Stream.MEDICAL,
            15.0,
            service_s=300,
            frequency_per_week=3,
        ),
    ]
    vtypes = (
        VehicleType(
            "C5",
            2,
            "D1",
            frozenset({Stream.OTHER}),
            capacity_kg=5000.0,
            fuel=Fuel.DIESEL,
            shift=TimeWindow(5 * 3600, 13 * 3600),
            fixed_cost=200.0,
            cost_per_km=2.5,
            cost_per_h=40.0,
        ),
        VehicleType(
            "MW",
            1,
            "D1",
            frozenset({Stream.MEDICAL}),
            capacity_kg=1500.0,
            fuel=Fuel.DIESEL,
            shift=TimeWindow(7 * 3600, 15 * 3600),
            fixed_cost=85.0,
            cost_per_km=2.0,
            cost_per_h=60.0,
            extra={"days": van_days} if van_days else {},
        ),
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("week-county", tuple(stops), sites, vtypes, great_circle_matrix(points))
