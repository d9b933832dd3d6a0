"""Each transfer station's decision is explained: haul saved against handling added."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from tiny_county import tiny_county

from optimizer.siting.config import load_config
from optimizer.siting.county import build_county_problem, site_county
from optimizer.siting.diagnose import (
    DIAGNOSES,
    StationNote,
    diagnosis_text,
    explain_stations,
    station_handling_per_day,
    station_lines,
)


def _notes(config_changes: dict[str, float]) -> list[StationNote]:
    county = tiny_county()
    config = replace(load_config(), **config_changes)
    result = site_county(county, config)
    assert result.decision is not None
    return explain_stations(build_county_problem(county, config).problem, result.decision)


def test_used_stations_save_more_haul_than_they_add_handling() -> None:
    """A station the optimum uses saves more collection haul than its handling adds."""
    notes = _notes({})
    used = [n for n in notes if n.used]
    assert used, "the tiny county's plant is 67 km away: stations pay"
    assert all(n.haul_saved > n.handling_added and n.num_stops > 0 for n in used)
    assert any("used by" in line for line in station_lines(notes, "en"))


def test_costly_handling_leaves_stations_idle_and_says_why() -> None:
    """With very costly station handling every station is idle, and the note says why in Chinese."""
    notes = _notes({"station_operating_yuan_per_t": 5_000.0})
    assert notes and not any(n.used for n in notes)
    idle = [n for n in notes if n.num_stops]
    assert idle and all(n.handling_added > n.haul_saved for n in idle)
    lines = station_lines(notes, "zh")
    assert any("闲置（转运处理费用高于节省的运输）" in line for line in lines)


def test_station_handling_per_day_grows_with_what_stations_receive() -> None:
    """The daily handling of waste unloaded at a station is positive and proportional to it."""
    county = tiny_county()
    problem = build_county_problem(county, load_config()).problem
    station = sorted(problem.forwarders)[0]
    one = station_handling_per_day(problem, {(station, "other"): 1000.0})
    two = station_handling_per_day(problem, {(station, "other"): 2000.0})
    assert one > 0 and abs(two - 2 * one) < 1e-6 * two


def test_siting_diagnosis_reads_in_chinese() -> None:
    """An infeasible county's diagnosis (haul limit) is given in Chinese with --lang zh."""
    result = site_county(tiny_county(), replace(load_config(), max_haul_km=0.5))
    assert result.decision is None and result.diagnosis
    zh = [diagnosis_text(d, "zh") for d in result.diagnosis]
    assert all(line.startswith("收集点 ") and "超出运距限制 0.5 km" in line for line in zh)
    assert diagnosis_text(result.diagnosis[0], "en") == result.diagnosis[0]


@pytest.mark.parametrize("template", DIAGNOSES, ids=lambda t: t[0][:30])
def test_every_siting_diagnosis_has_a_chinese_form(template: tuple[str, str]) -> None:
    """Each diagnosis the siting code may write turns into Chinese with its values kept."""
    en, _ = template
    fields = re.findall(r"\{(\w+)\}", en)
    text = en.format(**{f: f"V{k}" for k, f in enumerate(fields)})
    zh = diagnosis_text(text, "zh")
    assert zh != text
    assert all(f"V{k}" in zh for k, f in enumerate(fields) if f != "stream")
