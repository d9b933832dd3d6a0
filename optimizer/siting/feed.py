"""Feed a siting decision to routing: each stop unloads at its assigned site.

The data model lets a vehicle unload at any facility that accepts its
stream, so the assignment is enforced by splitting the county into one
routing instance per receiving site: its assigned stops, that site as the
only facility, the depots and chargers, and the fleet.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.model import Instance, Site, SiteKind
from optimizer.siting.result import SitingResult


def _as_built(site: Site, size_class: str) -> Site:
    # Routing treats candidate sites as not built: the chosen one now exists,
    # with the capacity of its size class.
    if not site.candidate:
        return site
    built = next((b for b in site.build_options if b.size_class == size_class), None)
    capacity = site.capacity_kg_per_day if built is None else built.capacity_kg_per_day
    return replace(site, candidate=False, build_options=(), capacity_kg_per_day=capacity)


def routing_instances(instance: Instance, result: SitingResult) -> dict[str, Instance]:
    """Return per receiving site the routing instance of the stops it serves.

    Parameters
    ----------
    instance
        The county the siting result was computed for.
    result
        A siting result with a decision; a split stop goes to the site that
        takes its largest share.

    Returns
    -------
    dict[str, Instance]
        Site id -> instance named ``<county>@<site>``. Every sub-instance
        carries the whole fleet: the split of vehicles between sites is not
        decided here.

    """
    if result.decision is None:
        raise ValueError(f"siting result {result.name!r} has no decision to route")
    decision = result.decision
    by_site: dict[str, list[str]] = {}
    for stop in instance.stops:
        by_site.setdefault(decision.main_facility(stop.id), []).append(stop.id)
    keep = [s for s in instance.sites if s.kind in (SiteKind.DEPOT, SiteKind.CHARGER)]
    out: dict[str, Instance] = {}
    for site_id in sorted(by_site):
        members = set(by_site[site_id])
        stops = tuple(s for s in instance.stops if s.id in members)
        streams = {s.stream for s in stops}
        fleet = tuple(v for v in instance.vehicle_types if v.streams & streams)
        out[site_id] = replace(
            instance,
            name=f"{instance.name}@{site_id}",
            stops=stops,
            sites=(*keep, _as_built(instance.site(site_id), decision.open[site_id])),
            vehicle_types=fleet,
        )
    return out
