"""Cost and size defaults of the county siting model, read from TOML.

The shipped defaults live in ``optimizer/data/siting_defaults.toml`` with a
source (or "assumption") beside every number; a user TOML with the same
layout overrides any subset of keys.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem


@dataclass(frozen=True)
class SizeClass:
    """A size class of a station or plant (capacity in t/day, money in yuan)."""

    name: str
    capacity_t_per_day: float
    capital_yuan: float
    fixed_yuan_per_year: float


@dataclass(frozen=True)
class SitingConfig:
    """Defaults and limits of the county siting model (units in field names)."""

    discount_rate: float
    station_lifetime_years: float
    incinerator_lifetime_years: float
    station_operating_yuan_per_t: float
    station_classes: tuple[SizeClass, ...]
    incinerator_classes: tuple[SizeClass, ...]
    incinerator_min_t_per_day: float
    incinerator_allow_small: bool
    incinerator_operating_yuan_per_t: float
    treatment_yuan_per_t: Mapping[str, float]
    collection_yuan_per_t_km: float
    collection_load_factor: float
    collection_energy_per_km: Mapping[str, float]  # by fuel: L, kg or kWh per km
    collection_reference_capacity_t: float
    transfer_yuan_per_t_km: float
    transfer_diesel_litre_per_t_km: float
    zero_landfill: bool = True
    carbon_price_yuan_per_t: float = 0.0
    max_haul_km: float | None = None
    max_haul_min: float | None = None
    budget_yuan: float | None = None

    def capital_recovery_factor(self, lifetime_years: float) -> float:
        """Return the share of capital to pay each year over ``lifetime_years``.

        CRF = r (1 + r)^n / ((1 + r)^n - 1); with r = 0 it is 1 / n.
        """
        r, n = self.discount_rate, lifetime_years
        if r == 0:
            return 1.0 / n
        return float(r * (1 + r) ** n / ((1 + r) ** n - 1))

    @property
    def offered_incinerator_classes(self) -> tuple[SizeClass, ...]:
        """Return the incinerator classes offered (small ones only if allowed)."""
        return tuple(
            c
            for c in self.incinerator_classes
            if self.incinerator_allow_small
            or c.capacity_t_per_day >= self.incinerator_min_t_per_day
        )


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# Keys a county may set although the defaults leave them out, and tables whose
# keys are open (one per site kind).
_OPTIONAL_KEYS = {"limits.max_haul_km", "limits.max_haul_min", "limits.budget_yuan"}
_OPEN_TABLES = {"treatment_yuan_per_t"}


def _unknown_keys(over: Mapping[str, Any], known: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Return the dotted keys of ``over`` that the defaults do not have (typos, wrong tables)."""
    unknown: list[str] = []
    for key, value in over.items():
        dotted = f"{prefix}{key}"
        if dotted in _OPEN_TABLES or dotted in _OPTIONAL_KEYS:
            continue
        if key not in known:
            unknown.append(dotted)
        elif isinstance(value, Mapping) and isinstance(known[key], Mapping):
            unknown += _unknown_keys(value, known[key], f"{dotted}.")
        elif isinstance(value, list) and isinstance(known[key], list) and known[key]:
            # Arrays of tables (size classes): every entry has the keys of the first default.
            for k, entry in enumerate(value):
                if isinstance(entry, Mapping):
                    unknown += _unknown_keys(entry, known[key][0], f"{dotted}[{k}].")
    return unknown


def _known_key_hint(key: str, defaults: Mapping[str, Any]) -> Text:
    """Return what a misplaced or misspelt key should be, naming the table that has it."""
    leaf = key.rsplit(".", 1)[-1]
    homes = [f"{t}.{leaf}" for t, v in defaults.items() if isinstance(v, Mapping) and leaf in v]
    homes += [k for k in sorted(_OPTIONAL_KEYS) if k.endswith(f".{leaf}")]
    if homes:
        return Text(
            f"the key under its table: {' or '.join(homes)}",
            f"放在其所属表下的键：{' 或 '.join(repr(h) for h in homes)}",
        )
    return Text(
        "a key of the shipped siting_defaults.toml, in the same table",
        "随软件提供的 'siting_defaults.toml' 中同一表下的键",
    )


