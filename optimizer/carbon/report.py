"""Tables (CSV, Excel) and charts (PNG) of a county carbon result, written atomically.

Values are converted from the scenario's model units (GWh, M yuan, kt CO2)
to the package units at this boundary; every column names its unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from optimizer.carbon.objectives import TradeoffPoint
from optimizer.carbon.result import CarbonResult
from optimizer.carbon.scenario import KG_PER_KT, KWH_PER_GWH, YUAN_PER_MYUAN, CountyScenario
from optimizer.charts import chart_lang, cjk_font
from optimizer.i18n import Lang, tr
from optimizer.io.atomic import atomic_path

# Model capacity unit → (output column, factor to the package unit).
CAPACITY_COLUMNS: dict[str, tuple[str, float]] = {
    "MW": ("capacity_kw", 1000.0),
    "vehicles": ("capacity_vehicles", 1.0),
    "GWh/year saved": ("capacity_saved_kwh_per_year", KWH_PER_GWH),
    "kt/year": ("capacity_t_per_year", 1000.0),
}


def tables(scenario: CountyScenario, result: CarbonResult) -> dict[str, pd.DataFrame]:
    """Return the result tables: by year, by sector and year, by measure, capacities."""
    d = scenario.data
    split = d.given("YearSplit")
    emis = d.given("EmissionActivityRatio")
    use = d.given("InputActivityRatio")
    by_sector: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (r, ts, t, m, y), rate in result.activity.items():
        level = rate * split.get((ts, y), 0.0)
        row = by_sector[scenario.techs[str(t)].sector, int(y)]
        row[0] += level * emis.get((r, t, "CO2", m, y), 0.0)
        row[1] += level * use.get((r, t, "ELC", m, y), 0.0)
    sector = pd.DataFrame(
        [
            {
                "sector": s,
                "year": y,
                "co2_t": kt * KG_PER_KT / 1000,
                "electricity_use_kwh": gwh * KWH_PER_GWH,
            }
            for (s, y), (kt, gwh) in sorted(by_sector.items())
        ]
    )
    year = pd.DataFrame(
        [
            {"year": y, "co2_t": v * KG_PER_KT / 1000}
            for (_, e, y), v in sorted(result.annual_emissions.items(), key=lambda kv: kv[0][2])
            if e == "CO2"
        ]
    )
    capacity_rows = []
    for (r, t, y), v in sorted(result.total_capacity.items(), key=str):
        tech = scenario.techs.get(str(t))
        if tech is None or t == "GRID_IMPORT":
            continue
        column, factor = CAPACITY_COLUMNS[tech.capacity_unit]
        capacity_rows.append(
            {
                "technology": t,
                "sector": tech.sector,
                "measure": tech.measure,
                "year": y,
                column: v * factor,
                "new_" + column: result.new_capacity.get((r, t, y), 0.0) * factor,
            }
        )
    capacity = pd.DataFrame(capacity_rows)
    invest: dict[str, float] = defaultdict(float)
    for (r, t, y), v in result.new_capacity.items():
        invest[scenario.techs[str(t)].measure] += v * d.value("CapitalCost", r, t, y)
    for (r, s, y), v in result.new_storage.items():
        invest["battery"] += v * d.value("CapitalCostStorage", r, s, y)
    measure = pd.DataFrame(
        [
            {"measure": m, "investment_yuan": v * YUAN_PER_MYUAN}
            for m, v in sorted(invest.items())
            if m != "baseline"
        ],
        columns=["measure", "investment_yuan"],
    )
    summary = pd.DataFrame(
        [
            {
                "objective": result.objective_name,
                "solver": result.outcome.solver,
                "solver_status": result.outcome.status,
                "total_discounted_cost_yuan": result.total_discounted_cost * YUAN_PER_MYUAN,
                "co2_total_t": result.emissions_total("CO2") * KG_PER_KT / 1000,
                "build_s": result.outcome.build_s,
                "solve_s": result.outcome.solve_s,
            }
        ]
    )
    return {
        "summary": summary,
        "by_year": year,
        "by_sector": sector,
        "by_measure": measure,
        "capacity": capacity,
    }


#: Chinese headers of the table columns (the English ones are the column names).
COLUMNS_ZH: dict[str, str] = {
    "objective": "目标",
    "solver": "求解器",
    "solver_status": "求解状态",
    "total_discounted_cost_yuan": "折现总成本 (元)",
    "co2_total_t": "规划期二氧化碳排放 (t)",
    "build_s": "建模时间 (秒)",
    "solve_s": "求解时间 (秒)",
    "year": "年份",
    "co2_t": "二氧化碳排放 (t)",
    "sector": "部门",
    "electricity_use_kwh": "用电量 (kWh)",
    "measure": "措施",
    "investment_yuan": "投资 (元)",
    "technology": "技术",
    "capacity_kw": "装机容量 (kW)",
    "new_capacity_kw": "新增装机容量 (kW)",
    "capacity_vehicles": "车辆数 (辆)",
    "new_capacity_vehicles": "新增车辆数 (辆)",
    "capacity_saved_kwh_per_year": "年节电能力 (kWh/年)",
    "new_capacity_saved_kwh_per_year": "新增年节电能力 (kWh/年)",
    "capacity_t_per_year": "处理能力 (吨/年)",
    "electric_fleet": "电动环卫车队",
    "incinerator": "焚烧厂",
    "co2_t_first_year": "首年二氧化碳排放 (t)",
    "sanitation_km_per_year": "环卫车年行驶里程 (km)",
    "electric_sanitation_trucks": "电动环卫车 (辆)",
    "incinerated_t_per_year": "年焚烧量 (t)",
    "waste_co2e_t_per_year": "垃圾处理年排放 (t CO2e)",
    "new_capacity_t_per_year": "新增处理能力 (吨/年)",
    "co2_cap_t": "二氧化碳排放上限 (t)",
}

#: Chinese names of the result sheets.
SHEETS_ZH: dict[str, str] = {
    "summary": "汇总",
    "by_year": "逐年排放",
    "by_sector": "分部门",
    "by_measure": "分措施投资",
    "capacity": "装机与设备",
}


def localized(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Return ``frame`` with Chinese column headers when ``lang`` is Chinese."""
    if lang != "zh":
        return frame
    return frame.rename(columns={c: COLUMNS_ZH.get(c, c) for c in frame.columns})


