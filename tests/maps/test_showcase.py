"""The demo's maps: one self-contained page per plan."""

from __future__ import annotations

from maps_fixtures import page_layers

from optimizer.maps.showcase import write_demo_maps


def test_demo_maps_written_for_each_plan(instance, result, tmp_path):
    """Each routing result gets one map that links nothing remote; other results none."""
    files = write_demo_maps(
        instance, {"routing": result, "carbon": object()}, tmp_path / "maps", lang="zh"
    )
    assert [f.name for f in files] == ["routing.html"]
    page = files[0].read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in page and "tile.openstreetmap.org" not in page
    assert len([n for n in page_layers(page) if "C8#" in n]) == len(result.routes)