def _classes(raw: list[dict[str, Any]]) -> tuple[SizeClass, ...]:
    return tuple(
        SizeClass(
            str(c["name"]),
            float(c["capacity_t_per_day"]),
            float(c["capital_yuan"]),
            float(c["fixed_yuan_per_year"]),
        )
        for c in raw
    )


def load_config(path: str | Path | None = None) -> SitingConfig:
    """Return the shipped defaults, overridden by the TOML file at ``path`` if given.

    Raises
    ------
    InputError
        If the override file is not valid TOML or a value has the wrong type.

    """
    text = resources.files("optimizer").joinpath("data/siting_defaults.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    where = "siting_defaults.toml"
    if path is not None:
        where = str(path)
        try:
            over = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise InputError(
                [
                    InputProblem(
                        where,
                        None,
                        "",
                        "",
                        Text(f"valid TOML ({err})", f"有效的 TOML（{str(err)!r}）"),
                    )
                ]
            ) from None
        # A misspelt key would otherwise be ignored and the default used in silence.
        unknown = _unknown_keys(over, raw)
        if unknown:
            raise InputError(
                [InputProblem(where, None, key, "", _known_key_hint(key, raw)) for key in unknown]
            )
        raw = _merge(raw, over)
    try:
        fin, st, inc = raw["finance"], raw["station"], raw["incinerator"]
        col, tra, lim = raw["collection"], raw["transfer"], raw.get("limits", {})
        energy = {
            "diesel": col["diesel_litre_per_km"],
            "cng": col["cng_kg_per_km"],
            "lng": col["lng_kg_per_km"],
            "electric": col["electric_kwh_per_km"],
            "hybrid": col["hybrid_litre_per_km"],
        }
        cfg = SitingConfig(
            discount_rate=float(fin["discount_rate"]),
            station_lifetime_years=float(fin["station_lifetime_years"]),
            incinerator_lifetime_years=float(fin["incinerator_lifetime_years"]),
            station_operating_yuan_per_t=float(st["operating_yuan_per_t"]),
            station_classes=_classes(st["size_class"]),
            incinerator_classes=_classes(inc["size_class"]),
            incinerator_min_t_per_day=float(inc["min_capacity_t_per_day"]),
            incinerator_allow_small=bool(inc["allow_small"]),
            incinerator_operating_yuan_per_t=float(inc["operating_yuan_per_t"]),
            treatment_yuan_per_t={k: float(v) for k, v in raw["treatment_yuan_per_t"].items()},
            collection_yuan_per_t_km=float(col["yuan_per_t_km"]),
            collection_load_factor=float(col["load_factor"]),
            collection_energy_per_km={k: float(v) for k, v in energy.items()},
            collection_reference_capacity_t=float(col["reference_capacity_t"]),
            transfer_yuan_per_t_km=float(tra["yuan_per_t_km"]),
            transfer_diesel_litre_per_t_km=float(tra["diesel_litre_per_t_km"]),
            zero_landfill=bool(raw.get("policy", {}).get("zero_landfill", True)),
            carbon_price_yuan_per_t=float(lim.get("carbon_price_yuan_per_t", 0.0)),
            max_haul_km=_opt(lim.get("max_haul_km")),
            max_haul_min=_opt(lim.get("max_haul_min")),
            budget_yuan=_opt(lim.get("budget_yuan")),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(
            [
                InputProblem(
                    where,
                    None,
                    str(err),
                    "",
                    Text(
                        "the keys and number types of siting_defaults.toml",
                        "'siting_defaults.toml' 中的键及其数值类型",
                    ),
                )
            ]
        ) from None
    if (
        not 0 <= cfg.discount_rate < 1
        or min(cfg.station_lifetime_years, cfg.incinerator_lifetime_years) <= 0
    ):
        raise InputError(
            [
                InputProblem(
                    where,
                    None,
                    "finance",
                    "",
                    Text(
                        "a discount rate in [0, 1) and lifetimes > 0 years",
                        "折现率在 [0, 1) 之间，使用年限 > 0 年",
                    ),
                )
            ]
        )
    if not 0 < cfg.collection_load_factor <= 1:
        raise InputError(
            [
                InputProblem(
                    where,
                    None,
                    "collection.load_factor",
                    str(cfg.collection_load_factor),
                    Text("a value in (0, 1]", "(0, 1] 之间的值"),
                )
            ]
        )
    return cfg


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)
