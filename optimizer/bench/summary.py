"""Summaries of a sweep: per-instance and per-engine tables, and gap over time.

Read from ``results.jsonl`` only (the last record of each task counts), so a
summary can be rebuilt at any time, also for a sweep still running. Gaps are
averaged over feasible runs that have a best-known value; the tables count
feasible, failed and unsupported runs next to them, so a mean gap never hides
runs that did not finish.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from optimizer.bench.plans import plan_file, rank
from optimizer.bench.runner import record_id
from optimizer.io.atomic import atomic_path, write_text_atomic

INSTANCE_COLUMNS = [
    "instance",
    "engine",
    "time_limit_s",
    "runs",
    "feasible_runs",
    "failed_runs",
    "bks",
    "best_objective",
    "mean_gap_pct",
    "best_gap_pct",
    "mean_routes",
    "mean_first_solution_s",
    "mean_solve_s",
    "mean_cpu_s",
    "max_peak_mem_mb",
    "notes",
    "plan",
]
# Siting and carbon runs ask for a proven optimum: the table counts those, and
# the time it took, instead of routes and time to a first solution.
EXACT_INSTANCE_COLUMNS = [
    "instance",
    "engine",
    "time_limit_s",
    "runs",
    "status",
    "bks",
    "best_objective",
    "best_gap_pct",
    "matches_bks",
    "mean_solve_s",
    "mean_cpu_s",
    "notes",
    "plan",
]
EXACT_ENGINE_COLUMNS = [
    "engine",
    "time_limit_s",
    "instances",
    "runs",
    "feasible_runs",
    "optimal_runs",
    "failed_runs",
    "unsupported_runs",
    "mean_gap_pct",
    "median_solve_s",
    "median_optimal_solve_s",
    "mean_cpu_s",
]
ENGINE_COLUMNS = [
    "engine",
    "time_limit_s",
    "instances",
    "runs",
    "feasible_runs",
    "failed_runs",
    "unsupported_runs",
    "instances_with_gap",
    "mean_gap_pct",
    "mean_first_solution_s",
    "mean_solve_s",
]


def latest(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the last record of each task, in first-seen order."""
    by_id: dict[str, dict[str, Any]] = {}
    for r in records:
        by_id[record_id(r)] = r
    return list(by_id.values())


def _mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.fmean(got) if got else None


def _exact_run(r: dict[str, Any]) -> bool:
    # Siting and carbon engines prove optima; location-routing records say
    # ``exact: false`` (a heuristic, reported by its gap like routing).
    return bool(r.get("exact", r.get("domain", "routing") != "routing"))


def is_exact(records: Sequence[dict[str, Any]]) -> bool:
    """Return whether the records are of siting or carbon runs (proven optima), not routing."""
    return any(_exact_run(r) for r in records)


def _optimal(r: dict[str, Any]) -> bool:
    # Proven optimal, and equal to the published optimum where there is one.
    return bool(r.get("feasible") and r.get("proven_optimal") and r.get("matches_bks") is not False)


def instance_rows(
    records: Sequence[dict[str, Any]], out_dir: Path | None = None
) -> list[dict[str, Any]]:
    """Return one summary row per (instance, engine, time limit).

    ``plan`` names the plan of the row's best run if it is kept in ``out_dir``.
    """
    groups: dict[tuple[str, str, float], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r["key"], r["engine"], float(r["settings"]["time_limit_s"]))].append(r)
    rows = []
    for (_, engine, limit), runs in groups.items():
        feasible = [r for r in runs if r.get("feasible")]
        gaps = [r["gap_pct"] for r in feasible if r.get("gap_pct") is not None]
        notes = sorted(
            {f"{r['status']}: {r.get('error', '')[:60]}" for r in runs if r["status"] != "ok"}
            | {f"infeasible: {r['violations']} violations" for r in runs if r.get("violations")}
            | {f"{r['unserved']} unserved" for r in runs if r.get("unserved")}
        )
        best = min(runs, key=rank)
        kept = None if out_dir is None else plan_file(out_dir, best)
        statuses = sorted({str(r.get("engine_status") or r["status"]) for r in runs})
        rows.append(
            {
                "instance": runs[0]["instance"],
                "domain": runs[0].get("domain", "routing"),
                "exact": _exact_run(runs[0]),
                "engine": engine,
                "status": "/".join(statuses),
                "matches_bks": _yes_no(runs),
                "optimal_runs": sum(_optimal(r) for r in runs),
                "proven_optimal_runs": sum(bool(r.get("proven_optimal")) for r in runs),
                "plan": "" if kept is None or out_dir is None else str(kept.relative_to(out_dir)),
                "time_limit_s": limit,
                "runs": len(runs),
                "feasible_runs": len(feasible),
                "failed_runs": sum(r["status"] in ("failed", "crashed", "timeout") for r in runs),
                "bks": runs[0].get("bks"),
                "best_objective": min((r["objective"] for r in feasible), default=None),
                "mean_gap_pct": _mean(gaps),
                "best_gap_pct": min(gaps, default=None),
                "mean_routes": _mean([r.get("routes") for r in feasible]),
                "mean_first_solution_s": _mean([r.get("first_solution_s") for r in runs]),
                "mean_solve_s": _mean([r.get("solve_s") for r in runs]),
                "mean_cpu_s": _mean([r.get("cpu_s") for r in runs]),
                "max_peak_mem_mb": max((r.get("peak_mem_mb") or 0.0 for r in runs), default=None),
                "notes": "; ".join(notes),
            }
        )
    return rows


