"""The county data model: frozen, validated records shared by every solver.

Units, stated once for the whole package (see DESIGN.md):
distances in metres, times in seconds from midnight of the planning day,
durations in seconds, masses in kilograms, volumes in cubic metres, energy in
kWh, emissions in kg CO2e, money in yuan (CNY). Conversion to minutes, HH:MM,
km or tonnes happens only at the input/output boundary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.i18n import Lang, Text

DAY_S = 24 * 3600


class Stream(StrEnum):
    """A waste stream of the national classification (GB/T 19095-2019)."""

    KITCHEN = "kitchen"  # 厨余垃圾
    RECYCLABLE = "recyclable"  # 可回收物
    HAZARDOUS = "hazardous"  # 有害垃圾
    OTHER = "other"  # 其他垃圾
    MEDICAL = "medical"  # 医疗废物: regulated separately, collected at least every 48 h


STREAM_ZH: Mapping[Stream, str] = MappingProxyType(
    {
        Stream.KITCHEN: "厨余垃圾",
        Stream.RECYCLABLE: "可回收物",
        Stream.HAZARDOUS: "有害垃圾",
        Stream.OTHER: "其他垃圾",
        Stream.MEDICAL: "医疗废物",
    }
)


class SiteKind(StrEnum):
    """What a site is: a depot, a charger, or a facility that receives waste."""

    DEPOT = "depot"
    TRANSFER = "transfer"  # 垃圾转运站
    INCINERATOR = "incinerator"  # 焚烧厂
    LANDFILL = "landfill"  # 填埋场
    RECYCLING = "recycling"  # 再生资源分拣中心
    COMPOSTING = "composting"  # 厨余垃圾处理厂
    HAZARDOUS = "hazardous"  # 有害垃圾暂存/处置
    MEDICAL = "medical"  # 医疗废物处置中心
    CHARGER = "charger"  # 充电站


SITE_KIND_ZH: Mapping[SiteKind, str] = MappingProxyType(
    {
        SiteKind.DEPOT: "车场",
        SiteKind.TRANSFER: "转运站",
        SiteKind.INCINERATOR: "焚烧厂",
        SiteKind.LANDFILL: "填埋场",
        SiteKind.RECYCLING: "分拣中心",
        SiteKind.COMPOSTING: "厨余处理厂",
        SiteKind.HAZARDOUS: "有害垃圾处置",
        SiteKind.MEDICAL: "医废处置中心",
        SiteKind.CHARGER: "充电站",
    }
)

#: Kinds of site that receive waste (a vehicle may unload there).
FACILITY_KINDS = frozenset(SiteKind) - {SiteKind.DEPOT, SiteKind.CHARGER}


class Fuel(StrEnum):
    """Drive train of a vehicle type."""

    DIESEL = "diesel"
    CNG = "cng"
    LNG = "lng"
    ELECTRIC = "electric"
    HYBRID = "hybrid"


class ModelError(ValueError):
    """An instance or record breaks the rules of the model."""


class _Pickled:
    """Pickling for frozen records that hold read-only mappings.

    ``MappingProxyType`` cannot be pickled; records go to other processes
    (a Dask cluster planning the parts of a large county), so their state
    travels as plain dicts and is made read-only again on arrival.
    """

    def __getstate__(self) -> tuple[dict[str, Any], tuple[str, ...]]:
        proxies = tuple(k for k, v in vars(self).items() if isinstance(v, MappingProxyType))
        return {k: dict(v) if k in proxies else v for k, v in vars(self).items()}, proxies

    def __setstate__(self, state: tuple[dict[str, Any], tuple[str, ...]]) -> None:
        values, proxies = state
        for k, v in values.items():
            object.__setattr__(self, k, MappingProxyType(v) if k in proxies else v)


@dataclass(frozen=True)
class TimeWindow:
    """An interval [start, end] in seconds from midnight; end may pass 24:00."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0:
            raise ModelError(f"time window starts before midnight ({self.start} s)")
        if self.end < self.start:
            raise ModelError(f"time window ends ({self.end} s) before it starts ({self.start} s)")

    @property
    def length(self) -> int:
        """Return the window's length in seconds."""
        return self.end - self.start

    def contains(self, t: float) -> bool:
        """Return whether time ``t`` lies inside the window."""
        return self.start <= t <= self.end


