"""Many-to-many road travel times and distances, and the road path of a leg.

The road graph of one profile gets one extra node per point, placed where the
point snaps onto its segment, so that a stop halfway along a long rural road
is not moved to a junction. Shortest paths are by travel time (what a
dispatcher drives); the distance reported is the length of that fastest path.

Both come out of a single Dijkstra run per source (scipy.sparse.csgraph):
every arc weight is ``deciseconds * 2**30 + decimetres`` as an exact integer
in a float64, so a path's weight orders paths by time first and its remainder
is the path's length. This holds while no path is longer than 2**30 dm
(107,374 km; checked on the whole network) and no path takes longer than
2**23 ds (9.7 days; checked on the results). ``optimizer/roads/README.md`` gives the measurements
behind choosing scipy over a contraction hierarchy.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from optimizer.roads.network import RoadNetwork
from optimizer.roads.profiles import Profile, RoadSpeeds, open_segments, segment_speeds_kmh
from optimizer.roads.snap import Snap, snap

_SLOTS = float(2**30)  # decimetre slots under each decisecond
_BATCH_BYTES = 256 * 2**20  # Dijkstra result rows held at once
# Sources × graph nodes above which worker processes repay their start-up
# (about a second each to import numpy and scipy): roughly a 2 s search.
_PARALLEL_WORK = 5_000_000


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """The directed road graph of one profile with a node for each snapped point."""

    network: RoadNetwork
    graph: csr_matrix
    snap: Snap
    access_s: NDArray[np.float64]  # time from a point to its snapped road position
    point_lat: NDArray[np.float64]
    point_lon: NDArray[np.float64]

    @property
    def num_points(self) -> int:
        """Return the number of snapped points."""
        return len(self.point_lat)

    @property
    def first_point_node(self) -> int:
        """Return the graph node of point 0 (points follow the road nodes)."""
        return len(self.network.node_lat)


def _arcs(
    src: NDArray[np.int64], dst: NDArray[np.int64], t: NDArray[np.float64], d: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    w = np.rint(t * 10.0) * _SLOTS + np.rint(d * 10.0)
    return src, dst, np.maximum(w, 1.0)  # csgraph drops zero weights as "no arc"


def build_graph(
    network: RoadNetwork,
    profile: Profile,
    speeds: RoadSpeeds,
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
) -> RoadGraph:
    """Return the road graph of ``profile`` with the points snapped onto it."""
    if float(network.length_m.sum()) * 10.0 >= _SLOTS:
        raise ValueError(
            "the extract holds more than 107,374 km of road: cut it to the county "
            "(osmium extract --polygon county.geojson)"
        )
    usable = open_segments(network, profile)
    kmh = segment_speeds_kmh(network, speeds)
    seg_t = network.length_m / (kmh / 3.6)
    fwd = usable & (network.oneway >= 0)
    bwd = usable & (network.oneway <= 0)
    n = len(network.node_lat)
    linked = main_component(network, fwd, bwd)
    where = snap(network, usable & linked[network.u] & linked[network.v], lat, lon)
    parts = [
        _arcs(network.u[fwd], network.v[fwd], seg_t[fwd], network.length_m[fwd]),
        _arcs(network.v[bwd], network.u[bwd], seg_t[bwd], network.length_m[bwd]),
    ]
    s, f = where.segment, where.fraction
    pts = n + np.arange(len(s))
    seg_len, t_len = network.length_m[s], seg_t[s]
    u, v = network.u[s], network.v[s]
    for ok, a, b, share in ((fwd[s], u, v, f), (bwd[s], v, u, 1.0 - f)):
        # Along the allowed direction a -> b: reach the point from a, leave it towards b.
        parts.append(_arcs(a[ok], pts[ok], share[ok] * t_len[ok], share[ok] * seg_len[ok]))
        rest = 1.0 - share[ok]
        parts.append(_arcs(pts[ok], b[ok], rest * t_len[ok], rest * seg_len[ok]))
    # Points on one segment: link neighbours directly along it.
    order = np.lexsort((f, s))
    same = s[order[1:]] == s[order[:-1]]
    i, j = order[:-1][same], order[1:][same]
    gap = f[j] - f[i]
    seg = s[i]
    for ok, a, b in ((fwd[seg], i, j), (bwd[seg], j, i)):
        parts.append(
            _arcs(
                pts[a[ok]],
                pts[b[ok]],
                gap[ok] * seg_t[seg[ok]],
                gap[ok] * network.length_m[seg[ok]],
            )
        )
    src = np.concatenate([p[0] for p in parts])
    dst = np.concatenate([p[1] for p in parts])
    w = np.concatenate([p[2] for p in parts])
    # Parallel ways between two nodes: keep the fastest (csr would add them up).
    order = np.lexsort((w, dst, src))
    src, dst, w = src[order], dst[order], w[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    size = n + len(s)
    graph = csr_matrix((w[first], (src[first], dst[first])), shape=(size, size))
    access_kmh = kmh[s]
    return RoadGraph(
        network=network,
        graph=graph,
        snap=where,
        access_s=where.offset_m / (access_kmh / 3.6),
        point_lat=np.asarray(lat, dtype=np.float64),
        point_lon=np.asarray(lon, dtype=np.float64),
    )


def main_component(
    network: RoadNetwork, fwd: NDArray[np.bool_], bwd: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Return which nodes lie in the largest strongly connected part of the directed roads.

    Points snap only onto roads of this part, so every point can reach every
    other: a road cut off by one-way streets or the edge of the extract is
    never the only way in or out of a stop.
    """
    n = len(network.node_lat)
    src = np.concatenate([network.u[fwd], network.v[bwd]])
    dst = np.concatenate([network.v[fwd], network.u[bwd]])
    graph = csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    return np.asarray(labels == np.argmax(np.bincount(labels)))


