"""Read inputs: the text of a file, a JSON document, and every supported input format.

This module is the one place where a path is dispatched to its reader:
:func:`read_instance` for routing (county inputs and the routing benchmark
formats), :func:`siting_format` / :func:`read_facility_problem` for siting
benchmarks, :func:`carbon_format` / :func:`read_energy_data` for OSeMOSYS
models.

Every failure becomes an :class:`~optimizer.io.errors.InputError` naming the
file, so that commands report it instead of showing a traceback.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import Instance

if TYPE_CHECKING:
    from optimizer.carbon.data import EnergyData
    from optimizer.lrp.instance import LrpInstance
    from optimizer.siting.problem import FacilityProblem


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


# Text formats of the routing benchmark sets, told apart by their first line.
ROUTING_TEXT_SUFFIXES = (".vrp", ".vrptw", ".txt", "")


def routing_format(path: str | Path) -> str | None:
    """Return which routing reader handles ``path``, or None if none does.

    ``workbook`` (a folder of CSV files, ``.xlsx``), ``json`` (a countyopt
    instance), ``geojson``, ``pvrpif`` (Taverna & Tilk periodic GeoJSON),
    ``vrplib`` (VRPLIB: CVRP X, E, Solomon, GH, MTVRPTWR, HFVRP), ``evrptw``
    (Schneider et al.) or ``kim`` (Kim et al.).
    The three benchmark text formats are told apart by the first line:
    ``StringID …`` is E-VRPTW, ``KEY : value`` is VRPLIB, a number is Kim.
    """
    src = Path(path)
    suffix = src.suffix.lower()
    if src.is_dir() or suffix in (".xlsx", ".xlsm"):
        return "workbook"
    if suffix == ".json":
        return "json"
    if suffix == ".geojson":
        from optimizer.io.pvrpif import is_pvrpif_file

        return "pvrpif" if is_pvrpif_file(src) else "geojson"
    if suffix not in ROUTING_TEXT_SUFFIXES or not src.is_file():
        return None
    with src.open(encoding="utf-8", errors="replace") as f:
        first = f.readline().strip()
    if first.startswith("StringID"):
        return "evrptw"
    if ":" in first:
        return "vrplib"
    if first[:1].isdigit():
        return "kim"
    return None


def read_instance(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read a routing instance in any format :func:`routing_format` knows.

    Parameters
    ----------
    path
        A folder of CSV files or an ``.xlsx`` workbook, a native ``.json``
        instance, a ``.geojson`` FeatureCollection, or a benchmark file
        (VRPLIB ``.vrp``/``.vrptw``/``.txt``, E-VRPTW, Kim et al.). Location
        ids of benchmark files are the file's own node numbers (VRPLIB: node
        ``k`` of the file, depot ``0``; E-VRPTW and Kim: the file's ids).
    coord_sys
        ``"wgs84"`` or ``"gcj02"``: the datum of the input coordinates,
        overriding what the file says (GCJ-02 is converted to WGS-84).
        Benchmark files are planar and ignore it.

    Raises
    ------
    InputError
        If the path does not exist, has an unknown format, or the input has
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
    kind = routing_format(src)
    if kind == "workbook":
        from optimizer.io.workbook import read_workbook

        return read_workbook(src, coord_sys=coord_sys)
    if kind == "json":
        from optimizer.io.instance_json import read_instance_json

        return read_instance_json(src, coord_sys=coord_sys)
    if kind == "pvrpif":  # a periodic benchmark file, read as its one-day instance
        from optimizer.io.pvrpif import read_pvrpif

        return read_pvrpif(src).base
    if kind == "geojson":
        from optimizer.io.geojson import read_geojson

        return read_geojson(src, coord_sys=coord_sys)
    if kind == "vrplib":
        from optimizer.io.vrplib_sets import read_vrplib

        return read_vrplib(src)
    if kind == "evrptw":
        from optimizer.io.evrptw import read_evrptw

        return read_evrptw(src)
    if kind == "kim":
        from optimizer.io.kim import read_kim

        return read_kim(src)
    lrp = is_location_routing_file(src)
    raise InputError(
        [
            InputProblem(
                str(src),
                None,
                "",
                suffix,
                Text(
                    "a workbook folder, .xlsx, .json (countyopt instance), .geojson, or a "
                    "VRPLIB (.vrp, .vrptw), E-VRPTW or Kim et al. benchmark file"
                    + ("; save the old .xls format as .xlsx in Excel" if suffix == ".xls" else "")
                    + ("; a location-routing file is planned by `site` or `plan`" if lrp else ""),
                    "工作簿文件夹、.xlsx、.json（countyopt 实例）、.geojson，或 VRPLIB"
                    "（.vrp、.vrptw）、E-VRPTW、Kim 等基准文件"
                    + ("；请在 Excel 中把旧的 .xls 另存为 .xlsx" if suffix == ".xls" else "")
                    + ("；选址-路径文件请用 `site` 或 `plan`" if lrp else ""),
                ),
            )
        ]
    )


SITING_FORMATS = ("cap", "uncap", "pmed", "holmberg", "lrp")
_SITING_NAMES = {
    "cap": re.compile(r"^cap\d+(\.txt)?$", re.IGNORECASE),
    "pmed": re.compile(r"^pmed\d+(\.txt)?$", re.IGNORECASE),
    "holmberg": re.compile(r"^p\d+$", re.IGNORECASE),
    # Location-routing: Prodhon (coord20-5-1.dat) and Barreto (coordChrist50.dat).
    "lrp": re.compile(r"^coord.*\.dat$", re.IGNORECASE),
}


def is_location_routing_file(path: str | Path) -> bool:
    """Whether ``path`` is named like a Prodhon/Barreto location-routing file (``coord*.dat``)."""
    return Path(path).is_file() and bool(_SITING_NAMES["lrp"].match(Path(path).name))


def siting_format(path: str | Path, fmt: str | None = None) -> str:
    """Return how ``site`` reads ``path``: ``county`` or a benchmark format.

    ``county`` is anything :func:`read_instance` reads as a county (workbook,
    ``.json``, ``.geojson``). Benchmark files: OR-Library ``cap`` (``cap41.txt``;
    ``uncap`` reads the same file without capacities), ``pmed`` (``pmed1.txt``),
    Holmberg's single-source files (``p1``) and location-routing files of
    Prodhon and Barreto (``lrp``: ``coord20-5-1.dat``, read by
    :func:`read_location_routing`), told apart by name unless ``fmt`` says
    which.

    Raises
    ------
    InputError
        If ``fmt`` is unknown, or a text file's name does not tell its format.

    """
    src = Path(path)
    if fmt is not None:
        if fmt not in ("county", *SITING_FORMATS):
            raise InputError(
                [
                    InputProblem(
                        "--format",
                        None,
                        "",
                        fmt,
                        Text(
                            "county, " + ", ".join(SITING_FORMATS),
                            "、".join(repr(f) for f in ("county", *SITING_FORMATS)) + " 之一",
                        ),
                    )
                ]
            )
        return fmt
    if routing_format(src) in ("workbook", "json", "geojson", "pvrpif"):
        return "county"
    for name, pattern in _SITING_NAMES.items():
        if pattern.match(src.name):
            return name
    raise InputError(
        [
            InputProblem(
                str(src),
                None,
                "",
                src.suffix,
                Text(
                    "a county workbook, .json or .geojson, or a benchmark file named like "
                    "cap41.txt, pmed1.txt, p1 or coord20-5-1.dat "
                    "(else say --format cap|uncap|pmed|holmberg|lrp)",
                    "县域工作簿、.json 或 .geojson 文件，或名称形如 'cap41.txt'、'pmed1.txt'、"
                    "'p1'、'coord20-5-1.dat' 的基准文件（否则请用 "
                    "'--format cap|uncap|pmed|holmberg|lrp' 指明）",
                ),
            )
        ]
    )


def read_facility_problem(path: str | Path, fmt: str) -> FacilityProblem:
    """Read an OR-Library (``cap``, ``uncap``, ``pmed``) or Holmberg file as a siting problem.

    Facility and customer ids number the file's rows from 1 (``F1``, ``C1``;
    p-median nodes ``N1``), as the files and their published optima do.
    """
    src = Path(path)
    if not src.is_file():
        raise InputError(
            [InputProblem(str(src), None, "", "", Text("an existing file", "存在的文件"))]
        )
    from optimizer.io.holmberg import read_holmberg
    from optimizer.io.orlib import read_cap, read_pmed

    if fmt == "cap":
        return read_cap(src)
    if fmt == "uncap":
        return read_cap(src, capacitated=False)
    if fmt == "pmed":
        return read_pmed(src)
    if fmt == "holmberg":
        return read_holmberg(src)
    raise ValueError(f"unknown siting format {fmt!r}")


def read_location_routing(path: str | Path) -> LrpInstance:
    """Read a Prodhon/Barreto location-routing file (see :mod:`optimizer.io.lrp`).

    Depot and customer ids number the file's rows from 1 (``D1``, ``C1``).
    """
    src = Path(path)
    if not src.is_file():
        raise InputError(
            [InputProblem(str(src), None, "", "", Text("an existing file", "存在的文件"))]
        )
    from optimizer.io.lrp import read_lrp

    return read_lrp(src)


def carbon_format(path: str | Path) -> str:
    """Return how ``carbon`` reads ``path``: ``scenario``, ``datafile`` or ``csv``.

    A ``.toml`` file is a county scenario; a folder is an otoole CSV folder
    (one ``NAME.csv`` per set and parameter); any other file is read as a
    GNU MathProg OSeMOSYS data file (such as UTOPIA's ``utopia.txt``).
    """
    src = Path(path)
    if src.is_dir():
        return "csv"
    if src.suffix.lower() == ".toml":
        return "scenario"
    return "datafile"


def read_energy_data(path: str | Path) -> EnergyData:
    """Read an OSeMOSYS model: a MathProg data file or an otoole CSV folder.

    Sets (regions, technologies, fuels, years …) keep the names of the file.
    """
    from optimizer.carbon.osemosys_io import read_csv_folder, read_datafile

    if carbon_format(path) == "csv":
        return read_csv_folder(path)
    return read_datafile(path)
