"""The county siting model: transfer stations, treatment plants, haul and budget.

Maps a county :class:`~optimizer.model.Instance` onto a
:class:`~optimizer.siting.problem.FacilityProblem`:

- customers are the stops, with their average daily amount
  (``demand_kg × frequency_per_week / 7``, kg/day);
- receiving facilities are every site that takes waste: a stop may go to a
  transfer station or straight to a plant that accepts its stream (kitchen
  waste to a composting plant, medical waste to the medical-waste centre),
  within the maximum haul distance and time (for the streams that transfer
  stations take; others go to their dedicated plant at any distance);
- transfer stations forward each stream to plants that accept it (larger
  trucks, per t-km); plants charge their gate fee or operating cost per t;
- candidate sites choose among size classes (their ``build_options`` or the
  defaults: CJJ/T 47-2016 classes for stations, incinerator classes from
  300 t/day after 发改环资〔2022〕1746号); existing sites stay open unless the
  workbook column ``siting`` says ``free`` or ``closed``; a neighbouring
  county's plant is an existing site with its ``gate_fee_yuan_per_t``; a
  stream a station takes but no plant in the instance accepts ends at the
  station (its onward haul lies outside the model).

Costs are yuan/year (capital annualised with the capital recovery factor),
emissions kg CO2e/year; the budget limits the capital of new builds (yuan).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from optimizer.distances import DEFAULT_SPEED_KMH
from optimizer.factors import diesel_kg_co2_per_litre, grid_kg_per_kwh, natural_gas_kg_co2_per_kg
from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import STREAM_ZH, Instance, Site, SiteKind, Stop, Stream
from optimizer.siting.config import SitingConfig, SizeClass
from optimizer.siting.params import SitingParams
from optimizer.siting.problem import FacilityProblem, ForwardArc, Option, Status
from optimizer.siting.result import SitingResult, SolveStatus

DAYS_PER_YEAR = 365.0
_STATUS_WORDS = {"free": Status.FREE, "open": Status.OPEN, "closed": Status.CLOSED}


def daily_kg(stop: Stop) -> float:
    """Return a stop's average amount per day in kg (per-visit amount × visits / 7)."""
    return stop.demand_kg * stop.frequency_per_week / 7.0


def _fuel_kg_co2_per_unit(fuel: str) -> float:
    if fuel in ("diesel", "hybrid"):
        return diesel_kg_co2_per_litre()
    if fuel == "electric":
        return grid_kg_per_kwh()
    return natural_gas_kg_co2_per_kg()


def collection_rates(instance: Instance, config: SitingConfig) -> dict[Stream, tuple[float, float]]:
    """Return per stream the collecting truck class's (yuan, kg CO2) per t-km.

    The class is the vehicle type carrying the stream with the largest
    fleet capacity; cost per t-km is its cost per km (``cost_per_km`` plus
    ``cost_per_h`` at the average speed of :mod:`optimizer.distances`) over
    the average tonnes on board (capacity × load factor), or the default if
    it has no costs.
    """
    rates: dict[Stream, tuple[float, float]] = {}
    for stream in Stream:
        carriers = [v for v in instance.vehicle_types if stream in v.streams and v.count > 0]
        ref_t = config.collection_reference_capacity_t * config.collection_load_factor
        energy = config.collection_energy_per_km["diesel"]
        co2 = energy * _fuel_kg_co2_per_unit("diesel") / ref_t
        cost = config.collection_yuan_per_t_km
        if carriers:
            main = max(carriers, key=lambda v: (v.count * v.capacity_kg, v.id))
            fuel = main.fuel.value
            co2 = config.collection_energy_per_km[fuel] * _fuel_kg_co2_per_unit(fuel) / ref_t
            per_km = main.cost_per_km + main.cost_per_h / (DEFAULT_SPEED_KMH * main.speed_factor)
            if per_km > 0:
                cost = per_km / (main.capacity_kg / 1000 * config.collection_load_factor)
        rates[stream] = (cost, co2)
    return rates


