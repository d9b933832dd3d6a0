"""The electrification study: today's fleet against electric scenarios on the county's routes.

For every route of a day's plan (a vehicle's day), a scenario either keeps
its vehicle or drives the same visits with an electric truck of the same
size class. The electric truck's energy comes from
:func:`optimizer.evaluate.simulate_route` with ``fuel = electric``: the
sourced, load-dependent consumption of :mod:`optimizer.routing.energy`,
at the plug. Then, per scenario:

- vehicles: one per route; an electric route needing more than the usable
  battery (installed kWh × end-of-life share × (1 − reserve)) counts
  ``ceil(kWh / usable)`` trucks (the route split between trucks);
- chargers: the fewest per depot that recharge every electric truck between
  its return and its next departure at the charger's power
  (:mod:`optimizer.fleet.charging`), and the peak depot power;
- CO2 per year: fossil fuel tank-to-wheel, electricity at the regional grid
  factor of each year (the latest published one for later years: an estimate);
- total cost of ownership over the vehicles' life: purchase (less subsidies),
  chargers, energy and maintenance, undiscounted and discounted.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from optimizer.evaluate import rates_of, simulate_route
from optimizer.factors import grid_factor_year, grid_kg_per_kwh
from optimizer.fleet.charging import DAY_MIN, ChargeJob, ChargePlan, plan_charging
from optimizer.fleet.params import FleetParams
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import STREAM_ZH, Fuel, Instance, Stream, VehicleType
from optimizer.routing.energy import size_class
from optimizer.routing.result import Route, RoutingResult

CLASS_ZH = MappingProxyType({"small": "小型", "medium": "中型", "large": "大型"})
# Consumption overrides in a type's extra are in its own fuel's unit: not for its electric twin.
_FUEL_OVERRIDES = ("empty_per_100km", "full_per_100km")


@dataclass(frozen=True)
class Scenario:
    """A fleet option: which vehicle types are driven electric (besides those already)."""

    name: str  # today | all_electric | stream:<stream> | class:<size class>
    label: Text
    electrified: frozenset[str]


@dataclass(frozen=True)
class RouteUse:
    """One route under a scenario: its vehicle, energy, CO2 and charging need."""

    vehicle: str
    vehicle_type: str
    fuel: Fuel
    size_class: str
    depot: str
    km: float
    energy_kwh: float  # electricity at the plug, or fuel energy (net calorific value)
    fuel_amount: float  # kWh, L or kg (``fuel_unit``)
    fuel_unit: str
    fossil_co2_kg: float  # tank-to-wheel; 0 for electric
    start_s: float
    end_s: float
    vehicles: int  # trucks this route needs (> 1: beyond one battery)
    battery_kwh: float | None  # installed battery of the electric truck
    usable_kwh: float | None

    @property
    def over_battery(self) -> bool:
        """Return whether the route needs more than one electric truck's usable battery."""
        return self.vehicles > 1


@dataclass(frozen=True)
class ScenarioResult:
    """What one scenario needs, costs and emits."""

    scenario: Scenario
    routes: tuple[RouteUse, ...]
    charging: Mapping[str, ChargePlan]  # by depot
    short_of_charge: tuple[str, ...]  # vehicles the charger cannot fill between shifts
    co2_t_by_year: Mapping[int, float]
    vehicles_capex_yuan: float
    chargers_capex_yuan: float
    subsidies_yuan: float
    energy_yuan_per_year: float
    maintenance_yuan_per_year: float
    tco_yuan: float
    tco_pv_yuan: float

    @property
    def vehicles(self) -> int:
        """Return the trucks the day's routes need."""
        return sum(r.vehicles for r in self.routes)

    @property
    def electric_vehicles(self) -> int:
        """Return the electric trucks among them."""
        return sum(r.vehicles for r in self.routes if r.fuel is Fuel.ELECTRIC)

    @property
    def chargers(self) -> int:
        """Return the chargers needed over all depots."""
        return sum(p.chargers for p in self.charging.values())

    @property
    def km_per_day(self) -> float:
        """Return the distance driven per day, km."""
        return sum(r.km for r in self.routes)

    @property
    def electricity_kwh_per_day(self) -> float:
        """Return the electricity the trucks take from the grid per day, kWh."""
        return sum(r.energy_kwh for r in self.routes if r.fuel is Fuel.ELECTRIC)

    @property
    def fuel_kwh_per_day(self) -> float:
        """Return the fossil fuel energy per day, kWh (net calorific value)."""
        return sum(r.energy_kwh for r in self.routes if r.fuel is not Fuel.ELECTRIC)

    @property
    def fossil_co2_kg_per_day(self) -> float:
        """Return the tank-to-wheel CO2 of the fossil trucks per day, kg."""
        return sum(r.fossil_co2_kg for r in self.routes)

    def vehicles_by_type(self) -> dict[tuple[str, Fuel], int]:
        """Return the trucks needed by (vehicle type, fuel)."""
        out: Counter[tuple[str, Fuel]] = Counter()
        for r in self.routes:
            out[r.vehicle_type, r.fuel] += r.vehicles
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class FleetStudy:
    """The study: every scenario on one day's routes, and the settings behind it."""

    instance: str
    routes_source: str
    grid_region: str
    first_year: int
    params: FleetParams
    scenarios: tuple[ScenarioResult, ...]
    grid_years: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    unserved: int = 0  # stops the routes leave out

    @property
    def years(self) -> list[int]:
        """Return the years of the vehicles' life the study covers."""
        return list(range(self.first_year, self.first_year + int(self.params["life_years"])))

    def scenario(self, name: str) -> ScenarioResult:
        """Return the scenario called ``name``."""
        for s in self.scenarios:
            if s.scenario.name == name:
                return s
        raise KeyError(name)


