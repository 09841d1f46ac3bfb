"""The national automatic-monitoring release (国家地表水水质自动监测实时数据) as published.

Columns 省份, 流域, 断面名称, 监测时间, 水质类别, then one column per item (水温(℃),
pH(无量纲), 溶解氧(mg/L), …, 站点情况).  What this module adds to the wide
measurement import:

* ``ReleaseTime``: 监测时间 ``02-04 11:00`` has no year; it comes from
  ``ImportOptions.year`` or the file's own date (a title line above the header or the
  file name, e.g. ``2025-02-04``), a reading later in the year than the file's date
  belonging to the year before; without either the import is refused (``--year``).
* ``section_code(province, name)``: the code of a station created from the release
  (``--create-sections``): the province's GB/T 2260 number and the name, ``50-朱沱``:
  stable (the same station always gets the same code) and unique across provinces
  (新华 in two provinces gives ``42-新华`` and ``44-新华``).
* ``guess_water_body(name)``: ``lake`` when the name says 湖, 水库, 库心 or 库区.
* ``ClassCheck``: the published 水质类别 beside the single-factor class computed from
  the row's own values (GB 3838 routine items; TN, chlorophyll and algae are not part
  of the class); disagreements go to a CSV report.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .. import gb3838
from ..atomic_files import write_csv_atomic

PROVINCES: dict[str, str] = {
    "北京": "11", "天津": "12", "河北": "13", "山西": "14", "内蒙古": "15", "辽宁": "21",
    "吉林": "22", "黑龙江": "23", "上海": "31", "江苏": "32", "浙江": "33", "安徽": "34",
    "福建": "35", "江西": "36", "山东": "37", "河南": "41", "湖北": "42", "湖南": "43",
    "广东": "44", "广西": "45", "海南": "46", "重庆": "50", "四川": "51", "贵州": "52",
    "云南": "53", "西藏": "54", "陕西": "61", "甘肃": "62", "青海": "63", "宁夏": "64",
    "新疆": "65", "台湾": "71", "香港": "81", "澳门": "82", "兵团": "66",
}
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市",
             "生产建设兵团")
_LAKE_WORDS = ("湖", "水库", "库心", "库区")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s]+(\d{1,2})[:时](\d{2}))?")
_FULL_DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年_]?\s*(\d{1,2})\s*[-/.月_]?\s*(\d{1,2})")


def province_number(province: str) -> str:
    """The GB/T 2260 number of a province name (重庆市, 重庆 → ``50``); ValueError."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", province or ""))
    short = text
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) > len(suffix):
            short = short[: -len(suffix)]
            break
    if short in PROVINCES:
        return PROVINCES[short]
    for name, number in PROVINCES.items():
        if text.startswith(name):
            return number
    raise ValueError(f"unknown province {province!r}")


def section_code(province: str, name: str) -> str:
    """The code of a station created from the release: ``50-朱沱``."""
    clean = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return f"{province_number(province)}-{clean}"


def guess_water_body(name: str) -> str:
    """``lake`` (lakes and reservoirs) when the name says so, else ``river``."""
    return "lake" if any(word in name for word in _LAKE_WORDS) else "river"


def file_date(path: Path, lines: list[list]) -> tuple[dt.date, str] | None:
    """A date with a year in the lines above the header or in the file name."""
    for where, text in [*((f"line {i + 1}", " ".join(str(v) for v in row if v is not None))
                          for i, row in enumerate(lines)), ("the file name", path.name)]:
        match = _FULL_DATE.search(unicodedata.normalize("NFKC", text))
        if match:
            try:
                day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
            return day, f"{day.isoformat()} in {where}"
    return None


@dataclass
class ReleaseTime:
    """Month-day times without a year, completed from ``year`` or the file's date."""

    year: int | None = None
    reference: dt.date | None = None  # the file's own date
    source: str = ""
    used: int = 0

    def date(self, raw) -> dt.date | None:
        """The date of ``02-04 11:00``; None when ``raw`` is no month-day time."""
        if not isinstance(raw, str):
            return None
        match = _MONTH_DAY.match(unicodedata.normalize("NFKC", raw).strip())
        if not match:
            return None
        month, day = int(match.group(1)), int(match.group(2))
        if self.year is not None:
            year = self.year
        elif self.reference is not None:
            ref = self.reference
            year = ref.year - 1 if (month, day) > (ref.month, ref.day) else ref.year
        else:
            raise MissingYearError(
                f"监测时间 {raw!r} has no year and the file has no date: give the year "
                "(--year 2025)")
        try:
            out = dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"no such date: {raw!r} in {year}") from None
        self.used += 1
        return out

    def note(self) -> str | None:
        if not self.used:
            return None
        where = f"--year {self.year}" if self.year is not None else self.source
        return (f"监测时间 without a year on {self.used} row(s): year from {where}")


class MissingYearError(ValueError):
    """A month-day time and no year to complete it: the import is refused."""


def computed_class(items: list[tuple[str, float]], water_body_type: str) -> tuple[int, str]:
    """The single-factor class of a row's values (routine items) and the deciding items."""
    worst, deciding = 0, []
    for code, value in items:
        if code not in gb3838.ROUTINE_ITEMS:
            continue
        k = gb3838.classify_value(code, value, water_body_type)
        if k is None:
            continue
        if k > worst:
            worst, deciding = k, [code]
        elif k == worst:
            deciding.append(code)
    return worst, "、".join(gb3838.item(c).name_zh for c in deciding)


REPORT_HEADER = ["行号 line", "省份 province", "断面名称 name", "断面编码 section_code",
                 "监测时间 time", "发布类别 published", "计算类别 computed", "决定项目 items",
                 "水体类型 water_body_type"]


@dataclass
class ClassCheck:
    """Published 水质类别 against the computed class, row by row."""

    compared: int = 0
    agree: int = 0
    rows: list[list] = field(default_factory=list)

    def add(self, line: int, province: str, name: str, section: str, time: str,
            published: int, items: list[tuple[str, float]], water_body_type: str) -> None:
        computed, deciding = computed_class(items, water_body_type)
        if not computed:
            return
        self.compared += 1
        if computed == published:
            self.agree += 1
            return
        self.rows.append([line, province, name, section, time, gb3838.roman(published),
                          gb3838.roman(computed), deciding, water_body_type])

    def note(self, path: Path | None) -> str | None:
        if not self.compared:
            return None
        where = f" (report: {path})" if path is not None and self.rows else ""
        return (f"published 水质类别 compared with the computed single-factor class on "
                f"{self.compared} row(s): {self.agree} agree, {len(self.rows)} disagree{where}")

    def write(self, path: Path) -> Path | None:
        """The disagreements as CSV (UTF-8 with BOM); None (and no file) when none."""
        if not self.rows:
            path.unlink(missing_ok=True)
            return None
        return write_csv_atomic(path, REPORT_HEADER, ([_inert(c) for c in row]
                                                      for row in self.rows))


def _inert(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "@", "-", "\t", "\r")) else text


def default_class_report_path(source: str | Path) -> Path:
    """``<file name>.classes.csv`` beside the imported file."""
    source = Path(source)
    return source.with_name(f"{source.name}.classes.csv")
