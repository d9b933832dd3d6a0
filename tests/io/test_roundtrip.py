"""Round trips: what a writer writes, its reader reads back to an equal instance."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from optimizer.io import geojson, instance_json
from optimizer.io.load import read_instance
from optimizer.io.workbook import READER_META_KEYS, write_workbook
from optimizer.model import Instance
from tests.strategies import instances

_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _without_provenance(instance: Instance) -> Instance:
    meta = {k: v for k, v in instance.meta.items() if k not in READER_META_KEYS}
    return replace(instance, meta=meta)


@_SETTINGS
@given(instances())
def test_json_round_trip_is_exact(instance: Instance) -> None:
    """Every field of a random instance, matrix included, survives JSON text unchanged."""
    assert instance_json.loads(instance_json.dumps(instance)) == instance


@_SETTINGS
@given(instances())
def test_csv_workbook_round_trip(instance: Instance) -> None:
    """A random instance written as a CSV workbook (English or Chinese headers) reads back equal."""
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("en", "zh"):
            folder = Path(tmp) / lang
            write_workbook(instance, folder, lang=lang)
            assert _without_provenance(read_instance(folder)) == instance


@_SETTINGS
@given(instances(max_stops=4))
def test_xlsx_workbook_round_trip(instance: Instance) -> None:
    """A random instance written as an Excel workbook reads back equal."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.xlsx"
        write_workbook(instance, path, lang="zh")
        assert _without_provenance(read_instance(path)) == instance


@_SETTINGS
@given(instances(max_stops=4))
def test_geojson_round_trip(instance: Instance) -> None:
    """A random instance written as GeoJSON (stops, sites and fleet) reads back equal."""
    back = geojson.parse(geojson.dumps(instance), file="x.geojson")
    assert _without_provenance(back) == instance