def assumption_values(
    instance: Instance, config: SitingConfig, problem: FacilityProblem, lang: Lang = "en"
) -> dict[str, str]:
    """Return the model value of each sensitivity assumption as short text in ``lang``.

    Truck cost: the rate of the stream with the most waste; transfer cost:
    the config's; station capital: the range over the stations' size options.
    """
    per_tkm = tr(lang, "yuan/t·km", "元/吨公里")
    rates = collection_rates(instance, config)
    amount: dict[Stream, float] = {}
    for stop in instance.stops:
        amount[stop.stream] = amount.get(stop.stream, 0.0) + daily_kg(stop)
    out = {"transfer_cost": f"{config.transfer_yuan_per_t_km:.2f} {per_tkm}"}
    if amount:
        main = max(sorted(amount), key=lambda s: amount[s])
        stream = tr(lang, main.value, STREAM_ZH[main])
        out["truck_cost"] = f"{rates[main][0]:.2f} {per_tkm}, {stream}"
    capital = [
        o.capital
        for fid, opts in zip(problem.facilities, problem.options, strict=True)
        if fid in problem.forwarders
        for o in opts
        if o.capital > 0
    ]
    if capital:
        low, high = min(capital) / 1e6, max(capital) / 1e6
        out["station_capital"] = tr(lang, f"{low:g}-{high:g} M yuan", f"{low:g}-{high:g} 百万元")
    return out


def _site_status(site: Site, file: str) -> Status:
    word = site.extra.get("siting", "").strip().lower()
    if not word:
        return Status.FREE if site.candidate else Status.OPEN
    if word not in _STATUS_WORDS:
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "siting",
                    word,
                    Text(
                        f"free, open or closed (site {site.id})",
                        f"'free'、'open' 或 'closed'（站点 {site.id!r}）",
                    ),
                )
            ]
        )
    return _STATUS_WORDS[word]


def _extra_float(site: Site, key: str, file: str) -> float | None:
    raw = site.extra.get(key, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (np.isfinite(value) and value >= 0):
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    key,
                    raw,
                    Text(f"a number >= 0 (site {site.id})", f"≥ 0 的数（站点 {site.id!r}）"),
                )
            ]
        )
    return value


def _options(site: Site, config: SitingConfig) -> tuple[Option, ...]:
    life = (
        config.incinerator_lifetime_years
        if site.kind is SiteKind.INCINERATOR
        else config.station_lifetime_years
    )
    crf = config.capital_recovery_factor(life)

    def build(name: str, cap_kg: float, capital: float, fixed: float) -> Option:
        costs = {"capital_annualised": capital * crf, "fixed_operating": fixed}
        return Option(name, cap_kg, costs, capital)

    if not site.candidate:
        return (Option("existing", site.capacity_kg_per_day),)
    if site.build_options:
        return tuple(
            build(b.size_class, b.capacity_kg_per_day, b.capital_cost, b.fixed_cost_per_year)
            for b in site.build_options
        )
    classes: tuple[SizeClass, ...] = ()
    if site.kind is SiteKind.TRANSFER:
        classes = config.station_classes
    elif site.kind is SiteKind.INCINERATOR:
        classes = config.offered_incinerator_classes
    if site.capacity_kg_per_day is not None:
        # An existing site that may close: keeping it costs the fixed
        # operating cost of the smallest default class that holds it.
        fits = [c for c in classes if c.capacity_t_per_day * 1000 >= site.capacity_kg_per_day]
        fixed = min((c.fixed_yuan_per_year for c in fits), default=0.0)
        return (build("existing", site.capacity_kg_per_day, 0.0, fixed),)
    return tuple(
        build(c.name, c.capacity_t_per_day * 1000, c.capital_yuan, c.fixed_yuan_per_year)
        for c in classes
    )


def _per_tonne(site: Site, config: SitingConfig, file: str) -> float:
    fee = _extra_float(site, "gate_fee_yuan_per_t", file)
    if fee is not None:
        return fee
    if site.kind is SiteKind.TRANSFER:
        own = _extra_float(site, "operating_yuan_per_t", file)
        return config.station_operating_yuan_per_t if own is None else own
    if site.kind is SiteKind.INCINERATOR and site.candidate:
        return config.incinerator_operating_yuan_per_t
    return config.treatment_yuan_per_t.get(site.kind.value, 0.0)