@dataclass(frozen=True, eq=False)
class RoadMatrix:
    """Point-to-point fastest-path times (s) and their lengths (m); inf = unreachable."""

    duration_s: NDArray[np.float32]
    distance_m: NDArray[np.float32]


def contract(graph: csr_matrix, keep: NDArray[np.bool_]) -> tuple[csr_matrix, NDArray[np.int64]]:
    """Return a smaller graph with the same shortest paths between ``keep`` nodes.

    A node not kept that touches only one other node (a dead end) is dropped;
    one that touches exactly two (a bend of a road, where OpenStreetMap puts
    most of its nodes) is bypassed by arcs adding up its two arcs, which the
    weight encoding keeps exact. Also returns each old node's new index (-1:
    dropped).
    """
    coo = graph.tocoo()
    out: list[dict[int, float]] = [{} for _ in range(graph.shape[0])]
    inn: list[dict[int, float]] = [{} for _ in range(graph.shape[0])]
    for a, b, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        out[a][b] = w
        inn[b][a] = w
    alive = np.ones(graph.shape[0], dtype=bool)
    stack = [int(x) for x in np.flatnonzero(~keep)]
    while stack:
        x = stack.pop()
        if not alive[x]:
            continue
        near = set(out[x]) | set(inn[x])
        if len(near) > 2:
            continue
        for p, q in ((a, b) for a in inn[x] for b in out[x] if a != b):
            w = inn[x][p] + out[x][q]
            if w < out[p].get(q, np.inf):
                out[p][q] = w
                inn[q][p] = w
        for p in inn[x]:
            del out[p][x]
        for q in out[x]:
            del inn[q][x]
        out[x], inn[x] = {}, {}
        alive[x] = False
        stack += [y for y in near if not keep[y] and alive[y]]
    index = np.full(graph.shape[0], -1, dtype=np.int64)
    index[alive] = np.arange(int(alive.sum()))
    src = [int(index[a]) for a in np.flatnonzero(alive) for _ in out[a]]
    dst = [int(index[b]) for a in np.flatnonzero(alive) for b in out[a]]
    wts = [w for a in np.flatnonzero(alive) for w in out[a].values()]
    size = int(alive.sum())
    return csr_matrix((wts, (src, dst)), shape=(size, size)), index


