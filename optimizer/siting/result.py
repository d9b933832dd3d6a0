"""The siting result contract: a decision with its costs, emissions and proof.

Ids are the problem's domain ids (site and stop ids for a county). Amounts
are in the problem's units: for a county, demand and capacity in kg/day,
costs in yuan/year, emissions in kg CO2e/year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from optimizer.i18n import Lang, tr


class SolveStatus(StrEnum):
    """How a solve ended, in our words (never the solver's enum)."""

    OPTIMAL = "optimal"  # proven within the requested relative gap
    FEASIBLE = "feasible"  # stopped (time limit) with a plan and a remaining gap
    INFEASIBLE = "infeasible"  # proven that no plan exists
    NO_SOLUTION = "no_solution"  # stopped before finding any plan
    ERROR = "error"  # the solver failed


_STATUS_TEXT: Mapping[SolveStatus, tuple[str, str]] = MappingProxyType(
    {
        SolveStatus.OPTIMAL: ("proven optimal", "已证明最优"),
        SolveStatus.FEASIBLE: (
            "stopped at the time limit, not proven optimal",
            "达到时间上限停止，未证明最优",
        ),
        SolveStatus.INFEASIBLE: ("infeasible: no plan exists", "无可行方案"),
        SolveStatus.NO_SOLUTION: ("no plan found in the time allowed", "求解时限内未找到方案"),
        SolveStatus.ERROR: ("the solver failed", "求解器出错"),
    }
)


def status_label(status: SolveStatus, lang: Lang, gap: float | None = None) -> str:
    """Return how a siting solve ended, as a phrase in ``lang``.

    A solve asked for a gap (``--gap``) that stopped with one left is not
    called optimal: ``gap`` is the plan's relative distance to its bound.
    """
    if status is SolveStatus.OPTIMAL and gap is not None and gap > 1e-9:
        return tr(
            lang,
            f"within the requested gap ({gap:.4%} above the lower bound)",
            f"达到要求的间隙（比下界高 {gap:.4%}）",
        )
    return tr(lang, *_STATUS_TEXT[status])


@dataclass(frozen=True)
class Flow:
    """Flow of one stream from a forwarding facility to its destination."""

    source: str
    target: str
    stream: str
    amount: float


@dataclass(frozen=True)
class Decision:
    """What siting decided: open facilities, who serves whom, onward flows.

    ``assignment`` maps each customer to its facilities and the share of its
    demand each serves (one entry of share 1 under single-sourcing).
    """

    open: Mapping[str, str]  # facility id -> size class
    assignment: Mapping[str, Mapping[str, float]]
    flows: tuple[Flow, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "open", MappingProxyType(dict(self.open)))
        object.__setattr__(
            self,
            "assignment",
            MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.assignment.items()}),
        )
        object.__setattr__(self, "flows", tuple(self.flows))

    def main_facility(self, customer: str) -> str:
        """Return the facility serving the largest share of ``customer``."""
        shares = self.assignment[customer]
        return max(sorted(shares), key=lambda f: shares[f])


@dataclass(frozen=True)
class SitingResult:
    """A solved siting problem: the decision, its cost and how sure we are.

    ``objective`` is the solver's value of the plan, ``bound`` the best proven
    lower bound, ``gap`` their relative difference (0 when proven optimal).
    ``costs`` and ``co2`` break the plan down by part, recomputed from the
    decision; ``load`` and ``capacity`` give each open facility's use.
    """

    name: str
    status: SolveStatus
    decision: Decision | None
    objective: float | None
    bound: float | None
    gap: float | None
    costs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    co2: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    load: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    capacity: Mapping[str, float | None] = field(default_factory=lambda: MappingProxyType({}))
    capital: float = 0.0
    solver: str = ""
    settings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    build_time_s: float = 0.0
    solve_time_s: float = 0.0
    diagnosis: tuple[str, ...] = ()
    violations: tuple[str, ...] = ()
    kinds: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # site -> kind

    def __post_init__(self) -> None:
        for name in ("costs", "co2", "load", "capacity", "settings", "kinds"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(self, "diagnosis", tuple(self.diagnosis))
        object.__setattr__(self, "violations", tuple(self.violations))

    @property
    def proven_optimal(self) -> bool:
        """Return whether the plan is proven optimal within the requested gap."""
        return self.status is SolveStatus.OPTIMAL

    @property
    def total_cost(self) -> float:
        """Return the summed cost parts of the plan."""
        return float(sum(self.costs.values()))

    @property
    def total_co2(self) -> float:
        """Return the summed emission parts of the plan."""
        return float(sum(self.co2.values()))
