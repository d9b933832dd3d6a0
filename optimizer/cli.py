"""The ``countyopt`` command line: a thin click layer over the library.

Each command is a few lines: read, solve, check, write, summarise. Errors in
the user's input end with exit code 2 and a report, never a traceback (see
:mod:`optimizer.commands.common`).
"""

from __future__ import annotations

import sys

import click

from optimizer import __version__
from optimizer.commands.bench import bench_command
from optimizer.commands.carbon import carbon_command
from optimizer.commands.check import check_command
from optimizer.commands.demo import demo_command
from optimizer.commands.fleet import fleet_command
from optimizer.commands.map import map_command
from optimizer.commands.plan import plan_command
from optimizer.commands.route import route_command
from optimizer.commands.site import site_command
from optimizer.commands.week import week_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="countyopt")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    envvar="COUNTYOPT_LANG",
    help="Language of messages, tables and maps (English or Chinese).",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """Plan waste collection, transfer stations and carbon cuts for a county town."""
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang


for _command in (
    bench_command,
    carbon_command,
    check_command,
    demo_command,
    fleet_command,
    map_command,
    plan_command,
    route_command,
    site_command,
    week_command,
):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
