"""Mutations of valid county workbooks, and the oracle every mutated workbook must pass.

Shared by the Hypothesis tests in ``tests/io/test_workbook_fuzz.py`` (a
seeded slice) and the long campaign ``benchmarks/robustness/mutate.py``.

A :class:`Book` is a workbook as tables of cells (text for CSV, typed values
for Excel). Mutations change cells, rows, headers, tables, encodings and the
bytes of the written files; each is a function ``(book, rng) -> label``. The
oracle runs ``countyopt check`` in-process and requires exit 0 (the mutation
kept the county valid) or exit 2 with every problem naming its file and what
is expected, never a traceback; a mutation that surely breaks a cell also
requires that cell's file, row and column in the report.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from optimizer.cli import main
from optimizer.i18n import Text
from optimizer.io.cells import Table
from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.io.workbook import read_tables

ROOT = Path(__file__).resolve().parents[2]
BASES = {
    "good": ROOT / "tests" / "data" / "workbook" / "good",
    "chinese_headers": ROOT / "tests" / "data" / "workbook" / "chinese_headers",
    "demo_county": ROOT / "instances" / "demo_county",
}
NUMERIC = {
    "stops": ("lat", "lon", "demand_kg"),
    "sites": ("lat", "lon"),
    "vehicles": ("count", "capacity_kg"),
}
TIMES = {"stops": ("tw_start", "tw_end"), "sites": ("open", "close"), "vehicles": ("shift_start",)}

#: Cell texts that have broken readers somewhere: non-numbers, overflow, clock
#: times out of range, invisible and control characters, formulas, errors.
NASTY_TEXT = (
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "sNaN",
    "1e308",
    "-1e308",
    "1e999999999",
    "1e-400",
    "-1",
    "-0",
    "0",
    "1,000",
    "１２０",
    "0x10",
    "1_0",
    "1e15",
    "9" * 400,
    "abc",
    "厨余",
    "是",
    "#N/A",
    "#DIV/0!",
    "=SUM(A1:A3)",
    "25:61",
    "24:00",
    "48:00",
    "48:01",
    "999:00",
    "7:30",
    "07:30:00",
    "-07:30",
    "2024-05-01",
    "2024-05-01 07:30",
    "2024/5/1 7:30:15",
    "\ufeffS1",
    "S1\u200b",
    "\x1b[31m",
    "a\x00b",
    "x" * 5000,
    "line\nbreak",
    '"',
    "'",
    "<script>alert(1)</script>",
    "🚛",
    "None",
    "null",
    "TRUE",
    "kitchen;other;medical",
    "kitchen;;;",
    "D",
    "T",
    "S1",
)
#: Typed Excel cells: floats beyond finite, dates and times, booleans, formulas.
NASTY_TYPED: tuple[Any, ...] = (
    float("nan"),
    float("inf"),
    1e308,
    -1e308,
    10**20,
    True,
    False,
    dt.time(7, 30),
    dt.time(23, 59, 59),
    dt.datetime(2024, 5, 1, 7, 30),
    dt.datetime(2024, 5, 1),
    dt.date(2024, 5, 1),
    dt.timedelta(hours=26, minutes=30),
    dt.timedelta(hours=-3),
    dt.timedelta(days=40),
    "=1/0",
    "=A1",
    0.3125,
)


@dataclass
class Book:
    """A workbook as tables of cells, its format and what the mutations did to it."""

    tables: dict[str, list[list[Any]]]  # file stem or sheet title -> header + rows
    fmt: str  # "csv" or "xlsx"
    encodings: dict[str, str] = field(default_factory=dict)  # stem -> codec (CSV)
    newline: str = "\n"
    merges: list[tuple[str, str]] = field(default_factory=list)  # (sheet, "A2:A4")
    byte_edits: list[Callable[[str, bytes], bytes]] = field(default_factory=list)
    zip_edits: list[Callable[[bytes], bytes]] = field(default_factory=list)
    #: (file, row, column) the report must name, for cells surely broken.
    must_report: list[tuple[str, int, str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _load_base(name: str) -> dict[str, Table]:
    return read_tables(BASES[name])


_BASE_CACHE: dict[tuple[str, int | None], dict[str, list[list[Any]]]] = {}


def base_book(name: str, fmt: str, *, max_rows: int | None = None) -> Book:
    """Return a fresh copy of base workbook ``name`` in format ``fmt``, cut to ``max_rows``."""
    key = (name, max_rows)
    if key not in _BASE_CACHE:
        tables = _load_base(name)
        _BASE_CACHE[key] = {
            stem: [list(t.headers)] + [list(r) for r in t.rows[:max_rows]]
            for stem, t in tables.items()
        }
    return Book(copy.deepcopy(_BASE_CACHE[key]), fmt)


# --- writing --------------------------------------------------------------


def _csv_text(rows: list[list[Any]], newline: str) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if c is None else str(c) for c in row])
    return out.getvalue()


def write_book(book: Book, target: Path) -> Path:
    """Write ``book`` as a folder of CSV files or an .xlsx file under ``target``; return it."""
    if book.fmt == "csv":
        folder = target / "county"
        folder.mkdir(parents=True)
        for stem, rows in book.tables.items():
            codec = book.encodings.get(stem, "utf-8-sig")
            data = _csv_text(rows, book.newline).encode(codec, errors="replace")
            for edit in book.byte_edits:
                data = edit(stem, data)
            (folder / f"{stem}.csv").write_bytes(data)
        return folder
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for stem, rows in book.tables.items():
        sheet = wb.create_sheet(stem[:31] or "sheet")
        for row in rows:
            sheet.append([_xlsx_value(c) for c in row])
    for title, ref in book.merges:
        if title in wb.sheetnames:
            wb[title].merge_cells(ref)
    path = target / "county.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    for edit in book.zip_edits:
        data = edit(data)
    path.write_bytes(data)
    return path


def _xlsx_value(cell: Any) -> Any:
    # Numbers written as text cells read back as the same text; typed
    # mutations put real numbers, dates and formulas into cells.
    if isinstance(cell, str):
        clean = "".join(ch for ch in cell if ch in "\t\n\r" or ord(ch) >= 32)
        return clean[:32767]
    return cell


# --- cell, row, header and table mutations --------------------------------


def _pick_table(book: Book, rng: random.Random) -> str:
    return rng.choice(sorted(book.tables))


def _pick_cell(book: Book, rng: random.Random) -> tuple[str, int, int] | None:
    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    if len(rows) < 2 or not rows[0]:
        return None
    r = rng.randrange(1, len(rows))
    c = rng.randrange(len(rows[0]))
    return stem, r, c


def _file_name(book: Book, stem: str) -> str:
    return f"{stem}.csv" if book.fmt == "csv" else f"county.xlsx[{stem}]"


def set_nasty_text(book: Book, rng: random.Random) -> str:
    """Put a nasty text into a random cell."""
    where = _pick_cell(book, rng)
    if where is None:
        return "set_nasty_text:none"
    stem, r, c = where
    value = rng.choice(NASTY_TEXT)
    _put(book, stem, r, c, value)
    return f"set_nasty_text:{stem}:{book.tables[stem][0][c]}"


def set_nasty_typed(book: Book, rng: random.Random) -> str:
    """Put a typed Excel value (date, time, inf, formula, bool) into a random cell."""
    if book.fmt != "xlsx":
        return set_nasty_text(book, rng)
    where = _pick_cell(book, rng)
    if where is None:
        return "set_nasty_typed:none"
    stem, r, c = where
    _put(book, stem, r, c, rng.choice(NASTY_TYPED))
    return f"set_nasty_typed:{stem}:{book.tables[stem][0][c]}"


def _put(book: Book, stem: str, r: int, c: int, value: Any) -> None:
    row = book.tables[stem][r]
    row.extend([""] * (c + 1 - len(row)))
    row[c] = value


def break_number(book: Book, rng: random.Random) -> str:
    """Put a surely invalid number into a required numeric cell; the report must name it."""
    stem = rng.choice([s for s in NUMERIC if s in book.tables] or [_pick_table(book, rng)])
    rows = book.tables[stem]
    heads = [str(h) for h in rows[0]] if rows else []
    from optimizer.io.columns import column_of

    cols = [k for k, h in enumerate(heads) if column_of(stem, h) in NUMERIC.get(stem, ())]
    if len(rows) < 2 or not cols:
        return "break_number:none"
    r, c = rng.randrange(1, len(rows)), rng.choice(cols)
    if all(not str(x).strip() for x in rows[r]):
        return "break_number:blank_row"
    bad = rng.choice(["nan", "inf", "-inf", "1e308", "abc", "1e999999999", "#N/A", "12kg"])
    _put(book, stem, r, c, bad)
    book.must_report.append((_file_name(book, stem), r + 1, heads[c]))
    return f"break_number:{stem}:{heads[c]}"


def break_time(book: Book, rng: random.Random) -> str:
    """Put a surely invalid clock time into a time cell; the report must name it."""
    stem = rng.choice([s for s in TIMES if s in book.tables] or [_pick_table(book, rng)])
    rows = book.tables[stem]
    heads = [str(h) for h in rows[0]] if rows else []
    from optimizer.io.columns import column_of

    cols = [k for k, h in enumerate(heads) if column_of(stem, h) in TIMES.get(stem, ())]
    if len(rows) < 2 or not cols:
        return "break_time:none"
    r, c = rng.randrange(1, len(rows)), rng.choice(cols)
    if all(not str(x).strip() for x in rows[r]):
        return "break_time:blank_row"
    bad = rng.choice(["25:61", "99:99", "48:01", "999:00", "7.30", "noon", "2024-05-01"])
    _put(book, stem, r, c, bad)
    book.must_report.append((_file_name(book, stem), r + 1, heads[c]))
    return f"break_time:{stem}:{heads[c]}"


def delete_row(book: Book, rng: random.Random) -> str:
    """Delete a data row."""
    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    if len(rows) > 1:
        del rows[rng.randrange(1, len(rows))]
    return f"delete_row:{stem}"


def duplicate_row(book: Book, rng: random.Random) -> str:
    """Repeat a data row (its id too)."""
    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    if len(rows) > 1:
        k = rng.randrange(1, len(rows))
        rows.insert(rng.randrange(1, len(rows) + 1), list(rows[k]))
    return f"duplicate_row:{stem}"


def insert_row(book: Book, rng: random.Random) -> str:
    """Insert a blank, junk, short, long or title row."""
    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    width = len(rows[0]) if rows else 1
    kind = rng.choice(["blank", "junk", "short", "long", "title", "spaces"])
    new: list[Any] = {
        "blank": [""] * width,
        "junk": [rng.choice(NASTY_TEXT) for _ in range(width)],
        "short": ["x"],
        "long": ["y"] * (width + rng.randint(1, 20)),
        "title": [f"{stem} 清单（单位：kg）"],
        "spaces": [" "] * width,
    }[kind]
    at = 0 if kind == "title" or not rows else rng.randrange(1, len(rows) + 1)
    rows.insert(at, new)
    return f"insert_row:{stem}:{kind}"


def clear_rows(book: Book, rng: random.Random) -> str:
    """Keep only the header of a table, or nothing at all."""
    stem = _pick_table(book, rng)
    book.tables[stem] = book.tables[stem][:1] if rng.random() < 0.7 else []
    return f"clear_rows:{stem}"


def mutate_header(book: Book, rng: random.Random) -> str:
    """Blank, rename, duplicate, translate, pad or BOM-prefix a header; or drop a column."""
    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    if not rows or not rows[0]:
        return f"mutate_header:{stem}:none"
    head = rows[0]
    c = rng.randrange(len(head))
    kind = rng.choice(["blank", "unknown", "duplicate", "chinese", "pad", "bom", "upper", "drop"])
    from optimizer.io.columns import TABLE_COLUMNS, column_of

    if kind == "blank":
        head[c] = ""
    elif kind == "unknown":
        head[c] = "列" + str(rng.randint(1, 99))
    elif kind == "duplicate":
        head[c] = head[rng.randrange(len(head))]
    elif kind == "chinese":
        name = column_of(stem, str(head[c])) if stem in TABLE_COLUMNS else None
        cols = {col.name: col.zh for col in TABLE_COLUMNS.get(stem, ())}
        head[c] = cols.get(name or "", head[c])
    elif kind == "pad":
        head[c] = f"  {head[c]}\t"
    elif kind == "bom":
        head[c] = "\ufeff" + str(head[c])
    elif kind == "upper":
        head[c] = str(head[c]).upper()
    else:
        for row in rows:
            if c < len(row):
                del row[c]
    return f"mutate_header:{stem}:{kind}"


def swap_cells(book: Book, rng: random.Random) -> str:
    """Swap two cells of a row (e.g. lat and lon, or a number and a name)."""
    where = _pick_cell(book, rng)
    if where is None:
        return "swap_cells:none"
    stem, r, c = where
    row = book.tables[stem][r]
    d = rng.randrange(len(row)) if row else 0
    if c < len(row) and d < len(row):
        row[c], row[d] = row[d], row[c]
    return f"swap_cells:{stem}"


def mutate_table(book: Book, rng: random.Random) -> str:
    """Drop a table, rename it, add an unknown one, or give one table two files."""
    stem = _pick_table(book, rng)
    kind = rng.choice(["drop", "rename", "unknown", "twice", "chinese"])
    from optimizer.io.columns import TABLE_ZH

    if kind == "drop":
        del book.tables[stem]
    elif kind == "rename":
        book.tables[f"{stem}_old"] = book.tables.pop(stem)
    elif kind == "unknown":
        book.tables["notes"] = [["备注"], ["county notes"]]
    elif kind == "twice" and stem in TABLE_ZH:
        book.tables[TABLE_ZH[stem]] = copy.deepcopy(book.tables[stem])
    elif kind == "chinese" and stem in TABLE_ZH:
        book.tables[TABLE_ZH[stem]] = book.tables.pop(stem)
    return f"mutate_table:{stem}:{kind}"


def mutate_settings(book: Book, rng: random.Random) -> str:
    """Add a setting with an odd value (coordinate system, circuity, speed, matrix file)."""
    rows = book.tables.setdefault("settings", [["key", "value"]])
    key, value = rng.choice(
        [
            ("coord_sys", "planar"),
            ("coord_sys", "gcj02"),
            ("coord_sys", "utm"),
            ("circuity", "1e308"),
            ("circuity", "0.5"),
            ("circuity", "nan"),
            ("speed_kmh", "1e-300"),
            ("speed_kmh", "0"),
            ("speed_kmh", "-5"),
            ("matrix", "missing.csv"),
            ("matrix", "."),
            ("matrix", "stops.csv"),
            ("name", ""),
            ("name", "<b>x</b>"),
        ]
    )
    rows.append([key, value])
    return f"mutate_settings:{key}={value}"


def many_rows(book: Book, rng: random.Random) -> str:
    """Repeat the stops to 100,000 rows (or a few thousand blank rows)."""
    stem = "stops" if "stops" in book.tables else _pick_table(book, rng)
    rows = book.tables[stem]
    if len(rows) < 2:
        return f"many_rows:{stem}:none"
    if rng.random() < 0.5:
        rows.extend([[""] * len(rows[0]) for _ in range(5000)])
        return f"many_rows:{stem}:blank"
    template = rows[1:]
    while len(rows) < 100_001:
        k = len(rows)
        row = list(template[k % len(template)])
        row[0] = f"X{k}"
        rows.append(row)
    return f"many_rows:{stem}:100000"


# --- encodings and bytes (CSV) ---------------------------------------------


def mutate_encoding(book: Book, rng: random.Random) -> str:
    """Encode a CSV table as GBK, UTF-16, UTF-8 without BOM or Latin-1; or change line ends."""
    if book.fmt != "csv":
        return mutate_zip(book, rng)
    stem = _pick_table(book, rng)
    kind = rng.choice(["gb18030", "utf-16", "utf-8", "latin-1", "cp1252", "crlf", "cr"])
    if kind == "crlf":
        book.newline = "\r\n"
    elif kind == "cr":
        book.newline = "\r"
    else:
        book.encodings[stem] = kind
    return f"mutate_encoding:{stem}:{kind}"


def mutate_bytes(book: Book, rng: random.Random) -> str:
    """Truncate, flip, insert or zero bytes of one CSV file or of the .xlsx."""
    kind = rng.choice(["truncate", "flip", "insert", "zero", "append", "nul", "bom"])
    seed = rng.random()
    if book.fmt == "xlsx":
        book.zip_edits.append(lambda data: _edit_bytes(data, kind, seed))
        return f"mutate_bytes:xlsx:{kind}"
    stem = _pick_table(book, rng)
    book.byte_edits.append(lambda s, data: _edit_bytes(data, kind, seed) if s == stem else data)
    return f"mutate_bytes:{stem}:{kind}"


def _edit_bytes(data: bytes, kind: str, seed: float) -> bytes:
    rng = random.Random(seed)
    if not data:
        return data
    at = rng.randrange(len(data))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            k = rng.randrange(len(buf))
            buf[k] ^= 1 << rng.randrange(8)
        return bytes(buf)
    if kind == "insert":
        return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))) + data[at:]
    if kind == "zero":
        return data[:at] + b"\x00" * min(64, len(data) - at) + data[at + 64 :]
    if kind == "append":
        return data + bytes(rng.randrange(256) for _ in range(32))
    if kind == "nul":
        return data[:at] + b"\x00" + data[at:]
    return b"\xef\xbb\xbf" + data


# --- Excel structure ------------------------------------------------------


def merge_cells(book: Book, rng: random.Random) -> str:
    """Merge a vertical run of cells of one column (合并单元格), or a title across the top."""
    if book.fmt != "xlsx":
        return insert_row(book, rng)
    from openpyxl.utils import get_column_letter

    stem = _pick_table(book, rng)
    rows = book.tables[stem]
    if len(rows) < 3 or not rows[0]:
        return f"merge_cells:{stem}:none"
    if rng.random() < 0.3:
        rows.insert(0, [f"{stem} 清单"])
        book.merges.append((stem[:31], f"A1:{get_column_letter(len(rows[1]))}1"))
        return f"merge_cells:{stem}:title"
    c = rng.randrange(len(rows[0]))
    r0 = rng.randrange(2, len(rows) + 1)
    r1 = min(len(rows), r0 + rng.randint(1, 5))
    for r in range(r0, r1):  # Excel keeps only the first value of a merged range
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = None
    col = get_column_letter(c + 1)
    book.merges.append((stem[:31], f"{col}{r0}:{col}{r1}"))
    return f"merge_cells:{stem}:column"


def mutate_zip(book: Book, rng: random.Random) -> str:
    """Damage the .xlsx as a zip: drop or corrupt a part, bad XML, a huge dimension, entities."""
    if book.fmt != "xlsx":
        return mutate_encoding(book, rng)
    kind = rng.choice(
        ["drop_part", "bad_xml", "dimension", "entities", "truncate", "not_zip", "empty_part"]
    )
    seed = rng.random()
    book.zip_edits.append(lambda data: _edit_zip(data, kind, seed))
    return f"mutate_zip:{kind}"


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (k, (b"&lol%d;" % (k - 1) if k > 1 else b"&lol;") * 10)
        for k in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _edit_zip(data: bytes, kind: str, seed: float) -> bytes:
    rng = random.Random(seed)
    if kind == "truncate":
        return data[: rng.randrange(len(data))]
    if kind == "not_zip":
        return b"id,name\nS1,x\n"
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        names = src.namelist()
        bodies = {name: src.read(name) for name in names}
    except Exception:  # zipfile and zlib raise many kinds on a broken archive
        return data  # an earlier mutation already broke it
    sheets = [n for n in names if n.startswith("xl/worksheets/")] or names
    target = rng.choice(names if kind in ("drop_part", "empty_part") else sheets)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = bodies[name]
            if name == target:
                if kind == "drop_part":
                    continue
                if kind == "empty_part":
                    body = b""
                elif kind == "bad_xml":
                    body = body[: rng.randrange(max(1, len(body)))] + b"<c><v>1</x>"
                elif kind == "dimension":
                    body = re.sub(
                        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body
                    )
                elif kind == "entities":
                    body = _LAUGHS
            dst.writestr(name, body)
    return out.getvalue()


def zip_bomb(data: bytes, *, inflated: int = 300 * 2**20) -> bytes:
    """Return the .xlsx ``data`` with its first sheet's XML padded to ``inflated`` bytes.

    The padding is whitespace between elements, legal XML that deflates about
    a thousandfold: a few hundred KB of file that unpack to what ``inflated`` says.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
    out = io.BytesIO()
    chunk = b" " * 2**20
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = src.read(name)
            if name != sheet:
                dst.writestr(name, body)
                continue
            head, sep, tail = body.partition(b"<sheetData>")
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as part:
                part.write(head + sep)
                for _ in range(inflated // len(chunk)):
                    part.write(chunk)
                part.write(tail)
    return out.getvalue()


MUTATIONS: dict[str, Callable[[Book, random.Random], str]] = {
    f.__name__: f
    for f in (
        set_nasty_text,
        set_nasty_typed,
        break_number,
        break_time,
        delete_row,
        duplicate_row,
        insert_row,
        clear_rows,
        mutate_header,
        swap_cells,
        mutate_table,
        mutate_settings,
        mutate_encoding,
        mutate_bytes,
        merge_cells,
        mutate_zip,
    )
}
#: Mutations that change cells only: the broken cells they make must be reported.
CELL_MUTATIONS = frozenset({"set_nasty_text", "set_nasty_typed", "break_number", "break_time"})
#: Mutations too slow for every draw (100,000 rows): the campaign runs them rarely.
SLOW_MUTATIONS = {"many_rows": many_rows}


def mutate(book: Book, rng: random.Random, names: list[str]) -> Book:
    """Apply the named mutations to ``book`` in order, recording their labels."""
    table = MUTATIONS | SLOW_MUTATIONS
    for name in names:
        book.labels.append(table[name](book, rng))
    return book


# --- the oracle -----------------------------------------------------------


@dataclass
class Outcome:
    """What one mutated workbook did: exit code, seconds, and the failure if any."""

    exit_code: int
    seconds: float
    failure: str = ""


#: CPU seconds one workbook may take to be read and checked (100,000 rows included).
MAX_SECONDS = 20.0


def check_book(
    path: Path, book: Book, *, lang: str = "en", commands: bool = False, cli: bool = True
) -> Outcome:
    """Read the written workbook, run ``countyopt check`` on it, and judge the outcome.

    Without ``cli`` a workbook the reader refuses is judged on the reader's
    problems alone (the campaign's fast path: the command would only print
    them); a workbook it accepts always goes through the command. With
    ``commands``, a refused workbook is also given to ``route`` and ``site``,
    which must exit 2 and write nothing.
    """
    start = time.process_time()
    problems: list[Any] | None = None
    try:
        read_instance(path)
    except InputError as err:
        problems = err.problems
    except Exception as exc:
        return Outcome(-1, time.process_time() - start, f"{type(exc).__name__}: {exc}"[:300])
    failure = _judge_problems(problems, book)
    exit_code = 2
    runner = CliRunner()
    if problems is None or cli:
        result = runner.invoke(main, ["--lang", lang, "check", str(path)])
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            return Outcome(-1, time.process_time() - start, f"{type(exc).__name__}: {exc}"[:300])
        exit_code = result.exit_code
        if "Traceback" in result.output:
            failure = failure or "traceback printed"
        elif exit_code not in (0, 2) or (problems is not None and exit_code != 2):
            failure = failure or f"exit code {exit_code}"
    else:
        for problem in problems:
            problem.line(lang)
    seconds = time.process_time() - start
    if not failure and seconds > MAX_SECONDS:
        failure = f"took {seconds:.1f} s"
    if not failure and commands and problems is not None:
        failure = _judge_commands(path, runner, lang)
    return Outcome(exit_code, seconds, failure)


def _judge_problems(problems: list[Any] | None, book: Book) -> str:
    cells_only = all(label.split(":")[0] in CELL_MUTATIONS for label in book.labels)
    if problems is None:
        if book.must_report and cells_only:
            return f"accepted a workbook with broken cells {book.must_report}"
        return ""
    for p in problems:
        if not p.file or not str(p.expected).strip():
            return f"problem without file or expected: {p!r}"[:300]
        if not isinstance(p.expected, Text):
            return f"expected text in English only: {p.expected!r}"[:300]
    if not cells_only:
        return ""  # a changed header or table may rightly hide the broken cell
    places = {(p.file, p.row, p.column) for p in problems}
    # A file refused as a whole (a NUL byte makes a CSV binary) names no cell.
    whole = {p.file for p in problems if p.row is None}
    for file, row, column in book.must_report:
        if (file, row, column) not in places and file not in whole:
            return f"broken cell {file} row {row} column {column!r} not reported"
    return ""


def _judge_commands(path: Path, runner: CliRunner, lang: str) -> str:
    for command in ("route", "site"):
        out = path.parent / f"out_{command}"
        args = ["--lang", lang, command, str(path), "--out", str(out)]
        if command == "route":
            args += ["--time-limit", "1", "--quiet"]
        result = runner.invoke(main, args)
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            return f"{command}: {type(exc).__name__}: {exc}"[:300]
        if result.exit_code != 2:
            return f"{command}: exit code {result.exit_code} on input the reader refuses"
        if out.exists() and any(out.iterdir()):
            return f"{command}: wrote {sorted(p.name for p in out.iterdir())} on bad input"
        shutil.rmtree(out, ignore_errors=True)
    return ""
