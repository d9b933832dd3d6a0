"""The location-routing problem (LRP) as the Prodhon (2006) and Barreto (2007) sets state it.

Depots may open at a fixed cost and serve at most their capacity; each route
starts and ends at one open depot, carries at most the vehicle capacity and
pays a fixed cost; each customer is visited once. Travel cost between two
points is their Euclidean distance, either as a real number (file flag 1,
Barreto) or, in Prodhon's integer convention (flag 0), 100 × the distance
rounded *up* to an integer.

Rounding up is what the published best-known values use, although the
files' ``format.txt`` (and the shared data README) say "truncated": the
best plans found here for 20-5-2, 20-5-1b, 20-5-2b and 50-5-1, costed with
rounding up, equal the published values (48908, 39104, 37542, 90111) to
the unit; truncated, the same plans cost 20-51 less, below the proven
optima of the 20-customer instances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class LrpInstance:
    """One LRP: depots, customers, capacities and costs, in the file's own units.

    Node indices: depots ``0..m-1``, customers ``0..n-1`` (separately);
    :meth:`points` stacks them depots first. Ids in plans and reports number
    the file's rows from 1 (``D1``, ``C1``).
    """

    name: str
    depot_xy: tuple[tuple[float, float], ...]
    customer_xy: tuple[tuple[float, float], ...]
    demand: tuple[float, ...]
    vehicle_capacity: float
    depot_capacity: tuple[float, ...]
    opening_cost: tuple[float, ...]
    route_cost: float
    integer_costs: bool  # True: int(100 * distance) per edge (file flag 0)

    @property
    def num_depots(self) -> int:
        """Return the number of candidate depots."""
        return len(self.depot_xy)

    @property
    def num_customers(self) -> int:
        """Return the number of customers."""
        return len(self.customer_xy)

    @property
    def total_demand(self) -> float:
        """Return the summed customer demand."""
        return float(sum(self.demand))

    def points(self) -> NDArray[np.float64]:
        """Return the coordinates, depots first, as an (m + n) × 2 array."""
        return np.array(self.depot_xy + self.customer_xy, dtype=np.float64).reshape(-1, 2)

    def cost_matrix(self) -> NDArray[np.float64]:
        """Return the travel cost between every pair of points (depots first)."""
        pts = self.points()
        dist = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
        # Rounded up: see the module docstring for why not truncated.
        out: NDArray[np.float64] = np.ceil(dist * 100.0) if self.integer_costs else dist
        return out