def electric_twin(vehicle_type: VehicleType) -> VehicleType:
    """Return the battery-electric version of a vehicle type, of the same size class."""
    if vehicle_type.fuel is Fuel.ELECTRIC:
        return vehicle_type
    extra = {k: v for k, v in vehicle_type.extra.items() if k not in _FUEL_OVERRIDES}
    extra["size_class"] = size_class(vehicle_type)
    return dataclasses.replace(vehicle_type, fuel=Fuel.ELECTRIC, range_m=None, extra=extra)


def battery_of(vehicle_type: VehicleType, params: FleetParams) -> float:
    """Return the installed battery of an electric type: its own ``battery_kwh`` or the default."""
    own = getattr(vehicle_type, "battery_kwh", None) or vehicle_type.extra.get("battery_kwh")
    if not own:
        return params.battery_kwh(size_class(vehicle_type))
    try:
        value = float(own)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            [
                InputProblem(
                    "vehicles",
                    None,
                    "battery_kwh",
                    f"{own} (type {vehicle_type.id})",
                    Text("a battery size in kWh > 0", "大于 0 的电池容量（kWh）"),
                )
            ]
        )
    return value


def scenarios_for(instance: Instance, result: RoutingResult) -> list[Scenario]:
    """Return today's fleet and the electrification options that differ from it.

    Options: all electric, by waste stream (the types that carry it) and by
    size class; each drives the used, not yet electric types electric. Options
    that electrify the same types are listed once.
    """
    used = sorted({r.vehicle_type for r in result.routes})
    types = [instance.vehicle_type(t) for t in used]
    fossil = [vt for vt in types if vt.fuel is not Fuel.ELECTRIC]
    out = [Scenario("today", Text("today's fleet", "现有车队"), frozenset())]
    options = [
        Scenario(
            "all_electric", Text("all electric", "全部电动"), frozenset(vt.id for vt in fossil)
        )
    ]
    for stream in Stream:
        ids = frozenset(vt.id for vt in fossil if stream in vt.streams)
        label = Text(f"electric {stream.value} trucks", f"{STREAM_ZH[stream]}车辆电动化")
        options.append(Scenario(f"stream:{stream.value}", label, ids))
    for cls in ("small", "medium", "large"):
        ids = frozenset(vt.id for vt in fossil if size_class(vt) == cls)
        label = Text(f"electric {cls} trucks", f"{CLASS_ZH[cls]}车辆电动化")
        options.append(Scenario(f"class:{cls}", label, ids))
    seen: set[frozenset[str]] = set()
    for option in options:
        if option.electrified and option.electrified not in seen:
            seen.add(option.electrified)
            out.append(option)
    return out


def _route_use(instance: Instance, route: Route, electrify: bool, params: FleetParams) -> RouteUse:
    vt = instance.vehicle_type(route.vehicle_type)
    drive = electric_twin(vt) if electrify else vt
    redo = simulate_route(
        instance,
        route.vehicle,
        drive,
        [(v.kind, v.location) for v in route.visits],
        route.visits[0].departure_s if route.visits else 0.0,
    )
    rates = rates_of(instance, drive)
    amount = redo.energy_kwh / rates.kwh_per_unit
    start = redo.visits[0].departure_s if redo.visits else 0.0
    end = redo.visits[-1].arrival_s if redo.visits else 0.0
    battery = usable = None
    vehicles = 1
    fossil_co2 = redo.co2_kg
    if drive.fuel is Fuel.ELECTRIC:
        battery = battery_of(drive, params)
        usable = params.usable_kwh(battery)
        vehicles = max(1, math.ceil(redo.energy_kwh / usable - 1e-9))
        fossil_co2 = 0.0
    return RouteUse(
        vehicle=route.vehicle,
        vehicle_type=vt.id,
        fuel=drive.fuel,
        size_class=size_class(drive),
        depot=vt.depot,
        km=redo.distance_m / 1000.0,
        energy_kwh=redo.energy_kwh,
        fuel_amount=amount,
        fuel_unit=rates.unit,
        fossil_co2_kg=fossil_co2,
        start_s=start,
        end_s=end,
        vehicles=vehicles,
        battery_kwh=battery,
        usable_kwh=usable,
    )


