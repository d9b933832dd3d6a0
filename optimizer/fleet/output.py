"""Write a fleet study: ``fleet.json``, CSV tables, one Excel workbook and a chart, all at once.

Every column names its unit; with ``lang="zh"`` headers, sheet names and
chart labels are Chinese (file names stay English so scripts find them).
``fleet.json`` is the file the carbon scenario reads (format in README.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.charts import chart_lang, cjk_font
from optimizer.factors import grid_kg_per_kwh
from optimizer.fleet.study import CLASS_ZH, FleetStudy, ScenarioResult
from optimizer.i18n import Lang, tr
from optimizer.io.atomic import write_folder_atomic
from optimizer.io.columns import FUEL_ZH
from optimizer.model import Fuel
from optimizer.timefmt import format_clock

SCHEMA = "countyopt.fleet"
SCHEMA_VERSION = 1

COLUMNS_ZH: dict[str, str] = {
    "scenario": "方案",
    "label": "说明",
    "vehicles": "所需车辆 (辆)",
    "electric_vehicles": "电动车辆 (辆)",
    "chargers": "充电桩 (台)",
    "charger_kw": "充电桩功率 (kW)",
    "peak_kw": "车场充电峰值功率 (kW)",
    "unmanaged_peak_kw": "无序充电峰值功率 (kW)",
    "km_per_day": "日行驶里程 (km)",
    "electricity_kwh_per_day": "日用电量 (kWh)",
    "fuel_kwh_per_day": "日燃料能量 (kWh)",
    "co2_t_first_year": "首年二氧化碳排放 (t)",
    "co2_t_over_life": "使用期二氧化碳排放 (t)",
    "co2_saved_t_over_life": "使用期较现状减排 (t)",
    "vehicles_capex_yuan": "购车费用 (元)",
    "chargers_capex_yuan": "充电桩费用 (元)",
    "subsidies_yuan": "补贴 (元)",
    "energy_yuan_per_year": "能源费用 (元/年)",
    "maintenance_yuan_per_year": "维保费用 (元/年)",
    "tco_yuan": "全寿命周期成本 (元)",
    "tco_pv_yuan": "全寿命周期成本现值 (元)",
    "routes_over_battery": "超出电池的线路 (条)",
    "short_of_charge": "班次间充不满的车辆 (辆)",
    "uses_estimates": "含估计值",
    "year": "年份",
    "co2_t": "二氧化碳排放 (t)",
    "grid_kg_co2_per_kwh": "电网排放因子 (kg CO2/kWh)",
    "grid_factor_year": "排放因子发布年份",
    "estimate": "估计值",
    "vehicle": "车辆",
    "vehicle_type": "车型",
    "fuel": "能源类型",
    "size_class": "规格",
    "depot": "车场",
    "km": "里程 (km)",
    "energy_kwh": "能耗 (kWh)",
    "fuel_amount": "燃料用量",
    "fuel_unit": "燃料单位",
    "co2_kg": "二氧化碳排放 (kg)",
    "departure": "出车时间",
    "return": "回场时间",
    "vehicles_needed": "所需车辆 (辆)",
    "battery_kwh": "电池容量 (kWh)",
    "usable_kwh": "可用电量 (kWh)",
    "charger": "充电桩",
    "start": "开始充电",
    "end": "结束充电",
    "key": "参数",
    "value": "数值",
    "unit": "单位",
    "source": "来源",
}
SHEETS_ZH = {
    "scenarios": "方案比较",
    "co2_by_year": "逐年排放",
    "routes": "线路",
    "charging": "充电计划",
    "assumptions": "参数与来源",
}


def _scenario_doc(study: FleetStudy, s: ScenarioResult) -> dict[str, Any]:
    kw = study.params["charger_kw"]
    today = study.scenarios[0]
    by_fuel = {
        f: sum(r.km for r in s.routes if (r.fuel is Fuel.ELECTRIC) == f) for f in (True, False)
    }
    return {
        "name": s.scenario.name,
        "label_en": s.scenario.label.en,
        "label_zh": s.scenario.label.zh,
        "electrified_types": sorted(s.scenario.electrified),
        "vehicles": s.vehicles,
        "electric_vehicles": s.electric_vehicles,
        "fossil_vehicles": s.vehicles - s.electric_vehicles,
        "vehicles_by_type": [
            {"vehicle_type": t, "fuel": f.value, "count": n}
            for (t, f), n in s.vehicles_by_type().items()
        ],
        "chargers": s.chargers,
        "chargers_by_depot": {d: p.chargers for d, p in s.charging.items()},
        "chargers_proven_minimal": all(p.proven for p in s.charging.values()),
        "chargers_lower_bound": sum(p.lower_bound for p in s.charging.values()),
        "charger_kw": kw,
        "peak_kw": sum(p.peak_trucks for p in s.charging.values()) * kw,
        "unmanaged_peak_kw": sum(p.unmanaged_peak_trucks for p in s.charging.values()) * kw,
        "km_per_day": s.km_per_day,
        "electric_km_per_day": by_fuel[True],
        "fossil_km_per_day": by_fuel[False],
        "electricity_kwh_per_day": s.electricity_kwh_per_day,
        "fuel_kwh_per_day": s.fuel_kwh_per_day,
        "fossil_co2_kg_per_day": s.fossil_co2_kg_per_day,
        "co2_t_by_year": {str(y): t for y, t in s.co2_t_by_year.items()},
        "co2_t_over_life": sum(s.co2_t_by_year.values()),
        "co2_saved_t_over_life": sum(today.co2_t_by_year.values()) - sum(s.co2_t_by_year.values()),
        "vehicles_capex_yuan": s.vehicles_capex_yuan,
        "chargers_capex_yuan": s.chargers_capex_yuan,
        "subsidies_yuan": s.subsidies_yuan,
        "energy_yuan_per_year": s.energy_yuan_per_year,
        "maintenance_yuan_per_year": s.maintenance_yuan_per_year,
        "tco_yuan": s.tco_yuan,
        "tco_pv_yuan": s.tco_pv_yuan,
        "routes_over_battery": [r.vehicle for r in s.routes if r.over_battery],
        "short_of_charge": list(s.short_of_charge),
    }


def fleet_to_dict(study: FleetStudy, *, chosen: str | None = None) -> dict[str, Any]:
    """Return the ``fleet.json`` document of ``study`` (units in key names)."""
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "instance": study.instance,
        "routes_source": study.routes_source,
        "grid_region": study.grid_region,
        "first_year": study.first_year,
        "years": study.years,
        "life_years": int(study.params["life_years"]),
        "operating_days_per_year": study.params["operating_days_per_year"],
        "chosen": chosen,
        "stops_unserved": study.unserved,
        "estimates": study.params.estimates,
        "grid_factors": [
            {
                "year": y,
                "kg_co2_per_kwh": grid_kg_per_kwh(study.grid_region, y),
                "published_year": study.grid_years[y],
                "estimate": y > study.grid_years[y],
            }
            for y in study.years
        ],
        "parameters": [
            {
                "key": p.key,
                "value": p.value,
                "unit": p.unit,
                "estimate": p.estimate,
                "source": p.source,
            }
            for p in study.params.params.values()
        ],
        "scenarios": [_scenario_doc(study, s) for s in study.scenarios],
    }


def tables(study: FleetStudy, *, lang: Lang = "en") -> dict[str, pd.DataFrame]:
    """Return the study's tables: scenarios, CO2 by year, routes, charging, assumptions."""
    doc = fleet_to_dict(study)
    uses_estimates = bool(study.params.estimates)
    scen = pd.DataFrame(
        [
            {
                "scenario": d["name"],
                "label": d["label_zh"] if lang == "zh" else d["label_en"],
                "vehicles": d["vehicles"],
                "electric_vehicles": d["electric_vehicles"],
                "chargers": d["chargers"],
                "charger_kw": d["charger_kw"],
                "peak_kw": d["peak_kw"],
                "unmanaged_peak_kw": d["unmanaged_peak_kw"],
                "km_per_day": round(d["km_per_day"], 2),
                "electricity_kwh_per_day": round(d["electricity_kwh_per_day"], 2),
                "fuel_kwh_per_day": round(d["fuel_kwh_per_day"], 2),
                "co2_t_first_year": round(d["co2_t_by_year"][str(study.first_year)], 3),
                "co2_t_over_life": round(d["co2_t_over_life"], 3),
                "co2_saved_t_over_life": round(d["co2_saved_t_over_life"], 3),
                "vehicles_capex_yuan": round(d["vehicles_capex_yuan"]),
                "chargers_capex_yuan": round(d["chargers_capex_yuan"]),
                "subsidies_yuan": round(d["subsidies_yuan"]),
                "energy_yuan_per_year": round(d["energy_yuan_per_year"]),
                "maintenance_yuan_per_year": round(d["maintenance_yuan_per_year"]),
                "tco_yuan": round(d["tco_yuan"]),
                "tco_pv_yuan": round(d["tco_pv_yuan"]),
                "routes_over_battery": len(d["routes_over_battery"]),
                "short_of_charge": len(d["short_of_charge"]),
                "uses_estimates": tr(lang, "yes", "是") if uses_estimates else tr(lang, "no", "否"),
            }
            for d in doc["scenarios"]
        ]
    )
    factors = {g["year"]: g for g in doc["grid_factors"]}
    co2 = pd.DataFrame(
        [
            {
                "scenario": s.scenario.name,
                "year": y,
                "co2_t": round(t, 3),
                "grid_kg_co2_per_kwh": factors[y]["kg_co2_per_kwh"],
                "grid_factor_year": factors[y]["published_year"],
                "estimate": tr(lang, "yes", "是")
                if factors[y]["estimate"]
                else tr(lang, "no", "否"),
            }
            for s in study.scenarios
            for y, t in s.co2_t_by_year.items()
        ]
    )
    routes = pd.DataFrame(
        [
            {
                "scenario": s.scenario.name,
                "vehicle": r.vehicle,
                "vehicle_type": r.vehicle_type,
                "fuel": FUEL_ZH[r.fuel] if lang == "zh" else r.fuel.value,
                "size_class": CLASS_ZH[r.size_class] if lang == "zh" else r.size_class,
                "depot": r.depot,
                "km": round(r.km, 3),
                "energy_kwh": round(r.energy_kwh, 3),
                "fuel_amount": round(r.fuel_amount, 3),
                "fuel_unit": r.fuel_unit,
                "co2_kg": round(r.fossil_co2_kg, 3),
                "departure": format_clock(r.start_s),
                "return": format_clock(r.end_s),
                "vehicles_needed": r.vehicles,
                "battery_kwh": r.battery_kwh,
                "usable_kwh": None if r.usable_kwh is None else round(r.usable_kwh, 2),
            }
            for s in study.scenarios
            for r in s.routes
        ]
    )
    charging = pd.DataFrame(
        [
            {
                "scenario": s.scenario.name,
                "depot": depot,
                "charger": charger,
                "vehicle": vehicle,
                "start": format_clock(start * 60),
                "end": format_clock(end * 60),
            }
            for s in study.scenarios
            for depot, plan in s.charging.items()
            for vehicle, charger, start, end in sorted(plan.slots, key=lambda x: (x[1], x[2]))
        ],
        columns=["scenario", "depot", "charger", "vehicle", "start", "end"],
    )
    assumptions = pd.DataFrame(
        [
            {
                "key": p["key"],
                "value": p["value"],
                "unit": p["unit"],
                "estimate": tr(lang, "yes", "是") if p["estimate"] else tr(lang, "no", "否"),
                "source": p["source"],
            }
            for p in doc["parameters"]
        ]
    )
    return {
        "scenarios": scen,
        "co2_by_year": co2,
        "routes": routes,
        "charging": charging,
        "assumptions": assumptions,
    }


