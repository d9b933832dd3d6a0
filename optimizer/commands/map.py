"""``countyopt map``: draw a routing plan (or two, to compare) or a siting as an HTML map."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.commands.common import check_writable, lang_of, reports_input_errors
from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import parse_json_text, read_input_text, read_instance
from optimizer.io.siting_input import is_siting_document, parse_siting_json
from optimizer.io.solution import parse_solution_json
from optimizer.maps import BASEMAPS, render_compare, render_routes, render_siting, unknown_locations
from optimizer.maps.basemaps import resolve_basemap
from optimizer.maps.page import unknown_ids
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult
from optimizer.siting.result import SitingResult


def read_plan(path: Path) -> RoutingResult | SitingResult:
    """Return the plan in ``path``: a routing ``solution.json`` or a ``siting.json``.

    The kind is told by the file's fields, not its name, so renamed files
    (``today.json``) work too.
    """
    text = read_input_text(path)
    doc = parse_json_text(text, file=str(path))
    if is_siting_document(doc):
        return parse_siting_json(doc, file=str(path))
    return parse_solution_json(text, file=str(path))


def _wrong_pair(
    instance: Instance, source: Path, plan_file: Path, name: str, missing: list[str]
) -> InputError:
    # Most likely the wrong pair of files: one line says so, instead of a
    # list of ids the workbook does not know.
    return InputError(
        [
            InputProblem(
                str(plan_file),
                None,
                "instance",
                name,
                Text(
                    f"a plan for {instance.name!r} (read from {source}); "
                    f"{len(missing)} of its stops and sites are not in that workbook: "
                    + ", ".join(missing[:5])
                    + (" …" if len(missing) > 5 else ""),
                    f"{instance.name!r} 的方案（读自 {str(source)!r}）；其中 {len(missing)} "
                    "个收集点和站点不在该工作簿中："
                    + "、".join(repr(m) for m in missing[:5])
                    + (" …" if len(missing) > 5 else ""),
                ),
            )
        ]
    )


def _check_matches(
    instance: Instance, plan: RoutingResult | SitingResult, plan_file: Path, source: Path
) -> None:
    if isinstance(plan, RoutingResult):
        missing = unknown_locations(instance, plan)
        name = plan.instance
    else:
        decision = plan.decision
        ids: set[str] = set()
        if decision is not None:
            ids = set(decision.open) | set(decision.assignment)
            ids |= {f for shares in decision.assignment.values() for f in shares}
            ids |= {x for flow in decision.flows for x in (flow.source, flow.target)}
        missing = unknown_ids(instance, ids)
        name = plan.name
    if missing and name != instance.name:
        raise _wrong_pair(instance, source, plan_file, name, missing)
    if missing:
        raise InputError(
            [
                InputProblem(
                    str(plan_file),
                    None,
                    "location",
                    loc,
                    Text(f"a stop or site id of {source}", f"{str(source)!r} 中的收集点或站点编号"),
                )
                for loc in missing[:20]
            ]
        )


def plan_names(a: Path, b: Path) -> tuple[str, str]:
    """Return short names telling two plan files apart: their stems, or more of their paths.

    ``runs/today/solution.json`` and ``runs/new/solution.json`` give
    ``today/solution`` and ``new/solution``.
    """
    pa, pb = a.with_suffix("").parts, b.with_suffix("").parts
    for k in range(1, max(len(pa), len(pb)) + 1):
        na, nb = "/".join(pa[-k:]), "/".join(pb[-k:])
        if na != nb:
            return na, nb
    return f"{a.stem} (1)", f"{b.stem} (2)"


def _parse_names(value: str | None, lang: Lang) -> tuple[str, str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.replace("，", ",").split(",")]
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise click.BadParameter(
            tr(
                lang,
                f"expected two different names separated by a comma, e.g. today,optimised; "
                f"got {value!r}",
                f"应为以逗号分隔的两个不同名称，例如 现状,优化；实际为 {value!r}",
            ),
            param_hint="--names",
        )
    return names[0], names[1]


def _not_two_plans(lang: Lang, path: Path) -> click.UsageError:
    return click.UsageError(
        tr(
            lang,
            f"{path} is a siting; --compare draws two routing plans (solution.json)",
            f"{path} 是选址结果；--compare 只能对比两个路线方案（solution.json）",
        )
    )


@click.command("map")
@click.argument("solution", type=click.Path(path_type=Path), metavar="PLAN.json")
@click.option(
    "--instance",
    "source",
    type=click.Path(path_type=Path),
    required=True,
    help="The workbook (folder or .xlsx) or instance .json the plan was made for.",
)
@click.option(
    "--compare",
    type=click.Path(path_type=Path),
    default=None,
    help="A second solution.json of the same instance, drawn over the first in dashed lines.",
)
@click.option(
    "--names",
    default=None,
    metavar="A,B",
    help="Names of the two compared plans [default: their file names].",
)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAPS),
    default=None,
    help="Remote tiles under the plan (need internet) [default: none: a coordinate grid].",
)
@click.option("--tianditu-key", default=None, help="Developer key for --basemap tianditu.")
@click.option(
    "--offline",
    is_flag=True,
    help="Refuse remote tiles. Every map works offline already: Leaflet is inlined.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
@click.pass_context
@reports_input_errors
def map_command(
    ctx: click.Context,
    solution: Path,
    source: Path,
    compare: Path | None,
    names: str | None,
    basemap: str | None,
    tianditu_key: str | None,
    offline: bool,
    out: Path,
) -> None:
    """Draw PLAN.json on an interactive map (one HTML file that works offline).

    PLAN.json is a routing plan (solution.json of `route`) or a station
    siting (siting.json of `site`); the kind is read from the file.
    """
    lang = lang_of(ctx)
    labels = _parse_names(names, lang)
    if labels is not None and compare is None:
        raise click.UsageError(
            tr(
                lang,
                "--names names the two plans of --compare; add --compare",
                "--names 用于命名 --compare 对比的两个方案；请同时给出 --compare",
            )
        )
    check_writable(out.parent, "--out")
    instance = read_instance(source)
    plan = read_plan(solution)
    _check_matches(instance, plan, solution, source)
    try:
        resolve_basemap(
            basemap,
            planar=instance.coord_sys == "planar",
            offline=offline,
            tianditu_key=tianditu_key,
        )
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    if isinstance(plan, SitingResult):
        if compare is not None:
            raise _not_two_plans(lang, solution)
        written = render_siting(
            instance,
            plan,
            out,
            lang=lang,
            basemap=basemap,
            offline=offline,
            tianditu_key=tianditu_key,
        )
    elif compare is None:
        written = render_routes(
            instance,
            plan,
            out,
            lang=lang,
            basemap=basemap,
            offline=offline,
            tianditu_key=tianditu_key,
        )
    else:
        other = read_plan(compare)
        if not isinstance(other, RoutingResult):
            raise _not_two_plans(lang, compare)
        _check_matches(instance, other, compare, source)
        written = render_compare(
            instance,
            plan,
            other,
            out,
            labels=labels or plan_names(solution, compare),
            lang=lang,
            basemap=basemap,
            offline=offline,
            tianditu_key=tianditu_key,
        )
    click.echo(tr(lang, f"Map written to {written}", f"地图已写入 {written}"))
