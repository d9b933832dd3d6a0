"""Benchmark sets: names to files, files to instances, instances to best-known values.

A set name (``solomon100``, ``cvrp_x``, ``cap``, ``osemosys`` …) stands for the
files of its folder under the data directory (``../shared/data`` in a
checkout), sorted by
name with numbers in numeric order, so that "every k-th" and "the first N"
samples are reproducible and not hand-picked.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_instance
from optimizer.io.vrplib_sets import objective_scale
from optimizer.io.vrplib_solution import (
    read_lkh3_tour,
    read_vrplib_solution,
    result_from_routes,
)
from optimizer.model import Instance

DOMAINS = ("routing", "siting", "carbon")
# What an instance is read as: routing formats are told apart by the reader
# (optimizer.io.load.routing_format); siting formats by the set or file name.
SITING_KINDS = ("cap", "uncap", "pmed", "holmberg", "lrp")
LRP_KIND = "lrp"  # location-routing (Prodhon, Barreto): a siting kind run by a heuristic
PERIODIC_KIND = "pvrpif"  # a week of routes (Taverna & Tilk's PVRP-IF), run by the week solver
CARBON_KIND = "osemosys"


@dataclass(frozen=True)
class BenchSet:
    """The instances of one set: glob patterns under the data folder, and how to read them."""

    folder: str  # under --data-dir (../shared/data in a checkout)
    patterns: tuple[str, ...]
    kind: str = "routing"  # "routing", one of SITING_KINDS, or CARBON_KIND

    @property
    def domain(self) -> str:
        """Return ``routing``, ``siting`` or ``carbon``."""
        return domain_of(self.kind)


# The files with an OR-Library uncapopt optimum in optima.csv.
_UNCAP = tuple(f"cap{k}" for k in (71, 72, 73, 74, 101, 102, 103, 104, 131, 132, 133, 134))

SETS: dict[str, BenchSet] = {
    "solomon100": BenchSet("vrp/solomon100", ("*.vrptw",)),
    "cvrp_x": BenchSet("vrp/cvrp_x", ("*.vrp",)),
    "gh1000": BenchSet("vrp/gh1000", ("*.vrp",)),
    # Arnold, Gendreau & Sörensen (2019), 3,000-10,000 customers (issue 13).
    "xxl": BenchSet("vrp/xxl", ("*.vrp",)),
    "mtvrptwr": BenchSet("vrp/mtvrptwr", ("*.vrp",)),
    "hfvrp": BenchSet("vrp/hfvrp", ("*.vrp",)),
    "evrptw": BenchSet("vrp/evrptw", ("*/*.txt",)),
    "kim": BenchSet("vrp/kim2006_wcvrptw", ("*_stop.txt",)),
    # The small files our readers cover (others hold PyVRP test dialects).
    "small": BenchSet("vrp/small", ("E-n22-k4.txt", "RC208.vrp", "X115-HVRP.vrp", "C201R0.25.vrp")),
    "cap": BenchSet("siting/orlib_cap", ("cap[0-9]*.txt",), "cap"),
    "uncap": BenchSet("siting/orlib_cap", tuple(f"{n}.txt" for n in _UNCAP), "uncap"),
    "holmberg": BenchSet("siting/holmberg_sscflp", ("p[0-9]*",), "holmberg"),
    "pmed": BenchSet("siting/pmed", ("pmed[0-9]*.txt",), "pmed"),
    "osemosys": BenchSet(
        "energy",
        (
            "osemosys_utopia/utopia.txt",
            "otoole_super_simple/super_simple.txt",
            "otoole_super_simple/csv",
        ),
        CARBON_KIND,
    ),
}
SETS["lrp"] = BenchSet("siting/lrp/prodhon_prins2006", ("coord*.dat",), LRP_KIND)
SETS["lrp_barreto"] = BenchSet("siting/lrp/barreto2007_prodhon_format", ("coord*.dat",), LRP_KIND)
SETS["pvrpif"] = BenchSet("periodic/pvrpif/instances", ("*.geojson",), PERIODIC_KIND)


def domain_of(kind: str) -> str:
    """Return the domain (``routing``, ``siting``, ``carbon``) of an instance kind."""
    if kind in SITING_KINDS:
        return "siting"
    if kind == CARBON_KIND:
        return "carbon"
    return "routing"


@dataclass(frozen=True)
class Item:
    """One instance to run: its path and how it is read."""

    path: Path
    kind: str

    @property
    def domain(self) -> str:
        """Return ``routing``, ``siting`` or ``carbon``."""
        return domain_of(self.kind)


def natural_key(path: Path) -> list[object]:
    """Return a sort key that orders ``X-n99`` before ``X-n101``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def _set_folder(data_dir: Path, bench_set: BenchSet) -> Path:
    folder = data_dir / bench_set.folder
    if not folder.is_dir():  # --data-dir may also name the domain's folder (../shared/data/vrp)
        folder = data_dir / Path(bench_set.folder).name
    return folder


