"""A large generated county for siting at scale: thousands of village stops, dozens of candidates.

The demo county (:mod:`optimizer.demo_county`) keeps its depots, treatment
plants and fleet (not its transfer stations: this county plans its station
network from scratch), except that its incinerator becomes a
regional plant in the prefecture city (Kaifeng, about 45 km west, as many
counties without their own plant do), so that where stations go matters;
its stops and candidate sites are replaced by ``num_stops`` natural-village collection points and
``num_candidates`` candidate transfer-station sites, drawn with a seeded
generator over the county's dry land, each candidate offered the demo's
CJJ/T 47-2016 size classes (V, IV, III). Its villages are collected by the
demo's rural 5 t compactors only. The same arguments always give the same
county.

Write one as a workbook (then site it with ``countyopt site``)::

    python -m optimizer.siting.generated_county OUT_DIR --stops 2000 --candidates 60 --seed 1
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from optimizer.demo_county import build_demo_county, county_bbox, figure, on_dry_land
from optimizer.distances import great_circle_matrix
from optimizer.model import Instance, Site, SiteKind, Stop, Stream

# Assumption: natural villages (自然村) of 100-800 residents, smaller than the
# demo's administrative villages, so that the waste of 2,000 of them (about
# 470 t/day) fits the demo's 600 t/day incinerator.
VILLAGE_PEOPLE = (100.0, 800.0)

# Villages are collected by the demo's rural 5 t compactors (CT5-D); this
# many of them (assumption: about 35 villages per truck and day).
RURAL_TRUCK = "CT5-D"
RURAL_TRUCKS_PER_1000_STOPS = 30

# Synthetic: a regional waste-to-energy plant at the edge of Kaifeng city
# (location approximate), replacing the demo county's own incinerator.
REGIONAL_PLANT = (34.80, 114.30)


def _points(rng: np.random.Generator, count: int) -> list[tuple[float, float]]:
    lat_min, lat_max, lon_min, lon_max = county_bbox()
    found: list[tuple[float, float]] = []
    while len(found) < count:
        lat = float(rng.uniform(lat_min, lat_max))
        lon = float(rng.uniform(lon_min, lon_max))
        if on_dry_land(lat, lon):
            found.append((round(lat, 6), round(lon, 6)))
    return found


def build_generated_county(
    *, num_stops: int = 2000, num_candidates: int = 60, seed: int = 1
) -> Instance:
    """Return the demo county with ``num_stops`` village stops and ``num_candidates`` candidates.

    Parameters
    ----------
    num_stops
        Village collection points (other waste, collected daily; kg/day from
        the population and the demo's rural generation per person).
    num_candidates
        Candidate transfer-station sites, each with the demo's size classes.
    seed
        Seed of the generator; the same seed gives the same county.

    """
    if num_stops < 1 or num_candidates < 0:
        raise ValueError("need at least one stop and no negative number of candidates")
    demo = build_demo_county()
    rng = np.random.default_rng(seed)
    per_person = figure("rural_waste_per_person")
    stops = []
    for k, (lat, lon) in enumerate(_points(rng, num_stops)):
        people = round(float(rng.uniform(*VILLAGE_PEOPLE)))
        stops.append(
            Stop(
                id=f"G{k + 1:05d}",
                name=f"自然村 G{k + 1:05d} (generated)",
                lat=lat,
                lon=lon,
                stream=Stream.OTHER,
                demand_kg=round(people * per_person, 1),
                service_s=300,
                area="village",
                extra={"population": str(people)},
            )
        )
    template = next(s for s in demo.sites if s.kind is SiteKind.TRANSFER and s.candidate)
    candidates = [
        Site(
            id=f"GC{k + 1:02d}",
            name=f"候选站址 GC{k + 1:02d} (generated)",
            kind=SiteKind.TRANSFER,
            lat=lat,
            lon=lon,
            streams=template.streams,
            hours=template.hours,
            unload_s=template.unload_s,
            candidate=True,
            build_options=template.build_options,
        )
        for k, (lat, lon) in enumerate(_points(rng, num_candidates))
    ]
    kept = [
        replace(
            s,
            lat=REGIONAL_PLANT[0],
            lon=REGIONAL_PLANT[1],
            name="区域生活垃圾焚烧发电厂 (开封, synthetic)",
        )
        if s.kind is SiteKind.INCINERATOR
        else s
        for s in demo.sites
        if s.kind is not SiteKind.TRANSFER
    ]
    sites = kept + candidates
    points = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stops]
    meta = {
        **demo.meta,
        "source": f"countyopt generated county: the demo county's plants and fleet, "
        f"{num_stops} generated village stops and {num_candidates} candidate stations "
        f"(optimizer.siting.generated_county, seed {seed})",
        "seed": str(seed),
    }
    return Instance(
        name=f"generated_county_{num_stops}x{num_candidates}_s{seed}",
        stops=tuple(stops),
        sites=tuple(sites),
        vehicle_types=tuple(
            replace(v, count=max(1, round(RURAL_TRUCKS_PER_1000_STOPS * num_stops / 1000)))
            if v.id == RURAL_TRUCK
            else v
            for v in demo.vehicle_types
            if Stream.OTHER not in v.streams or v.id == RURAL_TRUCK
        ),
        travel=great_circle_matrix(points),
        meta=meta,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generated county workbook (see the module doc)."""
    parser = argparse.ArgumentParser(prog="python -m optimizer.siting.generated_county")
    parser.add_argument("out", help="output folder of the workbook")
    parser.add_argument("--stops", type=int, default=2000, help="village stops [2000]")
    parser.add_argument("--candidates", type=int, default=60, help="candidate sites [60]")
    parser.add_argument("--seed", type=int, default=1, help="generator seed [1]")
    args = parser.parse_args(argv)
    from optimizer.io.workbook import write_workbook

    county = build_generated_county(
        num_stops=args.stops, num_candidates=args.candidates, seed=args.seed
    )
    write_workbook(county, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
