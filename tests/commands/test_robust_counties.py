"""A seeded slice of the generated-county campaign (``benchmarks/robustness/``) for CI.

Every drawn county is valid (``tests/county_gen.py``); each command must
either exit 0 with a plan the independent checker accepts and that serves or
explains every stop, or exit 2/3 with a message, never a traceback. Split by
command so that pytest-xdist spreads them; examples are derandomized so a
failure is reproducible, and limits are by solutions, with a short time cap.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.county_gen import County, counties, judge


def _slice(n: int) -> settings:
    """Return settings for ``n`` reproducible examples with no wall-clock deadline."""
    return settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _keeps_promise(command: str, county: County) -> None:
    with tempfile.TemporaryDirectory(prefix="county-") as tmp:
        workbook = county.write(Path(tmp))
        verdict = judge(command, workbook, Path(tmp) / "out")
    assert verdict.ok, f"{command}: {verdict.why}"


@pytest.mark.parametrize("engine", ["ortools", "pyvrp", "auto"])
@_slice(25)
@given(county=counties(max_stops=15))
def test_engines_keep_the_promise_on_generated_counties(engine: str, county: County) -> None:
    """Every engine (through the library path of ``route``) plans or explains each county."""
    _keeps_promise(f"lib:{engine}", county)


@pytest.mark.parametrize("engine", ["ortools", "pyvrp", "auto"])
@_slice(4)
@given(county=counties(max_stops=10))
def test_route_command_keeps_the_promise(engine: str, county: County) -> None:
    """``countyopt route --engine E`` writes a checked plan or exits 2/3 with a message."""
    _keeps_promise(f"route:{engine}", county)


@_slice(15)
@given(county=counties(max_stops=15))
def test_site_command_keeps_the_promise(county: County) -> None:
    """``countyopt site`` sites every generated county or explains why not."""
    _keeps_promise("site", county)


@_slice(5)
@given(county=counties(max_stops=10))
def test_plan_command_keeps_the_promise(county: County) -> None:
    """``countyopt plan`` sites and routes every generated county, each stop once at most."""
    _keeps_promise("plan", county)
