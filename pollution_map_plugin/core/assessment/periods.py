"""Assessment periods: a year, half-year, quarter, month, day or any date range.

Accepted spellings (:func:`parse_period`)::

    2025            2025年
    2025-H1         2025上半年 / 2025下半年
    2025-Q3         2025Q3, 2025-q3, 2025年第3季度
    2025-10         2025-1, 2025/10, 202510, 2025年10月
    2025-10-08      2025/10/8, 2025年10月8日
    A/B             a range: from the start of period A to the end of period B,
                    e.g. 2025-01-01/2025-06-30 or 2024-10/2025-03 (also "A..B")
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

FREQUENCIES = ("year", "quarter", "month")


@dataclass(frozen=True)
class Period:
    """A closed date range ``start..end`` (both days included) with a label.

    ``kind`` is ``year``, ``half``, ``quarter``, ``month``, ``day`` or ``range``.
    """

    start: date
    end: date
    label: str
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period {self.label!r} ends before it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1..4, not {quarter}")
        first = 3 * quarter - 2
        last = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        return cls(date(year, first, 1), last, f"{year:04d}-Q{quarter}", "quarter")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1..12, not {month}")
        last = date(year, month, calendar.monthrange(year, month)[1])
        return cls(date(year, month, 1), last, f"{year:04d}-{month:02d}", "month")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, not {half}")
        start, end = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (
            date(year, 7, 1), date(year, 12, 31))
        return cls(start, end, f"{year:04d}-H{half}", "half")

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day, day.isoformat(), "day")

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, f"{start.isoformat()}/{end.isoformat()}", "range")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def mask(self, dates: pd.Series | np.ndarray) -> np.ndarray:
        """Boolean array: which of ``dates`` (datetime64, times allowed) fall in the period."""
        d = _datetimes(dates)
        lo = np.datetime64(self.start, "ns")
        hi = np.datetime64(self.end + timedelta(days=1), "ns")
        return (d >= lo) & (d < hi)

    def previous(self) -> Period:
        """The period of the same kind just before (the day before, for a range)."""
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        if self.kind == "half":
            return Period.half(self.start.year, 1) if self.start.month == 7 else Period.half(
                self.start.year - 1, 2)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return Period.quarter(self.start.year, q - 1) if q > 1 else Period.quarter(
                self.start.year - 1, 4)
        if self.kind == "month":
            m = self.start.month
            return Period.month(self.start.year, m - 1) if m > 1 else Period.month(
                self.start.year - 1, 12)
        end = self.start - timedelta(days=1)
        if self.kind == "day":
            return Period.day(end)
        return Period.between(end - timedelta(days=self.days - 1), end)

    def year_before(self) -> Period:
        """The same period one year earlier (同比)."""
        if self.kind in ("day", "range"):
            return Period.between(_minus_year(self.start), _minus_year(self.end))
        return parse_period(str(int(self.label[:4]) - 1) + self.label[4:])

    def __str__(self) -> str:
        return self.label


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _datetimes(dates: pd.Series | np.ndarray) -> np.ndarray:
    s = pd.Series(dates) if not isinstance(dates, pd.Series) else dates
    if not pd.api.types.is_datetime64_any_dtype(s):
        # pandas 2 guesses one format from the first text and makes the others NaT;
        # "mixed" parses each on its own, as pandas 1.5 did.
        mixed = {"format": "mixed"} if int(pd.__version__.split(".")[0]) >= 2 else {}
        s = pd.to_datetime(s, errors="coerce", **mixed)
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]")


_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(\d{4})年?", "year"),
    (r"(\d{4})[-_ ]?[Hh]([12])", "half"),
    (r"(\d{4})年?(上|下)半年", "half_zh"),
    (r"(\d{4})[-_ ]?[Qq]([1-4])", "quarter"),
    (r"(\d{4})年第?([1-4一二三四])季度?", "quarter"),
    (r"(\d{4})[-/.](\d{1,2})", "month"),
    (r"(\d{4})(\d{2})", "month"),
    (r"(\d{4})年(\d{1,2})月", "month"),
    (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "day"),
    (r"(\d{4})(\d{2})(\d{2})", "day"),
    (r"(\d{4})年(\d{1,2})月(\d{1,2})日?", "day"),
)
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _parse_one(text: str) -> Period:
    for pattern, kind in _PATTERNS:
        m = re.fullmatch(pattern, text)
        if not m:
            continue
        g = m.groups()
        year = int(g[0])
        if kind == "year":
            return Period.year(year)
        if kind == "half":
            return Period.half(year, int(g[1]))
        if kind == "half_zh":
            return Period.half(year, 1 if g[1] == "上" else 2)
        if kind == "quarter":
            return Period.quarter(year, _ZH_DIGITS.get(g[1]) or int(g[1]))
        if kind == "month":
            return Period.month(year, int(g[1]))
        return Period.day(date(year, int(g[1]), int(g[2])))
    raise ValueError(
        f"cannot read period {text!r}: use 2025, 2025-H1, 2025-Q3, 2025-10, 2025-10-08 "
        "or a range such as 2025-01-01/2025-06-30"
    )


def parse_period(text: str | Period | int) -> Period:
    """A :class:`Period` from its text (see the module docstring); ValueError if unreadable."""
    if isinstance(text, Period):
        return text
    s = str(text).strip()
    for sep in ("/", "..", "～", "~", "至"):
        if sep in s and not re.fullmatch(r"\d{4}/\d{1,2}(/\d{1,2})?", s):
            a, b = (part.strip() for part in s.split(sep, 1))
            if not a or not b:
                break
            first, last = _parse_one(a), _parse_one(b)
            return Period.between(first.start, last.end)
    try:
        return _parse_one(s)
    except ValueError as exc:
        if "cannot read" in str(exc):
            raise
        raise ValueError(f"cannot read period {s!r}: {exc}") from None


def latest_period(dates: pd.Series, kind: str = "year") -> Period:
    """The year (quarter, month) of the latest date in ``dates``."""
    d = _datetimes(dates)
    d = d[~np.isnat(d)]
    if d.size == 0:
        raise ValueError("no dates: the measurements table is empty")
    last = pd.Timestamp(d.max())
    if kind == "year":
        return Period.year(last.year)
    if kind == "quarter":
        return Period.quarter(last.year, (last.month - 1) // 3 + 1)
    if kind == "month":
        return Period.month(last.year, last.month)
    raise ValueError(f"kind must be one of {FREQUENCIES}, not {kind!r}")


def period_keys(dates: pd.Series | np.ndarray, freq: str) -> tuple[np.ndarray, list[Period]]:
    """Assign each date to its year, quarter or month.

    Returns integer codes (−1 for a missing date) and the list of periods they index,
    in time order.
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {FREQUENCIES}, not {freq!r}")
    d = _datetimes(dates)
    missing = np.isnat(d)
    months = d.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    raw = {"year": months // 12, "quarter": months // 3, "month": months}[freq]
    lo = int(raw[~missing].min()) if (~missing).any() else 0
    offset = np.where(missing, 0, raw - lo)
    present = np.bincount(offset[~missing], minlength=1) > 0
    uniq = np.flatnonzero(present) + lo
    lookup = np.cumsum(present) - 1
    periods = []
    for u in uniq:
        if freq == "year":
            periods.append(Period.year(int(u) + 1970))
        elif freq == "quarter":
            periods.append(Period.quarter(int(u) // 4 + 1970, int(u) % 4 + 1))
        else:
            periods.append(Period.month(int(u) // 12 + 1970, int(u) % 12 + 1))
    codes = np.where(missing, -1, lookup[offset]).astype(np.int64)
    return codes, periods
