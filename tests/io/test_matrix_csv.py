"""User travel matrices in long format: asymmetric values kept, gaps and unknown ids reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.io.matrix_csv import read_matrix_csv
from optimizer.io.workbook import write_workbook

GOOD = Path(__file__).resolve().parents[1] / "data" / "workbook" / "good"
IDS = ["D", "T", "S1"]


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "m.csv"
    path.write_text("from,to,distance_m,duration_s\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _full(skip: tuple[str, str] | None = None) -> list[str]:
    return [
        f"{a},{b},{100 * i + j},{10 * i + j}"
        for i, a in enumerate(IDS)
        for j, b in enumerate(IDS)
        if a != b and (a, b) != skip
    ]


def test_asymmetric_matrix_is_kept(tmp_path: Path) -> None:
    """Distances from D to T and from T to D keep their own values; the diagonal defaults to 0."""
    m = read_matrix_csv(_write(tmp_path, _full()), IDS)
    assert m.distance("D", "T") == 1.0 and m.distance("T", "D") == 100.0
    assert m.duration("S1", "T") == 21.0 and m.distance("S1", "S1") == 0.0


def test_missing_pair_and_unknown_id_are_reported(tmp_path: Path) -> None:
    """A missing pair and a row naming an unknown id are both reported."""
    path = _write(tmp_path, [*_full(skip=("T", "S1")), "X9,D,5,5"])
    with pytest.raises(InputError) as err:
        read_matrix_csv(path, IDS)
    found = {(p.row, p.column, p.value) for p in err.value.problems}
    assert (7, "from", "X9") in found  # header is row 1, five pairs, then X9
    with pytest.raises(InputError) as err2:
        read_matrix_csv(_write(tmp_path, _full(skip=("T", "S1"))), IDS)
    assert any(p.value == "T -> S1" for p in err2.value.problems)


def test_workbook_with_matrix_table_round_trips(tmp_path: Path) -> None:
    """A workbook whose matrix is user-supplied writes a matrix table and reads it back equal."""
    import dataclasses

    import numpy as np

    from optimizer.model import TravelMatrix

    inst = read_instance(GOOD)
    n = len(inst.travel.ids)
    dist = np.arange(n * n, dtype=float).reshape(n, n) * 1.5
    np.fill_diagonal(dist, 0.0)
    custom = dataclasses.replace(inst, travel=TravelMatrix(inst.travel.ids, dist, dist / 7))
    write_workbook(custom, tmp_path / "wb")
    assert (tmp_path / "wb" / "matrix.csv").exists()
    back = read_instance(tmp_path / "wb")
    assert back.travel == custom.travel
    assert back.meta["travel_source"] == "matrix"
