"""Write a county siting result as JSON, CSV tables and one Excel workbook.

All files of a run are written into the output folder at once (or none of
them). Units are in every column name: t/day for loads and capacities, yuan
and yuan/year for money, kg CO2e/year for emissions.

Files: ``siting.json`` (everything), ``siting_sites.csv`` (open sites with
size class, load and capacity), ``siting_assignments.csv`` (stop -> station
and share), ``siting_flows.csv`` (station -> plant by stream),
``siting_costs.csv`` (cost and emission breakdown) and ``siting.xlsx`` (the
four tables as sheets).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.io.atomic import write_folder_atomic
from optimizer.siting.result import SitingResult


def _tables(result: SitingResult) -> dict[str, list[dict[str, Any]]]:
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
        {"stop_id": cid, "site_id": fid, "share": round(share, 9)}
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
    return {"sites": sites, "assignments": assignments, "flows": flows, "costs": costs}


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
    "assignments": ["stop_id", "site_id", "share"],
    "flows": ["from_site_id", "to_site_id", "stream", "amount_t_per_day"],
    "costs": ["item", "cost_yuan_per_year", "co2_kg_per_year"],
}


def write_siting(result: SitingResult, out_dir: str | Path) -> list[Path]:
    """Write ``result`` into ``out_dir`` atomically and return the files written."""
    tables = _tables(result)
    text = json.dumps(siting_json(result), ensure_ascii=False, indent=2, allow_nan=False)

    def writer_for(name: str) -> Any:
        return lambda p: p.write_text(_csv_text(tables[name], _HEADERS[name]), encoding="utf-8")

    def write_xlsx(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, rows in tables.items():
                pd.DataFrame(rows, columns=_HEADERS[name]).to_excel(
                    xl, sheet_name=name, index=False
                )

    writers: dict[str, Any] = {"siting.json": lambda p: p.write_text(text, encoding="utf-8")}
    writers.update({f"siting_{name}.csv": writer_for(name) for name in tables})
    writers["siting.xlsx"] = write_xlsx
    return write_folder_atomic(out_dir, writers)
