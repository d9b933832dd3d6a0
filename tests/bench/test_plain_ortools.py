"""Tests of the plain OR-Tools baseline and of the benchmark set resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.bench.plain_ortools import Unsupported, solve_plain
from optimizer.bench.sets import best_known, load_instance, natural_key, resolve
from optimizer.evaluate import check
from optimizer.io.errors import InputError
from optimizer.io.vrplib_sets import read_vrplib
from optimizer.io.vrplib_solution import result_from_routes

DATA = Path(__file__).resolve().parent / "data"
VRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vrp"


def test_plain_baseline_finds_the_tiny_optimum_within_capacity() -> None:
    """The documented PATH_CHEAPEST_ARC + GLS model solves Tiny6 to its proven optimum."""
    instance = read_vrplib(DATA / "Tiny6.vrp")
    run = solve_plain(instance, time_limit_s=1.0)
    result = result_from_routes(instance, run.routes)
    assert check(instance, result) == []
    assert result.objective_value == 327
    assert run.first_solution_s is not None and run.num_solutions >= 1


@pytest.mark.skipif(not VRP.is_dir(), reason="benchmark data ../shared/data absent")
def test_plain_baseline_refuses_multi_trip_with_release_dates() -> None:
    """An MTVRPTWR instance is reported unsupported, naming reloads and release dates."""
    instance = read_vrplib(VRP / "mtvrptwr/C201R0.25.vrp")
    with pytest.raises(Unsupported, match=r"multiple trips.*release dates"):
        solve_plain(instance, time_limit_s=1.0)


def test_best_known_is_the_recomputed_published_solution() -> None:
    """The BKS of an instance with a .sol next to it is that solution re-costed: 327."""
    path = DATA / "Tiny6.vrp"
    assert best_known(path, load_instance(path)) == (327.0, "Tiny6.sol")


def test_set_names_resolve_in_natural_order(tmp_path: Path) -> None:
    """A set name lists its folder's files with numbers in numeric order (n99 before n101)."""
    folder = tmp_path / "cvrp_x"
    folder.mkdir()
    for name in ("X-n101-k25.vrp", "X-n99-k5.vrp", "X-n1001-k43.vrp", "notes.txt"):
        (folder / name).write_text("")
    files = [item.path for item in resolve(["cvrp_x"], tmp_path)]
    assert [f.name for f in files] == ["X-n99-k5.vrp", "X-n101-k25.vrp", "X-n1001-k43.vrp"]
    assert sorted(files, key=natural_key) == files


def test_unknown_file_is_an_input_error(tmp_path: Path) -> None:
    """A name that is neither a set nor a file is refused, naming it."""
    with pytest.raises(InputError, match=r"nosuch\.vrp"):
        resolve([str(tmp_path / "nosuch.vrp")], tmp_path)
