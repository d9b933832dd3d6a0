"""Feeding a siting decision to routing: each stop unloads at its assigned site."""

from __future__ import annotations

from tiny_county import tiny_county

from optimizer.model import check
from optimizer.siting.config import load_config
from optimizer.siting.county import site_county
from optimizer.siting.feed import routing_instances, split_count


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


def test_sites_share_the_fleet_without_using_more_vehicles_than_exist() -> None:
    """The per-site routing instances together hold no more vehicles of a type than the fleet."""
    county = tiny_county()
    result = site_county(county, load_config())
    parts = routing_instances(county, result)
    for vt in county.vehicle_types:
        shared = sum(v.count for sub in parts.values() for v in sub.vehicle_types if v.id == vt.id)
        assert shared <= vt.count


def test_split_count_follows_demand_and_gives_every_site_a_vehicle() -> None:
    """Vehicles split by largest remainders, at least one per site with demand, none without."""
    assert split_count(10, [5.0, 3.0, 0.0, 2.0]) == [5, 3, 0, 2]
    assert split_count(2, [5.0, 3.0, 1.0]) == [1, 1, 0]
    assert split_count(7, [1.0, 1.0]) in ([4, 3], [3, 4])
    assert sum(split_count(9, [0.3, 0.3, 0.4])) == 9
