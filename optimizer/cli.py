"""The ``countyopt`` command line: a thin click layer over the library.

Each command is a few lines: read, solve, check, write, summarise. Errors in
the user's input end with exit code 2 and a report, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from optimizer import __version__
from optimizer.i18n import Lang, tr
from optimizer.io.errors import InputError
from optimizer.model import InstanceError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2  # bad input (file, row, field reported)
EXIT_INFEASIBLE = 3  # the problem has no feasible plan; a diagnosis is printed
EXIT_CHECK = 4  # our own checker found a violation in a result: a bug


def lang_of(ctx: click.Context) -> Lang:
    """Return the language chosen on the command group."""
    obj = ctx.find_root().obj or {}
    lang: Lang = obj.get("lang", "en")
    return lang


def reports_input_errors(func: F) -> F:
    """Turn input and instance errors into a report and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        lang = lang_of(ctx)
        try:
            return func(*args, **kwargs)
        except InputError as err:
            click.echo(
                tr(
                    lang,
                    f"Input has {len(err.problems)} problem(s); nothing was written:",
                    f"输入数据有 {len(err.problems)} 处问题，未写出任何文件：",
                ),
                err=True,
            )
            for problem in err.problems:
                click.echo(f"  - {problem}", err=True)
            ctx.exit(EXIT_INPUT)
        except InstanceError as err:
            click.echo(
                tr(
                    lang,
                    f"The instance has {len(err.problems)} problem(s); nothing was written:",
                    f"实例有 {len(err.problems)} 处问题，未写出任何文件：",
                ),
                err=True,
            )
            for p in err.problems:
                click.echo(f"  - {p}", err=True)
            ctx.exit(EXIT_INPUT)

    return wrapper  # type: ignore[return-value]


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


# Commands are registered below, one import per feature module.
# (keep this list sorted; each module defines its click command)
from optimizer.commands.bench import bench_command  # noqa: E402
from optimizer.commands.carbon import carbon_command  # noqa: E402
from optimizer.commands.check import check_command  # noqa: E402
from optimizer.commands.demo import demo_command  # noqa: E402
from optimizer.commands.map import map_command  # noqa: E402
from optimizer.commands.plan import plan_command  # noqa: E402
from optimizer.commands.route import route_command  # noqa: E402
from optimizer.commands.site import site_command  # noqa: E402

main.add_command(bench_command)
main.add_command(carbon_command)
main.add_command(check_command)
main.add_command(demo_command)
main.add_command(map_command)
main.add_command(plan_command)
main.add_command(route_command)
main.add_command(site_command)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
