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
from optimizer.io.atomic import atomic_path

# Model capacity unit → (output column, factor to the package unit).
CAPACITY_COLUMNS: dict[str, tuple[str, float]] = {
    "MW": ("capacity_kw", 1000.0),
    "vehicles": ("capacity_vehicles", 1.0),
    "GWh/year saved": ("capacity_saved_kwh_per_year", KWH_PER_GWH),
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


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write one table as UTF-8 CSV, atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)
    return path


def write_tables(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write every table as CSV and all of them as sheets of ``carbon_results.xlsx``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_csv(frame, out / f"carbon_{name}.csv") for name, frame in frames.items()]

    excel = out / "carbon_results.xlsx"
    with atomic_path(excel) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
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


def plot_pathway(by_year: pd.DataFrame, out: Path, title: str) -> Path:
    """Plot CO2 per year (t) to a PNG file."""
    return _plot_line(
        list(by_year["year"]),
        list(by_year["co2_t"] / 1000),
        out / "carbon_pathway.png",
        xlabel="year",
        ylabel="CO2 (kt)",
        title=title,
    )


def plot_tradeoff(points: Sequence[TradeoffPoint], out: Path) -> Path:
    """Plot the cost–emissions trade-off curve (kt CO2 against billion yuan) to a PNG file."""
    good = [p for p in points if p.cost is not None and p.emissions is not None]
    return _plot_line(
        [(p.emissions or 0.0) for p in good],
        [(p.cost or 0.0) * YUAN_PER_MYUAN / 1e9 for p in good],
        out / "carbon_tradeoff.png",
        xlabel="CO2 over the horizon (kt)",
        ylabel="total discounted cost (billion yuan)",
        title="Cost-emissions trade-off",
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
