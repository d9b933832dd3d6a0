"""``countyopt map``: draw a routing plan (or two, to compare) as an HTML map."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.commands.common import check_writable, lang_of, reports_input_errors
from optimizer.i18n import tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_instance
from optimizer.io.solution import read_solution_json
from optimizer.maps import BASEMAPS, render_compare, render_routes, unknown_locations
from optimizer.maps.basemaps import resolve_basemap
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult


def _check_matches(instance: Instance, result: RoutingResult, solution: Path, source: Path) -> None:
    missing = unknown_locations(instance, result)
    if missing and result.instance != instance.name:
        # Most likely the wrong pair of files: one line says so, instead of
        # a list of ids the workbook does not know.
        raise InputError(
            [
                InputProblem(
                    str(solution),
                    None,
                    "instance",
                    result.instance,
                    f"a plan for {instance.name!r} (read from {source}); "
                    f"{len(missing)} of its stops and sites are not in that workbook: "
                    + ", ".join(missing[:5])
                    + (" …" if len(missing) > 5 else ""),
                )
            ]
        )
    if missing:
        raise InputError(
            [
                InputProblem(str(solution), None, "location", loc, f"a stop or site id of {source}")
                for loc in missing[:20]
            ]
        )


@click.command("map")
@click.argument("solution", type=click.Path(path_type=Path), metavar="SOLUTION.json")
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
    help="A second solution.json of the same instance, drawn as its own layers.",
)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAPS),
    default=None,
    help="Tiles under the plan [default: osm; none with --offline or planar coordinates].",
)
@click.option("--tianditu-key", default=None, help="Developer key for --basemap tianditu.")
@click.option(
    "--offline",
    is_flag=True,
    help="Write one self-contained file that makes no network request (no tiles).",
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
    basemap: str | None,
    tianditu_key: str | None,
    offline: bool,
    out: Path,
) -> None:
    """Draw SOLUTION.json on an interactive map (HTML) for dispatchers and planners."""
    lang = lang_of(ctx)
    check_writable(out.parent, "--out")
    instance = read_instance(source)
    plan = read_solution_json(solution)
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
    if compare is None:
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
        other = read_solution_json(compare)
        _check_matches(instance, other, compare, source)
        written = render_compare(
            instance,
            plan,
            other,
            out,
            labels=(solution.stem, compare.stem),
            lang=lang,
            basemap=basemap,
            offline=offline,
            tianditu_key=tianditu_key,
        )
    click.echo(tr(lang, f"Map written to {written}", f"地图已写入 {written}"))
