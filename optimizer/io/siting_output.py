"""Write a county siting result as JSON, CSV tables and one Excel workbook.

All files of a run are written into the output folder at once (or none of
them). Units are in every column name: t/day for loads and capacities, yuan
and yuan/year for money, kg CO2e/year for emissions.

Files: ``siting.json`` (everything), ``siting_sites.csv`` (open sites with
size class, load and capacity), ``siting_assignments.csv`` (stop -> station
and share), ``siting_flows.csv`` (station -> plant by stream),
``siting_costs.csv`` (cost and emission breakdown), for a county
``siting_stations.csv`` (each station's economics) and, when asked,
``siting_sensitivity.csv`` (re-solves over the cost assumptions), and
``siting.xlsx`` (the tables as sheets). With ``lang="zh"`` the column headers and sheet
names are in Chinese (units kept); CSV files carry a UTF-8 BOM so that Excel
opens Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.i18n import Lang, tr
from optimizer.io.atomic import write_folder_atomic
from optimizer.siting.diagnose import StationNote
from optimizer.siting.result import SitingResult
from optimizer.siting.sensitivity import Sensitivity


def _station_rows(stations: Sequence[StationNote]) -> list[dict[str, Any]]:
    return [
        {
            "site_id": n.station,
            "used": "yes" if n.used else "no",
            "size_class": n.size_class,
            "num_stops": n.num_stops,
            "load_t_per_day": round(n.load / 1000, 6),
            "haul_saved_yuan_per_year": round(n.haul_saved, 2),
            "handling_added_yuan_per_year": round(n.handling_added, 2),
            "fixed_cost_yuan_per_year": round(n.fixed, 2),
            "net_saving_yuan_per_year": round(n.net, 2),
        }
        for n in stations
    ]


def _sensitivity_rows(found: Sensitivity) -> list[dict[str, Any]]:
    rows, flips = found
    out: list[dict[str, Any]] = [
        {
            "assumption": r.assumption,
            "factor": r.factor,
            "stations": " ".join(r.stations),
            "cost_yuan_per_year": "" if r.cost is None else round(r.cost, 2),
            "proven_optimal": "yes" if r.proven else "no",
        }
        for r in rows
    ]
    out += [
        {
            "assumption": f.assumption,
            "factor": round(f.at, 6),
            "stations": f"{' '.join(f.before) or '-'} -> {' '.join(f.after) or '-'}",
            "cost_yuan_per_year": "",
            "proven_optimal": f"flip between x{f.low:g} and x{f.high:g}",
        }
        for f in flips
    ]
    return out


def _tables(
    result: SitingResult,
    stations: Sequence[StationNote] = (),
    sensitivity: Sensitivity | None = None,
) -> dict[str, list[dict[str, Any]]]:
    d = result.decision
    sites = [
        {
            "site_id": fid,
            "size_class": size,
            "load_t_per_day": round(result.load.get(fid, 0.0) / 1000, 6),
            "capacity_t_per_day": (
                "" if result.capacity.get(fid) is None else round(result.capacity[fid] / 1000, 6)  # type: ignore[operator]
            ),
        }
        for fid, size in sorted((d.open if d else {}).items())
    ]
    assignments = [
        {"stop_id": cid, "site_id": fid, "share_fraction": round(share, 9)}
        for cid, shares in sorted((d.assignment if d else {}).items())
        for fid, share in sorted(shares.items())
    ]
    flows = [
        {
            "from_site_id": f.source,
            "to_site_id": f.target,
            "stream": f.stream,
            "amount_t_per_day": round(f.amount / 1000, 6),
        }
        for f in (d.flows if d else ())
    ]
    costs = [
        {"item": k, "cost_yuan_per_year": round(v, 2)} for k, v in sorted(result.costs.items())
    ]
    costs += [
        {"item": f"co2:{k}", "co2_kg_per_year": round(v, 2)} for k, v in sorted(result.co2.items())
    ]
    tables: dict[str, list[dict[str, Any]]] = {
        "sites": sites,
        "assignments": assignments,
        "flows": flows,
        "costs": costs,
    }
    if stations:
        tables["stations"] = _station_rows(stations)
    if sensitivity is not None:
        tables["sensitivity"] = _sensitivity_rows(sensitivity)
    return tables


def _finite(x: float | None) -> float | None:
    # JSON has no infinity: a missing bound (no proof yet) is written as null.
    return None if x is None or not math.isfinite(x) else x


def siting_json(result: SitingResult) -> dict[str, Any]:
    """Return the result as a JSON-ready dict (units in key names)."""
    d = result.decision
    return {
        "instance": result.name,
        "status": result.status.value,
        "objective_yuan_per_year": _finite(result.objective),
        "bound_yuan_per_year": _finite(result.bound),
        "relative_gap": _finite(result.gap),
        "capital_yuan": result.capital,
        "costs_yuan_per_year": dict(result.costs),
        "co2_kg_per_year": dict(result.co2),
        "open_sites": dict(d.open) if d else {},
        "assignment": {c: dict(s) for c, s in d.assignment.items()} if d else {},
        "flows_kg_per_day": [
            {"from": f.source, "to": f.target, "stream": f.stream, "amount": f.amount}
            for f in (d.flows if d else ())
        ],
        "load_kg_per_day": dict(result.load),
        "capacity_kg_per_day": dict(result.capacity),
        "site_kinds": dict(result.kinds),
        "solver": result.solver,
        "settings": dict(result.settings),
        "build_time_s": result.build_time_s,
        "solve_time_s": result.solve_time_s,
        "diagnosis": list(result.diagnosis),
        "violations": list(result.violations),
    }


def _csv_text(rows: list[dict[str, Any]], header: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


_HEADERS = {
    "sites": ["site_id", "size_class", "load_t_per_day", "capacity_t_per_day"],
    "assignments": ["stop_id", "site_id", "share_fraction"],
    "flows": ["from_site_id", "to_site_id", "stream", "amount_t_per_day"],
    "costs": ["item", "cost_yuan_per_year", "co2_kg_per_year"],
    "stations": [
        "site_id",
        "used",
        "size_class",
        "num_stops",
        "load_t_per_day",
        "haul_saved_yuan_per_year",
        "handling_added_yuan_per_year",
        "fixed_cost_yuan_per_year",
        "net_saving_yuan_per_year",
    ],
    "sensitivity": ["assumption", "factor", "stations", "cost_yuan_per_year", "proven_optimal"],
}


_ZH = {
    "site_id": "站点编号",
    "size_class": "规模等级",
    "load_t_per_day": "处理量 (吨/日)",
    "capacity_t_per_day": "能力 (吨/日)",
    "stop_id": "收集点编号",
    "share_fraction": "分配比例 (0-1)",
    "from_site_id": "起点站点编号",
    "to_site_id": "终点站点编号",
    "stream": "垃圾类别",
    "amount_t_per_day": "运量 (吨/日)",
    "item": "项目",
    "cost_yuan_per_year": "费用 (元/年)",
    "co2_kg_per_year": "碳排放 (kg CO2e/年)",
    "used": "是否使用",
    "num_stops": "收集点数",
    "haul_saved_yuan_per_year": "节省收运运输 (元/年)",
    "handling_added_yuan_per_year": "增加转运处理与二次运输 (元/年)",
    "fixed_cost_yuan_per_year": "年化投资与固定费用 (元/年)",
    "net_saving_yuan_per_year": "净节省 (元/年)",
    "assumption": "假设",
    "factor": "模型取值倍数",
    "stations": "接收垃圾的转运站",
    "proven_optimal": "已证明最优",
}
_SHEET_ZH = {
    "sites": "站点",
    "assignments": "分配",
    "flows": "转运",
    "costs": "费用",
    "stations": "转运站经济性",
    "sensitivity": "敏感性",
}


def _header(column: str, lang: Lang) -> str:
    return tr(lang, column, _ZH[column])


def write_siting(
    result: SitingResult,
    out_dir: str | Path,
    *,
    lang: Lang = "en",
    stations: Sequence[StationNote] = (),
    sensitivity: Sensitivity | None = None,
) -> list[Path]:
    """Write ``result`` into ``out_dir`` atomically and return the files written.

    ``lang`` chooses the language of the CSV and Excel headers; siting.json
    keeps its English keys, since programs read it. ``stations`` (each
    station's economics) and ``sensitivity`` (re-solves over the cost
    assumptions) add ``siting_stations.csv`` and ``siting_sensitivity.csv``
    (and sheets), and the same tables in siting.json.
    """
    tables = _tables(result, stations, sensitivity)
    doc = siting_json(result)
    for name in ("stations", "sensitivity"):
        if name in tables:
            doc[name] = tables[name]
    text = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)

    def rows_in(name: str) -> list[dict[str, Any]]:
        return [{_header(k, lang): v for k, v in row.items()} for row in tables[name]]

    def columns_of(name: str) -> list[str]:
        return [_header(c, lang) for c in _HEADERS[name]]

    def writer_for(name: str) -> Any:
        return lambda p: p.write_text(
            _csv_text(rows_in(name), columns_of(name)), encoding="utf-8-sig"
        )

    def write_xlsx(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name in tables:
                pd.DataFrame(rows_in(name), columns=columns_of(name)).to_excel(
                    xl, sheet_name=tr(lang, name, _SHEET_ZH[name]), index=False
                )

    writers: dict[str, Any] = {"siting.json": lambda p: p.write_text(text, encoding="utf-8")}
    writers.update({f"siting_{name}.csv": writer_for(name) for name in tables})
    writers["siting.xlsx"] = write_xlsx
    return write_folder_atomic(out_dir, writers)
