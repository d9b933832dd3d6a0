"""``countyopt demo``: run every capability on the embedded demo county."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.commands.common import check_writable, lang_of, reports_input_errors
from optimizer.demo import StepStatus, run_demo
from optimizer.i18n import tr
from optimizer.native_output import native_stdout_silenced

_STATUS_ZH = {StepStatus.OK: "完成", StepStatus.SKIPPED: "跳过", StepStatus.FAILED: "失败"}


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("countyopt-demo"),
    show_default=True,
    help="Folder for the demo's outputs.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Time limit of each solver run, in seconds.",
)
@click.option(
    "--seed",
    type=int,
    default=2022,
    show_default=True,
    help="Seed of the synthetic demo county and of the solvers.",
)
@click.pass_context
@reports_input_errors
def demo_command(ctx: click.Context, out_dir: Path, time_limit: float, seed: int) -> None:
    """Run every capability on the synthetic demo county.

    Builds the demo county, then checks it, plans its routes and writes
    every result under --out; each step reports ok, skipped (and why) or
    failed.
    """
    lang = lang_of(ctx)
    check_writable(out_dir, "--out")

    def announce(step: str) -> None:
        click.echo(tr(lang, f"[{step}] running…", f"[{step}] 运行中…"), err=True)

    # Solvers' native banners (HiGHS) would interleave with the report.
    with native_stdout_silenced():
        report = run_demo(out_dir, lang=lang, time_limit_s=time_limit, seed=seed, progress=announce)
    click.echo(
        tr(
            lang,
            f"Demo county {report.instance!r} (synthetic data) → {report.out_dir}",
            f"示例县 {report.instance!r}（合成数据）→ {report.out_dir}",
        )
    )
    for step in report.steps:
        status = tr(lang, step.status.value, _STATUS_ZH[step.status])
        click.echo(f"  {step.name:<10} {status:<8} {step.seconds:6.1f} s  {step.message}")
        for path in step.files:
            click.echo(f"  {'':<10} {'':<8} {'':>8}  {path}")
    if not report.ok:
        ctx.exit(1)
