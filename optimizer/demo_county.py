"""A synthetic demo county placed on the real geography of Lankao County (兰考县), Henan.

The demo county is one county town and its villages on the flat Yellow-River
plain east of Kaifeng. Its location, population and the standards it follows
are real; every collection point, station, depot and vehicle is synthetic and
labelled so. Every number comes from ``optimizer/data/demo_county/figures.toml``
with its unit and source; this module only arranges them with a seeded random
generator, so the same seed always gives the same instance.

Regenerate the shipped workbook with::

    python -m optimizer.demo_county instances/demo_county

:func:`build_large_county` follows the same rules at a larger size (a county
of about 10,000 collection points, for measuring how the routing scales):
``python -m optimizer.demo_county OUT_DIR --stops 10000``.
"""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from optimizer.distances import great_circle_matrix
from optimizer.model import (
    Break,
    BuildOption,
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)

DEFAULT_SEED = 2022

# Sizes of the demo, chosen to keep the instance at 600-900 stops so that
# routing engines solve it in minutes on a laptop.
NUM_TOWN_POINTS = 300
NUM_MARKETS = 8
NUM_SCHOOLS = 15
NUM_COMMERCIAL = 45
NUM_RECYCLABLE_POINTS = 50
NUM_HAZARDOUS_POINTS = 8
NUM_VILLAGES = 100
# Lankao has 16 township-level divisions, 3 of them urban sub-districts
# (兰考县 overview, 2023); the other 13 seats anchor the synthetic villages.
NUM_TOWNSHIPS = 13
# Synthetic county hospitals (beds): a people's hospital, a TCM hospital and
# a maternal and child health hospital, the usual set in a Chinese county.
TOWN_HOSPITAL_BEDS = (900, 500, 200)
TOWNSHIP_BEDS_RANGE = (20, 80)  # assumption: township health centre beds

# Assumptions shaping the synthetic town: kitchen waste relative to the town
# average (markets and restaurants are food-heavy) and the relative size of a
# point (a market or school point gathers more than one compound's bins).
_KITCHEN_FACTOR = {"market": 1.6, "commercial": 1.3, "school": 1.2, "residential": 1.0}
_POINT_WEIGHT = {"market": 2.5, "school": 1.5, "commercial": 0.8, "residential": 1.0}
_KIND_ZH = {
    "market": "农贸市场",
    "school": "学校",
    "commercial": "商业街",
    "residential": "小区收集点",
}
# Assumed collection windows (service start): markets before trading peaks,
# schools during lessons, some residential compounds before the morning rush.
_WINDOWS = {
    "market": TimeWindow(6 * 3600, 9 * 3600),
    "school": TimeWindow(8 * 3600 + 1800, 11 * 3600),
    "early": TimeWindow(5 * 3600 + 1800, 8 * 3600),
}
_EARLY_RESIDENTIAL_FRACTION = 0.15  # assumption
_FREQUENCY = {  # visits per week
    Stream.KITCHEN: 7,
    Stream.OTHER: 7,
    Stream.RECYCLABLE: 3,
    Stream.HAZARDOUS: 1,
}
# Villages sit in this inner part of the county, clear of its uncertain edges.
_VILLAGE_LAT = (34.745, 34.97)
_VILLAGE_LON = (114.70, 115.08)
_MIN_SEAT_GAP_KM = 6.0
_MIN_SEAT_TO_TOWN_KM = 8.0
_VILLAGE_SPREAD_DEG = 0.025  # about 2.8 km around the township seat
_MIN_VILLAGE_GAP_KM = 0.8
# Medical stops do not grow with the county (3 town hospitals, one clinic per
# township seat); the other stops grow with the number of points.
_NUM_MEDICAL = len(TOWN_HOSPITAL_BEDS) + NUM_TOWNSHIPS
# Fleet margin of the large county over a fleet scaled with its points: an
# assumption, so that the fleet is enough (the demo's own fleet has spare).
LARGE_FLEET_MARGIN = 1.25