def _receiving_sites(instance: Instance, config: SitingConfig, file: str) -> list[Site]:
    sites = [s for s in instance.sites if s.is_facility]
    if not config.zero_landfill:
        return sites
    burnable = frozenset().union(
        *(
            s.streams
            for s in sites
            if s.kind is SiteKind.INCINERATOR and _site_status(s, file) is not Status.CLOSED
        )
    )
    # A landfill keeps only the streams no incinerator takes (zero landfill).
    return [
        replace(s, streams=s.streams - burnable) if s.kind is SiteKind.LANDFILL else s
        for s in sites
    ]


@dataclass(frozen=True)
class CountyProblem:
    """A county's siting problem and why some stops may have no facility."""

    problem: FacilityProblem
    uncovered: tuple[str, ...]  # one sentence per stop no facility may serve


def build_county_problem(
    instance: Instance, config: SitingConfig, *, split: bool = False, file: str = "sites"
) -> CountyProblem:
    """Turn a county instance into a facility-location problem (kg/day, yuan/year).

    Parameters
    ----------
    instance
        The county: stops, sites (stations, plants; candidates with size
        options), vehicle types (collection truck classes), travel matrix.
    config
        Costs, size classes and limits (haul, budget, carbon price).
    split
        Allow a stop's waste to be split over several facilities.
    file
        Name of the sites table, for error messages.

    """
    stops = instance.stops
    sites = _receiving_sites(instance, config, file)
    travel = instance.travel
    si = np.array([travel.index(s.id) for s in sites], dtype=int)
    ci = np.array([travel.index(s.id) for s in stops], dtype=int)
    km = travel.distance_m[np.ix_(si, ci)] / 1000.0
    minutes = travel.duration_s[np.ix_(si, ci)] / 60.0
    tonnes_per_year = np.array([daily_kg(s) for s in stops]) * DAYS_PER_YEAR / 1000.0
    rates = collection_rates(instance, config)
    yuan_tkm = np.array([rates[s.stream][0] for s in stops])
    co2_tkm = np.array([rates[s.stream][1] for s in stops])
    per_t = np.array([_per_tonne(s, config, file) for s in sites])
    price = config.carbon_price_yuan_per_t / 1000.0  # yuan per kg CO2

    # Onward arcs: each stream a station takes goes to plants that accept it.
    arcs: list[ForwardArc] = []
    transfer_co2 = config.transfer_diesel_litre_per_t_km * diesel_kg_co2_per_litre()
    for a in sites:
        if a.kind is not SiteKind.TRANSFER:
            continue
        for b, fee in zip(sites, per_t, strict=True):
            if b.kind is SiteKind.TRANSFER:
                continue
            for stream in sorted(a.streams & b.streams):
                t_per_kg_day = DAYS_PER_YEAR / 1000.0  # t/year per kg/day of flow
                dkm = travel.distance(a.id, b.id) / 1000.0
                co2 = t_per_kg_day * dkm * transfer_co2
                costs = {
                    "transfer_transport": t_per_kg_day * dkm * config.transfer_yuan_per_t_km,
                    "treatment": t_per_kg_day * float(fee),
                }
                if price > 0:
                    costs["carbon"] = co2 * price
                arcs.append(
                    ForwardArc(a.id, b.id, stream.value, costs, {"transfer_transport": co2})
                )

    ok = np.zeros((len(sites), len(stops)), dtype=bool)
    for i, site in enumerate(sites):
        # A station with no plant for a stream in the instance ends that
        # stream's haul there: the onward trip lies outside the model.
        ok[i] = np.array([s.stream in site.streams for s in stops], dtype=bool)
    accept = ok.copy()
    # The haul limit is about where stations go: streams no station takes
    # (medical, hazardous, often kitchen) go to their dedicated plant anyway.
    station_streams = {st for s in sites if s.kind is SiteKind.TRANSFER for st in s.streams}
    limited = np.array([s.stream in station_streams for s in stops], dtype=bool)[None, :]
    if config.max_haul_km is not None:
        ok &= (km <= config.max_haul_km + 1e-9) | ~limited
    if config.max_haul_min is not None:
        ok &= (minutes <= config.max_haul_min + 1e-9) | ~limited
    status = tuple(_site_status(s, file) for s in sites)
    options = tuple(_options(s, config) for s in sites)
    missing = [
        InputProblem(
            file,
            None,
            "build_options",
            "",
            Text(f"size options for candidate site {s.id}", f"候选站点 {s.id!r} 的规模选项"),
        )
        for s, opts, st in zip(sites, options, status, strict=True)
        if not opts and st is not Status.CLOSED
    ]
    if missing:
        raise InputError(missing)
    for i, st in enumerate(status):
        if st is Status.CLOSED:
            ok[i] = False

    inf = np.where(ok, 0.0, np.inf)
    collect_co2 = tonnes_per_year[None, :] * km * co2_tkm[None, :]
    is_transfer = np.array([s.kind is SiteKind.TRANSFER for s in sites])
    handling = tonnes_per_year[None, :] * per_t[:, None]
    parts = {
        "collection_transport": tonnes_per_year[None, :] * km * yuan_tkm[None, :] + inf,
        "station_operating": np.where(is_transfer[:, None], handling, 0.0),
        "treatment": np.where(is_transfer[:, None], 0.0, handling),
    }
    if price > 0:
        parts["carbon"] = np.where(ok, collect_co2 * price, 0.0)
    problem = FacilityProblem(
        name=instance.name,
        facilities=tuple(s.id for s in sites),
        customers=tuple(s.id for s in stops),
        demand=np.array([daily_kg(s) for s in stops]),
        options=options,
        status=status,
        assign_parts=parts,
        single_source=not split,
        budget=config.budget_yuan,
        customer_stream=tuple(s.stream.value for s in stops),
        forwarders=frozenset(s.id for s in sites if s.kind is SiteKind.TRANSFER),
        arcs=tuple(arcs),
        co2_parts={"collection_transport": np.where(ok, collect_co2, 0.0)},
    )
    return CountyProblem(problem, _explain_uncovered(stops, sites, ok, accept, km, minutes, config))


