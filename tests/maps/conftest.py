"""Fixtures of the map tests: a small county and its plan."""

from __future__ import annotations

import pytest
from maps_fixtures import small_instance, small_result

from optimizer.model import Instance
from optimizer.routing.result import RoutingResult


@pytest.fixture
def instance() -> Instance:
    """Return the small county."""
    return small_instance()


@pytest.fixture
def result() -> RoutingResult:
    """Return the small county's plan."""
    return small_result()
