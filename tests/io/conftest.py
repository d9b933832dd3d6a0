"""A tiny county and a hand-made plan on it, for the routing writers' tests."""

from __future__ import annotations

import pytest

from optimizer.distances import great_circle_matrix
from optimizer.model import Instance, Site, SiteKind, Stop, Stream, TimeWindow, VehicleType
from optimizer.routing.result import (
    Route,
    RoutingResult,
    Unserved,
    UnservedReason,
    Visit,
    VisitKind,
)


def tiny_instance() -> Instance:
    """Return a depot, a transfer station, four stops and two small trucks."""
    sites = (
        Site("D", "车场", SiteKind.DEPOT, 34.820, 114.810),
        Site(
            "T",
            "东区转运站",
            SiteKind.TRANSFER,
            34.830,
            114.830,
            streams=frozenset({Stream.OTHER, Stream.KITCHEN}),
            unload_s=600,
        ),
    )
    stops = (
        Stop("S1", "幸福小区", 34.821, 114.812, Stream.OTHER, 400.0, service_s=120),
        Stop("S2", "<b>market</b>", 34.823, 114.815, Stream.OTHER, 300.0, service_s=120),
        Stop(
            "S3",
            "第一中学",
            34.825,
            114.818,
            Stream.KITCHEN,
            200.0,
            service_s=60,
            window=TimeWindow(6 * 3600, 9 * 3600),
        ),
        Stop("S4", "Village 4", 34.840, 114.850, Stream.OTHER, 900.0, service_s=60),
    )
    vtypes = (
        VehicleType(
            "C2t",
            2,
            "D",
            frozenset({Stream.OTHER, Stream.KITCHEN}),
            capacity_kg=1000.0,
            shift=TimeWindow(5 * 3600, 13 * 3600),
        ),
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("tiny", stops, sites, vtypes, great_circle_matrix(points))


def hand_plan() -> RoutingResult:
    """Return a plan that serves S1 and S2 on one truck and leaves S3, S4 unserved."""
    visits = (
        Visit(VisitKind.DEPOT, "D", 18000.0, 18000.0, 18000.0, 0.0),
        Visit(VisitKind.STOP, "S1", 18030.5, 18030.5, 18150.5, 400.0),
        Visit(VisitKind.STOP, "S2", 18200.0, 18200.0, 18320.0, 700.0),
        Visit(VisitKind.BREAK, "S2", 18320.0, 18320.0, 20120.0, 700.0),
        Visit(VisitKind.UNLOAD, "T", 20400.0, 20400.0, 21000.0, 0.0),
        Visit(VisitKind.DEPOT, "D", 21300.0, 21300.0, 21300.0, 0.0),
    )
    route = Route("C2t#1", "C2t", visits, 5210.7, 3300.0, 4.2, 3.1, 55.5)
    return RoutingResult(
        instance="tiny",
        routes=(route,),
        unserved=(
            Unserved("S3", UnservedReason.WINDOW_UNREACHABLE, "opens 06:00"),
            Unserved("S4", UnservedReason.NOT_ROUTED),
        ),
        objective="cost",
        objective_value=55.5,
        engine="hand",
        settings={"time_limit_s": 5.0, "engine": "ortools"},
        seed=7,
        runtime_s=1.25,
        build_s=0.5,
        status="feasible",
    )


@pytest.fixture
def tiny_county() -> Instance:
    """Provide the tiny county."""
    return tiny_instance()


@pytest.fixture
def tiny_plan() -> RoutingResult:
    """Provide the hand-made plan on the tiny county."""
    return hand_plan()
