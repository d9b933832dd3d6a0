"""The demo: every capability of countyopt, run on the embedded demo county.

:func:`run_demo` builds the synthetic demo county and runs :data:`STEPS` in
order, each a small function over a shared :class:`DemoContext`. A step
reports "ok", "skipped" (with the reason: a capability not available in this
version) or "failed" (with the error); none is skipped silently. To add a
capability, write one ``step_*(ctx) -> StepDone`` function (raise
:class:`StepSkipped` when it cannot run, any other exception when it fails;
later steps find earlier results in ``ctx.results``) and append it to
:data:`STEPS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from optimizer.i18n import Lang, tr
from optimizer.model import Instance


class StepStatus(StrEnum):
    """How a demo step ended."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class StepOutcome:
    """What one demo step did: its status, a one-line message and its files."""

    name: str
    status: StepStatus
    message: str
    files: tuple[Path, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class DemoReport:
    """The outcome of every demo step, in order."""

    out_dir: Path
    instance: str
    steps: tuple[StepOutcome, ...]

    @property
    def ok(self) -> bool:
        """Return whether no step failed."""
        return all(s.status is not StepStatus.FAILED for s in self.steps)


@dataclass
class DemoContext:
    """What the steps share: the county, options, and earlier steps' results by name."""

    instance: Instance
    out_dir: Path
    lang: Lang
    time_limit_s: float
    seed: int
    results: dict[str, object] = field(default_factory=dict)


class StepSkipped(Exception):
    """Raised by a step whose capability is not available in this version."""


@dataclass(frozen=True)
class StepDone:
    """What a step returns when it succeeds: a one-line message and the files it wrote."""

    message: str
    files: tuple[Path, ...] = ()


def step_workbook(ctx: DemoContext) -> StepDone:
    """Write the demo county as a workbook users can open, edit and route again."""
    from optimizer.io.workbook import write_workbook

    path = ctx.out_dir / "demo_county"
    write_workbook(ctx.instance, path, lang=ctx.lang)
    return StepDone(
        tr(
            ctx.lang,
            f"county workbook written ({len(ctx.instance.stops)} stops)",
            f"已写出县域数据表（{len(ctx.instance.stops)} 个收集点）",
        ),
        (path,),
    )


def step_check(ctx: DemoContext) -> StepDone:
    """Check the demo county against the model's rules."""
    from optimizer.model import check

    problems = check(ctx.instance)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems[:5]))
    return StepDone(
        tr(
            ctx.lang,
            f"{len(ctx.instance.stops)} stops, {len(ctx.instance.sites)} sites, "
            f"{ctx.instance.num_vehicles} vehicles: no problem found",
            f"{len(ctx.instance.stops)} 个收集点，{len(ctx.instance.sites)} 处站点，"
            f"{ctx.instance.num_vehicles} 辆车：未发现问题",
        )
    )


def step_siting(ctx: DemoContext) -> StepDone:
    """Choose transfer stations and treatment sites, assign every stop, write the plan."""
    from optimizer.siting.demo_step import siting_step

    result, files, message = siting_step(
        ctx.instance, ctx.out_dir / "siting", lang=ctx.lang, time_limit_s=ctx.time_limit_s
    )
    ctx.results["siting"] = result
    return StepDone(message, tuple(files))


def step_routing(ctx: DemoContext) -> StepDone:
    """Plan the day's collection routes, re-check them and write route sheets and map."""
    from optimizer.evaluate import check
    from optimizer.io.route_sheets import write_route_outputs
    from optimizer.maps import render_routes
    from optimizer.routing.params import RoutingParams
    from optimizer.routing.solve import solve

    instance, lang = ctx.instance, ctx.lang
    result = solve(instance, params=RoutingParams(time_limit_s=ctx.time_limit_s, seed=ctx.seed))
    violations = check(instance, result)
    if violations:
        raise RuntimeError(
            "internal error: checker found violations: " + "; ".join(str(v) for v in violations[:5])
        )
    served = sum(len(r.stops) for r in result.routes)
    if instance.stops and not served:
        raise RuntimeError(
            f"no stop served within {ctx.time_limit_s:g} s (status {result.status}); "
            "try a longer --time-limit"
        )
    ctx.results["routing"] = result
    files = write_route_outputs(
        instance,
        result,
        ctx.out_dir / "routing",
        lang=lang,
        extra={"route_map.html": lambda p: render_routes(instance, result, p, lang=lang)},
    )
    unserved = len(result.unserved)
    return StepDone(
        tr(
            lang,
            f"{served} of {len(instance.stops)} stops served ({unserved} unserved) by "
            f"{result.num_vehicles} vehicles, {result.distance_m / 1000:.1f} km, "
            f"{result.co2_kg:.0f} kg CO2 (build {result.build_s:.1f} s, "
            f"search {result.runtime_s - result.build_s:.1f} s)",
            f"{result.num_vehicles} 辆车收运 {served}/{len(instance.stops)} 个收集点"
            f"（未收运 {unserved} 个），里程 {result.distance_m / 1000:.1f} km，"
            f"碳排放 {result.co2_kg:.0f} kg CO2（建模 {result.build_s:.1f} 秒，"
            f"搜索 {result.runtime_s - result.build_s:.1f} 秒）",
        ),
        tuple(files),
    )


