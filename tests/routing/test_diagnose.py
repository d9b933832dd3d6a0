"""Tests of the pre-solve diagnosis: why a stop can never be served, and fleet bounds."""

from __future__ import annotations

from test_ortools_engine import H, stop, town, truck

from optimizer.model import Break, Site, SiteKind, Stream, TimeWindow
from optimizer.routing.diagnose import unservable, unservable_stops
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.result import UnservedReason


def test_stream_without_facility() -> None:
    """Kitchen waste with a kitchen truck but no plant accepting it: no facility for the stream."""
    inst = town(
        [stop("K", 1000, stream=Stream.KITCHEN)], [truck(streams=frozenset({Stream.KITCHEN}))]
    )
    found = unservable(inst, inst.stop("K"))
    assert found is not None and found.reason is UnservedReason.NO_FACILITY_FOR_STREAM


def test_bulky_stop_exceeds_every_body() -> None:
    """A 3 m3 stop and trucks of 2 m3 bodies: demand too large, with the figures in the detail."""
    inst = town([stop("BIG", 1000, 50, demand_m3=3.0)], [truck(capacity_m3=2.0)])
    found = unservable(inst, inst.stop("BIG"))
    assert found is not None and found.reason is UnservedReason.DEMAND_TOO_LARGE
    assert "3 m3" in found.detail


def test_day_too_short_for_round_trip() -> None:
    """A 30 min working limit cannot cover depot-stop-facility-depot (40 min of driving)."""
    inst = town([stop("A", 2000)], [truck(max_duration_s=1800)], speed=10_000 / 1200)
    found = unservable(inst, inst.stop("A"))
    assert found is not None and found.reason is UnservedReason.WINDOW_UNREACHABLE


def test_facility_closed_all_shift() -> None:
    """The only facility is open 20:00-22:00 while the shift ends at 18:00: unreachable."""
    night = Site(
        "F",
        "night",
        SiteKind.TRANSFER,
        0,
        10_000,
        frozenset({Stream.OTHER}),
        TimeWindow(20 * H, 22 * H),
    )
    inst = town([stop("A", 2000)], [truck()], [night])
    assert [u.reason for u in unservable_stops(inst)] == [UnservedReason.WINDOW_UNREACHABLE]


def test_servable_stop_has_no_diagnosis() -> None:
    """An ordinary stop within reach gets no reason."""
    inst = town([stop("A", 2000)], [truck()])
    assert unservable_stops(inst) == []


def test_fleet_lower_bound_takes_the_largest_bound() -> None:
    """Ten 1 h stops in an 8 h shift with 1 h break need 2 vehicles; 5 t over 2 t a day need 3."""
    stops = [stop(f"S{k}", 100 * k, 500, service_s=H) for k in range(10)]
    vt = truck(
        shift=TimeWindow(8 * H, 16 * H),
        break_=Break(TimeWindow(11 * H, 12 * H), H),
        max_load_kg_per_day=2000,
        max_stops=4,
    )
    inst = town(stops, [vt])
    # service: ceil(10 / 7) = 2; load: ceil(5000 / 2000) = 3; stops: ceil(10 / 4) = 3
    assert fleet_lower_bound(inst, inst.stops, vt) == 3
