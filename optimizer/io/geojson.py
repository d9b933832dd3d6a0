"""GeoJSON FeatureCollections of stops and sites (RFC 7946: WGS-84 lon/lat).

Each stop and site is a Point feature whose properties are the columns of
the workbook's ``stops`` or ``sites`` table (English or Chinese names), plus
``"table": "stops" | "sites"``. Features without ``table`` are sites when
they have a ``kind``, else stops, so that points drawn in any GIS tool can
be read (without a fleet the instance has no vehicle types, which
``optimizer.model.check`` reports). The fleet and settings travel as foreign
members ``countyopt:vehicles``, ``countyopt:build_options``,
``countyopt:settings`` and ``countyopt:matrix`` (lists of row objects), so a
file we write reads back to an equal instance.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from optimizer.i18n import Lang, Text
from optimizer.io.atomic import write_text_atomic
from optimizer.io.cells import Table, cell_text
from optimizer.io.columns import column_of, table_of
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import parse_json_text, read_input_text
from optimizer.io.workbook import parse_tables, typed_cell, workbook_tables
from optimizer.model import Instance

_MEMBER = "countyopt:"
_LOCATED = ("sites", "stops")


def to_dict(instance: Instance, *, lang: Lang = "en") -> dict[str, Any]:
    """Return ``instance`` as a GeoJSON FeatureCollection (a dict)."""
    tables = workbook_tables(instance, lang=lang)
    english = workbook_tables(instance)
    features: list[dict[str, Any]] = []
    for name in _LOCATED:
        heads, rows = tables[name]
        canon = english[name][0]
        lat, lon = canon.index("lat"), canon.index("lon")
        for row in rows:
            props: dict[str, Any] = {"table": name}
            for k, (head, text) in enumerate(zip(heads, row, strict=True)):
                if k not in (lat, lon):
                    props[head] = typed_cell(name, canon[k], text)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(row[lon]), float(row[lat])],
                    },
                    "properties": props,
                }
            )
    doc: dict[str, Any] = {"type": "FeatureCollection", "name": instance.name, "features": features}
    for name, (heads, rows) in tables.items():
        if name not in _LOCATED:
            canon = english[name][0]
            doc[_MEMBER + name] = [
                {h: typed_cell(name, c, v) for h, c, v in zip(heads, canon, row, strict=True)}
                for row in rows
            ]
    return doc


def dumps(instance: Instance, *, lang: Lang = "en") -> str:
    """Return ``instance`` as GeoJSON text."""
    return json.dumps(to_dict(instance, lang=lang), ensure_ascii=False, allow_nan=False)


def write_geojson(instance: Instance, path: str | Path, *, lang: Lang = "en") -> None:
    """Write the stops and sites of ``instance`` (and its fleet) as GeoJSON, atomically."""
    write_text_atomic(path, dumps(instance, lang=lang) + "\n")


def _table(name: str, file: str, records: list[tuple[int, dict[str, Any]]]) -> Table:
    heads: list[str] = []
    for _, rec in records:
        heads += [h for h in rec if h not in heads]
    rows = tuple(tuple(cell_text(rec.get(h)) for h in heads) for _, rec in records)
    return Table(name, file, tuple(heads), rows, numbers=tuple(n for n, _ in records))


def _feature_table(props: dict[str, Any]) -> str:
    named = props.get("table")
    if isinstance(named, str) and table_of(named) in _LOCATED:
        return table_of(named) or "stops"
    return "sites" if any(column_of("sites", h) == "kind" for h in props) else "stops"


def parse(text: str, *, file: str = "<geojson>", coord_sys: str | None = None) -> Instance:
    """Return the instance in GeoJSON ``text`` (see the module docstring).

    Raises
    ------
    InputError
        Listing every bad feature (numbered from 1) and every bad value.

    """
    doc = parse_json_text(text, file=file)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        expected = Text("a GeoJSON FeatureCollection", "GeoJSON 要素集合（FeatureCollection）")
        raise InputError([InputProblem(file, None, "type", "", expected)])
    features = doc.get("features")
    if not isinstance(features, list):
        expected = Text("a list of features", "要素（feature）列表")
        raise InputError([InputProblem(file, None, "features", "", expected)])
    where = f"{file} features"
    problems: list[InputProblem] = []
    located: dict[str, list[tuple[int, dict[str, Any]]]] = {name: [] for name in _LOCATED}
    for k, feat in enumerate(features, start=1):
        geometry = feat.get("geometry") if isinstance(feat, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not (
            isinstance(geometry, dict)
            and geometry.get("type") == "Point"
            and isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2])
        ):
            problems.append(
                InputProblem(
                    where,
                    k,
                    "geometry",
                    "",
                    Text("a Point with [longitude, latitude]", "点（Point），坐标为 [经度, 纬度]"),
                )
            )
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(InputProblem(where, k, "properties", "", Text("an object", "对象")))
            continue
        record = {h: v for h, v in props.items() if h != "table"}
        record.update(lat=coords[1], lon=coords[0])
        located[_feature_table(props)].append((k, record))
    tables = {name: _table(name, where, recs) for name, recs in located.items()}
    for key, value in doc.items():
        name = table_of(key[len(_MEMBER) :]) if key.startswith(_MEMBER) else None
        if name is None or name in _LOCATED:
            continue
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            problems.append(
                InputProblem(file, None, key, "", Text("a list of row objects", "行对象列表"))
            )
            continue
        tables[name] = _table(name, f"{file} {key}", list(enumerate(value, start=1)))
    if problems:
        raise InputError(problems)
    name = doc.get("name") if isinstance(doc.get("name"), str) else Path(file).stem
    return parse_tables(
        tables, name=str(name), coord_sys=coord_sys, meta={"input_format": "geojson"}
    )


def read_geojson(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read a GeoJSON FeatureCollection of stops and sites into an instance."""
    return parse(read_input_text(path), file=Path(path).name, coord_sys=coord_sys)