def write_csv(frame: pd.DataFrame, path: Path, *, lang: Lang = "en") -> Path:
    """Write one table as UTF-8 CSV (with a byte-order mark for Excel), atomically."""
    with atomic_path(path) as tmp:
        localized(frame, lang).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def write_tables(frames: dict[str, pd.DataFrame], out: Path, *, lang: Lang = "en") -> list[Path]:
    """Write every table as CSV and all of them as sheets of ``carbon_results.xlsx``.

    File names stay English (scripts find them); headers and sheet names
    follow ``lang``.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_csv(frame, out / f"carbon_{name}.csv", lang=lang) for name, frame in frames.items()
    ]

    excel = out / "carbon_results.xlsx"
    with atomic_path(excel) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet = SHEETS_ZH.get(name, name) if lang == "zh" else name
            localized(frame, lang).to_excel(writer, sheet_name=sheet, index=False)
    written.append(excel)
    return written


def _plot_line(
    x: Sequence[float], y: Sequence[float], path: Path, *, xlabel: str, ylabel: str, title: str
) -> Path:
    """Plot one line with markers and write it as a PNG file, atomically."""
    import matplotlib

    # The non-interactive backend: the CLI runs on servers without a display.
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_font()
    fonts = ["DejaVu Sans"] if family is None else [family, "DejaVu Sans"]
    # Text picks its font when it is created: every artist is made inside the context.
    with plt.rc_context({"font.family": fonts, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(7, 4))
        try:
            ax.plot(x, y, marker="o")
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(title)
            ax.grid(alpha=0.3)
            with atomic_path(path) as tmp:
                fig.savefig(tmp, dpi=120, format="png")
        finally:
            plt.close(fig)
    return path


def plot_pathway(by_year: pd.DataFrame, out: Path, title: str, *, lang: Lang = "en") -> Path:
    """Plot CO2 per year (t) to a PNG file, labelled in ``lang`` where a font allows."""
    lang = chart_lang(lang)
    return _plot_line(
        list(by_year["year"]),
        list(by_year["co2_t"] / 1000),
        out / "carbon_pathway.png",
        xlabel=tr(lang, "year", "年份"),
        ylabel=tr(lang, "CO2 (kt)", "二氧化碳排放 (千吨)"),
        title=title,
    )


def plot_tradeoff(points: Sequence[TradeoffPoint], out: Path, *, lang: Lang = "en") -> Path:
    """Plot the cost–emissions trade-off curve (kt CO2 against billion yuan) to a PNG file."""
    lang = chart_lang(lang)
    good = [p for p in points if p.cost is not None and p.emissions is not None]
    return _plot_line(
        [(p.emissions or 0.0) for p in good],
        [(p.cost or 0.0) * YUAN_PER_MYUAN / 1e9 for p in good],
        out / "carbon_tradeoff.png",
        xlabel=tr(lang, "CO2 over the horizon (kt)", "规划期二氧化碳排放 (千吨)"),
        ylabel=tr(lang, "total discounted cost (billion yuan)", "折现总成本 (十亿元)"),
        title=tr(lang, "Cost-emissions trade-off", "成本与排放权衡"),
    )


def tradeoff_table(points: Sequence[TradeoffPoint]) -> pd.DataFrame:
    """Return the trade-off points with units in the column names."""
    return pd.DataFrame(
        [
            {
                "co2_cap_t": p.cap * KG_PER_KT / 1000,
                "co2_t": None if p.emissions is None else p.emissions * KG_PER_KT / 1000,
                "total_discounted_cost_yuan": None if p.cost is None else p.cost * YUAN_PER_MYUAN,
                "solver_status": p.status,
            }
            for p in points
        ]
    )