def is_lrp_name(path: Path) -> bool:
    """Return whether ``path`` is named like a Prodhon/Barreto LRP file (``coord20-5-1.dat``)."""
    return path.suffix.lower() == ".dat" and path.name.lower().startswith("coord")


def kind_of(path: Path) -> str:
    """Return how a file given by path is read: a siting kind by its name, else routing or carbon.

    A PVRP-IF GeoJSON (Taverna & Tilk) is a week. Siting files are named as
    in OR-Library and Holmberg's set (``cap41.txt``,
    ``pmed1.txt``, ``p1``); a folder or a MathProg data file (one that
    starts with ``set``, ``param`` or a comment) is an OSeMOSYS model.
    """
    from optimizer.io.load import routing_format, siting_format

    if path.is_dir():
        return CARBON_KIND
    if is_lrp_name(path):
        return LRP_KIND
    if path.suffix.lower() == ".geojson":
        from optimizer.io.pvrpif import is_pvrpif_file

        return PERIODIC_KIND if is_pvrpif_file(path) else "routing"
    try:
        kind = siting_format(path)
        if kind != "county":
            return kind
    except InputError:
        pass
    if routing_format(path) is None or path.suffix.lower() in (".txt", ".dat", ""):
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4000)
        words = {line.split()[0] for line in head.splitlines() if line.split()}
        if words & {"set", "param"}:
            return CARBON_KIND
    return "routing"


def resolve(items: Sequence[str], data_dir: Path) -> list[Item]:
    """Return the instances named by set names or paths, in order.

    Raises
    ------
    InputError
        If the data directory or a named file is missing.

    """
    out: list[Item] = []
    problems: list[InputProblem] = []
    for item in items:
        if item in SETS:
            bench_set = SETS[item]
            folder = _set_folder(data_dir, bench_set)
            if not folder.is_dir():
                problems.append(
                    InputProblem(
                        str(folder),
                        None,
                        "",
                        item,
                        Text(
                            "the set's folder (see --data-dir)",
                            "该基准集的文件夹（见 '--data-dir' 选项）",
                        ),
                    )
                )
                continue
            files = {p for pattern in bench_set.patterns for p in folder.glob(pattern)}
            out += [Item(p, bench_set.kind) for p in sorted(files, key=natural_key)]
        else:
            path = Path(item)
            if not path.exists():
                problems.append(
                    InputProblem(
                        item,
                        None,
                        "",
                        item,
                        Text(
                            f"a file or a set name ({', '.join(SETS)})",
                            f"文件或基准集名称（{'、'.join(repr(s) for s in SETS)}）",
                        ),
                    )
                )
            else:
                out.append(Item(path, kind_of(path)))
    if problems:
        raise InputError(problems)
    return out


def load_instance(path: Path) -> Instance:
    """Read a routing benchmark instance (see :func:`optimizer.io.load.read_instance`)."""
    return read_instance(path)


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


# Published optima of the siting sets: ``optima.csv`` next to the set folders.
_OPTIMA_SET = {
    "cap": "ORLIB-CFLP(MS)",
    "uncap": "ORLIB-UFL",
    "pmed": "ORLIB-pmedian",
    "holmberg": "Holmberg-SSCFLP",
}


def best_known_siting(path: Path, kind: str) -> tuple[float | None, str]:
    """Return the published optimum of a siting instance and its source (``optima.csv``)."""
    table = path.parent.parent / "optima.csv"
    if not table.is_file():
        return None, ""
    name = path.name.removesuffix(".txt")
    with table.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["set"] == _OPTIMA_SET[kind] and row["instance"] == name:
                return float(row["value"]), f"{table.name} ({row['source']})"
    return None, ""


# UTOPIA's objective with GNU MathProg + GLPK (the OSeMOSYS reference
# implementation), as benchmarks/carbon/README.md has used it since issue 7.
UTOPIA_REFERENCE = 29446.86269
_SOL_OBJECTIVE = re.compile(r"objective value\s+([-+0-9.eE]+)")


def best_known_carbon(path: Path) -> tuple[float | None, str]:
    """Return the reference objective of an OSeMOSYS model, and its source.

    UTOPIA: the GLPK value of the OSeMOSYS reference run; otherwise a
    solver's solution file next to the model (``*.sol`` stating
    ``objective value X``, as otoole's super_simple ships it).
    """
    if path.name == "utopia.txt":
        return UTOPIA_REFERENCE, "GLPK reference (OSeMOSYS UTOPIA)"
    folder = path.parent
    for sol in sorted(folder.glob("*.sol")):
        found = _SOL_OBJECTIVE.search(sol.read_text(encoding="utf-8", errors="replace")[:500])
        if found:
            return float(found.group(1)), sol.name
    return None, ""
