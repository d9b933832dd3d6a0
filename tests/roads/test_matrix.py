"""Road matrices: straight-line bound, one-way streets, vehicle limits, snapping, cache."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from optimizer.distances import haversine_m
from optimizer.roads.matrix import build_graph, leg_paths, road_matrix
from optimizer.roads.network import read_roads
from optimizer.roads.profiles import Profile, default_speeds

SPEEDS = default_speeds("urban")
VAN = Profile(width_m=1.8, height_m=2.2, weight_t=3.0)
COMPACTOR = Profile(width_m=2.5, height_m=3.4, weight_t=8.0, hgv=True)


def _matrix(extract: Path, profile: Profile, points: list[tuple[float, float]]) -> np.ndarray:
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    graph = build_graph(read_roads(extract, SPEEDS.classes), profile, SPEEDS, lat, lon)
    return road_matrix(graph).distance_m


def test_road_distances_never_shorter_than_straight_lines(helsinki: Path) -> None:
    """Every road distance between 60 points in Helsinki is at least the great-circle distance."""
    rng = np.random.default_rng(7)
    lat = rng.uniform(60.167, 60.176, 60)
    lon = rng.uniform(24.938, 24.950, 60)
    graph = build_graph(read_roads(helsinki, SPEEDS.classes), COMPACTOR, SPEEDS, lat, lon)
    matrix = road_matrix(graph)
    straight = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert np.all(np.isfinite(matrix.distance_m))
    # Lengths are summed in whole decimetres per arc: allow that rounding.
    assert np.all(matrix.distance_m >= straight - 1.0)
    assert np.median(matrix.distance_m[straight > 0] / straight[straight > 0]) > 1.1


def test_one_way_street_changes_a_to_b_versus_b_to_a(ladder: Path) -> None:
    """Driving with a one-way street is short; against it the van goes round the block."""
    a, b = (30.0031, 120.0025), (30.0031, 120.0075)
    d = _matrix(ladder, VAN, [a, b])
    assert d[0, 1] == pytest.approx(482 + 2 * 11, abs=5)  # along North St, 11 m off it each end
    assert d[1, 0] > 4 * d[0, 1]  # round by East Ave, South St and West Ave


def test_narrow_lane_is_used_by_the_van_and_avoided_by_the_compactor(ladder: Path) -> None:
    """A lane signed 2 m wide carries the 1.8 m van but not the 2.5 m compactor."""
    south, north = (30.0000, 120.0045), (30.0031, 120.0055)
    van = _matrix(ladder, VAN, [south, north])
    truck = _matrix(ladder, COMPACTOR, [south, north])
    assert van[0, 1] < 500  # up the lane
    assert truck[0, 1] > 2 * van[0, 1]  # round by West Ave


def test_weight_limit_closes_signed_ways_to_heavy_trucks(helsinki: Path) -> None:
    """Helsinki ways signed maxweight 4.5 t stay open to a 3 t van and close to an 8 t truck."""
    network = read_roads(helsinki, SPEEDS.classes)
    from optimizer.roads.profiles import open_segments

    signed = network.maxweight_t == 4.5
    assert signed.any()
    assert open_segments(network, VAN)[signed].all()
    assert not open_segments(network, COMPACTOR)[signed].any()


def test_leg_path_follows_the_roads(ladder: Path) -> None:
    """The shape of B->A against the one-way street runs through the far corners of the block."""
    lat, lon = np.array([30.0031, 30.0031]), np.array([120.0025, 120.0075])
    graph = build_graph(read_roads(ladder, SPEEDS.classes), VAN, SPEEDS, lat, lon)
    (line,) = leg_paths(graph, [(1, 0)])
    assert line[0] == (30.0031, 120.0075) and line[-1] == (30.0031, 120.0025)
    corners = {(round(la, 4), round(lo, 4)) for la, lo in line}
    assert {(30.003, 120.01), (30.0, 120.01), (30.0, 120.0), (30.003, 120.0)} <= corners
    length = sum(
        float(haversine_m(np.array(p[0]), np.array(p[1]), np.array(q[0]), np.array(q[1])))
        for p, q in itertools.pairwise(line)
    )
    assert length == pytest.approx(road_matrix(graph).distance_m[1, 0], rel=0.01)


def test_unknown_dimensions_apply_no_limit(ladder: Path) -> None:
    """A vehicle type without dimensions is not held back by width signs."""
    assert math.isinf(Profile().width_m)
    south, north = (30.0000, 120.0045), (30.0031, 120.0055)
    assert _matrix(ladder, Profile(), [south, north])[0, 1] < 500


def test_contracting_road_bends_keeps_every_shortest_path(helsinki: Path) -> None:
    """Bypassing dead ends and bends gives the very same matrix, on a third of the nodes."""
    from scipy.sparse.csgraph import dijkstra

    from optimizer.roads.matrix import contract

    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(60.167, 60.176, 80), rng.uniform(24.938, 24.950, 80)
    graph = build_graph(read_roads(helsinki, SPEEDS.classes), COMPACTOR, SPEEDS, lat, lon)
    points = np.arange(graph.first_point_node, graph.graph.shape[0])
    keep = np.zeros(graph.graph.shape[0], dtype=bool)
    keep[points] = True
    small, index = contract(graph.graph, keep)
    assert small.shape[0] < graph.graph.shape[0] / 2
    full = dijkstra(graph.graph, indices=points)[:, points]
    fast = dijkstra(small, indices=index[points])[:, index[points]]
    assert np.array_equal(full, fast)


def test_worker_processes_give_the_same_matrix(
    helsinki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Splitting the searches over two processes changes no number of the matrix."""
    import optimizer.roads.matrix as matrix_module

    rng = np.random.default_rng(11)
    lat, lon = rng.uniform(60.167, 60.176, 40), rng.uniform(24.938, 24.950, 40)
    graph = build_graph(read_roads(helsinki, SPEEDS.classes), COMPACTOR, SPEEDS, lat, lon)
    alone = road_matrix(graph)
    monkeypatch.setattr(matrix_module, "_PARALLEL_WORK", 0)
    shared = road_matrix(graph, workers=2)
    assert np.array_equal(alone.duration_s, shared.duration_s)
    assert np.array_equal(alone.distance_m, shared.distance_m)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("3.5", "t", 3.5),
        ("3.5 t", "t", 3.5),
        ("2.2 m", "m", 2.2),
        ("2.2m", "m", 2.2),
        ("7'6\"", "m", math.inf),
        ("none", "t", math.inf),
        ("", "m", math.inf),
        ("12 st", "t", math.inf),
    ],
)
def test_limit_tags_are_read_in_tonnes_and_metres(text: str, unit: str, expected: float) -> None:
    """Limit signs in t or m are read; feet, 'none' and other units impose no limit."""
    from optimizer.roads.network import limit_value

    assert limit_value(text, unit) == expected


def test_cached_roads_read_back_equal(helsinki: Path, tmp_path: Path) -> None:
    """Roads parsed once and read from the cache are the same arrays, names and limits."""
    fresh = read_roads(helsinki, SPEEDS.classes, cache_dir=tmp_path)
    cached = read_roads(helsinki, SPEEDS.classes, cache_dir=tmp_path)
    assert len(list((tmp_path / "roads").glob("*.npz"))) == 1
    for name in ("node_lat", "u", "v", "length_m", "oneway", "maxweight_t", "hgv_closed"):
        assert np.array_equal(getattr(fresh, name), getattr(cached, name), equal_nan=True)
        assert getattr(fresh, name).dtype == getattr(cached, name).dtype
    assert cached.way_name == fresh.way_name and cached.way_name
    assert cached.classes == fresh.classes and cached.digest == fresh.digest
