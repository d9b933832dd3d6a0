"""Details of unserved stops read in Chinese with --lang zh, numbers and names intact."""

from __future__ import annotations

import re

import pytest

from optimizer.routing.diagnose import DETAILS, detail, detail_text

SAMPLE = {
    "stream": "kitchen",
    "streams": "kitchen+other",
    "kg": "3500",
    "m3": "7.5",
    "biggest": "3000",
    "fleet": "2",
    "need": "5",
    "site": "T1",
}


@pytest.mark.parametrize("key", sorted(DETAILS))
def test_every_detail_has_a_chinese_reading(key: str) -> None:
    """Each English detail the diagnosis writes turns into Chinese with its numbers kept."""
    fields = re.findall(r"\{(\w+)\}", DETAILS[key][0])
    text = detail(key, **{f: SAMPLE[f] for f in fields})
    zh = detail_text(text, "zh")
    assert zh != text and not re.search(r"[a-z]{4,}", zh.replace("Ctrl-C", ""))
    for f in fields:
        if f not in ("stream", "streams"):
            assert SAMPLE[f] in zh
    assert detail_text(text, "en") == text


def test_stream_names_are_translated() -> None:
    """Stream ids inside a detail become their Chinese names."""
    assert detail_text(detail("no_vehicle", stream="kitchen"), "zh") == "没有车辆收运厨余垃圾"
    zh = detail_text(detail("not_searched", streams="kitchen+other"), "zh")
    assert "厨余垃圾" in zh and "其他垃圾" in zh


def test_unknown_text_is_left_as_given() -> None:
    """A detail from elsewhere (e.g. an imported plan) is shown unchanged rather than mangled."""
    assert detail_text("not on today's routes", "zh") == "not on today's routes"
