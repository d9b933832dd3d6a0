"""``countyopt bench``: run engines on benchmark sets and report gaps to best-known values."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from optimizer.bench.plans import KEEP_CHOICES, PLANS, apply_keep
from optimizer.bench.runner import RESULTS, pending, provenance, read_records, run_tasks
from optimizer.bench.sets import Item, load_instance, resolve
from optimizer.bench.summary import engines_markdown, latest, write_summary
from optimizer.bench.task import BUILTIN_ENGINES, default_engines, make_task
from optimizer.commands.common import lang_of, reports_input_errors
from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem

DATA_DIR = Path("../shared/data")


def _select(
    files: list[Item], max_n: int | None, every: int, first: int | None
) -> tuple[list[Item], list[str]]:
    """Apply the size filter (routing), then every-k-th, then first-N; return items and notes."""
    notes: list[str] = []
    if max_n is not None:
        kept = []
        for f in files:
            n = len(load_instance(f.path).stops) if f.domain == "routing" else 0
            if n <= max_n:
                kept.append(f)
            else:
                notes.append(f"{f.path.name}: {n} stops > --max-n {max_n}")
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
    exact = record.get("domain", "routing") != "routing"
    status = tr(lang, "solver: ", "求解器：") + f"{record['engine_status']}, " if exact else ""
    return (
        head + f"{record['objective']:.10g}, {gap_text}{status}{verdict}, {record['solve_s']:.1f} s"
    )


def _command(params: dict[str, Any]) -> str:
    """Return the ``countyopt bench`` command line that repeats this sweep."""
    words = ["countyopt", "bench", *params["items"]]
    for engine in params["engines"] or ():
        words += ["--engine", engine]
    words += ["--time-limit", f"{params['time_limit']:g}", "--jobs", str(params["jobs"])]
    if params["seeds"] != 1:
        words += ["--seeds", str(params["seeds"])]
    for name in ("max_n", "first"):
        if params[name] is not None:
            words += [f"--{name.replace('_', '-')}", str(params[name])]
    if params["every"] != 1:
        words += ["--every", str(params["every"])]
    if params["data_dir"] != DATA_DIR:
        words += ["--data-dir", str(params["data_dir"])]
    words += ["--keep", params["keep"], "--out", str(params["out_dir"])]
    return shlex.join(words)


@click.command("bench")
@click.argument("items", nargs=-1, required=True, metavar="SET_OR_FILES...")
@click.option(
    "--engine",
    "engines",
    multiple=True,
    help=(
        "Engine to run (repeatable). Routing: ortools, ortools-plain, pyvrp, pyvrp-plain "
        "(PyVRP's documented model, as a reference), auto or package.module:function "
        "[default: ortools, ortools-plain]; siting: scip, highs, cbc, pulp-cbc "
        "[default: scip, pulp-cbc]; location-routing: lrp; week (PVRP-IF): week; "
        "carbon: highs, cbc [default: both]."
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
    help="Output folder: results.jsonl (resumed if present), plans/, summary.md/.csv, plot.",
)
@click.option(
    "--keep",
    type=click.Choice(KEEP_CHOICES),
    default="best",
    show_default=True,
    help="Plans kept in OUT/plans: the best run's per instance, every run's, or none.",
)
@click.option(
    "--scheduler",
    default=None,
    help="Address of a Dask distributed scheduler (e.g. tcp://10.0.0.5:8786) to run on.",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Folder holding the sets: vrp/ (solomon100, cvrp_x, gh1000, xxl, mtvrptwr, hfvrp, "
    "evrptw, kim, small), siting/ (cap, uncap, holmberg, pmed, lrp, lrp_barreto), "
    "periodic/ (pvrpif), energy/ (osemosys).",
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
    keep: str,
    scheduler: str | None,
    data_dir: Path,
    max_n: int | None,
    every: int,
    first: int | None,
    retry_failed: bool,
) -> None:
    """Run engines on benchmark sets or files and report gaps to best-known values.

    A set name stands for its files under --data-dir: routing solomon100,
    cvrp_x, gh1000, xxl, mtvrptwr, hfvrp, evrptw, kim, small; siting cap, uncap,
    holmberg, pmed; location-routing lrp (Prodhon), lrp_barreto; a week of
    routes pvrpif (Taverna & Tilk); carbon osemosys. Every (instance,
    engine, seed) run appends one line to OUT/results.jsonl and writes its
    plan under OUT/plans (see --keep); runs already recorded are skipped,
    so an interrupted sweep resumes where it stopped.
    """
    lang = lang_of(ctx)
    for engine in engines:
        if engine not in BUILTIN_ENGINES and ":" not in engine:
            raise InputError(
                [
                    InputProblem(
                        "--engine",
                        None,
                        "",
                        engine,
                        Text(
                            f"{', '.join(BUILTIN_ENGINES)} or module:fn",
                            f"{'、'.join(repr(e) for e in BUILTIN_ENGINES)} 或 'module:fn'",
                        ),
                    )
                ]
            )
    files, notes = _select(resolve(items, data_dir), max_n, every, first)
    for note in notes:
        click.echo(tr(lang, f"skipped {note}", f"跳过 {note}"), err=True)
    tasks = [
        make_task(f.path, engine, seed, time_limit, kind=f.kind, out_dir=out_dir)
        for f in files
        for engine in engines or default_engines(f.kind)
        for seed in range(seeds)
    ]
    engine_count = len({t.engine for t in tasks})
    todo = pending(tasks, out_dir, retry_failed=retry_failed)
    click.echo(
        tr(
            lang,
            f"{len(files)} instances × {engine_count} engines × {seeds} seeds = {len(tasks)} runs; "
            f"{len(tasks) - len(todo)} already in {out_dir / RESULTS}, {len(todo)} to run "
            f"({time_limit:g} s each, {jobs if scheduler is None else 'Dask'} at once).",
            f"{len(files)} 个实例 × {engine_count} 个求解器 × {seeds} 个种子 = "
            f"{len(tasks)} 次运行；"
            f"{len(tasks) - len(todo)} 次已在 {out_dir / RESULTS} 中，待运行 {len(todo)} 次"
            f"（每次 {time_limit:g} 秒）。",
        )
    )
    done = [0]

    def show(record: dict[str, Any]) -> None:
        done[0] += 1
        click.echo(_line(record, done[0], len(todo), lang))

    context = provenance(_command(ctx.params))
    run_tasks(todo, out_dir, jobs=jobs, scheduler=scheduler, on_record=show, context=context)
    # The summary covers every run recorded in the folder, earlier sweeps included.
    records = latest(read_records(out_dir / RESULTS))
    kept = apply_keep(out_dir, records, keep)
    paths = write_summary(out_dir, records)
    click.echo("")
    click.echo(engines_markdown(records))
    click.echo(
        tr(
            lang,
            f"Plans kept ({keep}): {len(kept)} in {out_dir / PLANS}",
            f"保留的方案（{keep}）：{len(kept)} 个，位于 {out_dir / PLANS}",
        )
    )
    click.echo(tr(lang, "Written: ", "已写出：") + ", ".join(str(p) for p in paths))
