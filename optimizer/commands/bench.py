"""``countyopt bench``: run engines on benchmark sets and report gaps to best-known values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from optimizer.bench.runner import RESULTS, pending, read_records, run_tasks
from optimizer.bench.sets import load_instance, resolve
from optimizer.bench.summary import (
    ENGINE_COLUMNS,
    engine_rows,
    instance_rows,
    latest,
    markdown_table,
    write_summary,
)
from optimizer.bench.task import BUILTIN_ENGINES, make_task
from optimizer.commands.common import lang_of, reports_input_errors
from optimizer.i18n import Lang, tr
from optimizer.io.errors import InputError, InputProblem


def _select(
    files: list[Path], max_n: int | None, every: int, first: int | None
) -> tuple[list[Path], list[str]]:
    """Apply the size filter, then every-k-th, then first-N; return files and skip notes."""
    notes: list[str] = []
    if max_n is not None:
        kept = []
        for f in files:
            n = len(load_instance(f).stops)
            if n <= max_n:
                kept.append(f)
            else:
                notes.append(f"{f.name}: {n} stops > --max-n {max_n}")
        files = kept
    files = files[::every]
    if first is not None:
        files = files[:first]
    return files, notes


def _line(record: dict[str, Any], done: int, total: int, lang: Lang) -> str:
    head = f"[{done}/{total}] {record['instance']} {record['engine']} seed {record['seed']}: "
    if record["status"] != "ok":
        return (
            head
            + tr(lang, record["status"], {"unsupported": "不支持"}.get(record["status"], "失败"))
            + f" ({record.get('error', '')[:100]})"
        )
    gap = record.get("gap_pct")
    verdict = (
        tr(lang, "feasible", "可行")
        if record["feasible"]
        else tr(
            lang,
            f"INFEASIBLE ({record['violations']} violations, {record['unserved']} unserved)",
            f"不可行（{record['violations']} 处违规，{record['unserved']} 个未服务）",
        )
    )
    gap_text = "" if gap is None else tr(lang, f"gap {gap:.2f} %, ", f"差距 {gap:.2f} %，")
    return head + f"{record['objective']:.6g}, {gap_text}{verdict}, {record['solve_s']:.1f} s"


@click.command("bench")
@click.argument("items", nargs=-1, required=True, metavar="SET_OR_FILES...")
@click.option(
    "--engine",
    "engines",
    multiple=True,
    default=("ortools", "ortools-plain"),
    show_default=True,
    help=(
        "Engine to run (repeatable): ortools, ortools-plain, pyvrp, auto "
        "or package.module:function."
    ),
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Time limit per run in seconds (wall clock).",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs per instance and engine, with seeds 0..K-1.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs at once, each in its own process.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-out"),
    show_default=True,
    help="Output folder: results.jsonl (resumed if present), summary.md/.csv, plot.",
)
@click.option(
    "--scheduler",
    default=None,
    help="Address of a Dask distributed scheduler (e.g. tcp://10.0.0.5:8786) to run on.",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/vrp"),
    show_default=True,
    help="Folder holding the sets (solomon100, cvrp_x, gh1000, mtvrptwr, hfvrp, evrptw, kim, "
    "small).",
)
@click.option(
    "--max-n", type=click.IntRange(min=1), default=None, help="Only instances with <= N stops."
)
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Take every k-th instance of the sorted list (a sample without picking).",
)
@click.option("--first", type=click.IntRange(min=1), default=None, help="Take the first N.")
@click.option(
    "--retry-failed", is_flag=True, help="Run again tasks recorded as failed, crashed or timed out."
)
@click.pass_context
@reports_input_errors
def bench_command(
    ctx: click.Context,
    items: tuple[str, ...],
    engines: tuple[str, ...],
    time_limit: float,
    seeds: int,
    jobs: int,
    out_dir: Path,
    scheduler: str | None,
    data_dir: Path,
    max_n: int | None,
    every: int,
    first: int | None,
    retry_failed: bool,
) -> None:
    """Run engines on benchmark sets or files and report gaps to best-known values.

    A set name (solomon100, cvrp_x, gh1000, mtvrptwr, hfvrp, evrptw, kim,
    small) stands for its files under --data-dir. Every (instance, engine,
    seed) run appends one line to OUT/results.jsonl; runs already there are
    skipped, so an interrupted sweep resumes where it stopped.
    """
    lang = lang_of(ctx)
    for engine in engines:
        if engine not in BUILTIN_ENGINES and ":" not in engine:
            raise InputError(
                [
                    InputProblem(
                        "--engine", None, "", engine, f"{', '.join(BUILTIN_ENGINES)} or module:fn"
                    )
                ]
            )
    files, notes = _select(resolve(items, data_dir), max_n, every, first)
    for note in notes:
        click.echo(tr(lang, f"skipped {note}", f"跳过 {note}"), err=True)
    tasks = [
        make_task(f, engine, seed, time_limit)
        for f in files
        for engine in engines
        for seed in range(seeds)
    ]
    todo = pending(tasks, out_dir, retry_failed=retry_failed)
    click.echo(
        tr(
            lang,
            f"{len(files)} instances × {len(engines)} engines × {seeds} seeds = {len(tasks)} runs; "
            f"{len(tasks) - len(todo)} already in {out_dir / RESULTS}, {len(todo)} to run "
            f"({time_limit:g} s each, {jobs if scheduler is None else 'Dask'} at once).",
            f"{len(files)} 个实例 × {len(engines)} 个求解器 × {seeds} 个种子 = "
            f"{len(tasks)} 次运行；"
            f"{len(tasks) - len(todo)} 次已在 {out_dir / RESULTS} 中，待运行 {len(todo)} 次"
            f"（每次 {time_limit:g} 秒）。",
        )
    )
    done = [0]

    def show(record: dict[str, Any]) -> None:
        done[0] += 1
        click.echo(_line(record, done[0], len(todo), lang))

    run_tasks(todo, out_dir, jobs=jobs, scheduler=scheduler, on_record=show)
    # The summary covers every run recorded in the folder, earlier sweeps included.
    records = latest(read_records(out_dir / RESULTS))
    paths = write_summary(out_dir, records)
    click.echo("")
    click.echo(markdown_table(engine_rows(instance_rows(records), records), ENGINE_COLUMNS))
    click.echo(tr(lang, "Written: ", "已写出：") + ", ".join(str(p) for p in paths))
