"""``countyopt site FILE.dat``: solve a Prodhon/Barreto location-routing file and write its plan."""

from __future__ import annotations

import json
from pathlib import Path

import click

from optimizer.bench.lrp_task import plan_document
from optimizer.commands.common import EXIT_INTERRUPTED, exit_on_violations, lang_of
from optimizer.i18n import tr
from optimizer.io.atomic import write_text_atomic
from optimizer.io.load import read_location_routing
from optimizer.lrp.check import evaluate
from optimizer.lrp.solve import LrpParams, solve
from optimizer.native_output import native_stdout_silenced

PLAN_FILE = "lrp_plan.json"


def run_location_routing(ctx: click.Context, path: Path, out: Path, time_limit_s: float) -> None:
    """Solve the LRP in ``path`` within ``time_limit_s``, write ``OUT/lrp_plan.json``, summarise."""
    lang = lang_of(ctx)
    inst = read_location_routing(path)
    with native_stdout_silenced():  # HiGHS prints its banner from C++
        result = solve(inst, params=LrpParams(time_limit_s=time_limit_s))
    ev = evaluate(inst, result.plan)
    doc = {
        "status": result.status,
        "runtime_s": result.runtime_s,
        **plan_document(inst, result.plan),
    }
    write_text_atomic(out / PLAN_FILE, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    opened = ", ".join(doc["open_depots"])
    unit = tr(lang, "in the file's unit", "文件自身单位")
    click.echo(
        tr(
            lang,
            f"Location-routing: cost {ev.total:,.1f} ({unit}) = depots {ev.opening:,.1f} + "
            f"vehicles {ev.vehicles:,.1f} + travel {ev.distance:,.1f}",
            f"选址-路径：成本 {ev.total:,.1f}（{unit}）= 站点 {ev.opening:,.1f} + "
            f"车辆 {ev.vehicles:,.1f} + 行驶 {ev.distance:,.1f}",
        )
    )
    click.echo(
        tr(
            lang,
            f"{len(result.plan.open_depots)} of {inst.num_depots} depots open ({opened}), "
            f"{len(result.plan.routes)} routes; {result.rounds} depot sets routed in "
            f"{result.runtime_s:.1f} s ({result.status})",
            f"开设 {len(result.plan.open_depots)} / {inst.num_depots} 个站点（{opened}），"
            f"{len(result.plan.routes)} 条路线；在 {result.runtime_s:.1f} 秒内路由了 "
            f"{result.rounds} 个站点组合（{result.status}）",
        )
    )
    click.echo(tr(lang, f"Wrote {out / PLAN_FILE}", f"已写出 {out / PLAN_FILE}"))
    exit_on_violations(ctx, [v.pick(lang) for v in ev.violations])
    if result.status == "interrupted":
        click.echo(
            tr(
                lang,
                "Interrupted: the best plan so far is written.",
                "已中断：已写出目前最好的方案。",
            ),
            err=True,
        )
        ctx.exit(EXIT_INTERRUPTED)
