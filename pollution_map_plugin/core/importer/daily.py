"""Several readings of one section, item and day → their daily mean (nothing rejected).

The database keeps one value per section, day and item (``sampled_on`` has no time of
day), and the method assesses daily and monthly means, so readings taken at different
times of one day (the automatic-monitoring release every 4 h) are averaged:

* detected readings by their value, non-detects as half their detection limit (the
  method's default non-detect rule, 环办〔2011〕22号; a non-detect with no limit is
  left out of the mean, as the assessment leaves it out);
* a day is stored as a non-detect only when **all** its readings were (its detection
  limit the highest of theirs); otherwise the mean is a measured value.

The running sums are kept per (section, day, item) — a few numbers each, whatever the
number of readings — and the means are handed over when the file has been read.
Every averaged value is listed in the daily report (``DAILY_HEADER``): the readings
averaged, how many were non-detects, their lines and the rule.  A day read once is
stored as read.  Re-importing the same file gives the same means (unchanged); a file
with more readings of a day gives a new mean, which updates the stored one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic_files import write_csv_atomic
from .parameters import PARAMETERS

_TIME = re.compile(r"(?:^|[T\s日])(\d{1,2})\s*[:时]\s*(\d{2})(?:\s*[:分]\s*\d{2}(?:\.\d+)?)?"
                   r"\s*秒?\s*$")
LINES_SHOWN = 6
DAILY_HEADER = ["断面编码 section_code", "日期 day", "项目 parameter", "读数 readings",
                "未检出 non_detects", "日均值 daily_mean", "单位 unit", "行号 lines",
                "说明 note"]


def time_of_day(raw) -> str | None:
    """``HH:MM`` of a reading time (``02-04 11:00``, ``2025-02-04 11:00:00``, an Excel
    date-time); None when the cell is a plain date."""
    if isinstance(raw, dt.datetime):
        return raw.strftime("%H:%M") if raw.time() != dt.time(0) else None
    if not isinstance(raw, str):
        return None
    match = _TIME.search(unicodedata.normalize("NFKC", raw).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


class _Day:
    """Running sums of one (section, day, item): a few numbers, whatever the readings."""

    __slots__ = ("unit", "first", "readings", "non_detects", "total", "evaluated", "limit",
                 "lines")

    def __init__(self, unit: str | None) -> None:
        self.unit = unit
        self.first: dict | None = None  # the reading itself while it is the only one
        self.readings = self.non_detects = self.evaluated = 0
        self.total = 0.0
        self.limit = math.nan
        self.lines: list[int] = []

    def add(self, record: dict, line: int) -> None:
        self.readings += 1
        self.first = record if self.readings == 1 else None
        if len(self.lines) < LINES_SHOWN:
            self.lines.append(line)
        value = record["value"]
        if record["below_detection"]:
            self.non_detects += 1
            limit = record["detection_limit"]
            limit = value if limit is None or math.isnan(limit) else limit
            if limit is not None and not math.isnan(limit):
                self.total += limit / 2
                self.evaluated += 1
                self.limit = limit if math.isnan(self.limit) else max(self.limit, limit)
        elif value is not None and not math.isnan(value):
            self.total += value
            self.evaluated += 1

    def mean(self, key: tuple) -> dict:
        """The day's record: the reading as read when it is the only one, else the mean."""
        if self.first is not None:
            return self.first
        section, day, parameter = key
        out = {"section_code": section, "sampled_on": day, "parameter": parameter,
               "unit": self.unit}
        if self.non_detects == self.readings:
            out.update(value=math.nan, below_detection=True, detection_limit=self.limit)
        else:
            mean = self.total / self.evaluated if self.evaluated else math.nan
            out.update(value=mean, below_detection=False, detection_limit=math.nan)
        return out


@dataclass
class DailyMeans:
    """Readings with a time of day, averaged per section, day and item."""

    days: dict[tuple, _Day] = field(default_factory=dict)
    times: dict[int, int] = field(default_factory=dict)  # hash (section, day, time) → line
    done: list[tuple[_Day, dict]] = field(default_factory=list)  # averaged, once drained

    def __contains__(self, key: tuple) -> bool:
        return key in self.days

    def seen_time(self, section, day, time: str) -> int | None:
        """The line of a reading of this section at this time already accepted."""
        return self.times.get(hash((section, day, time)))

    def add(self, records: list[dict], time: str, line: int) -> None:
        for record in records:
            key = (record["section_code"], record["sampled_on"], record["parameter"])
            day = self.days.get(key)
            if day is None:
                day = self.days[key] = _Day(record["unit"])
            day.add(record, line)
        if records:
            first = records[0]
            self.times.setdefault(hash((first["section_code"], first["sampled_on"], time)), line)

    def drain(self) -> list[dict]:
        """Every day's record (then forgotten, except what the note and report need)."""
        out = []
        for key, day in self.days.items():
            out.append(day.mean(key))
            if day.readings > 1:
                self.done.append((day, out[-1]))
        self.days = {}
        return out

    def note(self, path: Path | None = None) -> str | None:
        done = self.done
        if not done:
            return None
        readings = sum(d.readings for d, _ in done)
        nd = sum(d.non_detects for d, _ in done)
        where = f", each listed in {path}" if path is not None else ""
        return (f"readings of the same day averaged: {readings} readings into {len(done)} "
                f"daily mean(s) of (section, day, item){where}; non-detects ({nd} of the "
                "readings) count as half their detection limit, a day is a non-detect only "
                "when all its readings were; a mean is of this file's readings of the day and "
                "replaces a value stored for that day")

    def write(self, path: Path) -> Path | None:
        """The averaged values as CSV (UTF-8 with BOM); None (and no file) when none."""
        done = self.done
        if not done:
            path.unlink(missing_ok=True)
            return None
        return write_csv_atomic(path, DAILY_HEADER, (_row(day, rec) for day, rec in done))


def _row(day: _Day, rec: dict) -> list:
    lines = ", ".join(str(n) for n in day.lines) + ("…" if day.readings > len(day.lines) else "")
    if rec["below_detection"]:
        mean = f"ND ({rec['detection_limit']:g})" if not math.isnan(rec["detection_limit"]) \
            else "ND"
        note = f"daily mean of {day.readings} readings: all non-detects, stored as a non-detect"
    else:
        mean = f"{rec['value']:.6g}"
        note = f"daily mean of {day.readings} readings"
        if day.non_detects:
            note += f"; {day.non_detects} non-detect(s) as half the detection limit"
    sampled = rec["sampled_on"]
    sampled = sampled.isoformat() if hasattr(sampled, "isoformat") else str(sampled)
    name = PARAMETERS.get(rec["parameter"], (rec["parameter"],))[0]
    return [rec["section_code"], sampled, f"{name} {rec['parameter']}", day.readings,
            day.non_detects, mean, rec["unit"] or "", lines, note]


def default_daily_report_path(source: str | Path) -> Path:
    """``<file name>.daily.csv`` beside the imported file."""
    source = Path(source)
    return source.with_name(f"{source.name}.daily.csv")
