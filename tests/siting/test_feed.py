"""Feeding a siting decision to routing: each stop unloads at its assigned site."""

from __future__ import annotations

from tiny_county import tiny_county

from optimizer.model import check
from optimizer.siting.config import load_config
from optimizer.siting.county import site_county
from optimizer.siting.feed import routing_instances


def test_each_stop_lands_in_the_instance_of_its_site() -> None:
    """Every stop is in exactly one sub-instance, whose only facility is its assigned site."""
    county = tiny_county()
    result = site_county(county, load_config())
    assert result.decision is not None
    parts = routing_instances(county, result)
    seen: list[str] = []
    for site_id, sub in parts.items():
        assert [f.id for f in sub.facilities] == [site_id]
        assert not sub.site(site_id).candidate  # routing sees the chosen station as built
        for stop in sub.stops:
            assert result.decision.main_facility(stop.id) == site_id
        seen += [s.id for s in sub.stops]
        assert check(sub) == []
    assert sorted(seen) == sorted(s.id for s in county.stops)
