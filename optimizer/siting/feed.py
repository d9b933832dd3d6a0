"""Feed a siting decision to routing: each stop unloads at its assigned site.

The data model lets a vehicle unload at any facility that accepts its
stream, so the assignment is enforced by splitting the county into one
routing instance per receiving site: its assigned stops, that site as the
only facility, the depots and chargers, and a share of the fleet. Each
vehicle type's count is split between the sites in proportion to the
demand it can carry there (largest remainders; a site with such demand
gets at least one vehicle while the type has vehicles to spare), so the
plans of all sites together never use more vehicles than the county has.
"""

from __future__ import annotations

from dataclasses import replace

from optimizer.model import Instance, Site, SiteKind
from optimizer.siting.result import SitingResult


def as_built(site: Site, size_class: str) -> Site:
    """Return ``site`` as built at ``size_class``: a chosen candidate becomes an existing site."""
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
    sites = sorted(by_site)
    demand = {
        (vt.id, site_id): sum(
            instance.stop(s).demand_kg
            for s in by_site[site_id]
            if instance.stop(s).stream in vt.streams
        )
        for vt in instance.vehicle_types
        for site_id in sites
    }
    shares = {
        vt.id: split_count(vt.count, [demand[vt.id, x] for x in sites])
        for vt in instance.vehicle_types
    }
    out: dict[str, Instance] = {}
    for k, site_id in enumerate(sites):
        members = set(by_site[site_id])
        stops = tuple(s for s in instance.stops if s.id in members)
        fleet = tuple(
            replace(v, count=shares[v.id][k]) for v in instance.vehicle_types if shares[v.id][k] > 0
        )
        out[site_id] = replace(
            instance,
            name=f"{instance.name}@{site_id}",
            stops=stops,
            sites=(*keep, as_built(instance.site(site_id), decision.open[site_id])),
            vehicle_types=fleet,
        )
    return out


def split_count(count: int, weights: list[float]) -> list[int]:
    """Split ``count`` vehicles in proportion to ``weights`` (largest remainders).

    Every positive weight gets at least one vehicle while there are enough;
    zero weights get none.
    """
    out = [0] * len(weights)
    positive = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: -weights[i])
    if not positive or count <= 0:
        return out
    for i in positive[:count]:
        out[i] = 1
    rest = count - sum(out)
    if rest > 0:
        total = sum(weights[i] for i in positive)
        exact = {i: rest * weights[i] / total for i in positive}
        for i in positive:
            out[i] += int(exact[i])
        left = count - sum(out)
        for i in sorted(positive, key=lambda i: -(exact[i] - int(exact[i])))[:left]:
            out[i] += 1
    return out
