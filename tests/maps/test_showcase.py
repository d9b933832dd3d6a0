"""The demo's maps: one online and one offline page per routing plan."""

from __future__ import annotations

from maps_fixtures import page_layers

from optimizer.maps.showcase import write_demo_maps


def test_demo_maps_written_for_each_plan(instance, result, tmp_path):
    """Each routing result gets an online and a self-contained offline map; other results none."""
    files = write_demo_maps(
        instance, {"routing": result, "carbon": object()}, tmp_path / "maps", lang="zh"
    )
    assert [f.name for f in files] == ["routing.html", "routing_offline.html"]
    online, offline = (f.read_text(encoding="utf-8") for f in files)
    assert "cdn.jsdelivr.net/npm/leaflet" in online
    assert "cdn.jsdelivr.net" not in offline and "tile.openstreetmap.org" not in offline
    assert len([n for n in page_layers(offline) if "C8#" in n]) == len(result.routes)
