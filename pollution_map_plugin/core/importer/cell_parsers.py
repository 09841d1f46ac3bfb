"""Cell parsers: text, codes, numbers, dates, coded choices and water classes.

Every parser takes a raw cell (str, number, date or None) and returns the parsed
value, ``None`` for an empty cell, or raises ValueError with a short reason.
Text is kept verbatim apart from surrounding whitespace (escaping is the
renderers' job).

Dates: ``2025-10-08``, ``2025/10/8``, ``2025.10.8``, ``20251008``, ``2025年10月8日``
(a time after the date is ignored) and Excel date cells.  A year-month
(``2025-10``, ``2025/10``, ``2025年10月``, ``202510``) means the **first day of the
month** — monthly monitoring data is usually labelled that way — and the caller
reports how many dates were completed.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata

MISSING_MARKS = frozenset({"", "-", "--", "—", "——", "/", "*", "na", "n/a", "null", "none",
                           "nan"})

# Chinese synonyms of coded values, per choice value.
CHOICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    # enterprises.category
    "key": ("重点排污单位", "重点", "重点企业", "重点排污企业", "重点排污", "重点监管",
            "key discharger"),
    "general": ("一般", "一般企业", "一般排污单位", "非重点", "一般排污"),
    "scattered": ("散乱污", "散乱污企业", "小散乱污", "small-scattered-polluting"),
    # enterprises.status
    "operating": ("在产", "正常", "生产", "正常生产", "在营", "运行", "正常运行", "营业"),
    "rectifying": ("整改", "整改中", "停产整改", "限期整改", "限产整改"),
    "closed": ("关停", "关闭", "已关停", "已关闭", "取缔", "已取缔"),
    "relocated": ("搬迁", "已搬迁", "迁出"),
    # outfalls.type
    "industrial": ("工业", "工业排污口", "工业废水", "工业企业", "工业排口"),
    "sewage_plant": ("污水处理厂", "城镇污水处理厂", "污水厂", "污水处理厂排污口", "sewage-plant",
                     "sewage plant"),
    "agricultural": ("农业", "农业排口", "农业排污口", "农田退水", "养殖"),
    "other": ("其他", "其它"),
    # outfalls.approval_status
    "approved": ("已审批", "已批复", "批准", "已批准", "已备案", "已登记"),
    "pending": ("待审批", "审批中", "在审", "办理中"),
    "unapproved": ("未审批", "未批", "未批复", "未备案", "未登记"),
    # sections.level
    "national": ("国控", "国家", "国家级", "国考", "国控断面"),
    "municipal": ("市控", "市级", "市考", "省控", "市控断面"),
    "control": ("控制", "控制断面", "区控", "县控", "区县控", "区县"),
    # sections.water_body_type
    "river": ("河流", "河", "江", "河道"),
    "lake": ("湖库", "湖泊", "水库", "湖", "库", "lake/reservoir"),
    # river_chiefs.level
    "province": ("省级", "省"),
    "city": ("市级", "市", "地市级"),
    "county": ("区县级", "县级", "区级", "区县", "县", "区"),
    "township": ("乡镇级", "镇级", "乡级", "街道", "乡镇", "镇", "乡", "街道级"),
    "village": ("村级", "村", "社区", "村(社区)"),
    # problems.status
    "open": ("未整改", "待整改", "未完成", "待处理", "未销号"),
    "in_progress": ("整改中", "进行中", "正在整改", "处理中", "in progress"),
    "resolved": ("已整改", "已完成", "完成", "销号", "已销号", "已解决"),
}


def norm(text: str) -> str:
    """NFKC, lower case, whitespace removed: the form used for matching names."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def is_missing(raw) -> bool:
    """True for None, NaN, blanks and the usual placeholders (``-``, ``/``, ``NA``)."""
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if not isinstance(raw, str):
        return False
    text = raw.replace("\ufeff", "").strip()
    return not text or (len(text) <= 4 and norm(text) in MISSING_MARKS)


def parse_text(raw) -> str | None:
    """Text verbatim (outer whitespace and BOM removed); None when empty."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        if raw.is_integer() and abs(raw) < 1e15:
            raw = int(raw)
    if isinstance(raw, (dt.date, dt.datetime)):
        raw = raw.isoformat()
    text = str(raw).replace("\ufeff", "").replace("\u200b", "").strip()
    return text or None


def parse_code(raw) -> str | None:
    """An identifier: NFKC (full-width → ASCII), whitespace removed.

    A number with more than 15 significant digits has lost precision (Excel
    stores numbers as doubles), which is an error rather than a silent change.
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if abs(raw) >= 1e15:
            raise ValueError("stored as a number, digits lost (format the column as text)")
    text = parse_text(raw)
    if text is None or is_missing(text):
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
_ONE_GROUP = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
INTEGER_MAX = 2_147_483_647  # a PostgreSQL integer column (GeoPackage allows more)


