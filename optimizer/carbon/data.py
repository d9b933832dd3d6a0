"""The energy model's data: OSeMOSYS sets and parameters, validated where they enter.

The parameter names, their indices and their defaults are those of the
OSeMOSYS reference formulation (GNU MathProg ``osemosys.txt``); the same table
generates the otoole configuration shipped in ``optimizer/data/carbon``.
A negative limit (the OSeMOSYS default ``-1``) means "no limit".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem

Key = str | int
Index = tuple[Key, ...]

SETS: tuple[str, ...] = (
    "REGION",
    "YEAR",
    "TIMESLICE",
    "TECHNOLOGY",
    "FUEL",
    "EMISSION",
    "MODE_OF_OPERATION",
    "SEASON",
    "DAYTYPE",
    "DAILYTIMEBRACKET",
    "STORAGE",
)
# OSeMOSYS does arithmetic on these (y-1, ls+1): they hold integers.
INT_SETS = frozenset({"YEAR", "MODE_OF_OPERATION", "SEASON", "DAYTYPE", "DAILYTIMEBRACKET"})


@dataclass(frozen=True)
class ParamSpec:
    """One OSeMOSYS parameter: its indices (set names) and default value."""

    name: str
    indices: tuple[str, ...]
    default: float


def _spec(name: str, indices: str, default: float) -> ParamSpec:
    return ParamSpec(name, tuple(indices.split(",")), default)


_R, _T, _Y, _F, _E, _L, _S = (
    "REGION",
    "TECHNOLOGY",
    "YEAR",
    "FUEL",
    "EMISSION",
    "TIMESLICE",
    "STORAGE",
)
# Defaults follow otoole's OSeMOSYS configuration, which follows osemosys.txt.
PARAMS: dict[str, ParamSpec] = {
    p.name: p
    for p in (
        _spec("AccumulatedAnnualDemand", "REGION,FUEL,YEAR", 0),
        _spec("AnnualEmissionLimit", "REGION,EMISSION,YEAR", -1),
        _spec("AnnualExogenousEmission", "REGION,EMISSION,YEAR", 0),
        _spec("AvailabilityFactor", "REGION,TECHNOLOGY,YEAR", 1),
        _spec("CapacityFactor", "REGION,TECHNOLOGY,TIMESLICE,YEAR", 1),
        _spec("CapacityOfOneTechnologyUnit", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("CapacityToActivityUnit", "REGION,TECHNOLOGY", 1),
        _spec("CapitalCost", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("CapitalCostStorage", "REGION,STORAGE,YEAR", 0),
        _spec("Conversionld", "TIMESLICE,DAYTYPE", 0),
        _spec("Conversionlh", "TIMESLICE,DAILYTIMEBRACKET", 0),
        _spec("Conversionls", "TIMESLICE,SEASON", 0),
        _spec("DaySplit", "DAILYTIMEBRACKET,YEAR", 0.00137),
        _spec("DaysInDayType", "SEASON,DAYTYPE,YEAR", 7),
        _spec("DepreciationMethod", "REGION", 1),
        _spec("DiscountRate", "REGION", 0.05),
        _spec("DiscountRateIdv", "REGION,TECHNOLOGY", 0.05),
        _spec("DiscountRateStorage", "REGION,STORAGE", 0.05),
        _spec("EmissionActivityRatio", "REGION,TECHNOLOGY,EMISSION,MODE_OF_OPERATION,YEAR", 0),
        _spec("EmissionsPenalty", "REGION,EMISSION,YEAR", 0),
        _spec("FixedCost", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("InputActivityRatio", "REGION,TECHNOLOGY,FUEL,MODE_OF_OPERATION,YEAR", 0),
        _spec("MinStorageCharge", "REGION,STORAGE,YEAR", 0),
        _spec("ModelPeriodEmissionLimit", "REGION,EMISSION", -1),
        _spec("ModelPeriodExogenousEmission", "REGION,EMISSION", 0),
        _spec("OperationalLife", "REGION,TECHNOLOGY", 1),
        _spec("OperationalLifeStorage", "REGION,STORAGE", 0),
        _spec("OutputActivityRatio", "REGION,TECHNOLOGY,FUEL,MODE_OF_OPERATION,YEAR", 0),
        _spec("REMinProductionTarget", "REGION,YEAR", 0),
        _spec("RETagFuel", "REGION,FUEL,YEAR", 0),
        _spec("RETagTechnology", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("ReserveMargin", "REGION,YEAR", 1),
        _spec("ReserveMarginTagFuel", "REGION,FUEL,YEAR", 0),
        _spec("ReserveMarginTagTechnology", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("ResidualCapacity", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("ResidualStorageCapacity", "REGION,STORAGE,YEAR", 0),
        _spec("SpecifiedAnnualDemand", "REGION,FUEL,YEAR", 0),
        _spec("SpecifiedDemandProfile", "REGION,FUEL,TIMESLICE,YEAR", 0),
        _spec("StorageLevelStart", "REGION,STORAGE", 0),
        _spec("StorageMaxChargeRate", "REGION,STORAGE", 0),
        _spec("StorageMaxDischargeRate", "REGION,STORAGE", 0),
        _spec("TechnologyFromStorage", "REGION,TECHNOLOGY,STORAGE,MODE_OF_OPERATION", 0),
        _spec("TechnologyToStorage", "REGION,TECHNOLOGY,STORAGE,MODE_OF_OPERATION", 0),
        _spec("TotalAnnualMaxCapacity", "REGION,TECHNOLOGY,YEAR", -1),
        _spec("TotalAnnualMaxCapacityInvestment", "REGION,TECHNOLOGY,YEAR", -1),
        _spec("TotalAnnualMinCapacity", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("TotalAnnualMinCapacityInvestment", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("TotalTechnologyAnnualActivityLowerLimit", "REGION,TECHNOLOGY,YEAR", 0),
        _spec("TotalTechnologyAnnualActivityUpperLimit", "REGION,TECHNOLOGY,YEAR", -1),
        _spec("TotalTechnologyModelPeriodActivityLowerLimit", "REGION,TECHNOLOGY", 0),
        _spec("TotalTechnologyModelPeriodActivityUpperLimit", "REGION,TECHNOLOGY", -1),
        _spec("TradeRoute", "REGION,_REGION,FUEL,YEAR", 0),
        _spec("VariableCost", "REGION,TECHNOLOGY,MODE_OF_OPERATION,YEAR", 0),
        _spec("YearSplit", "TIMESLICE,YEAR", 0),
    )
}
# otoole's names for columns longer than the 31 characters Excel allows.
SHORT_NAMES: dict[str, str] = {
    "TotalAnnualMaxCapacityInvestment": "TotalAnnualMaxCapacityInvestmen",
    "TotalAnnualMinCapacityInvestment": "TotalAnnualMinCapacityInvestmen",
    "TotalTechnologyAnnualActivityLowerLimit": "TotalTechnologyAnnualActivityLo",
    "TotalTechnologyAnnualActivityUpperLimit": "TotalTechnologyAnnualActivityUp",
    "TotalTechnologyModelPeriodActivityLowerLimit": "TotalTechnologyModelPeriodActLo",
    "TotalTechnologyModelPeriodActivityUpperLimit": "TotalTechnologyModelPeriodActUp",
}


@dataclass(frozen=True)
class EnergyData:
    """OSeMOSYS sets and parameters: explicit values per index, and defaults.

    Build it with :func:`make_data`, which validates. ``params[name]`` holds
    only the values given explicitly; :meth:`value` falls back to the default.
    """

    sets: dict[str, tuple[Key, ...]]
    params: dict[str, dict[Index, float]]
    defaults: dict[str, float]
    source: str = "<data>"

    def value(self, name: str, *index: Key) -> float:
        """Return parameter ``name`` at ``index``, or its default."""
        return self.params[name].get(index, self.defaults[name])

    def given(self, name: str) -> dict[Index, float]:
        """Return the explicitly given values of parameter ``name``."""
        return self.params[name]

    @property
    def years(self) -> tuple[int, ...]:
        """Return the model years in ascending order."""
        return tuple(sorted(int(y) for y in self.sets["YEAR"]))


def _coerce(set_name: str, item: object) -> Key:
    if set_name in INT_SETS:
        return int(str(item).strip())
    return str(item)


def make_data(
    sets: Mapping[str, Iterable[object]],
    params: Mapping[str, Mapping[tuple[object, ...], float]],
    *,
    defaults: Mapping[str, float] | None = None,
    source: str = "<data>",
) -> EnergyData:
    """Validate sets and parameters and return them as :class:`EnergyData`.

    Parameters
    ----------
    sets
        Set name to members (missing sets are empty).
    params
        Parameter name to {index tuple: value}; unknown names are rejected.
    defaults
        Defaults overriding the OSeMOSYS ones (a data file's ``default`` clauses).
    source
        File or folder named in error messages.

    Raises
    ------
    InputError
        Listing every unknown name, index outside its set, or bad value.

    """
    problems: list[InputProblem] = []
    clean_sets: dict[str, tuple[Key, ...]] = {}
    for name in SETS:
        members: list[Key] = []
        for item in sets.get(name, ()):
            try:
                members.append(_coerce(name, item))
            except ValueError:
                problems.append(
                    InputProblem(source, None, name, str(item), Text("an integer", "整数"))
                )
        # Integer sets are ordered numerically (OSeMOSYS steps y-1, ls+1); others keep file order.
        unique = tuple(dict.fromkeys(members))
        clean_sets[name] = tuple(sorted(unique, key=_sort_key)) if name in INT_SETS else unique
    clean_sets["_REGION"] = clean_sets["REGION"]
    for name in sets:
        if name not in clean_sets:
            problems.append(
                InputProblem(
                    source, None, name, "", Text("a known OSeMOSYS set", "已知的 OSeMOSYS 集合")
                )
            )
    members_of = {k: set(v) for k, v in clean_sets.items()}

    all_defaults = {n: float(p.default) for n, p in PARAMS.items()}
    for name, value in (defaults or {}).items():
        if name in all_defaults:
            all_defaults[name] = float(value)
    clean: dict[str, dict[Index, float]] = {n: {} for n in PARAMS}
    for name, table in params.items():
        spec = PARAMS.get(name)
        if spec is None:
            problems.append(
                InputProblem(
                    source,
                    None,
                    name,
                    "",
                    Text("a known OSeMOSYS parameter", "已知的 OSeMOSYS 参数"),
                )
            )
            continue
        for raw_index, raw_value in table.items():
            try:
                index = tuple(_coerce(s, i) for s, i in zip(spec.indices, raw_index, strict=True))
            except ValueError:
                problems.append(
                    InputProblem(
                        source,
                        None,
                        name,
                        str(raw_index),
                        Text(f"indices {spec.indices}", f"下标 {spec.indices}"),
                    )
                )
                continue
            bad = [i for s, i in zip(spec.indices, index, strict=True) if i not in members_of[s]]
            value = float(raw_value)
            if bad:
                problems.append(
                    InputProblem(
                        source,
                        None,
                        name,
                        str(index),
                        Text(
                            f"members of {', '.join(spec.indices)}",
                            f"{'、'.join(repr(i) for i in spec.indices)} 的成员",
                        ),
                    )
                )
            elif not math.isfinite(value):
                problems.append(
                    InputProblem(
                        source, None, name, str(value), Text("a finite number", "有限数字")
                    )
                )
            else:
                clean[name][index] = value
    for (ts, year), share in clean["YearSplit"].items():
        if share < 0:
            problems.append(
                InputProblem(source, None, "YearSplit", f"{ts},{year}={share}", Text("≥ 0", "≥ 0"))
            )
    for year in clean_sets["YEAR"]:
        total = sum(v for (_, y), v in clean["YearSplit"].items() if y == year)
        if clean_sets["TIMESLICE"] and total > 1.0 + 1e-3:
            problems.append(
                InputProblem(
                    source,
                    None,
                    "YearSplit",
                    f"{year}: {total:.4f}",
                    Text("shares summing ≤ 1", "各份额之和 ≤ 1"),
                )
            )
    if not clean_sets["YEAR"] or not clean_sets["REGION"] or not clean_sets["TIMESLICE"]:
        problems.append(
            InputProblem(
                source,
                None,
                "YEAR/REGION/TIMESLICE",
                "",
                Text("at least one member each", "每个集合至少一个成员"),
            )
        )
    if problems:
        raise InputError(problems)
    return EnergyData(
        sets=clean_sets,
        params=clean,
        defaults=all_defaults,
        source=source,
    )


def _sort_key(key: Key) -> tuple[int, str]:
    return (int(key), "") if isinstance(key, int) else (0, str(key))


def otoole_config() -> dict[str, dict[str, object]]:
    """Return the otoole configuration (sets and parameters) matching :data:`PARAMS`."""
    config: dict[str, dict[str, object]] = {}
    for name in (*SETS, "_REGION"):
        config[name] = {"dtype": "int" if name in INT_SETS else "str", "type": "set"}
    for name, spec in PARAMS.items():
        entry: dict[str, object] = {
            "indices": list(spec.indices),
            "type": "param",
            "dtype": "float",
            "default": spec.default,
        }
        if name in SHORT_NAMES:
            entry["short_name"] = SHORT_NAMES[name]
        config[name] = entry
    return config