def charge_jobs(uses: list[RouteUse], charger_kw: float) -> dict[str, list[ChargeJob]]:
    """Return each depot's overnight charging jobs: one per electric truck."""
    jobs: dict[str, list[ChargeJob]] = defaultdict(list)
    for r in uses:
        if r.fuel is not Fuel.ELECTRIC or r.energy_kwh <= 0:
            continue
        per_truck = r.energy_kwh / r.vehicles
        minutes = math.ceil(per_truck / charger_kw * 60 - 1e-9)
        release = math.ceil(r.end_s / 60)
        deadline = math.floor(r.start_s / 60) + DAY_MIN
        for k in range(r.vehicles):
            name = r.vehicle if r.vehicles == 1 else f"{r.vehicle}/{k + 1}"
            jobs[r.depot].append(ChargeJob(name, release, max(deadline, release), minutes))
    return dict(sorted(jobs.items()))


def _price_per_unit(unit: str, params: FleetParams) -> float:
    return {
        "kWh": params["price_electricity_yuan_per_kwh"],
        "L": params["price_diesel_yuan_per_l"],
        "kg": params["price_gas_yuan_per_kg"],
    }[unit]


def evaluate_scenario(
    instance: Instance,
    result: RoutingResult,
    scenario: Scenario,
    params: FleetParams,
    *,
    years: list[int],
    grid_region: str,
    seed: int = 0,
) -> ScenarioResult:
    """Return what ``scenario`` needs, costs and emits on the day's routes of ``result``."""
    uses = [
        _route_use(instance, r, r.vehicle_type in scenario.electrified, params)
        for r in result.routes
    ]
    charger_kw = params["charger_kw"]
    jobs = charge_jobs(uses, charger_kw)
    per_charger = max(1, int(params["max_trucks_per_charger"]))
    charging = {
        depot: plan_charging(js, max_per_charger=per_charger, seed=seed)
        for depot, js in jobs.items()
    }
    short = tuple(j.vehicle for js in jobs.values() for j in js if not j.fits)
    days = params["operating_days_per_year"]
    electricity = sum(r.energy_kwh for r in uses if r.fuel is Fuel.ELECTRIC)
    fossil = sum(r.fossil_co2_kg for r in uses)
    co2 = {
        y: (fossil + electricity * grid_kg_per_kwh(grid_region, y)) * days / 1000.0 for y in years
    }
    ev_count = sum(r.vehicles for r in uses if r.fuel is Fuel.ELECTRIC)
    vehicles_capex = sum(r.vehicles * params.price(r.fuel, r.size_class) for r in uses)
    chargers = sum(p.chargers for p in charging.values())
    chargers_capex = chargers * params["charger_price_yuan"]
    subsidies = min(
        vehicles_capex + chargers_capex,
        ev_count * params["subsidy_yuan_per_electric_vehicle"]
        + chargers * params["subsidy_yuan_per_charger"],
    )
    energy = days * sum(r.fuel_amount * _price_per_unit(r.fuel_unit, params) for r in uses)
    upkeep = days * sum(r.km * params.maintenance_per_km(r.fuel) for r in uses)
    capex = vehicles_capex + chargers_capex - subsidies
    life = len(years)
    rate = params["discount_rate"]
    annuity = sum(1 / (1 + rate) ** k for k in range(1, life + 1))
    return ScenarioResult(
        scenario=scenario,
        routes=tuple(uses),
        charging=MappingProxyType(charging),
        short_of_charge=short,
        co2_t_by_year=MappingProxyType(co2),
        vehicles_capex_yuan=vehicles_capex,
        chargers_capex_yuan=chargers_capex,
        subsidies_yuan=subsidies,
        energy_yuan_per_year=energy,
        maintenance_yuan_per_year=upkeep,
        tco_yuan=capex + life * (energy + upkeep),
        tco_pv_yuan=capex + annuity * (energy + upkeep),
    )


def study_fleet(
    instance: Instance,
    result: RoutingResult,
    params: FleetParams,
    *,
    first_year: int,
    grid_region: str | None = None,
    routes_source: str = "",
    seed: int = 0,
) -> FleetStudy:
    """Compare today's fleet with every electrification scenario on the routes of ``result``.

    Parameters
    ----------
    instance
        The county; ``result`` must pass :func:`optimizer.evaluate.check` on it.
    result
        The day's routes.
    params
        Prices, batteries, chargers and the horizon (see ``fleet_defaults.csv``).
    first_year
        First year of the vehicles' life, for the grid factor by year.
    grid_region
        Grid of the county (MEE regions); default ``instance.meta["grid_region"]`` or china.
    routes_source
        Where the routes come from, for the record.
    seed
        Seed of the charging scheduler.

    """
    region = grid_region or instance.meta.get("grid_region", "china")
    years = list(range(first_year, first_year + int(params["life_years"])))
    scenarios = tuple(
        evaluate_scenario(instance, result, s, params, years=years, grid_region=region, seed=seed)
        for s in scenarios_for(instance, result)
    )
    return FleetStudy(
        instance=instance.name,
        routes_source=routes_source,
        grid_region=region,
        first_year=first_year,
        params=params,
        scenarios=scenarios,
        grid_years=MappingProxyType({y: grid_factor_year(region, y) for y in years}),
        unserved=len(result.unserved),
    )