@dataclass(frozen=True)
class CountySize:
    """How many points of each kind a generated county has, and its fleet scale.

    ``scale`` multiplies the town population (each town point then serves as
    many people as in the demo) and every vehicle count but the medical
    vans (medical stops do not grow).
    """

    town_points: int = NUM_TOWN_POINTS
    markets: int = NUM_MARKETS
    schools: int = NUM_SCHOOLS
    commercial: int = NUM_COMMERCIAL
    recyclable_points: int = NUM_RECYCLABLE_POINTS
    hazardous_points: int = NUM_HAZARDOUS_POINTS
    villages: int = NUM_VILLAGES
    village_gap_km: float = _MIN_VILLAGE_GAP_KM
    scale: float = 1.0
    fleet_scale: float = 1.0


DEMO_SIZE = CountySize()


@cache
def _data() -> dict[str, Any]:
    path = resources.files("optimizer").joinpath("data/demo_county/figures.toml")
    return tomllib.loads(path.read_text("utf-8"))


def figure(key: str) -> float:
    """Return the value of the sourced figure ``key``.

    Units and sources are listed next to each figure in
    ``optimizer/data/demo_county/figures.toml``.
    """
    return float(_data()["figure"][key]["value"])


def county_bbox() -> tuple[float, float, float, float]:
    """Return the county's extent as (lat_min, lat_max, lon_min, lon_max) in degrees."""
    return (
        figure("county_lat_min"),
        figure("county_lat_max"),
        figure("county_lon_min"),
        figure("county_lon_max"),
    )


def river_lat(lon: float) -> float:
    """Return the latitude of the Yellow River's south bank at ``lon`` (approximate)."""
    points = _data()["river"]["points"]
    return float(np.interp(lon, [p[0] for p in points], [p[1] for p in points]))


def on_dry_land(lat: float, lon: float) -> bool:
    """Return whether a point lies in the county and clear of the Yellow River."""
    lat_min, lat_max, lon_min, lon_max = county_bbox()
    inside = lat_min <= lat <= lat_max and lon_min <= lon <= lon_max
    return inside and lat <= river_lat(lon) - figure("river_buffer")


def _seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _window(text: str) -> TimeWindow:
    start, end = text.split("-")
    return TimeWindow(_seconds(start), _seconds(end))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Equirectangular is exact enough for spacing points a few km apart.
    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _service_s(volume_m3: float, bin_m3: float) -> int:
    bins = max(1, math.ceil(volume_m3 / bin_m3))
    seconds = figure("service_base") + figure("service_per_bin") * bins
    # Whole minutes: the workbook states service times in minutes.
    return int(60 * math.ceil(min(seconds, figure("service_max")) / 60))


def _density(stream: Stream) -> float:
    return figure(f"density_{stream.value}")


@dataclass(frozen=True)
class _Point:
    """A place where waste is collected, before it is split into one stop per stream."""

    id: str
    name: str
    lat: float
    lon: float
    area: str
    kind: str
    window: TimeWindow | None
    extra: dict[str, str]


def _stop(point: _Point, stream: Stream, daily_kg: float, frequency: int, bin_m3: float) -> Stop:
    per_visit_kg = round(float(daily_kg) * 7 / frequency, 1)
    volume = round(per_visit_kg / _density(stream), 3)
    if stream is Stream.MEDICAL:
        service = int(figure("service_medical"))
    else:
        service = _service_s(volume, bin_m3)
    return Stop(
        id=f"{point.id}-{stream.value}",
        name=point.name,
        lat=point.lat,
        lon=point.lon,
        stream=stream,
        demand_kg=per_visit_kg,
        demand_m3=volume,
        service_s=service,
        # A point's window is for the daily compactor rounds; vans come in office hours.
        window=point.window if stream in (Stream.KITCHEN, Stream.OTHER) else None,
        frequency_per_week=frequency,
        area=point.area,
        extra={"point": point.id, "kind": point.kind, **point.extra},
    )


