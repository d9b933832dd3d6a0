"""Tests of the synthetic demo county on Lankao County's geography."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from optimizer.demo_county import DEFAULT_SEED, build_demo_county, figure, on_dry_land
from optimizer.model import Fuel, Instance, SiteKind, Stream, check

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "instances" / "demo_county"

# Lankao County spans about 34°44'-35°01' N and 114°41'-115°15' E; stated here
# independently of the generator's data file so that an edit there is caught.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 34.72, 35.02, 114.68, 115.25

# Size classes of CJJ/T 47-2016 in t/day: (lowest, highest) design capacity.
CJJ_T47_CLASSES = {"V": (0, 50), "IV": (50, 150), "III": (150, 450)}


@pytest.fixture(scope="module")
def demo() -> Instance:
    return build_demo_county()


def _points(instance: Instance, area: str) -> set[str]:
    return {
        s.extra["point"]
        for s in instance.stops
        if s.area == area and s.stream is not Stream.MEDICAL
    }


def test_demo_has_the_promised_size_and_variety(demo: Instance) -> None:
    """The demo has ≥300 town and ≥100 village points, every stream, site kind and two fuels."""
    assert len(_points(demo, "urban")) >= 300
    assert len(_points(demo, "village")) >= 100
    assert 600 <= len(demo.stops) <= 900
    assert {s.stream for s in demo.stops} == set(Stream)
    kinds = {s.kind for s in demo.sites}
    required = {
        SiteKind.DEPOT,
        SiteKind.TRANSFER,
        SiteKind.INCINERATOR,
        SiteKind.LANDFILL,
        SiteKind.COMPOSTING,
        SiteKind.RECYCLING,
        SiteKind.HAZARDOUS,
        SiteKind.MEDICAL,
    }
    assert required <= kinds
    existing = [s for s in demo.sites if s.kind is SiteKind.TRANSFER and not s.candidate]
    candidates = [s for s in demo.sites if s.candidate]
    assert 3 <= len(existing) <= 5
    assert len(candidates) >= 3
    assert {Fuel.DIESEL, Fuel.ELECTRIC} <= {v.fuel for v in demo.vehicle_types}


def test_demo_passes_the_instance_check(demo: Instance) -> None:
    """The model's consistency check finds no problem in the demo county."""
    assert check(demo) == []


def test_every_location_lies_in_lankao_county(demo: Instance) -> None:
    """Every stop and site has WGS-84 coordinates inside the county's bounding box."""
    located = [*demo.stops, *demo.sites]
    outside = [
        r.id for r in located if not (LAT_MIN <= r.lat <= LAT_MAX and LON_MIN <= r.lon <= LON_MAX)
    ]
    assert outside == []
    assert demo.coord_sys == "wgs84"


def test_every_location_is_clear_of_the_yellow_river(demo: Instance) -> None:
    """No stop or site (including the hand-placed ones) lies in the Yellow River's buffer."""
    wet = [r.id for r in [*demo.stops, *demo.sites] if not on_dry_land(r.lat, r.lon)]
    assert wet == []


def test_same_seed_gives_the_same_instance(demo: Instance) -> None:
    """Building twice with the same seed gives equal instances; another seed moves the points."""
    assert build_demo_county(seed=DEFAULT_SEED) == demo
    other = build_demo_county(seed=DEFAULT_SEED + 1)
    assert [(s.lat, s.lon) for s in other.stops] != [(s.lat, s.lon) for s in demo.stops]
    assert other.sites == demo.sites and other.vehicle_types == demo.vehicle_types


def test_fleet_can_collect_a_day_of_every_stream(demo: Instance) -> None:
    """Per stream, the fleet's capacity over its planned trips exceeds the day's demand."""
    kg: dict[Stream, float] = defaultdict(float)
    m3: dict[Stream, float] = defaultdict(float)
    service: dict[Stream, float] = defaultdict(float)
    for stop in demo.stops:
        kg[stop.stream] += stop.demand_kg
        m3[stop.stream] += stop.demand_m3
        service[stop.stream] += stop.service_s
    for stream in Stream:
        carriers = [v for v in demo.vehicle_types if stream in v.streams]
        trips = {v.id: int(v.extra["planned_trips"]) for v in carriers}
        capacity = sum(v.count * v.capacity_kg * trips[v.id] for v in carriers)
        assert kg[stream] <= 0.95 * capacity, stream
        volume_limited = [v for v in carriers if v.capacity_m3 is not None]
        if volume_limited:
            volume = sum(v.count * (v.capacity_m3 or 0.0) * trips[v.id] for v in volume_limited)
            assert m3[stream] <= 0.95 * volume, stream
        # Handling at the stops may take at most half of the crews' working time;
        # the rest goes to driving and unloading.
        working_s = sum(
            v.count * (v.shift.length - (v.break_.duration_s if v.break_ else 0)) for v in carriers
        )
        assert service[stream] <= 0.5 * working_s, stream


