"""Benchmark sets: names to files, files to instances, instances to best-known values.

A set name (``solomon100``, ``cvrp_x`` …) stands for the files of its folder
under the data directory (``../shared/data/vrp`` in a checkout), sorted by
name with numbers in numeric order, so that "every k-th" and "the first N"
samples are reproducible and not hand-picked.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from optimizer.io.errors import InputError, InputProblem
from optimizer.io.evrptw import read_evrptw
from optimizer.io.vrplib_sets import objective_scale, read_vrplib
from optimizer.io.vrplib_solution import (
    read_lkh3_tour,
    read_vrplib_solution,
    result_from_routes,
)
from optimizer.model import Instance


@dataclass(frozen=True)
class BenchSet:
    """A folder of instances of one format."""

    folder: str
    patterns: tuple[str, ...]
    reader: str  # "vrplib", "evrptw" or "kim"


SETS: dict[str, BenchSet] = {
    "solomon100": BenchSet("solomon100", ("*.vrptw",), "vrplib"),
    "cvrp_x": BenchSet("cvrp_x", ("*.vrp",), "vrplib"),
    "gh1000": BenchSet("gh1000", ("*.vrp",), "vrplib"),
    "mtvrptwr": BenchSet("mtvrptwr", ("*.vrp",), "vrplib"),
    "hfvrp": BenchSet("hfvrp", ("*.vrp",), "vrplib"),
    "evrptw": BenchSet("evrptw", ("*/*.txt",), "evrptw"),
    "kim": BenchSet("kim2006_wcvrptw", ("*_stop.txt",), "kim"),
    # The small files our readers cover (others hold PyVRP test dialects).
    "small": BenchSet(
        "small", ("E-n22-k4.txt", "RC208.vrp", "X115-HVRP.vrp", "C201R0.25.vrp"), "vrplib"
    ),
}


def natural_key(path: Path) -> list[object]:
    """Return a sort key that orders ``X-n99`` before ``X-n101``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def resolve(items: Sequence[str], data_dir: Path) -> list[Path]:
    """Return the instance files named by set names or paths, in order.

    Raises
    ------
    InputError
        If the data directory or a named file is missing.

    """
    out: list[Path] = []
    problems: list[InputProblem] = []
    for item in items:
        if item in SETS:
            folder = data_dir / SETS[item].folder
            if not folder.is_dir():
                problems.append(
                    InputProblem(str(folder), None, "", item, "the set's folder (see --data-dir)")
                )
                continue
            files = {p for pattern in SETS[item].patterns for p in folder.glob(pattern)}
            out += sorted(files, key=natural_key)
        else:
            path = Path(item)
            if not path.is_file():
                problems.append(
                    InputProblem(item, None, "", item, f"a file or a set name ({', '.join(SETS)})")
                )
            else:
                out.append(path)
    if problems:
        raise InputError(problems)
    return out


def reader_of(path: Path) -> str:
    """Return which reader handles ``path``, from its first line."""
    with path.open(encoding="utf-8", errors="replace") as f:
        first = f.readline().strip()
    if first.startswith("StringID"):
        return "evrptw"
    if ":" in first:
        return "vrplib"
    return "kim"


def load_instance(path: Path) -> Instance:
    """Read a benchmark instance of any supported format."""
    kind = reader_of(path)
    if kind == "evrptw":
        return read_evrptw(path)
    if kind == "vrplib":
        return read_vrplib(path)
    from optimizer.io.kim import read_kim  # another module's reader; imported when needed

    return read_kim(path)


def best_known(path: Path, instance: Instance) -> tuple[float | None, str]:
    """Return the best-known objective in the set's published unit, and its source.

    The published solution next to the file (``.sol``, or an LKH-3 tour) is
    re-costed on ``instance`` so that the value follows exactly the reader's
    rounding convention; tables without solutions are used as they are.
    """
    sol = path.with_suffix(".sol")
    scale = objective_scale(instance)
    if sol.is_file():
        routes = read_vrplib_solution(sol, instance).routes
        value = result_from_routes(instance, routes).objective_value / scale
        return value, sol.name
    tours = sorted(
        (path.parent / "tours").glob(f"{path.name.removesuffix('.vrptw')}.*.tour"),
        key=natural_key,
    )
    if tours:
        best = min(
            result_from_routes(instance, read_lkh3_tour(t, instance).routes).objective_value
            for t in tours
        )
        return best / scale, f"tours/{tours[0].name.split('.')[0]}"
    with path.open(encoding="utf-8", errors="replace") as f:
        head = f.read(2000)
    stated = re.search(r"Optimal value:\s*([0-9.]+)", head)
    if stated:  # e.g. the E set: "(Christofides and Eilon, ..., Optimal value: 375)"
        return float(stated.group(1)), "COMMENT"
    table = path.parent.parent / "bks_schiffer2017.csv"
    name = path.stem.lower()
    if table.is_file() and name.endswith("_21"):
        with table.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["Instance"].lower() == name.removesuffix("_21"):
                    return float(row["Best"]), table.name
    return None, ""
