"""Names the county workbook accepts: tables, columns and values, in English and Chinese.

Every name is matched after :func:`normalise` (case, spaces, full-width
punctuation and a BOM do not matter). The tables in ``optimizer/io/README.md``
list the same aliases for users; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from optimizer.model import SITE_KIND_ZH, STREAM_ZH, Fuel, SiteKind, Stream

_SEPARATORS = re.compile(r"[\s\-()/\[\]]+")


def normalise(name: str) -> str:
    """Return ``name`` folded for matching: NFKC, lower case, separators as ``_``.

    "Demand (kg)", "demand-kg" and "产生量（kg）" become "demand_kg" and "产生量_kg".
    """
    folded = unicodedata.normalize("NFKC", name).replace("\ufeff", "").strip().lower()
    return _SEPARATORS.sub("_", folded).strip("_")


@dataclass(frozen=True)
class Column:
    """One column of a workbook table: canonical name, Chinese header, aliases."""

    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    numeric: bool = False  # written as a number cell in .xlsx


def _cols(*cols: Column) -> tuple[Column, ...]:
    return cols


TABLE_COLUMNS: Mapping[str, tuple[Column, ...]] = MappingProxyType(
    {
        "stops": _cols(
            Column("id", "编号", ("stop_id", "stop", "点位编号", "收集点编号", "id号"), True),
            Column("name", "名称", ("stop_name", "点位名称", "收集点名称")),
            Column("lat", "纬度", ("latitude", "y"), True, True),
            Column("lon", "经度", ("lng", "long", "longitude", "x"), True, True),
            Column("stream", "垃圾类别", ("waste_stream", "类别", "垃圾种类", "分类"), True),
            Column(
                "demand_kg",
                "产生量_kg",
                ("demand", "产生量", "日产生量_kg", "垃圾量_kg", "收集量_kg"),
                True,
                True,
            ),
            Column("demand_m3", "体积_m3", ("volume_m3", "产生量_m3", "垃圾体积_m3"), numeric=True),
            Column(
                "service_min",
                "作业时间_分钟",
                ("service", "服务时间_分钟", "装车时间_分钟"),
                numeric=True,
            ),
            Column("tw_start", "最早时间", ("window_start", "时间窗开始", "开始时间")),
            Column("tw_end", "最晚时间", ("window_end", "时间窗结束", "结束时间")),
            Column(
                "frequency_per_week",
                "每周次数",
                ("frequency", "收运频次", "每周收运次数"),
                numeric=True,
            ),
            Column("release", "可收时间", ("release_time", "释放时间")),
            Column("area", "区域", ("district", "zone", "片区", "乡镇")),
        ),
        "sites": _cols(
            Column("id", "编号", ("site_id", "site", "设施编号"), True),
            Column("name", "名称", ("site_name", "设施名称")),
            Column("kind", "类型", ("type", "site_kind", "设施类型"), True),
            Column("lat", "纬度", ("latitude", "y"), True, True),
            Column("lon", "经度", ("lng", "long", "longitude", "x"), True, True),
            Column("streams", "接收类别", ("accepts", "stream", "垃圾类别", "接收垃圾类别")),
            Column("open", "开放时间", ("opens", "open_time", "开门时间")),
            Column("close", "关闭时间", ("closes", "close_time", "关门时间")),
            Column("unload_min", "卸料时间_分钟", ("unload", "卸车时间_分钟"), numeric=True),
            Column(
                "capacity_t_per_day",
                "处理能力_吨每日",
                ("capacity_t", "处理能力_t_d", "日处理能力_吨", "处理能力"),
                numeric=True,
            ),
            Column("candidate", "候选", ("is_candidate", "是否候选", "候选址")),
            Column(
                "charger_kw", "充电功率_kW", ("charger_power_kw", "充电桩功率_kW"), numeric=True
            ),
            Column("chargers", "充电桩数", ("charger_count", "充电桩数量"), numeric=True),
        ),
        "vehicles": _cols(
            Column("type", "车型", ("id", "vehicle_type", "type_id", "车辆类型"), True),
            Column("name", "名称", ("车型名称",)),
            Column("count", "数量", ("number", "vehicles", "车辆数", "台数"), True, True),
            Column("depot", "车场", ("base", "停车场", "所属车场"), True),
            Column("streams", "收运类别", ("stream", "垃圾类别", "可收类别"), True),
            Column("capacity_kg", "载重_kg", ("capacity", "额定载重_kg", "载重量_kg"), True, True),
            Column("capacity_m3", "容积_m3", ("volume_m3", "箱体容积_m3"), numeric=True),
            Column("fuel", "燃料", ("fuel_type", "能源类型", "动力类型"), True),
            Column("range_km", "续航_km", ("range", "续航里程_km"), numeric=True),
            Column("shift_start", "上班时间", ("start", "班次开始", "出车时间"), True),
            Column("shift_end", "下班时间", ("end", "班次结束", "收车时间"), True),
            Column("break_start", "休息最早开始", ("break_window_start", "午休开始")),
            Column("break_end", "休息最晚开始", ("break_window_end", "午休结束")),
            Column(
                "break_min", "休息时长_分钟", ("break_duration_min", "午休时长_分钟"), numeric=True
            ),
            Column("break_loaded", "允许带载休息", ("break_with_load", "带载休息")),
            Column("max_stops", "最多点位数", ("stops_max", "最大收集点数"), numeric=True),
            Column(
                "max_load_kg_per_day",
                "日最大收运量_kg",
                ("route_capacity_kg", "每日最大载运量_kg"),
                numeric=True,
            ),
            Column(
                "max_shift_h",
                "最长工作时间_小时",
                ("max_duration_h", "最长工时_小时"),
                numeric=True,
            ),
            Column("speed_factor", "速度系数", ("speed",), numeric=True),
            Column("fixed_cost", "固定成本_元", ("fixed_cost_yuan", "固定成本"), numeric=True),
            Column(
                "cost_per_km",
                "每公里成本_元",
                ("cost_per_km_yuan", "里程成本_元每公里"),
                numeric=True,
            ),
            Column(
                "cost_per_h",
                "每小时成本_元",
                ("cost_per_h_yuan", "时间成本_元每小时"),
                numeric=True,
            ),
            Column("battery_kwh", "电池容量_kWh", ("battery", "电池_kWh"), numeric=True),
            Column(
                "reserve_pct", "保留电量_%", ("battery_reserve_pct", "最低电量_%"), numeric=True
            ),
        ),
        "build_options": _cols(
            Column("site", "设施编号", ("site_id", "id", "编号"), True),
            Column("size_class", "规模", ("size", "规模等级", "size_class_name"), True),
            Column(
                "capacity_t_per_day",
                "处理能力_吨每日",
                ("capacity_t", "处理能力"),
                True,
                True,
            ),
            Column("capital_cost_yuan", "投资_元", ("capital_cost", "建设投资_元"), True, True),
            Column(
                "fixed_cost_yuan_per_year",
                "年固定成本_元",
                ("fixed_cost", "fixed_cost_per_year", "年运营固定成本_元"),
                numeric=True,
            ),
        ),
        "settings": _cols(
            Column("key", "参数", ("setting", "name", "项目", "名称"), True),
            Column("value", "值", ("数值", "设置"), True),
        ),
        "matrix": _cols(
            Column("from", "起点", ("from_id", "origin", "起点编号"), True),
            Column("to", "终点", ("to_id", "destination", "终点编号"), True),
            Column("distance_m", "距离_m", ("distance", "路程_m"), True, True),
            Column("duration_s", "时间_s", ("duration", "行驶时间_s", "耗时_s"), True, True),
        ),
    }
)

#: Chinese names accepted for each table (file stem or sheet name).
TABLE_ZH: Mapping[str, str] = MappingProxyType(
    {
        "stops": "收集点",
        "sites": "设施",
        "vehicles": "车辆",
        "build_options": "建设方案",
        "settings": "设置",
        "matrix": "距离矩阵",
    }
)
_TABLE_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "stops": ("points", "collection_points", "点位"),
        "sites": ("facilities", "站点"),
        "vehicles": ("fleet", "车队"),
        "build_options": ("options", "build", "建设选项"),
        "settings": ("config", "参数"),
        "matrix": ("travel", "distances", "矩阵", "行驶矩阵"),
    }
)
REQUIRED_TABLES = ("stops", "sites", "vehicles")


def _index(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {normalise(alias): canonical for alias, canonical in pairs}


_TABLE_INDEX = _index(
    [(t, t) for t in TABLE_COLUMNS]
    + [(zh, t) for t, zh in TABLE_ZH.items()]
    + [(a, t) for t, aliases in _TABLE_ALIASES.items() for a in aliases]
)


def table_of(name: str) -> str | None:
    """Return the canonical table for a file stem or sheet name, or None."""
    return _TABLE_INDEX.get(normalise(name))


def _column_index(table: str) -> dict[str, str]:
    pairs: list[tuple[str, str]] = []
    for col in TABLE_COLUMNS[table]:
        pairs += [(col.name, col.name), (col.zh, col.name)]
        pairs += [(a, col.name) for a in col.aliases]
    # A canonical name always wins over another column's alias.
    index = _index(pairs)
    index.update({normalise(c.name): c.name for c in TABLE_COLUMNS[table]})
    return index


_COLUMN_INDEX = {table: _column_index(table) for table in TABLE_COLUMNS}


def column_of(table: str, header: str) -> str | None:
    """Return the canonical column for a header of ``table``, or None for an extra column."""
    return _COLUMN_INDEX[table].get(normalise(header))


def column(table: str, name: str) -> Column:
    """Return the column ``name`` of ``table``."""
    for col in TABLE_COLUMNS[table]:
        if col.name == name:
            return col
    raise KeyError(f"{table}.{name}")


def header(table: str, name: str, lang: str) -> str:
    """Return the header written for column ``name`` in language ``lang``."""
    return column(table, name).zh if lang == "zh" else name


# --- values ---------------------------------------------------------------

_STREAM_ALIASES: dict[str, Stream] = {
    "厨余": Stream.KITCHEN,
    "湿垃圾": Stream.KITCHEN,
    "餐厨垃圾": Stream.KITCHEN,
    "food": Stream.KITCHEN,
    "organic": Stream.KITCHEN,
    "可回收": Stream.RECYCLABLE,
    "可回收垃圾": Stream.RECYCLABLE,
    "recyclables": Stream.RECYCLABLE,
    "有害": Stream.HAZARDOUS,
    "其他": Stream.OTHER,
    "干垃圾": Stream.OTHER,
    "residual": Stream.OTHER,
    "mixed": Stream.OTHER,
    "医废": Stream.MEDICAL,
    "医疗垃圾": Stream.MEDICAL,
}
_KIND_ALIASES: dict[str, SiteKind] = {
    "垃圾转运站": SiteKind.TRANSFER,
    "中转站": SiteKind.TRANSFER,
    "transfer_station": SiteKind.TRANSFER,
    "焚烧发电厂": SiteKind.INCINERATOR,
    "垃圾焚烧厂": SiteKind.INCINERATOR,
    "垃圾填埋场": SiteKind.LANDFILL,
    "再生资源分拣中心": SiteKind.RECYCLING,
    "厨余垃圾处理厂": SiteKind.COMPOSTING,
    "堆肥厂": SiteKind.COMPOSTING,
    "有害垃圾暂存": SiteKind.HAZARDOUS,
    "医疗废物处置中心": SiteKind.MEDICAL,
    "停车场": SiteKind.DEPOT,
    "充电桩": SiteKind.CHARGER,
}
_FUEL_ZH: dict[Fuel, str] = {
    Fuel.DIESEL: "柴油",
    Fuel.CNG: "压缩天然气",
    Fuel.LNG: "液化天然气",
    Fuel.ELECTRIC: "纯电动",
    Fuel.HYBRID: "混合动力",
}
_FUEL_ALIASES: dict[str, Fuel] = {
    "电动": Fuel.ELECTRIC,
    "电": Fuel.ELECTRIC,
    "ev": Fuel.ELECTRIC,
    "bev": Fuel.ELECTRIC,
    "天然气": Fuel.CNG,
    "混动": Fuel.HYBRID,
}

FUEL_ZH: Mapping[Fuel, str] = MappingProxyType(_FUEL_ZH)


E = TypeVar("E", bound=StrEnum)


def _value_index(members: list[E], zh: Mapping[E, str], aliases: Mapping[str, E]) -> dict[str, E]:
    index = {normalise(m.value): m for m in members}
    index.update({normalise(z): m for m, z in zh.items()})
    index.update({normalise(a): m for a, m in aliases.items()})
    return index


_STREAMS = _value_index(list(Stream), STREAM_ZH, _STREAM_ALIASES)
_KINDS = _value_index(list(SiteKind), SITE_KIND_ZH, _KIND_ALIASES)
_FUELS = _value_index(list(Fuel), _FUEL_ZH, _FUEL_ALIASES)


def stream_of(text: str) -> Stream | None:
    """Return the stream named by ``text`` (English or Chinese), or None."""
    return _STREAMS.get(normalise(text))


def kind_of(text: str) -> SiteKind | None:
    """Return the site kind named by ``text`` (English or Chinese), or None."""
    return _KINDS.get(normalise(text))


def fuel_of(text: str) -> Fuel | None:
    """Return the fuel named by ``text`` (English or Chinese), or None."""
    return _FUELS.get(normalise(text))


def valid_names(members: list[E], zh: Mapping[E, str]) -> str:
    """Return the valid values as "kitchen (厨余垃圾), …" for messages."""
    return ", ".join(f"{m.value} ({zh[m]})" if m in zh else m.value for m in members)