def _check_coordinates(what: str, lat: float, lon: float) -> None:
    # Ranges depend on the instance's coordinate system (check() tests them
    # for WGS-84); a record only needs finite numbers.
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ModelError(f"{what}: coordinates must be finite numbers, got ({lat}, {lon})")


@dataclass(frozen=True)
class Stop(_Pickled):
    """A collection point: a bin site, a waste room, a village point or a clinic.

    ``window`` restricts when service may *start*. ``demand_kg`` is the amount
    collected at one visit. ``release_s`` (benchmark sets with release dates)
    is the earliest time the trip serving the stop may leave the depot or the
    facility where it last unloaded; 0 means no release date.
    """

    id: str
    name: str
    lat: float
    lon: float
    stream: Stream
    demand_kg: float
    demand_m3: float = 0.0
    service_s: int = 0
    window: TimeWindow | None = None
    frequency_per_week: int = 7
    release_s: int = 0
    area: str = ""  # e.g. "urban" or "village", or a district name
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("stop has an empty id")
        _check_coordinates(f"stop {self.id}", self.lat, self.lon)
        if not (math.isfinite(self.demand_kg) and self.demand_kg >= 0):
            raise ModelError(f"stop {self.id}: demand_kg must be >= 0, got {self.demand_kg}")
        if not (math.isfinite(self.demand_m3) and self.demand_m3 >= 0):
            raise ModelError(f"stop {self.id}: demand_m3 must be >= 0, got {self.demand_m3}")
        if self.service_s < 0:
            raise ModelError(f"stop {self.id}: service time must be >= 0, got {self.service_s}")
        if self.release_s < 0:
            raise ModelError(f"stop {self.id}: release time must be >= 0, got {self.release_s}")
        if not 1 <= self.frequency_per_week <= 14:
            raise ModelError(
                f"stop {self.id}: frequency_per_week must be 1..14, got {self.frequency_per_week}"
            )
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))


@dataclass(frozen=True)
class BuildOption:
    """One size class a candidate site may be built at (for siting)."""

    size_class: str
    capacity_kg_per_day: float
    capital_cost: float  # yuan, total investment
    fixed_cost_per_year: float = 0.0  # yuan per year

    def __post_init__(self) -> None:
        if self.capacity_kg_per_day <= 0:
            raise ModelError(f"build option {self.size_class}: capacity must be > 0")
        if self.capital_cost < 0 or self.fixed_cost_per_year < 0:
            raise ModelError(f"build option {self.size_class}: costs must be >= 0")


@dataclass(frozen=True)
class Site(_Pickled):
    """A depot, charger or facility (transfer station, plant, landfill …).

    ``hours`` are the opening hours (unloading must start inside them).
    ``candidate`` sites may be opened or closed by siting; an existing site
    that is not a candidate is always open.
    """

    id: str
    name: str
    kind: SiteKind
    lat: float
    lon: float
    streams: frozenset[Stream] = frozenset()
    hours: TimeWindow | None = None
    unload_s: int = 0
    capacity_kg_per_day: float | None = None
    candidate: bool = False
    build_options: tuple[BuildOption, ...] = ()
    charger_kw: float | None = None  # power of each charger here; None: no charger
    chargers: int | None = None  # how many vehicles may charge at once; None: no limit
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("site has an empty id")
        _check_coordinates(f"site {self.id}", self.lat, self.lon)
        if self.unload_s < 0:
            raise ModelError(f"site {self.id}: unload time must be >= 0")
        if self.charger_kw is not None and not (
            math.isfinite(self.charger_kw) and self.charger_kw > 0
        ):
            raise ModelError(f"site {self.id}: charger_kw must be > 0, got {self.charger_kw}")
        if self.chargers is not None and self.chargers < 1:
            raise ModelError(f"site {self.id}: chargers must be >= 1, got {self.chargers}")
        if self.capacity_kg_per_day is not None and self.capacity_kg_per_day < 0:
            raise ModelError(f"site {self.id}: capacity must be >= 0")
        object.__setattr__(self, "streams", frozenset(Stream(s) for s in self.streams))
        object.__setattr__(self, "build_options", tuple(self.build_options))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    @property
    def is_facility(self) -> bool:
        """Return whether vehicles may unload waste here."""
        return self.kind in FACILITY_KINDS

    @property
    def has_charger(self) -> bool:
        """Return whether electric vehicles may charge here."""
        return self.charger_kw is not None