def _town_positions(rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    lat0, lon0 = figure("seat_lat"), figure("seat_lon")
    half_h, half_w = figure("town_half_height"), figure("town_half_width")
    found: list[tuple[float, float]] = []
    while len(found) < n:
        # Density falls off from the old centre towards the edge of the town.
        dlat = rng.normal(0.0, half_h / 2)
        dlon = rng.normal(0.0, half_w / 2)
        if abs(dlat) <= half_h and abs(dlon) <= half_w:
            found.append((round(lat0 + dlat, 6), round(lon0 + dlon, 6)))
    return found


def _town_stops(rng: np.random.Generator, size: CountySize) -> list[Stop]:
    n = size.town_points
    kinds = (
        ["market"] * size.markets
        + ["school"] * size.schools
        + ["commercial"] * size.commercial
        + ["residential"] * (n - size.markets - size.schools - size.commercial)
    )
    positions = _town_positions(rng, n)
    weights = np.array([_POINT_WEIGHT[k] for k in kinds]) * rng.lognormal(0.0, 0.4, n)
    town_pop = figure("population_urban") * figure("county_town_share_of_urban") * size.scale
    people = town_pop * weights / weights.sum()
    daily = people * figure("town_waste_per_person")

    residential = [i for i, k in enumerate(kinds) if k == "residential"]
    early = set(
        rng.choice(
            residential, round(_EARLY_RESIDENTIAL_FRACTION * len(residential)), replace=False
        ).tolist()
    )
    eligible = [i for i, k in enumerate(kinds) if k in ("residential", "commercial")]
    recycling = set(rng.choice(eligible, size.recyclable_points, replace=False).tolist())
    hazardous_points = rng.choice(residential, size.hazardous_points, replace=False).tolist()
    # Hazardous points gather the hand-ins of a whole quarter, not of their own compound.
    shares = rng.uniform(0.7, 1.3, size.hazardous_points)
    shares *= daily.sum() * figure("hazardous_capture") / shares.sum()
    hazardous = dict(zip(hazardous_points, shares.tolist(), strict=True))

    kitchen_share = figure("town_food_share") * figure("town_kitchen_capture")
    bin_m3 = figure("bin_urban")
    stops: list[Stop] = []
    for i, (kind, (lat, lon)) in enumerate(zip(kinds, positions, strict=True)):
        pid = f"U{i + 1:04d}"
        window = _WINDOWS["early"] if i in early else _WINDOWS.get(kind)
        point = _Point(
            pid,
            f"{_KIND_ZH[kind]} {pid} (synthetic)",
            lat,
            lon,
            "urban",
            kind,
            window,
            {"population": str(round(people[i]))},
        )
        kitchen = daily[i] * kitchen_share * _KITCHEN_FACTOR[kind]
        recyclable = daily[i] * figure("recyclable_capture") if i in recycling else 0.0
        other = daily[i] - kitchen - recyclable
        stops.append(_stop(point, Stream.KITCHEN, kitchen, _FREQUENCY[Stream.KITCHEN], bin_m3))
        stops.append(_stop(point, Stream.OTHER, other, _FREQUENCY[Stream.OTHER], bin_m3))
        if recyclable:
            freq = _FREQUENCY[Stream.RECYCLABLE]
            stops.append(_stop(point, Stream.RECYCLABLE, recyclable, freq, bin_m3))
        if i in hazardous:
            freq = _FREQUENCY[Stream.HAZARDOUS]
            stops.append(_stop(point, Stream.HAZARDOUS, hazardous[i], freq, bin_m3))
    return stops


def _sample_spaced(
    rng: np.random.Generator,
    n: int,
    draw: Callable[[], tuple[float, float]],
    accept: Callable[[float, float], bool],
    min_gap_km: float,
) -> list[tuple[float, float]]:
    found: list[tuple[float, float]] = []
    for _ in range(10_000 * n):
        lat, lon = draw()
        lat, lon = round(float(lat), 6), round(float(lon), 6)
        if accept(lat, lon) and all(_km(lat, lon, a, b) >= min_gap_km for a, b in found):
            found.append((lat, lon))
            if len(found) == n:
                return found
    raise RuntimeError(f"could not place {n} points {min_gap_km} km apart")


def _township_seats(rng: np.random.Generator) -> list[tuple[float, float]]:
    lat0, lon0 = figure("seat_lat"), figure("seat_lon")

    def draw() -> tuple[float, float]:
        return rng.uniform(*_VILLAGE_LAT), rng.uniform(*_VILLAGE_LON)

    def accept(lat: float, lon: float) -> bool:
        far = _km(lat, lon, lat0, lon0) >= _MIN_SEAT_TO_TOWN_KM
        return far and on_dry_land(lat, lon)

    return _sample_spaced(rng, NUM_TOWNSHIPS, draw, accept, _MIN_SEAT_GAP_KM)


def _village_stops(
    rng: np.random.Generator, seats: Sequence[tuple[float, float]], size: CountySize
) -> list[Stop]:
    lat0, lon0 = figure("seat_lat"), figure("seat_lon")

    def draw() -> tuple[float, float]:
        lat, lon = seats[int(rng.integers(len(seats)))]
        spread = _VILLAGE_SPREAD_DEG
        return lat + rng.normal(0.0, spread), lon + rng.normal(0.0, spread * 1.2)

    def accept(lat: float, lon: float) -> bool:
        in_region = _VILLAGE_LAT[0] <= lat <= _VILLAGE_LAT[1]
        in_region = in_region and _VILLAGE_LON[0] <= lon <= _VILLAGE_LON[1]
        outside_town = _km(lat, lon, lat0, lon0) >= 5.0
        return in_region and outside_town and on_dry_land(lat, lon)

    n = size.villages
    positions = _sample_spaced(rng, n, draw, accept, size.village_gap_km)
    # A village belongs to the nearest seat, which may not be the one it was drawn around.
    seat_of = [min(range(len(seats)), key=lambda k: _km(*p, *seats[k])) for p in positions]
    lo, hi = figure("village_population_min"), figure("village_population_max")
    people = rng.uniform(lo, hi, n).round()
    kitchen_villages = set(
        rng.choice(n, round(figure("village_kitchen_fraction") * n), replace=False).tolist()
    )
    bin_m3 = figure("bin_village")
    stops: list[Stop] = []
    for i, (lat, lon) in enumerate(positions):
        pid = f"V{i + 1:04d}"
        point = _Point(
            pid,
            f"村收集点 {pid} (synthetic)",
            lat,
            lon,
            "village",
            "village",
            None,
            {"population": str(int(people[i])), "township": f"TS{seat_of[i] + 1:02d}"},
        )
        daily = people[i] * figure("rural_waste_per_person")
        kitchen = daily * figure("rural_kitchen_share") if i in kitchen_villages else 0.0
        if kitchen:
            stops.append(_stop(point, Stream.KITCHEN, kitchen, _FREQUENCY[Stream.KITCHEN], bin_m3))
        stops.append(_stop(point, Stream.OTHER, daily - kitchen, _FREQUENCY[Stream.OTHER], bin_m3))
    return stops


def _medical_stops(rng: np.random.Generator, seats: Sequence[tuple[float, float]]) -> list[Stop]:
    per_bed = figure("hospital_medical_per_bed_day") * figure("bed_occupancy")
    # At most 48 h between pick-ups: daily at hospitals, 4 times a week elsewhere.
    township_frequency = math.ceil(7 / figure("medical_days_max"))
    town = _town_positions(rng, len(TOWN_HOSPITAL_BEDS))
    names = ("县人民医院", "县中医院", "县妇幼保健院")
    stops: list[Stop] = []
    for i, ((lat, lon), beds, name) in enumerate(zip(town, TOWN_HOSPITAL_BEDS, names, strict=True)):
        point = _Point(
            f"MED{i + 1:02d}",
            f"{name} (synthetic)",
            lat,
            lon,
            "urban",
            "hospital",
            None,
            {"beds": str(beds)},
        )
        stops.append(_stop(point, Stream.MEDICAL, beds * per_bed, 7, 1.0))
    beds_lo, beds_hi = TOWNSHIP_BEDS_RANGE
    for k, (lat, lon) in enumerate(seats):
        beds = int(rng.integers(beds_lo, beds_hi + 1))
        pid = f"MED{len(TOWN_HOSPITAL_BEDS) + k + 1:02d}"
        point = _Point(
            pid,
            f"乡镇卫生院 TS{k + 1:02d} (synthetic)",
            lat,
            lon,
            "village",
            "health_centre",
            None,
            {"beds": str(beds), "township": f"TS{k + 1:02d}"},
        )
        stops.append(_stop(point, Stream.MEDICAL, beds * per_bed, township_frequency, 1.0))
    return stops


def _sites() -> list[Site]:
    classes = {c["size_class"]: c for c in _data()["station_class"]}
    sites: list[Site] = []
    for row in _data()["site"]:
        options = tuple(
            BuildOption(
                size_class=name,
                capacity_kg_per_day=classes[name]["capacity_t_per_day"] * 1000.0,
                capital_cost=float(classes[name]["capital_cost_yuan"]),
                fixed_cost_per_year=float(classes[name]["fixed_cost_yuan_per_year"]),
            )
            for name in row.get("classes", ())
        )
        capacity = row.get("capacity_t_per_day")
        sites.append(
            Site(
                id=row["id"],
                name=row["name"],
                kind=SiteKind(row["kind"]),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                streams=frozenset(Stream(s) for s in row.get("streams", ())),
                hours=_window(row["hours"]) if "hours" in row else None,
                unload_s=int(row.get("unload_min", 0)) * 60,
                capacity_kg_per_day=None if capacity is None else capacity * 1000.0,
                candidate=bool(row.get("candidate", False)),
                build_options=options,
                extra={"source": row["source"]},
            )
        )
    return sites


def _fleet(size: CountySize) -> list[VehicleType]:
    fleet: list[VehicleType] = []
    for row in _data()["vehicle"]:
        count = int(row["count"])
        if "medical" not in row["streams"]:
            count = math.ceil(count * size.fleet_scale)
        window = _window(row["break"])
        range_km = row.get("range_km")
        capacity_m3 = row.get("capacity_m3")
        fleet.append(
            VehicleType(
                id=row["id"],
                name=row["name"],
                count=count,
                depot=row["depot"],
                streams=frozenset(Stream(s) for s in row["streams"]),
                capacity_kg=float(row["capacity_kg"]),
                capacity_m3=None if capacity_m3 is None else float(capacity_m3),
                fuel=Fuel(row["fuel"]),
                range_m=None if range_km is None else range_km * 1000.0,
                shift=_window(row["shift"]),
                break_=Break(window, int(row["break_min"]) * 60),
                max_stops=int(row["max_stops"]),
                fixed_cost=float(row["fixed_cost"]),
                cost_per_km=float(row["cost_per_km"]),
                cost_per_h=float(row["cost_per_h"]),
                extra={"planned_trips": str(row["planned_trips"]), "source": row["source"]},
            )
        )
    return fleet


def build_demo_county(*, seed: int = DEFAULT_SEED) -> Instance:
    """Build the synthetic demo county on Lankao County's geography.

    Parameters
    ----------
    seed
        Seed of the random generator that places the points and draws their
        sizes; the same seed always gives the same instance.

    Returns
    -------
    Instance
        About 800 stops (one per stream at each town point, village and
        clinic), depots, transfer stations (existing and candidate),
        treatment plants and a mixed fleet, with great-circle travel.

    """
    return _build("demo_county", DEMO_SIZE, seed)


def large_county_size(num_stops: int) -> CountySize:
    """Return the size of a county like the demo with about ``num_stops`` stops.

    Every kind of point grows by the same factor; villages keep their area,
    so they sit closer together (the gap shrinks with the square root of the
    factor). The fleet grows with the factor and a margin
    (``LARGE_FLEET_MARGIN``) so that it is enough.
    """
    demo_stops = 804 - _NUM_MEDICAL  # stops of the demo (seed 2022) apart from medical ones
    if num_stops <= demo_stops + _NUM_MEDICAL:
        raise ValueError(f"a large county has more stops than the demo ({demo_stops + 16})")
    f = (num_stops - _NUM_MEDICAL) / demo_stops
    return CountySize(
        town_points=round(NUM_TOWN_POINTS * f),
        markets=round(NUM_MARKETS * f),
        schools=round(NUM_SCHOOLS * f),
        commercial=round(NUM_COMMERCIAL * f),
        recyclable_points=round(NUM_RECYCLABLE_POINTS * f),
        hazardous_points=round(NUM_HAZARDOUS_POINTS * f),
        villages=round(NUM_VILLAGES * f),
        village_gap_km=_MIN_VILLAGE_GAP_KM / math.sqrt(f),
        scale=f,
        fleet_scale=f * LARGE_FLEET_MARGIN,
    )


def build_large_county(num_stops: int = 10_000, *, seed: int = DEFAULT_SEED) -> Instance:
    """Build a county with the demo's rules and about ``num_stops`` stops.

    Same geography, streams, windows, facilities, multi-trip fleet with
    breaks and stop limits as :func:`build_demo_county`, with every kind of
    point and the fleet scaled (see :func:`large_county_size`); within a few
    stops of ``num_stops``. Seeded like the demo.
    """
    return _build(f"large_county_{num_stops}", large_county_size(num_stops), seed)


def _build(name: str, size: CountySize, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    town = _town_stops(rng, size)
    seats = _township_seats(rng)
    villages = _village_stops(rng, seats, size)
    medical = _medical_stops(rng, seats)
    stops = town + villages + medical
    sites = _sites()
    points = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stops]
    meta = {
        "source": "countyopt synthetic demo county on the geography of Lankao County, Henan; "
        "figures and sources in optimizer/data/demo_county/figures.toml",
        "synthetic": "yes: every point, station, depot and vehicle",
        "licence": "MIT",
        "seed": str(seed),
        "coord_sys": "wgs84",
        "travel": "great-circle distance x 1.3 circuity at 25 km/h (optimizer.distances)",
    }
    if size != DEMO_SIZE:
        meta["scale"] = f"{size.scale:.3f} x the demo county's points and town population"
    return Instance(
        name=name,
        stops=tuple(stops),
        sites=tuple(sites),
        vehicle_types=tuple(_fleet(size)),
        travel=great_circle_matrix(points),
        meta=meta,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write the demo county workbook (or, with ``--stops N``, a large county) to OUT_DIR."""
    args = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python -m optimizer.demo_county OUT_DIR [--stops N] [--seed S]"
    options = {"--stops": 0, "--seed": DEFAULT_SEED}
    rest: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in options and args and args[0].isdigit():
            options[arg] = int(args.pop(0))
        else:
            rest.append(arg)
    if len(rest) != 1:
        print(usage, file=sys.stderr)
        return 2
    from optimizer.io.workbook import write_workbook

    seed = options["--seed"]
    stops = options["--stops"]
    county = build_large_county(stops, seed=seed) if stops else build_demo_county(seed=seed)
    write_workbook(county, rest[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
