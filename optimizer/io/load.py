"""Read inputs: the text of a file, a JSON document, an instance from any supported path.

Every failure becomes an :class:`~optimizer.io.errors.InputError` naming the
file, so that commands report it instead of showing a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import Instance


def read_input_text(path: str | os.PathLike[str], *, encoding: str = "utf-8-sig") -> str:
    """Return the text of the input file at ``path``.

    ``utf-8-sig`` (the default) also reads UTF-8 with a byte-order mark, as
    Windows tools write it.

    Raises
    ------
    InputError
        Naming the file when it is missing, unreadable or not in ``encoding``.

    """
    src = Path(path)
    try:
        return src.read_text(encoding=encoding)
    except FileNotFoundError:
        expected = Text("an existing file", "存在的文件")
    except UnicodeDecodeError as err:
        code = err.encoding.upper()
        expected = Text(
            f"text in {code} ({err.reason} at byte {err.start})",
            f"{code} 编码的文本（第 {err.start} 字节无法解码）",
        )
    except OSError as err:
        expected = Text(
            f"a readable file ({err.strerror or err})", f"可读取的文件（{err.strerror or err}）"
        )
    raise InputError([InputProblem(str(src), None, "", "", expected)]) from None


def parse_json_text(text: str, *, file: str) -> Any:
    """Return the JSON document in ``text``; raise InputError naming ``file`` and the line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            [InputProblem(file, err.lineno, "", "", Text(f"valid JSON ({err.msg})", "有效的 JSON"))]
        ) from None


def read_instance(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read a county workbook folder, an .xlsx workbook, a .json instance or a .geojson file.

    Parameters
    ----------
    path
        The input: a folder of CSV files or an ``.xlsx`` workbook, a native
        ``.json`` instance, or a ``.geojson`` FeatureCollection.
    coord_sys
        ``"wgs84"`` or ``"gcj02"``: the datum of the input coordinates,
        overriding what the file says (GCJ-02 is converted to WGS-84).

    Raises
    ------
    InputError
        If the path does not exist, has an unknown suffix, or the input has
        problems (every one is listed).

    """
    src = Path(path)
    suffix = src.suffix.lower()
    if not src.exists():
        raise InputError(
            [
                InputProblem(
                    str(src), None, "", "", Text("an existing file or folder", "存在的文件或文件夹")
                )
            ]
        )
    if src.is_dir() or suffix in (".xlsx", ".xlsm"):
        from optimizer.io.workbook import read_workbook

        return read_workbook(src, coord_sys=coord_sys)
    if suffix == ".json":
        from optimizer.io.instance_json import read_instance_json

        return read_instance_json(src, coord_sys=coord_sys)
    if suffix == ".geojson":
        from optimizer.io.geojson import read_geojson

        return read_geojson(src, coord_sys=coord_sys)
    raise InputError(
        [
            InputProblem(
                str(src),
                None,
                "",
                suffix,
                Text(
                    "a workbook folder, .xlsx, .json (countyopt instance) or .geojson"
                    + ("; save the old .xls format as .xlsx in Excel" if suffix == ".xls" else ""),
                    "工作簿文件夹、.xlsx、.json（countyopt 实例）或 .geojson"
                    + ("；请在 Excel 中把旧的 .xls 另存为 .xlsx" if suffix == ".xls" else ""),
                ),
            )
        ]
    )