@dataclass(frozen=True)
class Break:
    """A driver break of ``duration_s`` that must start inside ``window``.

    Where the crew takes it: at the depot or at a facility right after
    unloading (the truck empty), unless ``loaded`` allows it anywhere on the
    route with waste on board (at a collection point or on the road, as in
    the Kim et al. benchmark).
    """

    window: TimeWindow
    duration_s: int
    # Default False: a compactor with waste on board parked at a school or
    # residential gate for half an hour is what dispatchers reject (issue 20:
    # "breaks taken at a school with 3.4 t on board"); a policy choice, not
    # a cited standard, so the workbook can allow it per vehicle type.
    loaded: bool = False

    def __post_init__(self) -> None:
        if self.duration_s <= 0:
            raise ModelError(f"break duration must be > 0, got {self.duration_s}")


@dataclass(frozen=True)
class VehicleType(_Pickled):
    """A class of vehicle in the fleet, ``count`` of them based at ``depot``.

    ``speed_factor`` scales the instance's travel times for this type
    (duration = base duration / speed_factor), e.g. 0.8 for a slow truck.
    ``max_load_kg_per_day`` limits what one vehicle may collect in a day over
    all its trips (the Kim et al. "route capacity"); ``max_duration_s`` limits
    the working time from leaving the depot to returning.

    ``battery_kwh`` (electric types) makes the battery a rule of the route:
    the vehicle leaves the depot full, its state of charge falls with the
    load-dependent consumption of :mod:`optimizer.routing.energy`, rises while
    it charges at a site with a charger, and never falls below
    ``reserve_kwh``. Without ``battery_kwh``, ``range_m`` (if any) bounds the
    distance of the day instead.
    """

    id: str
    count: int
    depot: str
    streams: frozenset[Stream]
    capacity_kg: float
    capacity_m3: float | None = None
    fuel: Fuel = Fuel.DIESEL
    range_m: float | None = None
    battery_kwh: float | None = None
    reserve_kwh: float = 0.0
    shift: TimeWindow = field(default_factory=lambda: TimeWindow(0, DAY_S))
    break_: Break | None = None
    max_stops: int | None = None
    max_load_kg_per_day: float | None = None
    max_duration_s: int | None = None
    fixed_cost: float = 0.0  # yuan per used vehicle per day
    cost_per_km: float = 0.0  # yuan
    cost_per_h: float = 0.0  # yuan
    speed_factor: float = 1.0
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("vehicle type has an empty id")
        if self.count < 0:
            raise ModelError(f"vehicle type {self.id}: count must be >= 0")
        if not self.capacity_kg > 0:
            raise ModelError(f"vehicle type {self.id}: capacity_kg must be > 0")
        if self.capacity_m3 is not None and not self.capacity_m3 > 0:
            raise ModelError(f"vehicle type {self.id}: capacity_m3 must be > 0")
        if not self.speed_factor > 0:
            raise ModelError(f"vehicle type {self.id}: speed_factor must be > 0")
        if self.max_stops is not None and self.max_stops < 1:
            raise ModelError(f"vehicle type {self.id}: max_stops must be >= 1")
        if min(self.fixed_cost, self.cost_per_km, self.cost_per_h) < 0:
            raise ModelError(f"vehicle type {self.id}: costs must be >= 0")
        if self.battery_kwh is not None:
            if self.fuel is not Fuel.ELECTRIC:
                raise ModelError(f"vehicle type {self.id}: a battery needs fuel 'electric'")
            if not (math.isfinite(self.battery_kwh) and self.battery_kwh > 0):
                raise ModelError(f"vehicle type {self.id}: battery_kwh must be > 0")
            if not 0 <= self.reserve_kwh < self.battery_kwh:
                raise ModelError(
                    f"vehicle type {self.id}: reserve_kwh must be >= 0 and below battery_kwh"
                )
        elif self.reserve_kwh:
            raise ModelError(f"vehicle type {self.id}: reserve_kwh needs battery_kwh")
        object.__setattr__(self, "streams", frozenset(Stream(s) for s in self.streams))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))


