"""What every command shares: exit codes, the chosen language, input-error reports."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

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
