"""Per-vehicle-type road profiles: which segments a vehicle may drive, and how fast.

A profile is a vehicle's width, height, gross weight and whether it counts as
a heavy goods vehicle, plus the speed of each road class. The vehicle
dimensions come from optional columns of the ``vehicles`` table (kept by the
workbook reader as extra columns):

- ``width_m``, ``height_m``: body width without mirrors and height, metres.
- ``weight_t``: gross (laden) weight, tonnes — what ``maxweight`` signs limit.
- ``hgv``: yes/no; when absent a vehicle over 3.5 t gross weight is a heavy
  goods vehicle, the threshold of OSM's ``hgv`` key (OSM wiki, Key:hgv, after
  the EU category N2/N3 boundary).

A dimension left empty is unknown and that kind of limit is not applied to
the type; the command says so. Road speeds are the design speeds of
``optimizer/data/road_speeds.csv`` (CJJ 37-2012, JTG B01-2014), capped by a
way's ``maxspeed`` tag, then scaled by the type's ``speed_factor`` in the
engines as for straight-line matrices.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputProblem
from optimizer.model import VehicleType
from optimizer.roads.network import RoadNetwork

HGV_THRESHOLD_T = 3.5  # OSM wiki, Key:hgv
ROAD_AREAS = ("urban", "rural")


@dataclass(frozen=True)
class RoadSpeeds:
    """Speed in km/h of each drivable OSM ``highway`` class."""

    kmh: Mapping[str, float]

    @property
    def classes(self) -> tuple[str, ...]:
        """Return the drivable classes in a fixed order."""
        return tuple(sorted(self.kmh))

    def key(self) -> str:
        """Return a stable text of the speeds (for cache keys)."""
        return ";".join(f"{c}={self.kmh[c]:g}" for c in self.classes)


def default_speeds(area: str) -> RoadSpeeds:
    """Return the cited default speeds for ``area`` ("urban" or "rural")."""
    text = resources.files("optimizer").joinpath("data/road_speeds.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return RoadSpeeds({r["highway"]: float(r[f"speed_kmh_{area}"]) for r in rows})


def speeds_from_settings(meta: Mapping[str, str], problems: list[InputProblem]) -> RoadSpeeds:
    """Return the road speeds chosen in the workbook settings.

    ``road_area`` picks the urban or rural defaults (default urban);
    ``road_speed_kmh.<highway>`` overrides one class, e.g.
    ``road_speed_kmh.residential = 15``.
    """
    area = meta.get("road_area", "urban").strip().lower() or "urban"
    if area not in ROAD_AREAS:
        problems.append(
            InputProblem(
                "settings", None, "road_area", area, Text("urban or rural", "'urban' 或 'rural'")
            )
        )
        area = "urban"
    kmh = dict(default_speeds(area).kmh)
    for key, value in meta.items():
        if not key.startswith("road_speed_kmh."):
            continue
        cls = key.split(".", 1)[1]
        try:
            speed = float(value)
        except ValueError:
            speed = math.nan
        if not (math.isfinite(speed) and speed > 0):
            problems.append(
                InputProblem(
                    "settings",
                    None,
                    key,
                    value,
                    Text("a speed > 0 km/h", "> 0 的速度（公里/小时）"),
                )
            )
            continue
        kmh[cls] = speed
    return RoadSpeeds(kmh)


@dataclass(frozen=True)
class Profile:
    """What a vehicle type is allowed to drive: its dimensions (inf = unknown)."""

    width_m: float = math.inf
    height_m: float = math.inf
    weight_t: float = math.inf
    hgv: bool = False

    def key(self) -> str:
        """Return a stable text of the profile (for cache keys and grouping)."""
        return f"w={self.width_m:g};h={self.height_m:g};t={self.weight_t:g};hgv={int(self.hgv)}"

    def label(self, lang: Lang = "en") -> str:
        """Return the profile as a short text for users, in ``lang``."""
        parts = [
            f"{tr(lang, en, zh)} {value:g} {unit}"
            for en, zh, value, unit in (
                ("width", "宽", self.width_m, "m"),
                ("height", "高", self.height_m, "m"),
                ("weight", "总重", self.weight_t, "t"),
            )
            if math.isfinite(value)
        ]
        if self.hgv:
            parts.append(tr(lang, "hgv", "重型货车"))
        return tr(lang, ", ", "，").join(parts) or tr(lang, "no dimensions given", "未给出尺寸")


def _dimension(vt: VehicleType, column: str, problems: list[InputProblem]) -> float:
    text = vt.extra.get(column, "").strip()
    if not text:
        return math.inf
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        problems.append(
            InputProblem(
                "vehicles",
                None,
                column,
                text,
                Text(f"a number > 0 for type {vt.id}", f"车型 {vt.id!r} 的 > 0 的数"),
            )
        )
        return math.inf
    return value


def profile_of(vt: VehicleType, problems: list[InputProblem]) -> Profile:
    """Return the road profile of vehicle type ``vt`` from its dimension columns."""
    weight = _dimension(vt, "weight_t", problems)
    hgv_text = vt.extra.get("hgv", "").strip().lower()
    if hgv_text in ("yes", "true", "1", "是"):
        hgv = True
    elif hgv_text in ("no", "false", "0", "否"):
        hgv = False
    else:
        if hgv_text:
            problems.append(
                InputProblem("vehicles", None, "hgv", hgv_text, Text("yes or no", "'yes' 或 'no'"))
            )
        hgv = math.isfinite(weight) and weight > HGV_THRESHOLD_T
    return Profile(
        width_m=_dimension(vt, "width_m", problems),
        height_m=_dimension(vt, "height_m", problems),
        weight_t=weight,
        hgv=hgv,
    )


def open_segments(network: RoadNetwork, profile: Profile) -> NDArray[np.bool_]:
    """Return which segments the profile's vehicle may drive."""

    def known(value: float) -> float:
        return value if math.isfinite(value) else 0.0  # unknown: that limit is not applied

    ok = (
        (network.maxweight_t >= known(profile.weight_t))
        & (network.maxwidth_m >= known(profile.width_m))
        & (network.maxheight_m >= known(profile.height_m))
    )
    if profile.hgv:
        ok &= ~network.hgv_closed
    return np.asarray(ok)


def segment_speeds_kmh(network: RoadNetwork, speeds: RoadSpeeds) -> NDArray[np.float64]:
    """Return each segment's speed: its class speed, capped by a ``maxspeed`` tag."""
    by_class = np.array([speeds.kmh[c] for c in network.classes])
    base = by_class[network.road_class]
    capped = np.where(np.isnan(network.maxspeed_kmh), base, np.fmin(base, network.maxspeed_kmh))
    return np.asarray(np.maximum(capped, 1.0))
