"""Synthetic hourly profiles of a county year: PV output, temperature-driven heat, loads.

Deterministic given a seed. Solar geometry is exact; weather is a seeded
day-to-day variation (cloudiness, temperature) around a climate normal given
by a sinusoid (annual mean 14.5 °C, January about 1 °C, July about 28 °C:
the order of Kaifeng's normals; an assumption, not station data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DAYS, HOURS = 365, 24
HEATING_START_DAY, HEATING_END_DAY = 318, 74  # 15 Nov and 15 Mar: the Henan heating season

Array = NDArray[np.float64]


@dataclass(frozen=True)
class HourlyProfiles:
    """Shape (365, 24) arrays: PV capacity factor, and demand shares summing to 1."""

    pv_cf: Array
    electricity: Array
    building_heat: Array
    industry_heat: Array
    bus: Array
    sanitation: Array


def _normalise(a: Array) -> Array:
    return np.asarray(a / a.sum(), dtype=np.float64)


def hourly_profiles(
    *, latitude_deg: float, pv_yield_kwh_per_kwp: float, seed: int
) -> HourlyProfiles:
    """Return the hourly profiles of one synthetic year."""
    rng = np.random.default_rng(seed)
    day = np.arange(DAYS)[:, None]
    hour = np.arange(HOURS)[None, :]
    phi = np.radians(latitude_deg)
    declination = np.radians(23.44) * np.sin(2 * np.pi * (284 + day + 1) / 365)
    hour_angle = np.radians(15.0 * (hour + 0.5 - 12))
    sin_alt = np.sin(phi) * np.sin(declination) + np.cos(phi) * np.cos(declination) * np.cos(
        hour_angle
    )
    clearness = 1.0 - 0.6 * rng.beta(2.0, 3.0, size=(DAYS, 1))
    pv = np.clip(sin_alt, 0.0, None) * clearness
    pv_cf = pv / pv.sum() * pv_yield_kwh_per_kwp
    pv_cf = np.minimum(pv_cf, 1.0)

    temperature = (
        14.5
        - 13.5 * np.cos(2 * np.pi * (day - 15) / 365)
        + 4.0 * np.sin(2 * np.pi * (hour - 9) / 24)
        + rng.normal(0.0, 2.5, size=(DAYS, 1))
    )
    in_season = (day >= HEATING_START_DAY) | (day < HEATING_END_DAY)
    heat = np.where(in_season, np.clip(18.0 - temperature, 0.5, None), 0.0)

    daily_shape = (
        0.75
        + 0.25 * np.exp(-(((hour - 11) / 2.5) ** 2))
        + 0.35 * np.exp(-(((hour - 20) / 2.0) ** 2))
    )
    cooling = 0.04 * np.clip(temperature - 24.0, 0.0, None)
    electricity = daily_shape * (1.0 + cooling)
    weekday = (day % 7) < 5
    industry = np.where((hour >= 8) & (hour < 20), 1.0, 0.6) * np.where(weekday, 1.0, 0.8)
    bus = np.where((hour >= 6) & (hour < 22), 1.0, 0.0) * np.ones((DAYS, 1))
    collection = ((hour >= 4) & (hour < 10)) | ((hour >= 14) & (hour < 18))
    sanitation = np.where(collection, 1.0, 0.0) * np.ones((DAYS, 1))
    return HourlyProfiles(
        pv_cf=pv_cf,
        electricity=_normalise(electricity),
        building_heat=_normalise(heat),
        industry_heat=_normalise(industry),
        bus=_normalise(bus),
        sanitation=_normalise(sanitation),
    )


def day_blocks(typical_days: int) -> list[NDArray[np.int64]]:
    """Split the 365 days into ``typical_days`` consecutive blocks (12 → about a month each)."""
    return [np.asarray(b, dtype=np.int64) for b in np.array_split(np.arange(DAYS), typical_days)]
