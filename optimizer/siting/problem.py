"""The generic facility-location problem every siting model is an instance of.

One data class covers the textbook models the benchmark readers map onto
(capacitated facility location with split or single-sourced demand,
uncapacitated facility location, p-median) and the county model with its
second echelon (transfer stations forward waste to treatment plants).

Conventions: ``demand`` and capacities share one unit (kg/day for the county,
the file's unit for benchmarks); ``assign_parts[name][i, j]`` is the cost of
serving the *whole* demand of customer ``j`` from facility ``i`` (a fraction
pays that share), ``inf`` where the pair is not allowed; forward-arc parts are
costs per unit of flow. Costs of one problem share one unit (yuan/year for the
county). Parts named in ``co2_parts`` are reported but not minimised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray


class SitingError(ValueError):
    """A facility-location problem is malformed."""


class Status(StrEnum):
    """What siting may decide about a facility."""

    FREE = "free"  # open at any option, or stay closed
    OPEN = "open"  # must open (an existing site kept, or forced open)
    CLOSED = "closed"  # must stay closed


@dataclass(frozen=True)
class Option:
    """One way to open a facility: a size class with its capacity and costs.

    ``capacity`` None means unlimited. ``costs`` are the fixed costs of
    opening at this option by part name (e.g. annualised capital and fixed
    operating cost); ``capital`` is what the option spends of the budget.
    """

    size_class: str
    capacity: float | None
    costs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    capital: float = 0.0

    def __post_init__(self) -> None:
        if self.capacity is not None and not (math.isfinite(self.capacity) and self.capacity >= 0):
            raise SitingError(f"option {self.size_class}: capacity must be >= 0")
        if not all(math.isfinite(v) for v in self.costs.values()):
            raise SitingError(f"option {self.size_class}: costs must be finite")
        if not (math.isfinite(self.capital) and self.capital >= 0):
            raise SitingError(f"option {self.size_class}: capital must be >= 0")
        object.__setattr__(self, "costs", MappingProxyType(dict(self.costs)))

    @property
    def fixed_cost(self) -> float:
        """Return the sum of the option's fixed cost parts."""
        return float(sum(self.costs.values()))


@dataclass(frozen=True)
class ForwardArc:
    """A route on which a forwarding facility passes one stream on to another.

    ``costs`` and ``co2`` are per unit of flow, by part name.
    """

    source: str
    target: str
    stream: str
    costs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    co2: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "costs", MappingProxyType(dict(self.costs)))
        object.__setattr__(self, "co2", MappingProxyType(dict(self.co2)))

    @property
    def unit_cost(self) -> float:
        """Return the cost per unit of flow over all parts."""
        return float(sum(self.costs.values()))


