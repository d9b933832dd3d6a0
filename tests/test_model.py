"""Tests of the frozen, validated county data model."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.model import (
    Instance,
    InstanceError,
    ModelError,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
    check,
)


def _instance(stops: list[Stop], vtypes: list[VehicleType]) -> Instance:
    sites = [
        Site("D", "depot", SiteKind.DEPOT, 30.0, 120.0),
        Site("T", "transfer", SiteKind.TRANSFER, 30.01, 120.0, streams=frozenset({Stream.OTHER})),
    ]
    ids = tuple(s.id for s in sites) + tuple(s.id for s in stops)
    n = len(ids)
    m = np.ones((n, n)) - np.eye(n)
    return Instance("t", tuple(stops), tuple(sites), tuple(vtypes), TravelMatrix(ids, m, m))


def test_time_window_rejects_end_before_start() -> None:
    """A window that ends before it starts is refused at construction."""
    with pytest.raises(ModelError, match="before it starts"):
        TimeWindow(3600, 1800)


def test_stop_rejects_missing_coordinates() -> None:
    """A stop without a finite latitude is refused with its id in the message."""
    with pytest.raises(ModelError, match="stop S1: coordinates"):
        Stop("S1", "x", float("nan"), 120.0, Stream.OTHER, 10.0)


def test_check_flags_latitude_out_of_range() -> None:
    """A WGS-84 instance with a stop at latitude 91 fails the check."""
    vt = VehicleType("truck", 1, "D", frozenset({Stream.OTHER}), capacity_kg=5000.0)
    inst = _instance([Stop("S1", "x", 91.0, 120.0, Stream.OTHER, 10.0)], [vt])
    assert any(p.where.en == "stop S1" and p.field == "lat/lon" for p in check(inst))


def test_check_lists_every_problem_at_once() -> None:
    """check() reports an oversized demand and an uncarried stream together."""
    stops = [
        Stop("S1", "big", 30.0, 120.0, Stream.OTHER, 9000.0),
        Stop("S2", "kitchen", 30.0, 120.0, Stream.KITCHEN, 10.0),
    ]
    vt = VehicleType("truck", 2, "D", frozenset({Stream.OTHER}), capacity_kg=5000.0)
    problems = check(_instance(stops, [vt]))
    where = {(p.where.en, p.field) for p in problems}
    assert ("stop S1", "demand_kg") in where
    assert ("stop S2", "stream") in where
    with pytest.raises(InstanceError) as err:
        check(_instance(stops, [vt]), strict=True)
    assert len(err.value.problems) == len(problems)


def test_travel_matrix_is_read_only() -> None:
    """The instance's matrices cannot be changed after construction."""
    tm = TravelMatrix(("a", "b"), np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError):
        tm.distance_m[0, 1] = 5.0
