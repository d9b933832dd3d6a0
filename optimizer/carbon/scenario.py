"""County scenario (TOML) → OSeMOSYS data: sectors, demands, stock and clause (二十八) measures.

Inside the compiled LP: energy in GWh, capacity in MW (vehicles in vehicles,
efficiency measures in GWh/year saved), money in million yuan, emissions in
kt CO2. These keep the LP well scaled; :data:`UNITS` converts back to the
package units (kWh, yuan, kg) at the boundary.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.carbon.data import EnergyData, make_data
from optimizer.carbon.links import read_links
from optimizer.carbon.profiles import DAYS, HOURS, day_blocks, hourly_profiles
from optimizer.factors import factor, grid_kg_per_kwh
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_input_text

REGION = "COUNTY"
CO2 = "CO2"
# Model unit → package unit factors.
KWH_PER_GWH = 1e6
YUAN_PER_MYUAN = 1e6
KG_PER_KT = 1e6


@dataclass(frozen=True)
class Tech:
    """What a technology is for the report: sector, measure (or baseline) and capacity unit."""

    sector: str
    measure: str
    capacity_unit: str


TECHS: dict[str, Tech] = {
    "GRID_IMPORT": Tech("power", "baseline", "MW"),
    "ROOFTOP_PV": Tech("power", "rooftop_pv", "MW"),
    "BATTERY_IN": Tech("power", "battery", "MW"),
    "BATTERY_OUT": Tech("power", "battery", "MW"),
    "GAS_CHP": Tech("power", "gas_chp", "MW"),
    "COAL_BOILER": Tech("heating", "baseline", "MW"),
    "GAS_BOILER": Tech("heating", "gas_boiler", "MW"),
    "HEAT_PUMP": Tech("heating", "heat_pump", "MW"),
    "BUILDING_RETROFIT": Tech("buildings", "building_retrofit", "GWh/year saved"),
    "EFFICIENT_LIGHTING": Tech("buildings", "efficient_lighting", "GWh/year saved"),
    "IND_COAL_BOILER": Tech("industry", "baseline", "MW"),
    "IND_GAS_BOILER": Tech("industry", "gas_boiler", "MW"),
    "IND_ELECTRIC_BOILER": Tech("industry", "electric_boiler", "MW"),
    "DIESEL_BUS": Tech("transport", "baseline", "vehicles"),
    "ELECTRIC_BUS": Tech("transport", "electric_bus", "vehicles"),
    "DIESEL_SANITATION": Tech("transport", "baseline", "vehicles"),
    "ELECTRIC_SANITATION": Tech("transport", "electric_sanitation_truck", "vehicles"),
    "INCINERATION": Tech("waste", "incineration", "kt/year"),
    "LANDFILL": Tech("waste", "baseline", "kt/year"),
}
#: Techs of the ``[waste]`` section: in a scenario only when it has one.
WASTE_TECHS = ("INCINERATION", "LANDFILL")
MEASURES = (
    "rooftop_pv",
    "battery",
    "heat_pump",
    "gas_boiler",
    "gas_chp",
    "building_retrofit",
    "efficient_lighting",
    "electric_boiler",
    "electric_bus",
    "electric_sanitation_truck",
)


@dataclass(frozen=True)
class CountyScenario:
    """A compiled county scenario: its name, the OSeMOSYS data and what each tech is."""

    name: str
    synthetic: bool
    data: EnergyData
    techs: dict[str, Tech]
    source: str
    co2_pathway_t: dict[int, float] = field(default_factory=dict)  # yearly caps, tonnes
    # First-year activity of the linked sectors (sanitation_km, incinerated_t, …) and
    # the result files they come from.
    activity: dict[str, float] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


@cache
def defaults() -> dict[str, float]:
    """Return the shipped technology defaults (see the CSV for units and sources)."""
    text = resources.files("optimizer").joinpath("data/carbon/technologies.csv").read_text("utf-8")
    return {r["key"]: float(r["value"]) for r in csv.DictReader(text.splitlines())}


def read_scenario(path: str | Path) -> CountyScenario:
    """Read and compile a county scenario TOML file."""
    return parse_scenario(read_input_text(path), source=str(path))


def demo_scenario_path() -> Path:
    """Return the path of the shipped demo county scenario."""
    return Path(str(resources.files("optimizer").joinpath("data/carbon/demo_county.toml")))


# What a planner editing the TOML should type, by the Python type the model needs.
_KIND_TEXT = {
    float: Text("a number", "数字"),
    int: Text("a whole number", "整数"),
    str: Text('a text in "quotes"', '带 "引号" 的文本'),
    bool: Text("true or false", "true 或 false"),
}


def _kind_text(kind: type) -> Text:
    return _KIND_TEXT.get(kind, Text(f"a {kind.__name__}", f"{kind.__name__!r} 类型的值"))


class _Reader:
    """Typed access to the TOML tree that collects every problem before raising."""

    def __init__(self, tree: dict[str, Any], source: str) -> None:
        self.tree, self.source = tree, source
        self.problems: list[InputProblem] = []

    def get(
        self, dotted: str, kind: type, default: Any = None, *, minimum: float | None = None
    ) -> Any:
        node: Any = self.tree
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is None:
                    self.problems.append(
                        InputProblem(
                            self.source,
                            None,
                            dotted,
                            "",
                            _kind_text(kind) + Text(" (the key is missing)", "（缺少此键）"),
                        )
                    )
                return default
            node = node[part]
        ok = isinstance(node, kind) or (kind is float and isinstance(node, int))
        if isinstance(node, bool) and kind is not bool:
            ok = False
        if not ok:
            self.problems.append(
                InputProblem(self.source, None, dotted, str(node), _kind_text(kind))
            )
            return default if default is not None else kind()
        if minimum is not None and node < minimum:
            self.problems.append(
                InputProblem(
                    self.source,
                    None,
                    dotted,
                    str(node),
                    Text(f"a number ≥ {minimum}", f"≥ {minimum} 的数"),
                )
            )
        return float(node) if kind is float else node


def parse_scenario(text: str, *, source: str = "<scenario>") -> CountyScenario:
    """Parse scenario TOML text and compile it onto the OSeMOSYS core.

    Raises
    ------
    InputError
        Naming every missing or bad key (as ``section.key``) with what is expected.

    """
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(
            [
                InputProblem(
                    source,
                    None,
                    "",
                    "",
                    Text(f"valid TOML ({err})", f"有效的 TOML（{str(err)!r}）"),
                )
            ]
        ) from err
    return scenario_from_dict(tree, source=source)


def scenario_from_dict(tree: dict[str, Any], *, source: str = "<scenario>") -> CountyScenario:
    """Validate a scenario given as nested dictionaries (a parsed TOML file) and compile it."""
    rd = _Reader(tree, source)
    s: dict[str, Any] = {
        "name": rd.get("county.name", str),
        "synthetic": rd.get("county.synthetic", bool, False),
        "grid_region": rd.get("county.grid_region", str, "china"),
        "latitude": rd.get("county.latitude_deg", float, minimum=-90),
        "discount_rate": rd.get("county.discount_rate", float, 0.06, minimum=0),
        "first": rd.get("time.first_year", int),
        "last": rd.get("time.last_year", int),
        "resolution": rd.get("time.resolution", str, "typical_days"),
        "typical_days": rd.get("time.typical_days", int, 12, minimum=1),
        "seed": rd.get("time.seed", int, 0),
        "remaining": rd.get("stock.remaining_years", float, 8.0, minimum=1),
    }
    for key in ("electricity", "building_heat", "industry_heat"):
        s[key] = rd.get(f"demand.{key}_kwh", float, minimum=0) or 0.0
        s[key + "_growth"] = rd.get(f"demand.{key}_growth", float, 0.0, minimum=-0.5)
    linked = read_links(tree, rd, source)
    for key in ("bus", "sanitation"):
        typed = 0.0 if key == "sanitation" and "sanitation" in linked.links else None
        s[key] = rd.get(f"demand.{key}_km", float, typed, minimum=0) or 0.0
        s[key + "_growth"] = rd.get(f"demand.{key}_growth", float, 0.0, minimum=-0.5)
    for key in (
        "coal_boiler_kw",
        "industry_coal_boiler_kw",
        "diesel_buses",
        "diesel_sanitation_trucks",
    ):
        s[key] = rd.get(f"stock.{key}", float, 0.0, minimum=0)
    s["electric_sanitation_trucks"] = 0.0
    s.update(linked.values)
    enabled = {m: rd.get(f"measures.{m}.enabled", bool, False) for m in MEASURES}
    s["roof_area_m2"] = rd.get("measures.rooftop_pv.roof_area_m2", float, 0.0, minimum=0)
    s["roof_share"] = rd.get("measures.rooftop_pv.usable_share", float, 1.0, minimum=0)
    s["retrofit_share"] = rd.get(
        "measures.building_retrofit.max_share_of_building_heat", float, 0.0, minimum=0
    )
    s["lighting_share"] = rd.get(
        "measures.efficient_lighting.max_share_of_electricity", float, 0.0, minimum=0
    )
    for section in tree.get("measures", {}):
        if section not in MEASURES:
            rd.problems.append(
                InputProblem(
                    source,
                    None,
                    f"measures.{section}",
                    "",
                    Text(
                        f"one of {', '.join(MEASURES)}",
                        f"以下之一：{'、'.join(repr(m) for m in MEASURES)}",
                    ),
                )
            )
    if s["resolution"] not in ("typical_days", "hourly"):
        rd.problems.append(
            InputProblem(
                source,
                None,
                "time.resolution",
                s["resolution"],
                Text("typical_days or hourly", "'typical_days' 或 'hourly'"),
            )
        )
    if isinstance(s["first"], int) and isinstance(s["last"], int):
        if s["last"] < s["first"]:
            rd.problems.append(
                InputProblem(
                    source,
                    None,
                    "time.last_year",
                    str(s["last"]),
                    Text(f"≥ first_year {s['first']}", f"≥ 'first_year'（{s['first']}）"),
                )
            )
        if s["resolution"] == "hourly" and s["last"] != s["first"]:
            rd.problems.append(
                InputProblem(
                    source,
                    None,
                    "time.resolution",
                    "hourly",
                    Text(
                        "typical_days when the horizon has several years (hourly is for one year)",
                        "多年规划期须用 'typical_days'（'hourly' 只用于单一年份）",
                    ),
                )
            )
    try:
        grid_kg_per_kwh(s["grid_region"], 2023)
    except KeyError:
        rd.problems.append(
            InputProblem(
                source,
                None,
                "county.grid_region",
                s["grid_region"],
                Text(
                    "china, north, northeast, east, central, northwest, south or southwest",
                    "'china'、'north'、'northeast'、'east'、'central'、'northwest'、'south' "
                    "或 'southwest'",
                ),
            )
        )
    if rd.problems:
        raise InputError(rd.problems)
    pathway = _pathway(tree, rd, s)
    if rd.problems:
        raise InputError(rd.problems)
    data = _compile(s, enabled, source)
    return CountyScenario(
        s["name"],
        s["synthetic"],
        data,
        dict(TECHS),
        source,
        pathway,
        linked.activity,
        linked.links,
    )


def _pathway(tree: dict[str, Any], rd: _Reader, s: dict[str, Any]) -> dict[int, float]:
    """Read ``[policy] co2_pathway_t = { "2030" = 1.2e6, ... }``: yearly CO2 caps in tonnes."""
    raw = tree.get("policy", {}).get("co2_pathway_t", {})
    if not isinstance(raw, dict):
        rd.problems.append(
            InputProblem(
                rd.source,
                None,
                "policy.co2_pathway_t",
                repr(raw),
                Text("a table year = t", "形如 '年份 = 吨数' 的表"),
            )
        )
        return {}
    pathway: dict[int, float] = {}
    for key, value in raw.items():
        where = f"policy.co2_pathway_t.{key}"
        try:
            year = int(key)
        except ValueError:
            rd.problems.append(InputProblem(rd.source, None, where, key, Text("a year", "年份")))
            continue
        if not s["first"] <= year <= s["last"]:
            expected = Text(
                f"a year from {s['first']} to {s['last']}",
                f"{s['first']} 至 {s['last']} 之间的年份",
            )
            rd.problems.append(InputProblem(rd.source, None, where, key, expected))
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            rd.problems.append(
                InputProblem(rd.source, None, where, repr(value), Text("tonnes ≥ 0", "≥ 0 的吨数"))
            )
        else:
            pathway[year] = float(value)
    return pathway


def _compile(s: dict[str, Any], enabled: dict[str, bool], source: str) -> EnergyData:
    """Build the OSeMOSYS sets and parameters of a validated scenario."""
    dv = defaults()
    cny = dv["eur_cny"]
    years = list(range(s["first"], s["last"] + 1))
    prof = hourly_profiles(
        latitude_deg=s["latitude"], pv_yield_kwh_per_kwp=dv["pv_yield_kwh_per_kwp"], seed=s["seed"]
    )
    blocks = day_blocks(DAYS if s["resolution"] == "hourly" else s["typical_days"])
    slices = [f"D{b + 1:03d}H{h + 1:02d}" for b in range(len(blocks)) for h in range(HOURS)]
    p: dict[str, dict[tuple[object, ...], float]] = {}

    def put(name: str, index: tuple[object, ...], value: float) -> None:
        p.setdefault(name, {})[index] = float(value)

    def add(name: str, index: tuple[object, ...], value: float) -> None:
        table = p.setdefault(name, {})
        table[index] = table.get(index, 0.0) + float(value)

    # Time structure: each block is a season of identical days, one daytype, 24 brackets.
    block_of = {}
    for b, days in enumerate(blocks):
        for h in range(HOURS):
            ts = slices[b * HOURS + h]
            block_of[ts] = (b, days, h)
            put("Conversionls", (ts, b + 1), 1)
            put("Conversionld", (ts, 1), 1)
            put("Conversionlh", (ts, h + 1), 1)
            for y in years:
                put("YearSplit", (ts, y), len(days) / (DAYS * HOURS))
    for b, days in enumerate(blocks):
        for y in years:
            put("DaysInDayType", (b + 1, 1, y), len(days))
    for h in range(HOURS):
        for y in years:
            put("DaySplit", (h + 1, y), 1 / (DAYS * HOURS))

    def share(profile: np.ndarray, ts: str) -> float:
        _, days, h = block_of[ts]
        return float(profile[days, h].sum())

    def mean(profile: np.ndarray, ts: str) -> float:
        _, days, h = block_of[ts]
        return float(profile[days, h].mean())

    techs = [
        t
        for t in TECHS
        if t not in WASTE_TECHS
        and (TECHS[t].measure == "baseline" or enabled.get(TECHS[t].measure, False))
    ]
    if s["electric_sanitation_trucks"] > 0 and "ELECTRIC_SANITATION" not in techs:
        techs.append("ELECTRIC_SANITATION")  # today's electric trucks, even with no new ones
    fuels = ["ELC", "HEAT_B", "HEAT_I", "BUS_KM", "SAN_KM"]
    waste = s.get("waste")
    if waste is not None:
        techs.append("INCINERATION" if waste["incineration"] else "LANDFILL")
        fuels.append("WASTE")

    def grow(base: float, rate: float, y: int) -> float:
        return base * (1 + rate) ** (y - years[0])

    demands = {
        "ELC": (s["electricity"] / KWH_PER_GWH, s["electricity_growth"], prof.electricity),
        "HEAT_B": (s["building_heat"] / KWH_PER_GWH, s["building_heat_growth"], prof.building_heat),
        "HEAT_I": (s["industry_heat"] / KWH_PER_GWH, s["industry_heat_growth"], prof.industry_heat),
        "BUS_KM": (s["bus"] / 1e6, s["bus_growth"], prof.bus),  # million vehicle-km
        "SAN_KM": (s["sanitation"] / 1e6, s["sanitation_growth"], prof.sanitation),
    }
    for f, (base, rate, profile) in demands.items():
        shares = {ts: share(profile, ts) for ts in slices}
        for y in years:
            put("SpecifiedAnnualDemand", (REGION, f, y), grow(base, rate, y))
            for ts in slices:
                put("SpecifiedDemandProfile", (REGION, f, ts, y), shares[ts])

    tj_per_gwh = 3.6
    purchased = {  # fuel: (price in M yuan/GWh = yuan/kWh, combustion CO2 in kt/GWh = kg/kWh)
        "COAL": (dv["coal_price_yuan_per_kwh"], factor("ipcc_bituminous_coal") * tj_per_gwh / 1e6),
        "GAS": (dv["gas_price_yuan_per_kwh"], factor("ipcc_natural_gas") * tj_per_gwh / 1e6),
        "DSL": (dv["diesel_price_yuan_per_kwh"], factor("ipcc_diesel") * tj_per_gwh / 1e6),
    }

    def io(t: str, inputs: dict[str, float], outputs: dict[str, float]) -> None:
        """Set activity ratios; bought fuels become a price and CO2 per unit of activity.

        Coal, gas and diesel arrive by truck or pipe without a county network
        to balance each hour, so they need no fuel balance rows.
        """
        for y in years:
            for f, v in inputs.items():
                if f in purchased:
                    price, co2 = purchased[f]
                    add("VariableCost", (REGION, t, 1, y), v * price)
                    add("EmissionActivityRatio", (REGION, t, CO2, 1, y), v * co2)
                else:
                    put("InputActivityRatio", (REGION, t, f, 1, y), v)
            for f, v in outputs.items():
                put("OutputActivityRatio", (REGION, t, f, 1, y), v)

    def costs(
        t: str, capital: float = 0.0, fixed: float = 0.0, variable: float = 0.0, life: float = 1
    ) -> None:
        put("OperationalLife", (REGION, t), life)
        for y in years:
            if capital:
                put("CapitalCost", (REGION, t, y), capital)
            if fixed:
                put("FixedCost", (REGION, t, y), fixed)
            if variable:
                add("VariableCost", (REGION, t, 1, y), variable)

    def follow(t: str, profile: np.ndarray) -> None:
        """Let a tech's output follow a demand shape: CF = share / YearSplit."""
        for ts in slices:
            _, days, _ = block_of[ts]
            split = len(days) / (DAYS * HOURS)
            for y in years:
                put("CapacityFactor", (REGION, t, ts, y), share(profile, ts) / split)

    def residual(t: str, amount: float) -> None:
        for y in years:
            left = max(0.0, 1 - (y - years[0]) / s["remaining"])
            put("ResidualCapacity", (REGION, t, y), amount * left)

    def no_new(t: str) -> None:
        for y in years:
            put("TotalAnnualMaxCapacityInvestment", (REGION, t, y), 0)

    mw_per_kw = 1e-3
    cta_mw = 8.76  # GWh per MW-year
    # Grid electricity: tariff (M yuan/GWh = yuan/kWh) and the regional grid factor (kt/GWh).
    io("GRID_IMPORT", {}, {"ELC": 1})
    costs("GRID_IMPORT", variable=dv["grid_price_yuan_per_kwh"])
    put("CapacityToActivityUnit", (REGION, "GRID_IMPORT"), cta_mw)
    for y in years:
        put(
            "EmissionActivityRatio",
            (REGION, "GRID_IMPORT", CO2, 1, y),
            grid_kg_per_kwh(s["grid_region"], y),
        )

    def capex(key: str) -> float:
        return dv[key] * cny * mw_per_kw  # EUR/kW → M yuan/MW

    put("CapacityToActivityUnit", (REGION, "COAL_BOILER"), cta_mw)
    io("COAL_BOILER", {"COAL": 1 / dv["coal_boiler_efficiency"]}, {"HEAT_B": 1})
    costs("COAL_BOILER", fixed=dv["coal_boiler_fom_eur_per_kw"] * cny * mw_per_kw, life=30)
    residual("COAL_BOILER", s["coal_boiler_kw"] * mw_per_kw)
    no_new("COAL_BOILER")
    put("CapacityToActivityUnit", (REGION, "IND_COAL_BOILER"), cta_mw)
    io("IND_COAL_BOILER", {"COAL": 1 / dv["coal_boiler_efficiency"]}, {"HEAT_I": 1})
    costs("IND_COAL_BOILER", fixed=dv["coal_boiler_fom_eur_per_kw"] * cny * mw_per_kw, life=30)
    residual("IND_COAL_BOILER", s["industry_coal_boiler_kw"] * mw_per_kw)
    no_new("IND_COAL_BOILER")

    if "ROOFTOP_PV" in techs:
        put("CapacityToActivityUnit", (REGION, "ROOFTOP_PV"), cta_mw)
        io("ROOFTOP_PV", {}, {"ELC": 1})
        pv_capex = capex("pv_capex_eur_per_kw")
        costs("ROOFTOP_PV", pv_capex, pv_capex * dv["pv_fom_share"], 0.0, dv["pv_life_years"])
        potential = s["roof_area_m2"] * s["roof_share"] * dv["pv_kw_per_m2"] * mw_per_kw
        for y in years:
            put("TotalAnnualMaxCapacity", (REGION, "ROOFTOP_PV", y), potential)
            for ts in slices:
                put("CapacityFactor", (REGION, "ROOFTOP_PV", ts, y), mean(prof.pv_cf, ts))
    if "BATTERY_IN" in techs:
        eff = dv["battery_inverter_efficiency"]
        for t in ("BATTERY_IN", "BATTERY_OUT"):
            put("CapacityToActivityUnit", (REGION, t), cta_mw)
            costs(t, capex("battery_inverter_eur_per_kw") / 2, 0.0, 0.0, dv["battery_life_years"])
        io("BATTERY_IN", {"ELC": 1}, {})
        io("BATTERY_OUT", {}, {"ELC": eff * eff})
        put("TechnologyToStorage", (REGION, "BATTERY_IN", "BATTERY", 1), 1)
        put("TechnologyFromStorage", (REGION, "BATTERY_OUT", "BATTERY", 1), 1)
        put("OperationalLifeStorage", (REGION, "BATTERY"), dv["battery_life_years"])
        put("StorageLevelStart", (REGION, "BATTERY"), 0)
        for y in years:
            put("CapitalCostStorage", (REGION, "BATTERY", y), dv["battery_capex_eur_per_kwh"] * cny)
            put("ResidualStorageCapacity", (REGION, "BATTERY", y), 0)
    for t, key, fuel_in, out in (
        ("GAS_BOILER", "gas_boiler", "GAS", "HEAT_B"),
        ("IND_GAS_BOILER", "gas_boiler", "GAS", "HEAT_I"),
        ("IND_ELECTRIC_BOILER", "electric_boiler", "ELC", "HEAT_I"),
    ):
        if t in techs:
            put("CapacityToActivityUnit", (REGION, t), cta_mw)
            io(t, {fuel_in: 1 / dv[f"{key}_efficiency"]}, {out: 1})
            costs(t, capex(f"{key}_capex_eur_per_kw"), 0.0, 0.0, dv[f"{key}_life_years"])
    if "HEAT_PUMP" in techs:
        put("CapacityToActivityUnit", (REGION, "HEAT_PUMP"), cta_mw)
        io("HEAT_PUMP", {"ELC": 1 / dv["heat_pump_cop"]}, {"HEAT_B": 1})
        hp = capex("heat_pump_capex_eur_per_kw")
        costs("HEAT_PUMP", hp, hp * dv["heat_pump_fom_share"], 0.0, dv["heat_pump_life_years"])
    if "GAS_CHP" in techs:
        put("CapacityToActivityUnit", (REGION, "GAS_CHP"), cta_mw)
        eta = dv["gas_chp_electric_efficiency"]
        io("GAS_CHP", {"GAS": 1 / eta}, {"ELC": 1, "HEAT_B": 1 / dv["gas_chp_cb"]})
        costs("GAS_CHP", capex("gas_chp_capex_eur_per_kw"), 0.0, 0.0, dv["gas_chp_life_years"])
    for t, fuel, key, cap_share, base in (
        ("BUILDING_RETROFIT", "HEAT_B", "retrofit", s["retrofit_share"], demands["HEAT_B"]),
        ("EFFICIENT_LIGHTING", "ELC", "lighting", s["lighting_share"], demands["ELC"]),
    ):
        if t in techs:
            io(t, {}, {fuel: 1})
            costs(t, dv[f"{key}_capex_yuan_per_kwh_year"], 0.0, 0.0, dv[f"{key}_life_years"])
            follow(t, base[2])
            for y in years:
                put("TotalAnnualMaxCapacity", (REGION, t, y), cap_share * grow(base[0], base[1], y))
    for t, fuel, kind, power, stock in (
        ("DIESEL_BUS", "BUS_KM", "bus", "diesel", s["diesel_buses"]),
        ("ELECTRIC_BUS", "BUS_KM", "bus", "electric", 0.0),
        ("DIESEL_SANITATION", "SAN_KM", "sanitation", "diesel", s["diesel_sanitation_trucks"]),
        (
            "ELECTRIC_SANITATION",
            "SAN_KM",
            "sanitation",
            "electric",
            s["electric_sanitation_trucks"],
        ),
    ):
        if t not in techs:
            continue
        km_year = dv[f"{kind}_km_per_year"]
        energy = dv[f"{power}_{kind}_kwh_per_km"]  # kWh/km = GWh per million km
        if kind == "sanitation":  # from the county's own routes when linked
            km_year = s.get("sanitation_km_per_vehicle") or km_year
            energy = s.get("sanitation_kwh_per_km", {}).get(power, energy)
        put("CapacityToActivityUnit", (REGION, t), km_year / 1e6)
        io(t, {"DSL" if power == "diesel" else "ELC": energy}, {fuel: 1})
        costs(
            t, dv[f"{power}_{kind}_price_yuan"] / YUAN_PER_MYUAN, 0.0, 0.0, dv[f"{kind}_life_years"]
        )
        follow(t, demands[fuel][2])
        if stock:
            residual(t, stock)
        if t == "ELECTRIC_SANITATION" and not enabled.get("electric_sanitation_truck", False):
            no_new(t)
    if waste is not None:
        # Waste arrives evenly through the year; the plant (or landfill) takes all of it.
        t = "INCINERATION" if waste["incineration"] else "LANDFILL"
        outputs = {"WASTE": 1.0}
        if waste["incineration"]:
            outputs["ELC"] = waste["elc_gwh_per_kt"]
        io(t, {}, outputs)
        put("CapacityToActivityUnit", (REGION, t), 1.0)
        put("OperationalLife", (REGION, t), 30)
        no_new(t)
        for y in years:
            amount = grow(waste["t_per_year"] / 1000, waste["growth"], y)  # kt
            put("SpecifiedAnnualDemand", (REGION, "WASTE", y), amount)
            put("ResidualCapacity", (REGION, t, y), amount)
            put("EmissionActivityRatio", (REGION, t, CO2, 1, y), waste["co2_kt_per_kt"])
            for ts in slices:
                _, days, _ = block_of[ts]
                put("SpecifiedDemandProfile", (REGION, "WASTE", ts, y), len(days) / (DAYS * HOURS))
    put("DiscountRate", (REGION,), s["discount_rate"])
    sets: dict[str, list[Any]] = {
        "REGION": [REGION],
        "YEAR": years,
        "TIMESLICE": slices,
        "TECHNOLOGY": techs,
        "FUEL": fuels,
        "EMISSION": [CO2],
        "MODE_OF_OPERATION": [1],
        "SEASON": list(range(1, len(blocks) + 1)),
        "DAYTYPE": [1],
        "DAILYTIMEBRACKET": list(range(1, HOURS + 1)),
        "STORAGE": ["BATTERY"] if "BATTERY_IN" in techs else [],
    }
    return make_data(sets, p, source=source)