def _explain_uncovered(
    stops: tuple[Stop, ...],
    sites: list[Site],
    ok: NDArray[np.bool_],
    accept: NDArray[np.bool_],
    km: NDArray[np.float64],
    minutes: NDArray[np.float64],
    config: SitingConfig,
) -> tuple[str, ...]:
    found: list[str] = []
    for j, stop in enumerate(stops):
        if ok[:, j].any():
            continue
        if not accept[:, j].any():
            found.append(f"stop {stop.id}: no site accepts stream {stop.stream.value!r}")
            continue
        near = int(np.argmin(np.where(accept[:, j], km[:, j], np.inf)))
        limit = []
        if config.max_haul_km is not None:
            limit.append(f"{config.max_haul_km:g} km")
        if config.max_haul_min is not None:
            limit.append(f"{config.max_haul_min:g} min")
        found.append(
            f"stop {stop.id} ({stop.stream.value}): the nearest site that accepts it, "
            f"{sites[near].id}, is {km[near, j]:.1f} km / {minutes[near, j]:.0f} min away, "
            f"beyond the haul limit of {' and '.join(limit) or 'none'} (or closed)"
        )
    return tuple(found)


def site_county(
    instance: Instance,
    config: SitingConfig,
    *,
    params: SitingParams | None = None,
    split: bool = False,
) -> SitingResult:
    """Choose stations and sizes for a county and assign every stop (see module doc).

    Returns
    -------
    SitingResult
        Open sites (size class), stop -> station assignment, onward flows,
        yuan/year cost and kg CO2e/year breakdown, solver status, bound and
        gap; for an infeasible county a diagnosis naming the stops no site
        may serve within the haul limit, or the budget that is too small.

    """
    from optimizer.siting.mip import solve

    params = params or SitingParams()
    built = build_county_problem(instance, config, split=split)
    if built.uncovered:
        return SitingResult(
            instance.name,
            SolveStatus.INFEASIBLE,
            None,
            None,
            None,
            None,
            solver=params.solver,
            diagnosis=built.uncovered,
        )
    # The kinds let readers of siting.json (the carbon scenario) find the incinerators.
    kinds = {s.id: s.kind.value for s in instance.sites}
    return replace(solve(built.problem, params=params), kinds=kinds)