def step_fleet(ctx: DemoContext) -> StepDone:
    """Compare today's fleet with electric scenarios on the day's routes."""
    from optimizer.fleet.demo_step import fleet_step
    from optimizer.routing.result import RoutingResult

    routing = ctx.results.get("routing")
    if not isinstance(routing, RoutingResult):
        raise StepSkipped(tr(ctx.lang, "no routes to study", "没有可分析的线路"))
    study, files, message = fleet_step(
        ctx.instance, routing, ctx.out_dir / "fleet", lang=ctx.lang, seed=ctx.seed
    )
    ctx.results["fleet"] = study
    return StepDone(message, tuple(files))


def step_maps(ctx: DemoContext) -> StepDone:
    """Draw the demo's plans on interactive maps, online and self-contained offline."""
    from optimizer.maps.showcase import write_demo_maps

    files = write_demo_maps(ctx.instance, ctx.results, ctx.out_dir / "maps", lang=ctx.lang)
    if not files:
        raise StepSkipped(tr(ctx.lang, "no plan to draw", "没有可绘制的方案"))
    return StepDone(
        tr(ctx.lang, f"{len(files)} maps written", f"已写出 {len(files)} 幅地图"), tuple(files)
    )


def step_carbon(ctx: DemoContext) -> StepDone:
    """Plan the demo county's carbon cuts at least cost; keep its scenario next to the results."""
    from optimizer.carbon.pipeline import demo_step

    # The scenario is kept with the results, linked to the fleet and siting steps:
    # the user's starting point for their own county (edit it, run `countyopt carbon`).
    message, files = demo_step(ctx)
    return StepDone(message, files)


def step_week(ctx: DemoContext) -> StepDone:
    """Plan a repeating week (visiting days and routes) for villages, clinics and weekly points."""
    from optimizer.periodic.demo_step import week_step

    result, _, files, message = week_step(
        ctx.instance,
        ctx.out_dir / "week",
        lang=ctx.lang,
        time_limit_s=ctx.time_limit_s,
        seed=ctx.seed,
    )
    ctx.results["week"] = result
    return StepDone(message, tuple(files))


Step = Callable[[DemoContext], StepDone]

#: The demo's steps in order: (name, function).
STEPS: list[tuple[str, Step]] = [
    ("workbook", step_workbook),
    ("check", step_check),
    ("siting", step_siting),
    ("routing", step_routing),
    ("fleet", step_fleet),
    ("maps", step_maps),
    ("week", step_week),
    ("carbon", step_carbon),
]


def _run_step(name: str, step: Step, ctx: DemoContext) -> StepOutcome:
    start = time.perf_counter()
    try:
        done = step(ctx)
    except StepSkipped as why:
        return StepOutcome(name, StepStatus.SKIPPED, str(why), (), time.perf_counter() - start)
    except Exception as err:  # the demo reports every failure and goes on
        message = f"{type(err).__name__}: {err}"
        return StepOutcome(name, StepStatus.FAILED, message, (), time.perf_counter() - start)
    return StepOutcome(name, StepStatus.OK, done.message, done.files, time.perf_counter() - start)


def run_demo(
    out_dir: str | Path,
    *,
    lang: Lang = "en",
    time_limit_s: float = 30.0,
    seed: int = 2022,
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    """Run every demo step on the demo county, writing results under ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder for the outputs; each step writes into its own subfolder.
    lang
        Language of the step messages and of the written sheets.
    time_limit_s
        Time limit of each solver run.
    seed
        Seed of the demo county and of the solvers.
    progress
        Called with a step's name before it starts.

    """
    from optimizer.demo_county import build_demo_county

    out = Path(out_dir)
    ctx = DemoContext(build_demo_county(seed=seed), out, lang, time_limit_s, seed)
    outcomes = []
    for name, step in STEPS:
        if progress is not None:
            progress(name)
        outcomes.append(_run_step(name, step, ctx))
    return DemoReport(out, ctx.instance.name, tuple(outcomes))
