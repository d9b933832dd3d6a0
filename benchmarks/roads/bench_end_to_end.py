"""Time and memory from a county workbook to an instance on roads, as `route --roads` does.

Run from the repository root::

    nice -n 10 python benchmarks/roads/bench_end_to_end.py --points 5000 --out /tmp/e2e

Writes a synthetic extract (a 150 × 150 street lattice with three bends
per block edge, see ``bench_matrix.py``) and a workbook of uniformly placed
stops into ``--out``, then reads the workbook (which computes the
straight-line matrix) and puts it on the roads with worker processes.
``--extract`` uses a given extract instead, the stops spread over
``--box``; ``--mixed`` adds a 1.8 m, 3 t van beside the 8 t compactor, so
that two road profiles are computed.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
from bench_matrix import write_grid_pbf

from optimizer.distances import choose_travel
from optimizer.io.load import read_instance

GRID_BOX = (30.005, 30.13, 120.005, 120.15)


def write_county(
    folder: Path, points: int, box: tuple[float, ...] = GRID_BOX, mixed: bool = False
) -> None:
    """Write a workbook with ``points`` stops spread over ``box`` (lat0, lat1, lon0, lon1)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    (folder / "sites.csv").write_text(
        "id,name,kind,lat,lon,streams,open,close,unload_min\n"
        f"D,Depot,depot,{box[0]},{box[2]},,,,\n"
        f"T,Transfer,transfer,{box[1]},{box[3]},other,05:00,20:00,10\n",
        encoding="utf-8",
    )
    lat, lon = rng.uniform(box[0], box[1], points), rng.uniform(box[2], box[3], points)
    rows = "".join(
        f"S{k},s,{a:.6f},{b:.6f},other,100\n" for k, (a, b) in enumerate(zip(lat, lon, strict=True))
    )
    (folder / "stops.csv").write_text("id,name,lat,lon,stream,demand_kg\n" + rows, "utf-8")
    (folder / "vehicles.csv").write_text(
        "type,count,depot,streams,capacity_kg,fuel,shift_start,shift_end,width_m,weight_t\n"
        "C8,20,D,other,8000,diesel,05:00,14:00,2.5,16\n"
        + ("V2,5,D,other,800,diesel,05:00,14:00,1.8,3\n" if mixed else ""),
        encoding="utf-8",
    )
    # Uniform points may fall in parks: the benchmark times matrices, not snapping.
    (folder / "settings.csv").write_text("key,value\nroad_snap_max_m,1000\n", "utf-8")


def main() -> None:
    """Run once and print one result line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/countyopt-e2e"))
    parser.add_argument("--extract", type=Path, default=None)
    parser.add_argument("--box", default=",".join(map(str, GRID_BOX)))
    parser.add_argument("--mixed", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    extract = args.extract or args.out / "grid150.osm.pbf"
    if not extract.exists():
        write_grid_pbf(str(extract), 150)
    book = args.out / f"county{args.points}"
    box = tuple(float(x) for x in args.box.split(","))
    write_county(book, args.points, box, args.mixed)
    start, cpu = time.perf_counter(), time.process_time()
    instance = read_instance(book)
    read_s = time.perf_counter() - start
    instance = choose_travel(
        instance, source=book, roads=extract, cache_dir=args.out / "cache", parallel=True
    )
    wall = time.perf_counter() - start
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total_cpu = time.process_time() - cpu + kids.ru_utime + kids.ru_stime
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"points={args.points} read_workbook_s={read_s:.1f} total_s={wall:.1f} "
        f"cpu_s={total_cpu:.1f} peak_rss_gb={peak:.2f} worker_peak_gb={kids.ru_maxrss / 2**20:.2f} "
        f"travel_source={instance.meta['travel_source']} "
        f"matrices={1 + len({id(m) for m in instance.travel_by_type.values()})}"
    )


if __name__ == "__main__":
    main()