def test_town_waste_adds_up_to_the_sourced_figures(demo: Instance) -> None:
    """The town's daily waste over all streams equals its population × the cited per-capita rate."""
    daily = sum(
        s.demand_kg * s.frequency_per_week / 7
        for s in demo.stops
        if s.area == "urban" and s.stream is not Stream.MEDICAL
    )
    people = figure("population_urban") * figure("county_town_share_of_urban")
    assert daily == pytest.approx(people * figure("town_waste_per_person"), rel=0.01)
    kitchen = sum(
        s.demand_kg for s in demo.stops if s.stream is Stream.KITCHEN and s.area == "urban"
    )
    assert 0.2 < kitchen / daily < 0.5


def test_stop_ids_name_their_point_and_stream(demo: Instance) -> None:
    """Each stop id is '<point>-<stream>' and a point has at most one stop per stream."""
    assert all(s.id == f"{s.extra['point']}-{s.stream.value}" for s in demo.stops)
    per_point = Counter((s.extra["point"], s.stream) for s in demo.stops)
    assert max(per_point.values()) == 1
    assert "U0123-kitchen" in {s.id for s in demo.stops}


def test_every_time_window_is_reachable_from_a_depot(demo: Instance) -> None:
    """A carrier leaving its depot at shift start reaches every windowed stop before it closes."""
    late = []
    for stop in (s for s in demo.stops if s.window is not None):
        assert stop.window is not None
        carriers = [v for v in demo.vehicle_types if stop.stream in v.streams]
        earliest = min(v.shift.start + demo.travel.duration(v.depot, stop.id) for v in carriers)
        if earliest > stop.window.end:
            late.append(stop.id)
    assert late == []


def test_medical_waste_is_picked_up_within_48_hours(demo: Instance) -> None:
    """Every medical stop is visited at least four times a week (never more than 48 h apart)."""
    medical = [s for s in demo.stops if s.stream is Stream.MEDICAL]
    assert len(medical) >= 10
    assert all(s.frequency_per_week >= 4 for s in medical)


def test_candidate_sites_offer_cjj_t47_size_classes(demo: Instance) -> None:
    """Candidate transfer sites offer only CJJ/T 47-2016 classes, with capacities in range."""
    for site in (s for s in demo.sites if s.candidate):
        assert site.build_options, site.id
        for option in site.build_options:
            low, high = CJJ_T47_CLASSES[option.size_class]
            assert low < option.capacity_kg_per_day / 1000 <= high
            assert option.capital_cost > 0


def test_shift_windows_leave_room_for_the_break(demo: Instance) -> None:
    """Every vehicle type has a 30-60 min break that fits in its shift."""
    for vt in demo.vehicle_types:
        assert vt.break_ is not None
        assert 30 * 60 <= vt.break_.duration_s <= 60 * 60
        assert vt.shift.start <= vt.break_.window.start
        assert vt.break_.window.end + vt.break_.duration_s <= vt.shift.end


@pytest.mark.skipif(not SHIPPED.exists(), reason="instances/demo_county is not shipped yet")
def test_shipped_workbook_equals_the_generator(demo: Instance) -> None:
    """The committed instances/demo_county workbook reads back as what the generator builds."""
    from optimizer.io.load import read_instance

    shipped = read_instance(SHIPPED)
    assert shipped.stops == demo.stops
    assert shipped.sites == demo.sites
    assert shipped.vehicle_types == demo.vehicle_types
    assert shipped.travel == demo.travel
    assert shipped.name == demo.name
    assert {k: shipped.meta.get(k) for k in ("source", "licence", "seed")} == {
        k: demo.meta[k] for k in ("source", "licence", "seed")
    }


def test_module_entry_writes_a_workbook_that_reads_back(demo: Instance, tmp_path: Path) -> None:
    """`python -m optimizer.demo_county OUT` writes a workbook equal to the built instance."""
    from optimizer.demo_county import main
    from optimizer.io.load import read_instance

    assert main([]) == 2
    assert main([str(tmp_path / "demo")]) == 0
    written = read_instance(tmp_path / "demo")
    assert written.stops == demo.stops and written.vehicle_types == demo.vehicle_types
