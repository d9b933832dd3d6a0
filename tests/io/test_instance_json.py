"""The native JSON format: bad documents are refused with the JSON path of each bad field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimizer.io import geojson, instance_json
from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.model import SiteKind, Stream

GOOD = Path(__file__).resolve().parents[1] / "data" / "workbook" / "good"


def test_every_bad_field_is_named_by_path() -> None:
    """A string demand and an unknown stream are both reported with their JSON paths."""
    doc = instance_json.to_dict(read_instance(GOOD))
    doc["stops"][1]["demand_kg"] = "300"
    doc["stops"][2]["stream"] = "rubble"
    with pytest.raises(InputError) as err:
        instance_json.loads(json.dumps(doc), file="x.json")
    places = {p.column for p in err.value.problems}
    assert {"stops[1].demand_kg", "stops[2].stream"} <= places


def test_file_round_trip_via_read_instance(tmp_path: Path) -> None:
    """write_instance_json then read_instance gives the same instance back."""
    inst = read_instance(GOOD)
    instance_json.write_instance_json(inst, tmp_path / "c.json")
    assert read_instance(tmp_path / "c.json") == inst


def test_plain_geojson_points_become_stops_and_sites() -> None:
    """Points drawn in a GIS tool (Chinese properties, no fleet) read as stops and sites."""
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [114.3, 34.8]},
                "properties": {"编号": "S1", "垃圾类别": "厨余垃圾", "产生量_kg": 50},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [114.31, 34.79]},
                "properties": {"id": "D", "kind": "车场"},
            },
        ],
    }
    inst = geojson.parse(json.dumps(doc, ensure_ascii=False), file="drawn.geojson")
    assert inst.stop("S1").stream is Stream.KITCHEN and inst.stop("S1").lat == 34.8
    assert inst.site("D").kind is SiteKind.DEPOT
    assert inst.vehicle_types == ()


def test_geojson_line_feature_is_refused_with_its_number() -> None:
    """A LineString among the points is reported as feature 2 needing a Point."""
    point = {"type": "Point", "coordinates": [114.3, 34.8]}
    line = {"type": "LineString", "coordinates": [[114.3, 34.8], [114.4, 34.9]]}
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": point, "properties": {"id": "S1"}},
            {"type": "Feature", "geometry": line, "properties": {"id": "S2"}},
        ],
    }
    with pytest.raises(InputError) as err:
        geojson.parse(json.dumps(doc), file="drawn.geojson")
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "geometry")]