def _rows(
    graph: csr_matrix, sources: NDArray[np.int64], targets: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Return the path weights from ``sources`` to ``targets`` (a worker's share)."""
    return np.asarray(dijkstra(graph, directed=True, indices=sources)[:, targets])


def road_matrix(graph: RoadGraph, *, workers: int = 1) -> RoadMatrix:
    """Return the time and distance matrices between all snapped points.

    ``workers`` > 1 runs the searches in that many processes (scipy's Dijkstra
    holds the GIL) when the work is large enough to repay starting them.
    """
    p = graph.num_points
    first = graph.first_point_node
    keep = np.zeros(graph.graph.shape[0], dtype=bool)
    keep[first:] = True
    small, index = contract(graph.graph, keep)
    targets = index[first : first + p]
    size = small.shape[0]
    batch = max(1, _BATCH_BYTES // (8 * size))
    parallel = workers > 1 and p * size > _PARALLEL_WORK
    if parallel:
        batch = max(1, min(batch, -(-p // (4 * workers))))
    starts = list(range(0, p, batch))
    shares = [targets[lo : lo + batch] for lo in starts]
    # float32: half the memory of float64 (800 MB for both at 10,000 points),
    # exact to a millimetre within 100 km and a millisecond within 2 hours;
    # every engine and the checker read these same numbers.
    dur = np.empty((p, p), dtype=np.float32)
    dist = np.empty((p, p), dtype=np.float32)
    off_d, off_t = graph.snap.offset_m, graph.access_s
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        if parallel
        else None
    )
    try:
        rows = (
            pool.map(_rows, repeat(small), shares, repeat(targets))
            if pool is not None
            else (_rows(small, share, targets) for share in shares)
        )
        for lo, w in zip(starts, rows, strict=True):
            hi = min(p, lo + batch)
            reach = np.isfinite(w)
            if np.any(w[reach] >= 2.0**53):
                raise ValueError("a road path takes over 9 days: is the extract one county?")
            ws = np.where(reach, w, 0.0)
            ds = np.floor(ws / _SLOTS)
            # Plus the straight pieces from the points to the road and back.
            dur[lo:hi] = np.where(reach, ds / 10.0, np.inf) + off_t[lo:hi, None] + off_t[None, :]
            dist[lo:hi] = (
                np.where(reach, (ws - ds * _SLOTS) / 10.0, np.inf)
                + off_d[lo:hi, None]
                + off_d[None, :]
            )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    np.fill_diagonal(dist, 0.0)
    np.fill_diagonal(dur, 0.0)
    return RoadMatrix(duration_s=dur, distance_m=dist)


def leg_paths(graph: RoadGraph, legs: Sequence[tuple[int, int]]) -> list[list[tuple[float, float]]]:
    """Return the (lat, lon) polyline of the fastest road path of each (from, to) point pair.

    A polyline starts at the ``from`` point, joins the road where the point
    snaps, follows the road and leaves it for the ``to`` point.
    """
    net, where = graph.network, graph.snap
    first = graph.first_point_node
    on_lat = net.node_lat[net.u[where.segment]] + where.fraction * (
        net.node_lat[net.v[where.segment]] - net.node_lat[net.u[where.segment]]
    )
    on_lon = net.node_lon[net.u[where.segment]] + where.fraction * (
        net.node_lon[net.v[where.segment]] - net.node_lon[net.u[where.segment]]
    )
    by_source: dict[int, list[int]] = {}
    for k, (a, _) in enumerate(legs):
        by_source.setdefault(a, []).append(k)
    sources = sorted(by_source)
    # Both Dijkstra arrays (distances and predecessors) per source span the graph.
    batch = max(1, _BATCH_BYTES // (12 * graph.graph.shape[0]))
    out: list[list[tuple[float, float]]] = [[] for _ in legs]
    for lo in range(0, len(sources), batch):
        share = sources[lo : lo + batch]
        _, pred = dijkstra(
            graph.graph,
            directed=True,
            indices=[first + a for a in share],
            return_predecessors=True,
        )
        for row, a in zip(pred, share, strict=True):
            for k in by_source[a]:
                b = legs[k][1]
                line = [(float(graph.point_lat[a]), float(graph.point_lon[a]))]
                if a != b:
                    nodes = [first + b]
                    while nodes[-1] != first + a and row[nodes[-1]] >= 0:
                        nodes.append(int(row[nodes[-1]]))
                    for node in reversed(nodes):
                        if node >= first:
                            line.append((float(on_lat[node - first]), float(on_lon[node - first])))
                        else:
                            line.append((float(net.node_lat[node]), float(net.node_lon[node])))
                    line.append((float(graph.point_lat[b]), float(graph.point_lon[b])))
                out[k] = line
    return out
