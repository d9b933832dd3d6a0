"""Mutated county workbooks through ``countyopt check``: exit 0 or a full report, never a crash.

A seeded slice of the campaign in ``benchmarks/robustness/mutate.py``: each
test draws a valid base workbook, applies one to three mutations of one kind
and runs the command in-process (see ``workbook_mutations.check_book`` for
the oracle). Examples are derandomised so CI runs the same slice every time.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbook_mutations import base_book, check_book, mutate, write_book

_SLICE = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_CELLS = ["set_nasty_text", "break_number", "break_time", "swap_cells"]
_STRUCTURE = [
    "delete_row",
    "duplicate_row",
    "insert_row",
    "clear_rows",
    "mutate_header",
    "mutate_table",
    "mutate_settings",
]
_BYTES = ["mutate_encoding", "mutate_bytes"]
_EXCEL = ["set_nasty_typed", "merge_cells", "mutate_zip", "mutate_bytes", "break_time"]


def _run(data: st.DataObject, ops: list[str], fmt: str, *, commands: bool = False) -> None:
    base = data.draw(st.sampled_from(["good", "chinese_headers", "demo_county"]), label="base")
    names = data.draw(st.lists(st.sampled_from(ops), min_size=1, max_size=3), label="mutations")
    rng = data.draw(st.randoms(use_true_random=False), label="rng")
    lang = data.draw(st.sampled_from(["en", "zh"]), label="lang")
    book = mutate(base_book(base, fmt, max_rows=12), rng, names)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_book(book, Path(tmp))
        outcome = check_book(path, book, lang=lang, commands=commands)
    assert not outcome.failure, (outcome.failure, book.labels)


@_SLICE
@given(data=st.data())
def test_cell_mutations_of_csv_workbooks_are_reported_or_accepted(data: st.DataObject) -> None:
    """Nasty cells (NaN, 1e308, control characters, bad times) are named by file, row, column."""
    _run(data, _CELLS, "csv")


@_SLICE
@given(data=st.data())
def test_row_header_and_table_mutations_never_crash(data: st.DataObject) -> None:
    """Deleted, repeated, blank and title rows, odd headers and tables give exit 0 or 2."""
    _run(data, _STRUCTURE + _CELLS, "csv")


@_SLICE
@given(data=st.data())
def test_encoding_and_byte_mutations_never_crash(data: st.DataObject) -> None:
    """GBK, UTF-16, Latin-1, odd line ends and damaged bytes give exit 0 or 2 naming the file."""
    _run(data, _BYTES, "csv")


@settings(_SLICE, max_examples=25)
@given(data=st.data())
def test_excel_mutations_never_crash(data: st.DataObject) -> None:
    """Typed Excel cells, merged cells and damaged .xlsx archives give exit 0 or 2."""
    _run(data, _EXCEL + _CELLS, "xlsx")


@settings(_SLICE, max_examples=6)
@given(data=st.data())
def test_refused_workbooks_make_route_and_site_exit_2_writing_nothing(
    data: st.DataObject,
) -> None:
    """A workbook the reader refuses stops ``route`` and ``site`` with exit 2 and no output."""
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    _run(data, ["break_number", "break_time", "mutate_bytes"], fmt, commands=True)


@pytest.mark.benchmark
@settings(_SLICE, max_examples=2000)
@given(data=st.data())
def test_long_mutation_run(data: st.DataObject) -> None:
    """Many more mixed mutations (deselected by default; the campaign runs far more)."""
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    _run(data, _CELLS + _STRUCTURE + _BYTES + (_EXCEL if fmt == "xlsx" else []), fmt)