class MatrixView:
    """A read-only n×n matrix whose entries are computed when asked for.

    It indexes like a numpy array for what the package needs: ``m[i, j]``,
    ``m[rows, cols]`` (broadcast, e.g. ``np.ix_``), ``m[i, cols]``,
    ``m[rows, :]``; ``np.asarray(m)`` builds the whole array. Subclasses
    give :meth:`entries` (arrays that broadcast) and :meth:`entry` (one
    pair); a great-circle matrix of 30,000 points then needs no 7 GB array.
    """

    ndim = 2
    dtype = np.dtype(np.float64)
    _BLOCK = 4_000_000  # entries computed at once: bounds the temporaries

    def __init__(self, n: int) -> None:
        self.shape = (n, n)

    def entries(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """Return the entries at ``rows`` × ``cols`` (arrays that broadcast together)."""
        raise NotImplementedError

    def entry(self, i: int, j: int) -> float:
        """Return one entry."""
        raise NotImplementedError

    def same_as(self, other: MatrixView) -> bool:
        """Return whether ``other`` computes the same entries (without computing them)."""
        return self is other

    def __getitem__(self, key: tuple[Any, ...]) -> Any:
        r, c = key
        n = self.shape[0]
        if isinstance(r, (int, np.integer)) and isinstance(c, (int, np.integer)):
            return np.float64(self.entry(int(r), int(c)))
        rows = np.arange(n)[r] if isinstance(r, slice) else np.asarray(r, dtype=np.intp)
        cols = np.arange(n)[c] if isinstance(c, slice) else np.asarray(c, dtype=np.intp)
        if (isinstance(r, slice) or isinstance(c, slice)) and rows.ndim and cols.ndim:
            rows, cols = rows[:, None], cols[None, :]
        shape = np.broadcast_shapes(rows.shape, cols.shape)
        if len(shape) == 2 and shape[0] > 1 and shape[0] * shape[1] > self._BLOCK:
            rows = np.broadcast_to(rows, shape)
            cols = np.broadcast_to(cols, shape)
            out = np.empty(shape)
            step = max(1, self._BLOCK // shape[1])
            for lo in range(0, shape[0], step):
                out[lo : lo + step] = self.entries(rows[lo : lo + step], cols[lo : lo + step])
            return out
        return self.entries(rows, cols)

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[np.float64]:
        n = self.shape[0]
        whole: NDArray[np.float64] = self[np.arange(n)[:, None], np.arange(n)[None, :]]
        return whole if dtype is None else whole.astype(dtype)

    def tolist(self) -> list[list[float]]:
        """Return the whole matrix as nested lists (as ``ndarray.tolist``)."""
        rows: list[list[float]] = np.asarray(self).tolist()
        return rows


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Distances (m) and base travel times (s) between locations, by id.

    Rows are origins, columns destinations; asymmetric matrices are allowed.
    The arrays are read-only: numpy arrays (kept without a copy when already
    float64 or float32; a read-only view is stored), or :class:`MatrixView` objects that
    compute entries on demand (the great-circle estimate of a large county).
    """

    ids: tuple[str, ...]
    distance_m: NDArray[np.floating[Any]] | MatrixView
    duration_s: NDArray[np.floating[Any]] | MatrixView

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(set(self.ids)) != n:
            raise ModelError("travel matrix has duplicate ids")
        for name in ("distance_m", "duration_s"):
            given = getattr(self, name)
            if isinstance(given, MatrixView):
                if given.shape != (n, n):
                    raise ModelError(
                        f"travel matrix {name} has shape {given.shape}, expected {(n, n)}"
                    )
                continue
            # A view of the caller's array: no copy of an n×n matrix (800 MB
            # at 10,000 locations), and the caller's own array stays writable.
            # float32 (road matrices) is kept as it is: half the memory.
            arr = np.asarray(given)
            if arr.dtype not in (np.float32, np.float64):
                arr = arr.astype(np.float64)
            arr = arr.view()
            if arr.shape != (n, n):
                raise ModelError(f"travel matrix {name} has shape {arr.shape}, expected {(n, n)}")
            if not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise ModelError(f"travel matrix {name} has negative or missing entries")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "_index", {i: k for k, i in enumerate(self.ids)})

    def index(self, location_id: str) -> int:
        """Return the row of ``location_id``."""
        return self._index[location_id]  # type: ignore[attr-defined,no-any-return]

    def distance(self, a: str, b: str) -> float:
        """Return the distance in metres from ``a`` to ``b``."""
        return _lookup(self.distance_m, self.index(a), self.index(b))

    def duration(self, a: str, b: str) -> float:
        """Return the base travel time in seconds from ``a`` to ``b``."""
        return _lookup(self.duration_s, self.index(a), self.index(b))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TravelMatrix):
            return NotImplemented
        return self.ids == other.ids and all(
            _same(getattr(self, name), getattr(other, name))
            for name in ("distance_m", "duration_s")
        )

    __hash__ = None  # type: ignore[assignment]


def _lookup(m: NDArray[np.floating[Any]] | MatrixView, i: int, j: int) -> float:
    # The checker asks for one leg at a time, hundreds of thousands of times.
    return m.entry(i, j) if isinstance(m, MatrixView) else float(m[i, j])


def _same(
    a: NDArray[np.floating[Any]] | MatrixView, b: NDArray[np.floating[Any]] | MatrixView
) -> bool:
    if isinstance(a, MatrixView) and isinstance(b, MatrixView) and a.same_as(b):
        return True
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


@dataclass(frozen=True)
class Instance(_Pickled):
    """One planning problem: stops, sites, fleet and travel matrix.

    The travel matrix covers every site and stop id. ``travel_by_type``
    optionally gives vehicle types their own matrix (on roads, each type's
    road profile: a van may use a lane a compactor may not), with the same
    ids in the same order; a type without one uses ``travel``. Code that
    moves a given vehicle asks :meth:`travel_of`. ``meta`` holds free-form
    provenance (source, licence, …). ``meta["coord_sys"]`` says what ``lat``
    and ``lon`` of the records mean: ``"wgs84"`` (the default; degrees) or
    ``"planar"`` (benchmark sets: ``lat`` is y and ``lon`` is x in the set's
    own units, for drawing only — travel always comes from the matrix).
    """

    name: str
    stops: tuple[Stop, ...]
    sites: tuple[Site, ...]
    vehicle_types: tuple[VehicleType, ...]
    travel: TravelMatrix
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    travel_by_type: Mapping[str, TravelMatrix] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "stops", tuple(self.stops))
        object.__setattr__(self, "travel_by_type", MappingProxyType(dict(self.travel_by_type)))
        for type_id, own in self.travel_by_type.items():
            if own.ids != self.travel.ids:
                raise ModelError(f"travel matrix of vehicle type {type_id} has other ids")
        object.__setattr__(self, "sites", tuple(self.sites))
        object.__setattr__(self, "vehicle_types", tuple(self.vehicle_types))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))
        ids = [s.id for s in self.stops] + [s.id for s in self.sites]
        seen: set[str] = set()
        dup = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        if dup:
            raise ModelError(f"duplicate location ids: {', '.join(dup[:10])}")
        missing = sorted(set(ids) - set(self.travel.ids))
        if missing:
            raise ModelError(f"travel matrix lacks ids: {', '.join(missing[:10])}")
        type_ids = [v.id for v in self.vehicle_types]
        if len(set(type_ids)) != len(type_ids):
            raise ModelError("duplicate vehicle type ids")
        object.__setattr__(self, "_stop", {s.id: s for s in self.stops})
        object.__setattr__(self, "_site", {s.id: s for s in self.sites})

    def travel_of(self, type_id: str) -> TravelMatrix:
        """Return the travel matrix vehicles of type ``type_id`` drive on."""
        return self.travel_by_type.get(type_id, self.travel)

    def stop(self, stop_id: str) -> Stop:
        """Return the stop with id ``stop_id``."""
        return self._stop[stop_id]  # type: ignore[attr-defined,no-any-return]

    def site(self, site_id: str) -> Site:
        """Return the site with id ``site_id``."""
        return self._site[site_id]  # type: ignore[attr-defined,no-any-return]

    def vehicle_type(self, type_id: str) -> VehicleType:
        """Return the vehicle type with id ``type_id``."""
        for v in self.vehicle_types:
            if v.id == type_id:
                return v
        raise KeyError(type_id)

    @property
    def facilities(self) -> tuple[Site, ...]:
        """Return the sites that receive waste, built or candidate."""
        return tuple(s for s in self.sites if s.is_facility)

    @property
    def unloading_sites(self) -> tuple[Site, ...]:
        """Return the facilities vehicles may unload at today (candidates are not built)."""
        return tuple(s for s in self.sites if s.is_facility and not s.candidate)

    @property
    def coord_sys(self) -> str:
        """Return the coordinate system of the records ("wgs84" or "planar")."""
        return self.meta.get("coord_sys", "wgs84")

    @property
    def num_vehicles(self) -> int:
        """Return the number of vehicles over all types."""
        return sum(v.count for v in self.vehicle_types)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an instance: where, which field, and what (in both languages)."""

    where: Text
    field: str
    message: Text

    def __str__(self) -> str:
        return self.line("en")

    @property
    def about_stop(self) -> bool:
        """Whether the problem is one stop's (routing reports it as unserved, not fatal)."""
        return self.where.en.startswith("stop ")

    def line(self, lang: Lang) -> str:
        """Return the problem as one line in ``lang``."""
        sep = "：" if lang == "zh" else ": "
        return f"{self.where.pick(lang)}{sep}{self.field}{sep}{self.message.pick(lang)}"


def _site(site_id: str) -> Text:
    return Text(f"site {site_id}", f"站点 {site_id}")


def _stop(stop_id: str) -> Text:
    return Text(f"stop {stop_id}", f"收集点 {stop_id}")


def _vehicle_type(type_id: str) -> Text:
    return Text(f"vehicle type {type_id}", f"车型 {type_id}")


class InstanceError(ModelError):
    """Raised by ``check(..., strict=True)``; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _no_facility(stream: Stream) -> Text:
    return Text(
        f"no facility accepts stream {stream.value!r}", f"没有处理设施接收{STREAM_ZH[stream]}"
    )


def check(instance: Instance, *, strict: bool = False) -> list[Problem]:
    """List every problem of ``instance`` at once.

    Parameters
    ----------
    instance
        The instance to check.
    strict
        Raise :class:`InstanceError` if any problem is found instead of
        returning the list.

    """
    problems: list[Problem] = []
    site_ids = {s.id for s in instance.sites}
    if instance.coord_sys == "wgs84":
        located: list[tuple[Text, Site | Stop]] = [(_site(s.id), s) for s in instance.sites]
        located += [(_stop(s.id), s) for s in instance.stops]
        for where, rec in located:
            if not (-90.0 <= rec.lat <= 90.0 and -180.0 <= rec.lon <= 180.0):
                at = f"({rec.lat}, {rec.lon})"
                problems.append(
                    Problem(
                        where,
                        "lat/lon",
                        Text(f"{at} is not WGS-84", f"{at} 不是有效的 WGS-84 坐标"),
                    )
                )
    for site in instance.sites:
        if site.is_facility and not site.streams:
            problems.append(
                Problem(
                    _site(site.id),
                    "streams",
                    Text("facility accepts no stream", "处理设施不接收任何垃圾类别"),
                )
            )
        if (
            site.candidate
            and site.is_facility
            and not site.build_options
            and (site.capacity_kg_per_day is None)
        ):
            problems.append(
                Problem(
                    _site(site.id),
                    "build_options",
                    Text("candidate site has no size option", "候选站点没有规模选项"),
                )
            )
    for vt in instance.vehicle_types:
        where = _vehicle_type(vt.id)
        if vt.depot not in site_ids:
            problems.append(
                Problem(
                    where, "depot", Text(f"unknown site {vt.depot!r}", f"未知站点 {vt.depot!r}")
                )
            )
        elif instance.site(vt.depot).kind is not SiteKind.DEPOT:
            problems.append(
                Problem(
                    where,
                    "depot",
                    Text(f"site {vt.depot!r} is not a depot", f"站点 {vt.depot!r} 不是车场"),
                )
            )
        if not vt.streams:
            problems.append(
                Problem(
                    where, "streams", Text("vehicle type carries no stream", "车型不收运任何类别")
                )
            )
        for stream in sorted(vt.streams):
            if not any(stream in f.streams for f in instance.facilities):
                problems.append(Problem(where, "streams", _no_facility(stream)))
        if vt.break_ is not None and not (
            vt.shift.start <= vt.break_.window.start
            and vt.break_.window.end + vt.break_.duration_s <= vt.shift.end
        ):
            problems.append(
                Problem(
                    where,
                    "break",
                    Text("break window lies outside the shift", "休息时间窗超出班次"),
                )
            )
    for stop in instance.stops:
        where = _stop(stop.id)
        carriers = [v for v in instance.vehicle_types if stop.stream in v.streams and v.count > 0]
        if not carriers:
            problems.append(
                Problem(
                    where,
                    "stream",
                    Text(
                        f"no vehicle type carries stream {stop.stream.value!r}",
                        f"没有车型收运{STREAM_ZH[stop.stream]}",
                    ),
                )
            )
            continue
        if all(stop.demand_kg > v.capacity_kg for v in carriers):
            biggest = max(v.capacity_kg for v in carriers)
            problems.append(
                Problem(
                    where,
                    "demand_kg",
                    Text(
                        f"{stop.demand_kg:g} kg exceeds every vehicle that carries "
                        f"{stop.stream.value} (largest {biggest:g} kg)",
                        f"{stop.demand_kg:g} kg 超过所有收运{STREAM_ZH[stop.stream]}的车辆"
                        f"（最大 {biggest:g} kg）",
                    ),
                )
            )
        if stop.demand_m3 > 0 and all(
            v.capacity_m3 is not None and stop.demand_m3 > v.capacity_m3 for v in carriers
        ):
            problems.append(
                Problem(
                    where,
                    "demand_m3",
                    Text(
                        f"{stop.demand_m3:g} m3 exceeds every vehicle volume",
                        f"{stop.demand_m3:g} m3 超过所有车辆的容积",
                    ),
                )
            )
        if stop.window is not None and not any(
            stop.window.start <= v.shift.end and v.shift.start <= stop.window.end for v in carriers
        ):
            problems.append(
                Problem(
                    where,
                    "window",
                    Text(
                        "time window lies outside every shift of its carriers",
                        "时间窗不在任何可收运车辆的班次内",
                    ),
                )
            )
        if not any(stop.stream in f.streams for f in instance.facilities):
            problems.append(Problem(where, "stream", _no_facility(stop.stream)))
    if strict and problems:
        raise InstanceError(problems)
    return problems
