"""User-supplied travel matrices in long format: ``from,to,distance_m,duration_s``.

One row per ordered pair; asymmetric values are kept as given. A missing
diagonal entry means 0; every other missing pair, an id the instance does
not know, a repeated pair or a bad number is reported with its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.cells import MAX_CSV_BYTES, Table, decode, locate_columns, parse_csv, rows_of
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import TravelMatrix

_MAX_LISTED = 10  # missing pairs listed one by one before summarising


def read_matrix_table(path: Path) -> Table:
    """Return the text table of a matrix CSV file (UTF-8 or GB18030).

    Raises
    ------
    InputError
        If the file is missing, empty or cannot be decoded.

    """
    if not path.is_file():
        raise InputError(
            [
                InputProblem(
                    str(path),
                    None,
                    "",
                    "",
                    Text("an existing matrix CSV file", "存在的距离矩阵 CSV 文件"),
                )
            ]
        )
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        limit = MAX_CSV_BYTES // 2**20
        expected = Text(
            f"a matrix CSV file of at most {limit} MB", f"不超过 {limit} MB 的距离矩阵 CSV 文件"
        )
        raise InputError([InputProblem(path.name, None, "", f"{size:,} bytes", expected)])
    problems: list[InputProblem] = []
    decoded = decode(path.read_bytes(), path.name, problems)
    if decoded is None:
        raise InputError(problems)
    return parse_csv(decoded[0], name="matrix", file=path.name, encoding=decoded[1])


def parse_matrix(
    table: Table, ids: Sequence[str], problems: list[InputProblem]
) -> TravelMatrix | None:
    """Return the travel matrix over ``ids`` given in ``table``, or None after problems.

    Parameters
    ----------
    table
        The matrix table as text (canonical name ``matrix``).
    ids
        Every location id of the instance; the matrix is ordered like them.
    problems
        Where problems are appended.

    """
    start = len(problems)
    cols = locate_columns(table, problems)
    if cols.missing:
        return None
    index = {i: k for k, i in enumerate(ids)}
    n = len(ids)
    dist = np.full((n, n), np.nan)
    dur = np.full((n, n), np.nan)
    seen: dict[tuple[int, int], int] = {}
    for row in rows_of(cols, problems):
        ends = []
        for col in ("from", "to"):
            value = row.required(col)
            if value is not None and value not in index:
                row.report(
                    col,
                    value,
                    Text("the id of a stop or site of the instance", "某个收集点或设施的编号"),
                )
            ends.append(index.get(value or ""))
        # Bounds: a tenth of the way to the moon, and four months.
        d = row.number("distance_m", required=True, low=0, high=4e7, unit="m")
        t = row.number("duration_s", required=True, low=0, high=1e7, unit="s")
        a, b = ends
        if a is None or b is None or not row.ok:
            continue
        if (a, b) in seen:
            row.report(
                "from",
                ids[a],
                Text(
                    f"each pair once; {ids[a]!r} -> {ids[b]!r} is also in row {seen[a, b]}",
                    f"每对只出现一次；{ids[a]!r} -> {ids[b]!r} 也出现在第 {seen[a, b]} 行",
                ),
            )
            continue
        seen[a, b] = row.row_no
        dist[a, b], dur[a, b] = d, t
    np.fill_diagonal(dist, np.where(np.isnan(np.diag(dist)), 0.0, np.diag(dist)))
    np.fill_diagonal(dur, np.where(np.isnan(np.diag(dur)), 0.0, np.diag(dur)))
    gaps = np.argwhere(np.isnan(dist))
    if len(problems) == start and len(gaps):
        for a, b in gaps[:_MAX_LISTED]:
            problems.append(
                InputProblem(
                    table.file,
                    None,
                    "from/to",
                    f"{ids[a]} -> {ids[b]}",
                    Text(
                        "a row for every ordered pair of locations (this pair is missing)",
                        "每个有序地点对一行（缺少这一对）",
                    ),
                )
            )
        if len(gaps) > _MAX_LISTED:
            problems.append(
                InputProblem(
                    table.file,
                    None,
                    "from/to",
                    "",
                    Text(
                        f"a row for every ordered pair; {len(gaps) - _MAX_LISTED} more are missing",
                        f"每个有序地点对一行；另有 {len(gaps) - _MAX_LISTED} 对缺失",
                    ),
                )
            )
    if len(problems) > start:
        return None
    return TravelMatrix(tuple(ids), dist, dur)


def read_matrix_csv(path: str | Path, ids: Sequence[str]) -> TravelMatrix:
    """Read a long-format matrix CSV file over the location ``ids``.

    Raises
    ------
    InputError
        Listing every unknown id, missing pair, repeated pair and bad number.

    """
    problems: list[InputProblem] = []
    matrix = parse_matrix(read_matrix_table(Path(path)), ids, problems)
    if matrix is None:
        raise InputError(problems)
    return matrix
