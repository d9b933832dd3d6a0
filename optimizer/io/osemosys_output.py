"""Write the plan of an OSeMOSYS model (data file or otoole CSV folder) and re-check its cost.

The model's own names and units are kept (regions, technologies, years of
the file; money and energy in the file's units). ``carbon_objective.json``
states the LP's objective next to the total discounted cost recomputed from
the plan's activities and new capacities by
:func:`optimizer.carbon.recompute.recompute`, so a reader can see that they
agree; the CSV tables hold the plan itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from optimizer.carbon.data import EnergyData, Index
from optimizer.carbon.recompute import recompute
from optimizer.carbon.result import CarbonResult
from optimizer.io.atomic import write_folder_atomic, write_text_atomic

# Relative difference between the LP's objective and the recomputed cost
# above which a plan is reported as failing the independent re-check.
RECHECK_TOLERANCE = 1e-6


def objective_summary(data: EnergyData, result: CarbonResult) -> dict[str, Any]:
    """Return the plan's objective, the recomputed cost and the solver's verdict."""
    redo = recompute(data, result.activity, result.new_capacity, result.new_storage)
    lp = result.total_discounted_cost
    again = redo.total_discounted_cost
    diff = abs(lp - again) / max(1.0, abs(again))
    o = result.outcome
    return {
        "objective": result.objective_name,
        "total_discounted_cost": lp,
        "recomputed_total_discounted_cost": again,
        "recheck_ok": diff <= RECHECK_TOLERANCE,
        "recheck_relative_difference": diff,
        "emissions_total": {
            str(e): result.emissions_total(str(e))
            for e in sorted({str(e) for _, e, _ in result.annual_emissions})
        },
        "solver": o.solver,
        "status": o.status,
        "optimal": o.optimal,
        "build_s": round(o.build_s, 3),
        "solve_s": round(o.solve_s, 3),
    }


def _table(header: Sequence[str], values: Mapping[Index, float]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*header, "value"])
    for key, value in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0]))):
        writer.writerow([*key, repr(value)])
    return buf.getvalue()


def plan_json(data: EnergyData, result: CarbonResult) -> dict[str, Any]:
    """Return the objective summary and the plan (new capacities, emissions) as one document."""

    def rows(values: Mapping[Index, float]) -> list[list[object]]:
        return [[*k, v] for k, v in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0])))]

    return {
        **objective_summary(data, result),
        "new_capacity": rows(result.new_capacity),
        "new_storage": rows(result.new_storage),
        "annual_emissions": rows(result.annual_emissions),
    }


def write_plan_json(path: str | os.PathLike[str], data: EnergyData, result: CarbonResult) -> Path:
    """Write :func:`plan_json` to ``path``, atomically."""
    write_text_atomic(path, json.dumps(plan_json(data, result), indent=1) + "\n")
    return Path(path)


def write_osemosys_outputs(data: EnergyData, result: CarbonResult, out_dir: Path) -> list[Path]:
    """Write ``carbon_objective.json`` and the plan's CSV tables into ``out_dir``: all or none."""
    summary = objective_summary(data, result)
    texts = {
        "carbon_objective.json": json.dumps(summary, indent=1) + "\n",
        "carbon_new_capacity.csv": _table(("region", "technology", "year"), result.new_capacity),
        "carbon_total_capacity.csv": _table(
            ("region", "technology", "year"), result.total_capacity
        ),
        "carbon_activity.csv": _table(
            ("region", "timeslice", "technology", "mode", "year"), result.activity
        ),
        "carbon_emissions.csv": _table(("region", "emission", "year"), result.annual_emissions),
    }
    if result.new_storage:
        texts["carbon_new_storage.csv"] = _table(("region", "storage", "year"), result.new_storage)
    writers = {
        name: (lambda p, t=text: p.write_text(t, encoding="utf-8")) for name, text in texts.items()
    }
    return write_folder_atomic(out_dir, writers)