def number_text(text: str) -> str:
    """Numeric text with its commas resolved: ``1,234.5`` and ``12,345,678`` are
    thousands separators, ``0,025``, ``1,5`` and ``1234,56`` decimal commas;
    ``1,234`` could be either and is refused (ValueError)."""
    if "," not in text:
        return text
    if _ONE_GROUP.match(text):
        whole, _sep, part = text.partition(",")
        raise ValueError(f"ambiguous number {text!r}: {whole}{part} with a thousands "
                         f"separator or {whole}.{part} with a decimal comma? write it "
                         "without the comma")
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.match(text):
        return text.replace(",", ".")
    return text


def has_decimal_comma(raw) -> bool:
    """True when ``raw`` is a number written with a decimal comma (``0,025``)."""
    if not isinstance(raw, str) or "," not in raw:
        return False
    text = unicodedata.normalize("NFKC", raw).strip().rstrip("%").strip()
    return bool(_DECIMAL_COMMA.match(text)) and not _ONE_GROUP.match(text) \
        and not _THOUSANDS.match(text)


def parse_number(raw, *, minimum: float | None = None, maximum: float | None = None,
                 integer: bool = False, percent: bool = False) -> float | int | None:
    """A number (``1,234.5``, ``0,025``, full-width digits); None when empty.

    ``85%`` only where ``percent`` (a column in percent); elsewhere a percent sign
    is refused rather than silently dropped.  Whole numbers beyond ``INTEGER_MAX``
    are refused (that cell, not the file).
    """
    if isinstance(raw, bool):
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:
            raise ValueError(f"number too large: {str(raw)[:30]}") from None
        if math.isnan(value):
            return None
    else:
        if is_missing(raw):
            return None
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if text.endswith("%"):
            if not percent:
                raise ValueError(f"a percentage is not a value of this column: {raw!r} "
                                 "(give the number in the column's unit)")
            text = text[:-1].strip()
        try:
            value = float(number_text(text))
        except ValueError as exc:
            if str(exc).startswith("ambiguous"):
                raise
            raise ValueError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {raw!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"must not be below {minimum:g}: {raw!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"must not be above {maximum:g}: {raw!r}")
    if integer:
        if not value.is_integer():
            raise ValueError(f"not a whole number: {raw!r}")
        if abs(value) > INTEGER_MAX:
            raise ValueError(f"too large for a whole-number column (at most {INTEGER_MAX:,}): "
                             f"{str(raw)[:30]}")
        return int(value)
    return value


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_TIME_TAIL = re.compile(r"[T\s]+\d{1,2}[:时][\d:.分秒]*$")


def parse_date(raw) -> tuple[dt.date, bool] | None:
    """(date, completed) where ``completed`` is True for a year-month; None if empty."""
    if isinstance(raw, dt.datetime):
        return raw.date(), False
    if isinstance(raw, dt.date):
        return raw, False
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    if is_missing(raw):
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = _TIME_TAIL.sub("", text).strip()
    match = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    if not match:
        raise ValueError(f"not a date: {raw!r} (use 2025-10-08, 2025/10/8 or 2025年10月8日)")
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    if not 1900 <= year <= 2100:
        raise ValueError(f"year out of range: {raw!r}")
    try:
        return dt.date(year, month, day or 1), day is None
    except ValueError:
        raise ValueError(f"no such date: {raw!r}") from None


@functools.lru_cache(maxsize=64)
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    index = {}
    for choice in choices:
        index[norm(choice)] = choice
        for synonym in CHOICE_SYNONYMS.get(choice, ()):
            index.setdefault(norm(synonym), choice)
    return index


@functools.lru_cache(maxsize=4096)
def _lookup_choice(text: str, choices: tuple[str, ...]) -> str | None:
    index = _choice_index(choices)
    key = norm(text)
    return index.get(key.replace("-", "_")) or index.get(key)


def parse_choice(raw, choices: tuple[str, ...]) -> str | None:
    """One of ``choices`` from its English value or a Chinese synonym; None if empty."""
    text = parse_text(raw)
    if text is None or is_missing(text):
        return None
    found = _lookup_choice(text, tuple(choices))
    if found is None:
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}")
    return found


_CLASSES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "劣v": 6, "劣5": 6, "6": 6,
            "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def parse_water_class(raw) -> int | None:
    """A GB 3838 class 1..6 from ``3``, ``III``, ``Ⅲ类``, ``劣Ⅴ`` (6 = 劣V)."""
    text = parse_text(raw)
    if text is None or is_missing(text):
        return None
    key = norm(text).removesuffix("类水").removesuffix("类").removesuffix(".0")
    key = key.replace("ⅰ", "i").replace("ⅴ", "v")
    if key not in _CLASSES:
        raise ValueError(f"not a water class: {raw!r} (use 1..5, I..V or 劣V)")
    return _CLASSES[key]
