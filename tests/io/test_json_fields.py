"""Tests of typed JSON field access shared by the instance and solution readers."""

from __future__ import annotations

import pytest

from optimizer.io.json_fields import JsonFields


def test_every_bad_field_is_reported_by_its_path() -> None:
    """Missing, mistyped and non-finite fields each give one problem named by its JSON path."""
    r = JsonFields("x.json")
    doc = {"name": 3, "routes": [{"distance_m": float("nan"), "seed": True}]}
    assert r.text(doc, "", "name") == ""
    assert r.text(doc, "", "engine") == ""
    route = r.objects(doc, "", "routes")[0]
    assert r.number(route, "routes[0]", "distance_m") == 0.0
    assert r.integer(route, "routes[0]", "seed") == 0
    assert [(p.file, p.column, p.value) for p in r.problems] == [
        ("x.json", "name", "3"),
        ("x.json", "engine", ""),
        ("x.json", "routes[0].distance_m", "NaN"),
        ("x.json", "routes[0].seed", "true"),
    ]
    assert "missing" in str(r.problems[1].expected)


@pytest.mark.parametrize(("default", "accepted"), [(None, True), (1.0, False)])
def test_null_is_accepted_only_where_the_default_is_null(default: object, accepted: bool) -> None:
    """An explicit JSON null passes only for optional fields whose default is null."""
    r = JsonFields("x.json")
    assert r.get({"f": None}, "", "f", lambda v: isinstance(v, float), "a number", default) is None
    assert (not r.problems) is accepted
