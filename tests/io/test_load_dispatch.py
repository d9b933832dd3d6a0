"""Tests of the one format dispatch: every benchmark file reaches its reader, ids as in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.errors import InputError
from optimizer.io.load import (
    carbon_format,
    read_facility_problem,
    read_instance,
    routing_format,
    siting_format,
)

TINY = Path(__file__).resolve().parents[1] / "bench" / "data" / "Tiny6.vrp"
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="benchmark data ../shared/data absent")


def test_vrplib_file_reads_with_the_files_node_numbers() -> None:
    """A .vrp file is read as VRPLIB and its customers keep the file's node numbers 1..n."""
    assert routing_format(TINY) == "vrplib"
    instance = read_instance(TINY)
    assert sorted(s.id for s in instance.stops) == ["1", "2", "3", "4", "5", "6"]


@needs_data
@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("vrp/solomon100/C101.100.10.vrptw", "vrplib"),
        ("vrp/small/E-n22-k4.txt", "vrplib"),
        ("vrp/evrptw/10/c101C10.txt", "evrptw"),
        ("vrp/kim2006_wcvrptw/102_stop.txt", "kim"),
    ],
)
def test_every_routing_benchmark_format_reaches_its_reader(file: str, kind: str) -> None:
    """Solomon, E set, E-VRPTW and Kim files are recognised by content and read with stops."""
    path = DATA / file
    assert routing_format(path) == kind
    assert read_instance(path).stops


def test_unknown_routing_input_names_the_file(tmp_path: Path) -> None:
    """A file no reader knows is refused with the file named and the formats listed."""
    path = tmp_path / "plan.pdf"
    path.write_text("x")
    with pytest.raises(InputError) as err:
        read_instance(path)
    (problem,) = err.value.problems
    assert problem.file == str(path) and "VRPLIB" in str(problem.expected)


def test_siting_formats_follow_the_file_names(tmp_path: Path) -> None:
    """cap41.txt, pmed1.txt and p1 name their format; a county folder stays a county."""
    assert siting_format(Path("cap41.txt")) == "cap"
    assert siting_format(Path("pmed12.txt")) == "pmed"
    assert siting_format(Path("p7")) == "holmberg"
    assert siting_format(Path("cap41.txt"), "uncap") == "uncap"
    assert siting_format(tmp_path) == "county"
    with pytest.raises(InputError, match="--format"):
        siting_format(tmp_path / "sites.txt")


def test_cap_file_reads_capacitated_or_not(tmp_path: Path) -> None:
    """The same OR-Library cap file reads with capacities (cap) or without (uncap)."""
    path = tmp_path / "cap1.txt"
    path.write_text("2 3\n10 5\n10 7\n4 1 9\n4 8 2\n4 3 3\n")
    cap = read_facility_problem(path, "cap")
    uncap = read_facility_problem(path, "uncap")
    assert cap.facilities == ("F1", "F2") and cap.customers == ("C1", "C2", "C3")
    assert cap.options[0][0].capacity == 10 and uncap.options[0][0].capacity is None


def test_carbon_formats(tmp_path: Path) -> None:
    """A .toml is a county scenario, a folder an otoole CSV folder, other files MathProg data."""
    assert carbon_format(tmp_path / "county.toml") == "scenario"
    assert carbon_format(tmp_path) == "csv"
    assert carbon_format(tmp_path / "utopia.txt") == "datafile"