def _yes_no(runs: Sequence[dict[str, Any]]) -> str:
    verdicts = {r.get("matches_bks") for r in runs if r.get("feasible")}
    if not verdicts or verdicts == {None}:
        return ""
    return "yes" if verdicts == {True} else "no" if verdicts == {False} else "some"


def _median(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else None


def engine_rows(
    rows: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return one row per (engine, time limit) over the instance rows."""
    groups: dict[tuple[str, float], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["engine"], row["time_limit_s"])].append(row)
    out = []
    for (engine, limit), members in groups.items():
        runs = [
            r
            for r in records
            if r["engine"] == engine and float(r["settings"]["time_limit_s"]) == limit
        ]
        gaps = [m["mean_gap_pct"] for m in members if m["mean_gap_pct"] is not None]
        out.append(
            {
                "engine": engine,
                "time_limit_s": limit,
                "instances": len(members),
                "runs": sum(m["runs"] for m in members),
                "feasible_runs": sum(m["feasible_runs"] for m in members),
                "failed_runs": sum(m["failed_runs"] for m in members),
                "unsupported_runs": sum(r["status"] == "unsupported" for r in runs),
                "instances_with_gap": len(gaps),
                "mean_gap_pct": _mean(gaps),
                "mean_first_solution_s": _mean([m["mean_first_solution_s"] for m in members]),
                "mean_solve_s": _mean([m["mean_solve_s"] for m in members]),
                "optimal_runs": sum(m["optimal_runs"] for m in members),
                "median_solve_s": _median([r.get("solve_s") for r in runs]),
                "median_optimal_solve_s": _median([r.get("solve_s") for r in runs if _optimal(r)]),
                "mean_cpu_s": _mean([r.get("cpu_s") for r in runs]),
            }
        )
    return out


def side_by_side(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Return (columns, rows) of a table with one row per instance, one column per engine.

    A cell holds the best objective, its gap to the best-known value and the
    routes it used ("827.30 (0.00 %, 10 routes)"), or why there is none.
    """
    engines = sorted({r["engine"] for r in rows})
    by_instance: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_instance[r["instance"]][r["engine"]] = r
    out = []
    for name, cells in by_instance.items():
        line: dict[str, Any] = {"instance": name, "bks": next(iter(cells.values()))["bks"]}
        for e in engines:
            cell = cells.get(e)
            if cell is None:
                line[e] = "not run"
            elif cell["exact"]:
                mark = " (≠ optimum)" if cell["matches_bks"] in ("no", "some") else ""
                line[e] = f"{cell['status']}{mark}, {cell['mean_solve_s']:.2f} s"
            elif cell["best_objective"] is None:
                line[e] = cell["notes"] or "no feasible plan"
            else:
                gap = "" if cell["best_gap_pct"] is None else f"{cell['best_gap_pct']:.2f} %, "
                routes = "" if cell["mean_routes"] is None else f"{cell['mean_routes']:g} routes"
                line[e] = f"{cell['best_objective']:.2f} ({gap}{routes})"
        out.append(line)
    return ["instance", "bks", *engines], out


def common_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return per-engine totals over the instances every planning engine did feasibly.

    The engines table averages each engine over the instances it ran; this
    one compares them on the same instances only, with the total objective
    and routes (for sets without best-known values, e.g. vehicles and miles).
    """
    feasible: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        if r["best_objective"] is not None:
            feasible[r["instance"]][r["engine"]] = r
    # An engine with no feasible plan at all would leave nothing in common:
    # it is listed with none, and the others are compared among themselves.
    planning = {e for cells in feasible.values() for e in cells}
    common = [cells for cells in feasible.values() if planning <= set(cells)]
    out = []
    for e in sorted({r["engine"] for r in rows}):
        members = [cells[e] for cells in common if e in cells]
        out.append(
            {
                "engine": e,
                "common_instances": len(members),
                "mean_gap_pct": _mean([m["mean_gap_pct"] for m in members]),
                "total_objective": sum(m["best_objective"] for m in members) if members else None,
                "total_routes": sum(m["mean_routes"] for m in members) if members else None,
                "mean_cpu_s": _mean([m["mean_cpu_s"] for m in members]),
            }
        )
    return out


COMMON_COLUMNS = [
    "engine",
    "common_instances",
    "mean_gap_pct",
    "total_objective",
    "total_routes",
    "mean_cpu_s",
]


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if math.isfinite(value) else str(value)
    return str(value).replace("|", "/")


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Return ``rows`` as a GitHub Markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def columns_of(records: Sequence[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Return the (engine, instance) table columns for the records' domain."""
    if is_exact(records):
        return EXACT_ENGINE_COLUMNS, EXACT_INSTANCE_COLUMNS
    return ENGINE_COLUMNS, INSTANCE_COLUMNS


def engines_markdown(records: Sequence[dict[str, Any]]) -> str:
    """Return the per-engine table of ``records`` (latest of each task) as Markdown."""
    records = latest(records)
    engine_columns, _ = columns_of(records)
    return markdown_table(engine_rows(instance_rows(records), records), engine_columns)


GAP_NOTE = (
    "mean_gap_pct: mean over instances of the mean gap to the best-known value "
    "of feasible runs (objective recomputed by the independent checker)."
)
EXACT_NOTE = (
    "optimal_runs: runs proven optimal whose plan, re-costed by the independent checker, "
    "equals the published optimum; median_optimal_solve_s: their median time."
)


def summary_markdown(
    records: Sequence[dict[str, Any]], out_dir: Path | None = None, *, level: int = 2
) -> str:
    """Return the engine, side-by-side and instance tables of ``records`` as Markdown."""
    records = latest(records)
    rows = instance_rows(records, out_dir)
    engines = engine_rows(rows, records)
    engine_columns, instance_columns = columns_of(records)
    h = "#" * level
    md = (
        f"{h} Engines\n\n"
        + markdown_table(engines, engine_columns)
        + "\n"
        + (EXACT_NOTE if is_exact(records) else GAP_NOTE)
        + "\n\n"
    )
    if len({r["engine"] for r in rows}) > 1:
        columns, pivot = side_by_side(rows)
        if is_exact(records):
            md += (
                f"{h} Side by side\n\nPer instance: solver status (≠ optimum: the plan's "
                "cost differs from the published optimum) and seconds.\n\n"
                + markdown_table(pivot, columns)
                + "\n"
            )
        else:
            md += (
                f"{h} Side by side\n\nOn the instances every engine with a feasible plan "
                "planned feasibly:\n\n"
                + markdown_table(common_rows(rows), COMMON_COLUMNS)
                + "\nPer instance: best objective (gap to the best-known value, routes).\n\n"
                + markdown_table(pivot, columns)
                + "\n"
            )
    md += f"{h} Instances\n\n" + markdown_table(rows, instance_columns)
    return md


def write_summary(out_dir: Path, records: Sequence[dict[str, Any]]) -> list[Path]:
    """Write ``summary.md``, ``summary.csv``, ``engines.csv`` and ``gap_vs_time.png``."""
    records = latest(records)
    rows = instance_rows(records, out_dir)
    engines = engine_rows(rows, records)
    engine_columns, instance_columns = columns_of(records)
    md = summary_markdown(records, out_dir)
    paths = [out_dir / "summary.md", out_dir / "summary.csv", out_dir / "engines.csv"]
    write_text_atomic(paths[0], md)
    write_text_atomic(paths[1], _csv_text(rows, instance_columns))
    write_text_atomic(paths[2], _csv_text(engines, engine_columns))
    paths.append(plot_gap_vs_time(out_dir / "gap_vs_time.png", records))
    return paths


def _gap_at(record: dict[str, Any], t: float) -> float | None:
    value = None
    for elapsed, objective in record.get("trace") or []:
        if elapsed > t:
            break
        value = objective
    if value is None:
        return None
    bks = float(record["bks"])
    return 100.0 * (float(value) - bks) / bks


def plot_gap_vs_time(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    """Plot, per engine, the median gap of the best solution so far against time.

    Only feasible runs with a best-known value count. An engine's curve
    starts once every one of its runs has a first solution, so the median is
    always over the same runs (no jumps as runs join). Final gaps are drawn
    as dots at each run's solve time.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    usable = [r for r in records if r.get("feasible") and r.get("gap_pct") is not None]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    horizon = max((float(r["settings"]["time_limit_s"]) for r in usable), default=1.0)
    grid = [horizon * k / 200 for k in range(1, 201)]
    top = 5.0
    for engine in sorted({r["engine"] for r in usable}):
        runs = [r for r in usable if r["engine"] == engine]
        curve = []
        for t in grid:
            gaps = [g for r in runs if (g := _gap_at(r, t)) is not None]
            curve.append(statistics.median(gaps) if len(gaps) == len(runs) else math.nan)
        (line,) = ax.plot(grid, curve, label=f"{engine} (median of {len(runs)} runs)")
        times = [float(r["solve_s"]) for r in runs]
        final_gaps = [float(r["gap_pct"]) for r in runs]
        ax.scatter(times, final_gaps, s=12, color=line.get_color(), alpha=0.6)
        top = max(top, 1.2 * max(final_gaps))
    for engine in sorted({r["engine"] for r in records} - {r["engine"] for r in usable}):
        # An engine without a feasible run still gets a line in the legend, never silence.
        runs = sum(r["engine"] == engine for r in records)
        ax.plot([], [], linestyle="none", label=f"{engine}: no feasible run of {runs}")
    ax.set_ylim(bottom=min([0.0, *(r["gap_pct"] for r in usable)]), top=top)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("gap to best-known (%)")
    ax.set_title("Gap to best-known solution over time")
    ax.grid(alpha=0.3)
    if records:
        ax.legend()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
