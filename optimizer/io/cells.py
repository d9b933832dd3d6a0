"""Tables read as text, and typed values taken from their cells.

Every reader of tabular input (CSV, Excel, GeoJSON properties) turns its
source into :class:`Table` rows of strings; :class:`Row` converts one cell at
a time and records an :class:`~optimizer.io.errors.InputProblem` naming file,
spreadsheet row, column header, value and what was expected, so that a
reader can list every bad cell at once.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from optimizer.io.columns import TABLE_COLUMNS, column_of
from optimizer.io.errors import InputError, InputProblem
from optimizer.timefmt import parse_clock

_ENCODINGS = ("utf-8-sig", "gb18030")
_LIST_SEPARATORS = re.compile(r"[;,；，、|]")
_TRUE = frozenset({"yes", "y", "true", "1", "是", "对", "x", "✓"})
_FALSE = frozenset({"no", "n", "false", "0", "否", "不是", ""})


@dataclass(frozen=True)
class Table:
    """One table as text: the header as written and the data rows.

    ``first_row`` is the spreadsheet row number of ``rows[0]`` (the header
    is row ``first_row - 1``).
    """

    name: str  # canonical table name, e.g. "stops"
    file: str  # how messages name the source, e.g. "stops.csv" or "county.xlsx[收集点]"
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    first_row: int = 2
    encoding: str = ""
    numbers: tuple[int, ...] = ()  # row numbers of ``rows`` when not consecutive


@dataclass
class Columns:
    """Where each canonical column of a table is, and which headers are extra."""

    table: Table
    index: dict[str, int] = field(default_factory=dict)
    extras: list[tuple[str, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def decode(data: bytes, file: str, problems: list[InputProblem]) -> tuple[str, str] | None:
    """Return (text, encoding) of a CSV file: UTF-8 (BOM or not), else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Excel uses for
    "CSV" on Chinese Windows.
    """
    # NUL bytes never occur in CSV text: they mean UTF-16 ("Unicode text" in
    # Excel) or a binary file renamed, which GB18030 would decode into garbage.
    if b"\x00" not in data:
        for encoding in _ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    problems.append(
        InputProblem(
            file,
            None,
            "",
            "",
            'a CSV text file in UTF-8 or GB18030/GBK (in Excel: Save As "CSV UTF-8"); '
            "this file is binary or UTF-16",
        )
    )
    return None


def parse_csv(text: str, *, name: str, file: str, encoding: str = "") -> Table:
    """Return the table in CSV ``text`` (header on the first line).

    Raises
    ------
    InputError
        If the text is empty or not well-formed CSV.

    """
    if not text.strip():
        raise InputError([InputProblem(file, None, "", "", header_hint(name))])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=",",
        )
    except pd.errors.ParserError as err:
        raise InputError([InputProblem(file, None, "", "", f"well-formed CSV ({err})")]) from err
    values = [[_text(c) for c in r] for r in frame.to_numpy(dtype=object).tolist()]
    head = tuple(values[0])
    rows = tuple(tuple(r) for r in values[1:])
    return Table(name, file, head, rows, 2, encoding)


def _text(cell: object) -> str:
    # pandas fills the missing fields of a short line with NaN even with dtype=str.
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell)


def header_hint(name: str) -> str:
    """Return what an empty table should have held."""
    cols = [c.name for c in TABLE_COLUMNS[name] if c.required]
    return f"a header row with the columns {', '.join(cols)} (the file is empty)"


def locate_columns(table: Table, problems: list[InputProblem]) -> Columns:
    """Match the headers of ``table`` to its canonical columns, reporting gaps and repeats."""
    cols = Columns(table)
    header_row = table.first_row - 1
    for pos, head in enumerate(table.headers):
        name = column_of(table.name, head)
        if name is None:
            if head.strip():
                cols.extras.append((head, pos))
            continue
        if name in cols.index:
            first = table.headers[cols.index[name]]
            problems.append(
                InputProblem(
                    table.file,
                    header_row,
                    head,
                    head,
                    f"each column once; {head!r} and {first!r} both mean {name!r}",
                )
            )
            continue
        cols.index[name] = pos
    for col in TABLE_COLUMNS[table.name]:
        if col.required and col.name not in cols.index:
            cols.missing.append(col.name)
            problems.append(
                InputProblem(
                    table.file,
                    header_row,
                    col.name,
                    "",
                    f"a column {col.name!r} (or {col.zh!r}); headers found: "
                    + ", ".join(repr(h) for h in table.headers),
                )
            )
    return cols


def rows_of(cols: Columns, problems: list[InputProblem]) -> Iterator[Row]:
    """Yield the non-blank data rows of a table whose columns were located."""
    for k, cells in enumerate(cols.table.rows):
        if all(not c.strip() for c in cells):
            continue
        numbers = cols.table.numbers
        yield Row(cols, numbers[k] if numbers else cols.table.first_row + k, cells, problems)


def _fmt_expected(low: float | None, high: float | None, what: str) -> str:
    if low is not None and high is not None:
        return f"{what} between {low:g} and {high:g}"
    if low is not None:
        return f"{what} >= {low:g}"
    if high is not None:
        return f"{what} <= {high:g}"
    return what


class Row:
    """One data row: typed access to its cells, recording every bad value."""

    def __init__(
        self, cols: Columns, number: int, cells: Sequence[str], problems: list[InputProblem]
    ) -> None:
        self.cols = cols
        self.row_no = number
        self.cells = cells
        self.problems = problems
        self._start = len(problems)

    @property
    def ok(self) -> bool:
        """Return whether no cell of this row has been reported so far."""
        return len(self.problems) == self._start

    def header(self, name: str) -> str:
        """Return the header as written for canonical column ``name``."""
        pos = self.cols.index.get(name)
        return name if pos is None else self.cols.table.headers[pos]

    def raw(self, name: str) -> str:
        """Return the cell of column ``name`` as written, or "" if absent."""
        pos = self.cols.index.get(name)
        if pos is None or pos >= len(self.cells):
            return ""
        return self.cells[pos]

    def text(self, name: str) -> str:
        """Return the cell of column ``name`` without surrounding spaces."""
        return self.raw(name).strip()

    def report(self, name: str, value: str, expected: str) -> None:
        """Record a problem with the cell of column ``name``."""
        self.problems.append(
            InputProblem(self.cols.table.file, self.row_no, self.header(name), value, expected)
        )

    def required(self, name: str) -> str | None:
        """Return the non-empty text of ``name``, or report it as missing."""
        text = self.text(name)
        if not text and name not in self.cols.missing:
            self.report(name, "", f"a value in {name!r} (the cell is empty)")
            return None
        return text or None

    def decimal(
        self,
        name: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        unit: str = "",
    ) -> Decimal | None:
        """Return the number in ``name`` as an exact decimal, or None if empty or bad."""
        text = self.text(name)
        what = f"a number{f' in {unit}' if unit else ''}"
        if not text:
            if required and name not in self.cols.missing:
                self.report(name, "", f"{what} (the cell is empty)")
            return None
        try:
            value = Decimal(text.replace("，", "").replace(",", "").replace("_", ""))
        except InvalidOperation:
            value = Decimal("NaN")
        expected = _fmt_expected(low, high, what)
        if low_open and low is not None:
            expected = expected.replace(f">= {low:g}", f"> {low:g}")
        if not value.is_finite():
            self.report(name, text, expected)
            return None
        if (
            low is not None
            and (value < Decimal(repr(low)) or (low_open and value == Decimal(repr(low))))
        ) or (high is not None and value > Decimal(repr(high))):
            self.report(name, text, expected)
            return None
        return value

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        scale: int = 0,
        unit: str = "",
    ) -> float | None:
        """Return the number in ``name`` times ``10**scale`` (exact), or None."""
        value = self.decimal(
            name, required=required, low=low, high=high, low_open=low_open, unit=unit
        )
        return None if value is None else float(value.scaleb(scale))

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        """Return the whole number in ``name``, or None."""
        value = self.decimal(name, required=required, low=low, high=high)
        if value is None:
            return None
        if value != value.to_integral_value():
            self.report(name, self.text(name), _fmt_expected(low, high, "a whole number"))
            return None
        return int(value)

    def seconds(
        self, name: str, *, per: int, required: bool = False, low: float | None = 0.0
    ) -> int | None:
        """Return a duration given in minutes (``per=60``) or hours (3600) as whole seconds."""
        unit = {60: "minutes", 3600: "hours"}.get(per, f"units of {per} s")
        value = self.decimal(name, required=required, low=low, unit=unit)
        return None if value is None else round(value * per)

    def time(self, name: str, *, required: bool = False) -> int | None:
        """Return a clock time "HH:MM" or "HH:MM:SS" as seconds from midnight, or None.

        Hours past 24 stand for the next day (night shifts: "26:30").
        """
        text = self.text(name)
        if not text:
            if required and name not in self.cols.missing:
                self.report(name, "", "a time HH:MM (the cell is empty)")
            return None
        seconds = parse_clock(text)
        if seconds is None:
            self.report(name, text, "a time HH:MM, e.g. 07:30 (after midnight: 25:30)")
        return seconds

    def flag(self, name: str) -> bool:
        """Return a yes/no cell (yes, no, true, false, 1, 0, 是, 否) as a bool."""
        text = self.text(name).lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self.report(name, self.text(name), "yes or no (是 or 否; true/false, 1/0)")
        return False

    def items(self, name: str) -> list[str]:
        """Return the items of a list cell separated by ; , 、 or |."""
        return [p.strip() for p in _LIST_SEPARATORS.split(self.text(name)) if p.strip()]

    def extra(self) -> dict[str, str]:
        """Return the non-empty cells of the extra columns, by header."""
        out: dict[str, str] = {}
        for head, pos in self.cols.extras:
            value = self.cells[pos] if pos < len(self.cells) else ""
            if value.strip():
                out[head] = value
        return out


def format_number(value: float, *, scale: int = 0) -> str:
    """Return ``value`` times ``10**scale`` as exact decimal text ("" for NaN).

    Shifting the decimal point of ``repr(value)`` is exact, so
    ``Row.number(..., scale=-scale)`` reads back the very same float.
    """
    value = float(value)
    if math.isnan(value):
        return ""
    if value.is_integer() and scale == 0 and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)).scaleb(scale), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def cell_text(value: object) -> str:
    """Return a typed value (an Excel cell, a JSON property) as the text a user would type.

    Readers of typed formats convert with this so that :class:`Row` parses
    every format alike: None is empty, booleans are yes/no, floats keep every
    digit (``repr``) and lists are joined with ";".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    return str(value)