def _frozen(a: NDArray[np.float64]) -> NDArray[np.float64]:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class FacilityProblem:
    """A facility-location problem: who opens, at what size, who serves whom.

    Parameters
    ----------
    name
        What the problem is called (instance name).
    facilities, customers
        Domain ids, in the order of the matrix rows and columns.
    demand
        Demand per customer (same unit as capacities).
    options
        Per facility, the options it may open at (at most one is chosen).
    status
        Per facility, whether it is free, must open or must stay closed.
    assign_parts
        Named cost matrices (facilities × customers): cost of serving a
        customer's whole demand; ``inf`` marks a forbidden pair (in any part).
    single_source
        Each customer is served by exactly one facility (else split allowed).
    num_open
        Open exactly this many facilities (p-median), if given.
    budget
        Upper bound on the summed ``capital`` of the chosen options, if given.
    customer_stream
        Stream of each customer (needed only with forwarding facilities).
    forwarders
        Facilities that pass on what they receive of each stream they have
        ``arcs`` for (a stream without arcs ends there, e.g. it leaves the
        modelled area).
    arcs
        Where forwarders may send each stream.
    co2_parts
        Named matrices like ``assign_parts`` with emissions, reported only.

    """

    name: str
    facilities: tuple[str, ...]
    customers: tuple[str, ...]
    demand: NDArray[np.float64]
    options: tuple[tuple[Option, ...], ...]
    status: tuple[Status, ...]
    assign_parts: Mapping[str, NDArray[np.float64]]
    single_source: bool = True
    num_open: int | None = None
    budget: float | None = None
    customer_stream: tuple[str, ...] = ()
    forwarders: frozenset[str] = frozenset()
    arcs: tuple[ForwardArc, ...] = ()
    co2_parts: Mapping[str, NDArray[np.float64]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        m, n = len(self.facilities), len(self.customers)
        if len(set(self.facilities)) != m or len(set(self.customers)) != n:
            raise SitingError(f"{self.name}: duplicate facility or customer ids")
        object.__setattr__(self, "demand", _frozen(self.demand))
        if (
            self.demand.shape != (n,)
            or np.any(self.demand < 0)
            or not np.all(np.isfinite(self.demand))
        ):
            raise SitingError(f"{self.name}: demand must be {n} finite values >= 0")
        if len(self.options) != m or len(self.status) != m:
            raise SitingError(f"{self.name}: need options and a status for each of {m} facilities")
        for fid, opts, st in zip(self.facilities, self.options, self.status, strict=True):
            if st is not Status.CLOSED and not opts:
                raise SitingError(f"{self.name}: facility {fid} may open but has no option")
        if not self.assign_parts:
            raise SitingError(f"{self.name}: no assignment cost given")
        parts = {}
        for key, mat in self.assign_parts.items():
            arr = _frozen(mat)
            if arr.shape != (m, n) or np.any(np.isnan(arr)) or np.any(arr == -np.inf):
                raise SitingError(f"{self.name}: cost part {key} must be a {m}×{n} matrix")
            parts[key] = arr
        object.__setattr__(self, "assign_parts", MappingProxyType(parts))
        co2 = {k: _frozen(v) for k, v in self.co2_parts.items()}
        if any(v.shape != (m, n) for v in co2.values()):
            raise SitingError(f"{self.name}: emission parts must be {m}×{n} matrices")
        object.__setattr__(self, "co2_parts", MappingProxyType(co2))
        if self.num_open is not None and not 0 <= self.num_open <= m:
            raise SitingError(f"{self.name}: cannot open {self.num_open} of {m} facilities")
        if self.budget is not None and not self.budget >= 0:
            raise SitingError(f"{self.name}: budget must be >= 0")
        if self.forwarders or self.arcs:
            if len(self.customer_stream) != n:
                raise SitingError(f"{self.name}: forwarding needs a stream for every customer")
            known = set(self.facilities)
            for arc in self.arcs:
                if arc.source not in self.forwarders or arc.target not in known:
                    raise SitingError(f"{self.name}: arc {arc.source}->{arc.target} is not valid")
                if arc.target in self.forwarders:
                    raise SitingError(
                        f"{self.name}: arc {arc.source}->{arc.target} chains forwarders"
                    )
        object.__setattr__(self, "_index", {f: k for k, f in enumerate(self.facilities)})

    @property
    def assign_cost(self) -> NDArray[np.float64]:
        """Return the total assignment cost matrix (sum of the parts)."""
        total = np.zeros((len(self.facilities), len(self.customers)))
        for part in self.assign_parts.values():
            total = total + part
        return total

    @property
    def allowed(self) -> NDArray[np.bool_]:
        """Return which (facility, customer) pairs may be used."""
        allowed = np.isfinite(self.assign_cost)
        closed = np.array([s is Status.CLOSED for s in self.status], dtype=bool)
        allowed[closed, :] = False
        return allowed

    def facility_index(self, facility_id: str) -> int:
        """Return the row of ``facility_id``."""
        return self._index[facility_id]  # type: ignore[attr-defined,no-any-return]

    @property
    def forwarded(self) -> frozenset[tuple[str, str]]:
        """Return the (forwarder, stream) pairs passed on; other inflow ends there."""
        return frozenset((a.source, a.stream) for a in self.arcs)

    @property
    def capacitated(self) -> bool:
        """Return whether any option limits capacity."""
        return any(o.capacity is not None for opts in self.options for o in opts)
