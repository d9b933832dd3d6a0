"""Hypothesis strategies for random small county instances, shared by the test suite.

``instances()`` draws stops of every stream (some with time windows,
service and release times), sites of every kind (with hours, capacities and
build options), vehicle types with breaks and limits, and a travel matrix
over sites then stops: great-circle, or half the time an asymmetric
"user-supplied" one. Values are arbitrary floats where the
model allows it, so readers and writers must round-trip them exactly.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from optimizer.distances import great_circle_matrix
from optimizer.model import (
    DAY_S,
    Break,
    BuildOption,
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)

_TEXT = (
    st.text(
        alphabet=st.sampled_from("abcxyz XYZ012_-厨余转运站东西南北镇村"), min_size=1, max_size=8
    )
    .map(str.strip)
    .filter(bool)
)
_EXTRA_KEYS = st.sampled_from(["note", "备注", "owner", "bin_count"])
_LAT = st.floats(min_value=20.0, max_value=45.0, allow_nan=False)
_LON = st.floats(min_value=100.0, max_value=125.0, allow_nan=False)
_KG = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)
_COST = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)


@st.composite
def time_windows(draw: st.DrawFn, *, max_end: int = 2 * DAY_S) -> TimeWindow:
    """Draw a window in whole seconds, possibly past midnight."""
    start = draw(st.integers(0, max_end - 1))
    end = draw(st.integers(start, max_end))
    return TimeWindow(start, end)


def extras() -> st.SearchStrategy[dict[str, str]]:
    """Draw extra columns with non-empty text values."""
    return st.dictionaries(_EXTRA_KEYS, _TEXT, max_size=2)


@st.composite
def stops(draw: st.DrawFn, stop_id: str) -> Stop:
    """Draw a stop of any stream with optional window, service and release time."""
    return Stop(
        id=stop_id,
        name=draw(_TEXT),
        lat=draw(_LAT),
        lon=draw(_LON),
        stream=draw(st.sampled_from(list(Stream))),
        demand_kg=draw(_KG),
        demand_m3=draw(st.floats(0.0, 20.0)),
        service_s=draw(st.integers(0, 3600)),
        window=draw(st.none() | time_windows()),
        frequency_per_week=draw(st.integers(1, 14)),
        release_s=draw(st.integers(0, DAY_S)),
        area=draw(st.sampled_from(["", "urban", "village", "城关镇"])),
        extra=draw(extras()),
    )


@st.composite
def sites(draw: st.DrawFn, site_id: str, kind: SiteKind) -> Site:
    """Draw a site of ``kind`` with optional hours, capacity and build options."""
    facility = kind not in (SiteKind.DEPOT, SiteKind.CHARGER)
    options = draw(
        st.lists(
            st.builds(
                BuildOption,
                size_class=_TEXT,
                capacity_kg_per_day=st.floats(1.0, 1e6),
                capital_cost=_COST,
                fixed_cost_per_year=_COST,
            ),
            max_size=2 if facility else 0,
            unique_by=lambda o: o.size_class,
        )
    )
    return Site(
        id=site_id,
        name=draw(_TEXT),
        kind=kind,
        lat=draw(_LAT),
        lon=draw(_LON),
        streams=frozenset(draw(st.sets(st.sampled_from(list(Stream)), min_size=int(facility)))),
        hours=draw(st.none() | time_windows()),
        unload_s=draw(st.integers(0, 3600)),
        capacity_kg_per_day=draw(st.none() | st.floats(0.0, 1e7)),
        candidate=bool(options) and draw(st.booleans()),
        build_options=tuple(options),
        extra=draw(extras()),
    )


@st.composite
def vehicle_types(draw: st.DrawFn, type_id: str, depots: list[str]) -> VehicleType:
    """Draw a vehicle type with optional volume, range, break and daily limits."""
    shift = draw(time_windows(max_end=DAY_S + 12 * 3600))
    brk = None
    if draw(st.booleans()) and shift.length >= 600:
        start = draw(st.integers(shift.start, shift.end - 300))
        end = draw(st.integers(start, shift.end - 300))
        brk = Break(TimeWindow(start, end), draw(st.integers(60, 300)))
    return VehicleType(
        id=type_id,
        count=draw(st.integers(0, 10)),
        depot=draw(st.sampled_from(depots)),
        streams=frozenset(draw(st.sets(st.sampled_from(list(Stream)), min_size=1))),
        capacity_kg=draw(st.floats(1.0, 20000.0)),
        capacity_m3=draw(st.none() | st.floats(0.5, 40.0)),
        fuel=draw(st.sampled_from(list(Fuel))),
        range_m=draw(st.none() | st.floats(1000.0, 400000.0)),
        shift=shift,
        break_=brk,
        max_stops=draw(st.none() | st.integers(1, 500)),
        max_load_kg_per_day=draw(st.none() | st.floats(1.0, 1e5)),
        max_duration_s=draw(st.none() | st.integers(0, 16 * 3600)),
        fixed_cost=draw(_COST),
        cost_per_km=draw(_COST),
        cost_per_h=draw(_COST),
        speed_factor=draw(st.floats(0.1, 2.0)),
        name=draw(st.sampled_from(["", "8t compactor", "电动压缩车"])),
        extra=draw(extras()),
    )


@st.composite
def instances(draw: st.DrawFn, *, max_stops: int = 6) -> Instance:
    """Draw a small instance: a depot, 1-4 other sites, 1-3 vehicle types, stops."""
    others = draw(st.lists(st.sampled_from(list(SiteKind)), min_size=1, max_size=4))
    kinds = [SiteKind.DEPOT, *others]
    site_list = [draw(sites(f"F{k}", kind)) for k, kind in enumerate(kinds)]
    depots = [s.id for s in site_list if s.kind is SiteKind.DEPOT]
    num_types = draw(st.integers(1, 3))
    types = [draw(vehicle_types(f"V{k}", depots)) for k in range(num_types)]
    num_stops = draw(st.integers(1, max_stops))
    stop_list = [draw(stops(f"S{k}")) for k in range(num_stops)]
    points = [(s.id, s.lat, s.lon) for s in site_list] + [(s.id, s.lat, s.lon) for s in stop_list]
    circuity = draw(st.sampled_from([None, 1.0, 1.25, 1.4]))
    speed = draw(st.sampled_from([None, 18.0, 30.0]))
    meta = {"source": "hypothesis"}
    kwargs = {}
    if circuity is not None:
        meta["circuity"] = repr(circuity)
        kwargs["circuity"] = circuity
    if speed is not None:
        meta["speed_kmh"] = repr(speed)
        kwargs["speed_kmh"] = speed
    travel = great_circle_matrix(points, **kwargs)
    if draw(st.booleans()):
        # A user-supplied road matrix: asymmetric, unrelated to the coordinates.
        n = len(points)
        cells = st.floats(0.0, 1e6, allow_nan=False)
        dist = np.array(draw(st.lists(cells, min_size=n * n, max_size=n * n))).reshape(n, n)
        np.fill_diagonal(dist, 0.0)
        travel = TravelMatrix(travel.ids, dist, dist / draw(st.sampled_from([3.0, 7.5])))
    return Instance(
        name=draw(_TEXT),
        stops=tuple(stop_list),
        sites=tuple(site_list),
        vehicle_types=tuple(types),
        travel=travel,
        meta=meta,
    )
