"""Command-line options of siting, shared by ``countyopt site`` and ``countyopt plan``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from optimizer.siting.config import SitingConfig, load_config
from optimizer.siting.params import SOLVERS, SitingParams

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class SitingOptions:
    """The siting options as given on the command line, turned into settings on demand.

    The command body builds the settings (not the option parser) so that a
    bad ``--config`` file is reported like any other input error.
    """

    budget: float | None
    max_haul_km: float | None
    max_haul_min: float | None
    split: bool
    solver: str
    gap: float
    time_limit: float
    config_path: Path | None

    def config(self) -> SitingConfig:
        """Return the siting config: defaults, then the TOML, then command-line limits."""
        config = load_config(self.config_path)
        if self.budget is not None:
            config = replace(config, budget_yuan=self.budget)
        if self.max_haul_km is not None:
            config = replace(config, max_haul_km=self.max_haul_km)
        if self.max_haul_min is not None:
            config = replace(config, max_haul_min=self.max_haul_min)
        return config

    def params(self) -> SitingParams:
        """Return the solver settings."""
        return SitingParams(solver=self.solver, relative_gap=self.gap, time_limit_s=self.time_limit)


def siting_options(func: F) -> F:
    """Add the siting options of ``site`` and ``plan``, passed on as ``siting: SitingOptions``."""

    @functools.wraps(func)
    def with_siting(*args: Any, **kwargs: Any) -> Any:
        fields = {name: kwargs.pop(name) for name in SitingOptions.__dataclass_fields__}
        return func(*args, siting=SitingOptions(**fields), **kwargs)

    options = [
        click.option(
            "--budget", type=click.FloatRange(min=0), help="Capital budget for new builds (yuan)."
        ),
        click.option(
            "--max-haul-km",
            type=click.FloatRange(min=0),
            help="Longest haul from a stop to its station (km).",
        ),
        click.option(
            "--max-haul-min",
            type=click.FloatRange(min=0),
            help="Longest haul time from a stop to its station (minutes).",
        ),
        click.option(
            "--split", is_flag=True, help="Allow a stop's waste to be split over several sites."
        ),
        click.option(
            "--solver",
            type=click.Choice(SOLVERS),
            default="scip",
            show_default=True,
            help="MIP solver (OR-Tools backend).",
        ),
        click.option(
            "--gap",
            type=click.FloatRange(0, 1, max_open=True),
            default=0.0,
            show_default=True,
            help="Relative optimality gap at which to stop (0: prove the optimum).",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help="Solver time limit (seconds); on a stop the best plan and its gap are reported.",
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="TOML overriding the siting defaults (costs, size classes, limits).",
        ),
    ]
    command: Any = with_siting
    for option in reversed(options):
        command = option(command)
    return command  # type: ignore[no-any-return]
