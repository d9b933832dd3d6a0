"""Header and value aliases: unambiguous, documented, and understood in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io import columns
from optimizer.model import Fuel, SiteKind, Stream

README = Path(columns.__file__).with_name("README.md")


@pytest.mark.parametrize("table", sorted(columns.TABLE_COLUMNS))
def test_no_alias_names_two_columns(table: str) -> None:
    """Within a table every accepted header maps to exactly one column."""
    seen: dict[str, str] = {}
    for col in columns.TABLE_COLUMNS[table]:
        for alias in (col.name, col.zh, *col.aliases):
            key = columns.normalise(alias)
            assert seen.setdefault(key, col.name) == col.name, (table, alias)


def test_readme_documents_every_alias() -> None:
    """The user doc lists every header alias and every Chinese table name."""
    text = README.read_text(encoding="utf-8")
    for table, cols in columns.TABLE_COLUMNS.items():
        assert columns.TABLE_ZH[table] in text
        for col in cols:
            for alias in (col.name, col.zh, *col.aliases):
                assert alias in text, (table, alias)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("厨余垃圾", Stream.KITCHEN),
        ("其他垃圾", Stream.OTHER),
        ("可回收物", Stream.RECYCLABLE),
        ("有害垃圾", Stream.HAZARDOUS),
        ("医疗废物", Stream.MEDICAL),
        (" Kitchen ", Stream.KITCHEN),
    ],
)
def test_chinese_stream_names(text: str, expected: Stream) -> None:
    """The national classification's Chinese names map to the model's streams."""
    assert columns.stream_of(text) is expected


def test_kind_and_fuel_names() -> None:
    """Chinese site kinds and fuels are recognised; nonsense is not."""
    assert columns.kind_of("转运站") is SiteKind.TRANSFER
    assert columns.fuel_of("纯电动") is Fuel.ELECTRIC
    assert columns.fuel_of("steam") is None
