"""What every command shares: exit codes, the chosen language, input-error reports."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import InstanceError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2  # bad input (file, row, field reported)
EXIT_INFEASIBLE = 3  # the problem has no feasible plan; a diagnosis is printed
EXIT_CHECK = 4  # our own checker found a violation in a result: a bug
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


MAX_VIOLATIONS_LISTED = 20


def exit_on_violations(ctx: click.Context, violations: Sequence[object], what: str = "") -> None:
    """Print what our own checker rejected and exit with EXIT_CHECK; do nothing if none.

    A violation in a result we computed is a bug, never the user's input.
    """
    if not violations:
        return
    lang = lang_of(ctx)
    click.echo(
        tr(
            lang,
            f"internal error: checker found violations{' in ' + what if what else ''} "
            "(a bug; nothing was written):",
            "内部错误：校验器发现违规（程序缺陷；未写出任何文件）：",
        ),
        err=True,
    )
    for v in violations[:MAX_VIOLATIONS_LISTED]:
        click.echo(f"  - {v}", err=True)
    if len(violations) > MAX_VIOLATIONS_LISTED:
        click.echo(f"  … (+{len(violations) - MAX_VIOLATIONS_LISTED})", err=True)
    ctx.exit(EXIT_CHECK)


def lang_of(ctx: click.Context) -> Lang:
    """Return the language chosen on the command group."""
    obj = ctx.find_root().obj or {}
    lang: Lang = obj.get("lang", "en")
    return lang


def problem_line(problem: InputProblem, lang: Lang) -> str:
    """Return one input problem as a sentence in ``lang`` (file, row, column, value, expected)."""
    return problem.line(lang)


def check_writable(folder: Path, option: str) -> None:
    """Raise InputError unless files can be written into ``folder``, before any long solve.

    The nearest existing ancestor of ``folder`` must be a folder the user may
    write to: a path that runs through a file can never become a folder.
    """
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.is_dir() and os.access(probe, os.W_OK):
        return
    if probe.is_dir():
        expected = Text("a folder you may write to", "有写入权限的文件夹")
    else:
        expected = Text(
            f"a folder, but {str(probe)!r} is a file",
            f"文件夹，但 {str(probe)!r} 是一个文件",
        )
    raise InputError([InputProblem(option, None, "", str(folder), expected)])


def check_scheduler(address: str | None, option: str = "--scheduler") -> None:
    """Raise InputError unless a Dask scheduler answers at ``address`` (None: nothing to check).

    Checked before any long solve, with a short timeout, so a mistyped
    address is an input problem and not a stack trace half-way through.
    """
    if address is None:
        return
    try:
        from distributed import Client
    except ImportError:
        expected = Text(
            "an installed Dask (pip install 'countyopt[dask]')",
            "已安装的 Dask（pip install 'countyopt[dask]'）",
        )
        raise InputError([InputProblem(option, None, "", address, expected)]) from None
    try:
        with Client(address, timeout=10):  # type: ignore[no-untyped-call]
            return
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        expected = Text(
            f"the address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 ({err})",
            f"正在运行的 Dask 调度器地址，例如 tcp://10.0.0.5:8786（{err}）",
        )
        raise InputError([InputProblem(option, None, "", address, expected)]) from None


def _report_problems(
    ctx: click.Context, lang: Lang, lines: list[str], subject: tuple[str, str]
) -> None:
    """Print the problems of an input to stderr and exit with ``EXIT_INPUT``."""
    n = len(lines)
    click.echo(
        tr(
            lang,
            f"{subject[0]} {n} problem(s); nothing was written:",
            f"{subject[1]} {n} 处问题，未写出任何文件：",
        ),
        err=True,
    )
    for line in lines:
        click.echo(f"  - {line}", err=True)
    ctx.exit(EXIT_INPUT)


ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["ortools", "pyvrp", "auto"]),
    default="auto",
    show_default=True,
    help="Routing engine (auto picks per stream group and says why).",
)


ROADS_OPTION = click.option(
    "--roads",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="OpenStreetMap extract of the county (.osm.pbf): travel on its roads "
    "(overrides the workbook's 'roads' setting; without either, straight lines × circuity).",
)


def reports_input_errors(func: F) -> F:
    """Turn input and instance errors into a report and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        lang = lang_of(ctx)
        try:
            return func(*args, **kwargs)
        except InputError as err:
            lines = [problem_line(problem, lang) for problem in err.problems]
            _report_problems(ctx, lang, lines, ("Input has", "输入数据有"))
        except InstanceError as err:
            lines = [p.line(lang) for p in err.problems]
            _report_problems(ctx, lang, lines, ("The instance has", "实例有"))
        except BrokenPipeError:
            raise  # output piped into `head`: click ends quietly
        except OSError as err:
            # A full disk, a read-only folder or a file where a folder should be:
            # the user's environment, not a bug, so no traceback.
            where = err.filename if err.filename is not None else ""
            click.echo(
                tr(
                    lang,
                    f"Cannot read or write {where}: {err.strerror or err}. "
                    "Check the path and its permissions.",
                    f"无法读取或写入 {where}：{err.strerror or err}。请检查路径与权限。",
                ),
                err=True,
            )
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo(tr(lang, "Interrupted.", "已中断。"), err=True)
            ctx.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]
