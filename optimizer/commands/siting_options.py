"""Command-line options of siting, shared by ``countyopt site`` and ``countyopt plan``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from optimizer.siting.config import SitingConfig, load_config
from optimizer.siting.params import SOLVERS

F = TypeVar("F", bound=Callable[..., Any])


def siting_options(func: F) -> F:
    """Add the siting options shared by ``site`` and ``plan``."""
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
    for option in reversed(options):
        func = option(func)
    return func


def config_from(
    config_path: Path | None,
    budget: float | None,
    max_haul_km: float | None,
    max_haul_min: float | None,
) -> SitingConfig:
    """Return the siting config: defaults, then the TOML, then command-line limits."""
    config = load_config(config_path)
    if budget is not None:
        config = replace(config, budget_yuan=budget)
    if max_haul_km is not None:
        config = replace(config, max_haul_km=max_haul_km)
    if max_haul_min is not None:
        config = replace(config, max_haul_min=max_haul_min)
    return config
