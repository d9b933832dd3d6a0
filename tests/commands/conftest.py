"""A small county written as a workbook folder, for the command tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.distances import great_circle_matrix
from optimizer.io.workbook import write_workbook
from optimizer.model import (
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)


def small_county(*, stop_stream: Stream = Stream.OTHER) -> Instance:
    """Return 10 stops around a depot and a transfer station, served by two truck types."""
    sites = (
        Site("D1", "城关车场", SiteKind.DEPOT, 34.820, 114.810),
        Site(
            "T1",
            "东区转运站",
            SiteKind.TRANSFER,
            34.835,
            114.840,
            streams=frozenset({Stream.OTHER, Stream.KITCHEN}),
            unload_s=600,
            hours=TimeWindow(4 * 3600, 20 * 3600),
        ),
    )
    stops = tuple(
        Stop(
            f"S{k:02d}",
            f"小区 {k}",
            34.810 + 0.004 * (k % 5),
            114.800 + 0.006 * (k // 5) + 0.002 * k,
            stop_stream,
            350.0 + 25.0 * k,
            service_s=180,
            window=TimeWindow(6 * 3600, 10 * 3600) if k == 3 else None,
        )
        for k in range(10)
    )
    vtypes = (
        VehicleType(
            "C3t-D",
            2,
            "D1",
            frozenset({Stream.OTHER}),
            capacity_kg=3000.0,
            fuel=Fuel.DIESEL,
            shift=TimeWindow(5 * 3600, 13 * 3600),
            fixed_cost=200.0,
            cost_per_km=2.5,
            cost_per_h=40.0,
        ),
        VehicleType(
            "C2t-E",
            1,
            "D1",
            frozenset({Stream.OTHER}),
            capacity_kg=2000.0,
            fuel=Fuel.ELECTRIC,
            shift=TimeWindow(5 * 3600, 13 * 3600),
            fixed_cost=150.0,
            cost_per_km=1.0,
            cost_per_h=40.0,
        ),
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("small-county", stops, sites, vtypes, great_circle_matrix(points))


@pytest.fixture
def small_county_instance() -> Instance:
    """Provide the small county in memory."""
    return small_county()


@pytest.fixture
def county_dir(tmp_path: Path) -> Path:
    """Provide the small county as a workbook folder of CSV files."""
    path = tmp_path / "county"
    write_workbook(small_county(), path)
    return path


@pytest.fixture
def kitchen_only_dir(tmp_path: Path) -> Path:
    """Provide the small county with kitchen-waste stops that no truck type carries."""
    path = tmp_path / "kitchen_only"
    write_workbook(small_county(stop_stream=Stream.KITCHEN), path)
    return path
