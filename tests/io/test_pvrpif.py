"""Reading Taverna & Tilk's PVRP-IF GeoJSON: road times as given, visit schemes, bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.io.pvrpif import check_authors_rules, read_pvrpif, read_solution_report
from tests.periodic.week_data import PVRPIF, needs_pvrpif


def tiny_doc() -> dict[str, Any]:
    """Return a PVRP-IF document: a depot, three customers, one facility, 2 days."""
    kinds = ["depot", "customer", "customer", "customer", "intermediateFacility"]
    freq = [0, 2, 1, 1, 0]
    features = [
        {
            "id": str(k),
            "type": "Feature",
            "properties": {
                "id": k,
                "type": t,
                "frequency": float(freq[k]),
                "demand": 10.0 * (k % 4),
                "service": 2.0 if t == "customer" else 0.0,
            },
            "geometry": {"type": "Point", "coordinates": [9.1 + 0.01 * k, 45.4 + 0.01 * k]},
        }
        for k, t in enumerate(kinds)
    ]
    duration = [[0.0 if a == b else float(3 + abs(a - b)) for b in range(5)] for a in range(5)]
    duration[1][2] = 7.0  # asymmetric, as OSRM times are
    info = {"numVehicles": 1, "maxDuration": 120, "maxCapacity": 40, "planningHorizon": 2}
    return {"type": "FeatureCollection", "info": info, "features": features, "duration": duration}


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    """Write ``doc`` as a .geojson file."""
    path = tmp_path / "tiny.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_road_times_are_used_as_given(tmp_path: Path) -> None:
    """The duration matrix (minutes) becomes the travel times in seconds, asymmetry kept."""
    week = read_pvrpif(write(tmp_path, tiny_doc()))
    travel = week.base.travel
    assert travel.duration("1", "2") == 7.0 * 60
    assert travel.duration("2", "1") == 4.0 * 60
    assert week.base.vehicle_types[0].max_duration_s == 120 * 60
    assert week.base.vehicle_types[0].capacity_kg == 40


def test_frequencies_become_the_schemes(tmp_path: Path) -> None:
    """Twice in 2 days is daily; once is either day; each visit collects the file's demand."""
    week = read_pvrpif(write(tmp_path, tiny_doc()))
    assert week.rule("1").patterns == ((0, 1),)
    assert week.rule("2").patterns == ((0,), (1,))
    assert week.rule("1").daily_kg * 1 == pytest.approx(10.0)  # one day between visits


def test_read_instance_gives_the_one_day_view(tmp_path: Path) -> None:
    """read_instance on a PVRP-IF file returns its one-day instance (issue 14 point 8)."""
    inst = read_instance(write(tmp_path, tiny_doc()))
    assert [s.id for s in inst.stops] == ["1", "2", "3"]
    assert [s.id for s in inst.unloading_sites] == ["4"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["info"].pop("maxCapacity"), "maxCapacity"),
        (lambda d: d["duration"].pop(), "duration"),
        (lambda d: d["features"][2]["properties"].update(type="shop"), "features[2].type"),
        (lambda d: d["features"][1]["properties"].update(demand="heavy"), "demand"),
    ],
)
def test_bad_files_name_the_field(tmp_path: Path, change: Any, field: str) -> None:
    """A missing or malformed field is reported with the file and the field."""
    doc = tiny_doc()
    change(doc)
    with pytest.raises(InputError) as err:
        read_pvrpif(write(tmp_path, doc))
    assert any(p.column == field and "tiny.geojson" in p.file for p in err.value.problems)


@needs_pvrpif
@pytest.mark.parametrize("name", ["Milano_020_4_0", "Roma_050_4_8"])
def test_authors_rules_reproduce_their_costs(name: str) -> None:
    """Our restatement of the authors' rules finds their reported plans feasible at their cost."""
    report = next((PVRPIF / "solutions").glob(f"report_{name}_feasible_*.txt"))
    claimed = float(report.stem.rsplit("_", 2)[-2])
    cost, problems = check_authors_rules(
        PVRPIF / "instances" / f"{name}.geojson", read_solution_report(report)
    )
    assert problems == []
    assert cost == claimed