def _localized(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    if lang != "zh":
        return frame
    return frame.rename(columns={c: COLUMNS_ZH.get(c, c) for c in frame.columns})


def plot_fleet(study: FleetStudy, path: Path, *, lang: Lang = "en") -> None:
    """Draw cost of ownership and CO2 per scenario side by side as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    lang = chart_lang(lang)
    family = cjk_font()
    fonts = ["DejaVu Sans"] if family is None else [family, "DejaVu Sans"]
    names = [s.scenario.label.pick(lang) for s in study.scenarios]
    life = len(study.years)
    with plt.rc_context({"font.family": fonts, "axes.unicode_minus": False}):
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 0.5 * len(names) + 2.5))
        try:
            y = range(len(names))
            capex = [
                (s.vehicles_capex_yuan + s.chargers_capex_yuan - s.subsidies_yuan) / 1e6
                for s in study.scenarios
            ]
            energy = [life * s.energy_yuan_per_year / 1e6 for s in study.scenarios]
            upkeep = [life * s.maintenance_yuan_per_year / 1e6 for s in study.scenarios]
            left.barh(
                y,
                capex,
                label=tr(
                    lang, "vehicles and chargers (less subsidies)", "车辆与充电桩（扣除补贴）"
                ),
            )
            left.barh(y, energy, left=capex, label=tr(lang, "energy", "能源"))
            left.barh(
                y,
                upkeep,
                left=[a + b for a, b in zip(capex, energy, strict=True)],
                label=tr(lang, "maintenance", "维保"),
            )
            left.set_yticks(list(y), names)
            left.invert_yaxis()
            left.set_xlabel(
                tr(lang, f"cost over {life} years (million yuan)*", f"{life} 年总成本（百万元）*")
            )
            left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
            left.grid(axis="x", alpha=0.3)
            right.barh(y, [sum(s.co2_t_by_year.values()) for s in study.scenarios], color="#4a7")
            right.set_yticks(list(y), [""] * len(names))
            right.invert_yaxis()
            right.set_xlabel(tr(lang, f"CO2 over {life} years (t)", f"{life} 年二氧化碳排放（吨）"))
            right.grid(axis="x", alpha=0.3)
            fig.suptitle(
                tr(
                    lang,
                    f"{study.instance}: fleet electrification, {study.years[0]}-{study.years[-1]}",
                    f"{study.instance}：环卫车队电动化，{study.years[0]}-{study.years[-1]} 年",
                )
            )
            fig.text(
                0.01,
                0.01,
                tr(
                    lang,
                    "* prices are estimates unless the workbook gives them (fleet_assumptions.csv)",
                    "* 价格除工作簿给定者外均为估计值（见 fleet_assumptions.csv）",
                ),
                fontsize=8,
            )
            fig.tight_layout(rect=(0, 0.03, 1, 0.95))
            fig.savefig(path, dpi=120, format="png")
        finally:
            plt.close(fig)


def write_fleet(
    study: FleetStudy,
    out_dir: str | Path,
    *,
    lang: Lang = "en",
    chosen: str | None = None,
    more: dict[str, Callable[[Path], object]] | None = None,
) -> list[Path]:
    """Write every file of the study into ``out_dir``: all of them, or none.

    ``more`` adds files (name → writer) to the same atomic set.
    """
    frames = tables(study, lang=lang)
    text = json.dumps(
        fleet_to_dict(study, chosen=chosen), ensure_ascii=False, indent=1, allow_nan=False
    )

    def csv_writer(frame: pd.DataFrame) -> Callable[[Path], object]:
        return lambda p: _localized(frame, lang).to_csv(p, index=False, encoding="utf-8-sig")

    def xlsx(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in frames.items():
                sheet = SHEETS_ZH[name] if lang == "zh" else name
                _localized(frame, lang).to_excel(writer, sheet_name=sheet, index=False)

    writers: dict[str, Callable[[Path], object]] = {
        "fleet.json": lambda p: p.write_text(text + "\n", encoding="utf-8"),
    }
    writers |= {f"fleet_{name}.csv": csv_writer(frame) for name, frame in frames.items()}
    writers["fleet.xlsx"] = xlsx
    writers["fleet_chart.png"] = lambda p: plot_fleet(study, p, lang=lang)
    writers |= more or {}
    return write_folder_atomic(out_dir, writers)
