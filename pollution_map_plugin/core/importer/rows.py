"""Validation of the records of a file: accepted rows as a frame, every other row rejected.

Pure: no database.  What the database knows (section codes and names, codes that
link columns refer to) comes in through ``Context``.  Every record after the header
is either accepted or rejected with a reason, so ``accepted + rejected == rows_read``.

Rules per row, all problems of a row reported together: the field count matches
the header (extra empty trailing fields are tolerated), required fields are present,
every cell parses (``fields.column_parser``), point rows have a point inside China,
and the natural key was not already taken by an earlier accepted row of the file
(the **first** occurrence wins; later ones are rejected naming its line).  Measurement
readings with a time of day are the exception: several of one section and day are
averaged into the daily mean (``daily.DailyMeans``, handed over by ``finish()``); a
second reading of the same section at the same time is a duplicate.  A cell the
reader could not use (an XLSX formula without a calculated value) rejects its row
when its column is imported.

``Validator`` works record by record and ``drain()`` hands over the accepted rows
so far, so a big file is validated in chunks; what it keeps across chunks is small
(the hashes of the keys accepted, line numbers for the notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..coords import to_cgcs2000
from ..schema import DEFAULT_SRID, Table
from .cell_parsers import has_decimal_comma, norm, parse_text
from .credit import recover_credit_code
from .daily import DailyMeans
from .fields import column_parser, label, point_from
from .headers import (
    GEOMETRY_TARGETS,
    LAT,
    LON,
    PROVINCE,
    PUBLISHED_CLASS,
    SECTION_NAME,
    UNLOCATED_TABLES,
    HeaderMap,
)
from .measurement_import import SectionIndex, Stations, measurement_records
from .record_readers import RawRecord
from .release import ClassCheck, ReleaseTime

MEASUREMENT_COLUMNS = ("section_code", "sampled_on", "parameter", "value", "below_detection",
                       "detection_limit", "unit")


@dataclass
class Context:
    """What validation may know about the database (all optional)."""

    sections: SectionIndex = field(default_factory=SectionIndex)
    known: dict[str, set[str]] = field(default_factory=dict)  # column → codes it may name
    # column → river name → code (None: several rivers of that name): a name in a code column
    names: dict[str, dict[str, str | None]] = field(default_factory=dict)
    stations: Stations = field(default_factory=Stations)  # the monitoring release
    release: ReleaseTime = field(default_factory=ReleaseTime)
    checks: ClassCheck = field(default_factory=ClassCheck)
    daily: DailyMeans = field(default_factory=DailyMeans)  # readings → daily means
    daily_report: Path | None = None  # where the daily means are listed


@dataclass
class Reject:
    """A rejected row: its line, why, and its cells as read.  ``kept``: the row was
    accepted, only the values named in ``reason`` were lost (per-cell outcome)."""

    line: int
    reason: str
    values: list
    kept: bool = False


@dataclass
class Validated:
    """The outcome of validating the records of one file."""

    frame: pd.DataFrame
    rejects: list[Reject]
    rows_read: int
    warnings: list[str]


class LineList:
    """Line numbers for a note: how many, and the first few (memory stays bounded)."""

    LIMIT = 8

    def __init__(self) -> None:
        self.count = 0
        self.first: list[int] = []

    def append(self, line: int) -> None:
        self.count += 1
        if len(self.first) < self.LIMIT:
            self.first.append(line)

    def __len__(self) -> int:
        return self.count


def _lines(lines: LineList) -> str:
    shown = ", ".join(str(n) for n in lines.first)
    return shown + (", …" if lines.count > len(lines.first) else "")


class Validator:
    """Validates records one by one; ``drain`` hands over what was accepted so far."""

    def __init__(self, table: Table, hmap: HeaderMap, crs: str, context: Context) -> None:
        self.table, self.hmap, self.crs, self.context = table, hmap, crs, context
        self.width = len(hmap.headers)
        self.positions = {target: i for i, target in hmap.columns.items()}
        self.parsers = {
            target: column_parser(table, table.column(target))
            for target in hmap.targets
            if target not in (*GEOMETRY_TARGETS, SECTION_NAME, PROVINCE, PUBLISHED_CLASS)
        }
        self.columns = [c for c in table.column_names if c in self.parsers]
        self.required = [c.name for c in table.columns if not c.nullable]
        self.records: list[dict] = []
        self.points: list[tuple[float, float]] = []
        self.rejects: list[Reject] = []
        self.rows_read = 0
        # natural keys already accepted, by hash (bounded memory on big files) → line
        self.seen: dict[int, int] = {}
        self.swapped = LineList()
        self.completed = LineList()
        self.decimal_commas = LineList()
        self.unlocated = LineList()
        self.partial = LineList()
        self.no_limit = LineList()  # rows with a non-detect without a detection limit
        self.no_limit_items: set[str] = set()
        self.recovered: dict[str, LineList] = {}
        self.by_name: dict[str, LineList] = {}  # column → rows whose river name became its code
        self.ambiguous: dict[str, set[str]] = {}  # column → names of several rivers
        self.unknown_links: dict[str, set[str]] = {}
        self.used = set(hmap.columns) | set(hmap.wide)
        self.numeric = sorted(set(hmap.wide) | {
            i for i, t in hmap.columns.items()
            if t in ("value", "detection_limit") or (
                t in self.parsers and table.column(t).type in ("real", "integer"))})

    def shape_problem(self, record: RawRecord) -> str | None:
        if record.problem:
            return record.problem
        n = len(record.values)
        if n > self.width and all(str(v).strip() == "" for v in record.values[self.width:]
                                  if v is not None):
            return None
        if n != self.width:
            where = (f" (the record runs from line {record.line} to {record.end_line}: "
                     "unbalanced quote?)") if record.end_line > record.line else ""
            return f"the row has {n} fields, the header has {self.width}{where}"
        return None

    def cell_problems(self, record: RawRecord) -> list[str]:
        return [f"{self.hmap.headers[i] if i < self.width else f'column {i + 1}'}: {why}"
                for i, why in sorted((record.cell_problems or {}).items()) if i in self.used]

    def add(self, record: RawRecord) -> None:
        self.rows_read += 1
        problem = self.shape_problem(record)
        if problem:
            self.rejects.append(Reject(record.line, problem, record.values))
            return
        cells = self.cell_problems(record)
        if cells:
            self.rejects.append(Reject(record.line, "; ".join(cells), record.values))
            return
        dropped: list[str] = []
        no_limit: list[str] = []
        if self.table.name == "measurements":
            ctx = self.context
            outcome = measurement_records(record.values, self.hmap, ctx.sections,
                                          ctx.stations, ctx.release, record.line)
            rows, problems = outcome.records, outcome.problems
            completed, dropped, no_limit = outcome.completed, outcome.dropped, outcome.no_limit
            point = None
        else:
            row, problems, point = self.parse_row(record.values, record.line)
            rows = [row]
            if not problems:
                self.codes_from_names(row, record.line)
        reading = self.table.name == "measurements" and outcome.time is not None
        if not problems:
            problems = self.duplicates(rows, record.line, outcome.time if reading else None)
        if problems:
            self.rejects.append(Reject(record.line, "; ".join(problems), record.values))
            return
        if reading:
            self.context.daily.add(rows, outcome.time, record.line)
        for row in [] if reading else rows:
            self.seen[hash(tuple(row[k] for k in self.table.natural_key))] = record.line
            self.records.append(row)
        if self.table.name == "measurements" and outcome.check is not None:
            self.context.checks.add(*outcome.check)
        if dropped:
            self.partial.append(record.line)
            self.rejects.append(Reject(record.line, "row kept, value(s) lost: " +
                                       "; ".join(dropped), record.values, kept=True))
        if no_limit:
            self.no_limit.append(record.line)
            self.no_limit_items.update(no_limit)
        if any(isinstance(record.values[i], str) and has_decimal_comma(record.values[i])
               for i in self.numeric if i < len(record.values)):
            self.decimal_commas.append(record.line)
        if self.table.name == "measurements" and completed:
            self.completed.append(record.line)
        if point is not None:
            lon, lat, swapped = point
            self.points.append((lon, lat))
            if swapped:
                self.swapped.append(record.line)
        elif self.table.is_spatial:
            self.points.append((np.nan, np.nan))
            self.unlocated.append(record.line)
        self.note_links(rows)

    def cell(self, cells: list, target: str):
        i = self.positions.get(target)
        return cells[i] if i is not None and i < len(cells) else None

    def parse_row(self, cells: list, line: int = 0) -> tuple[dict, list[str], tuple | None]:
        row: dict = {}
        problems: list[str] = []
        for name in self.columns:
            if self.table.name == "enterprises" and name == "code":
                problems += self.credit_code(cells, row, line)
                continue
            try:
                row[name] = self.parsers[name](self.cell(cells, name))
            except ValueError as exc:
                problems.append(f"{label(self.table, name)}: {exc}")
                continue
            if row[name] is None and name in self.required:
                problems.append(f"{label(self.table, name)}: missing")
        point = None
        if self.table.name in UNLOCATED_TABLES and all(
                parse_text(self.cell(cells, t)) is None for t in (LON, LAT)):
            return row, problems, None  # no coordinates: stored unlocated
        if self.table.is_spatial:
            try:
                point = point_from(self.cell(cells, LON), self.cell(cells, LAT))
            except ValueError as exc:
                problems.append(str(exc))
        return row, problems, point

    def codes_from_names(self, row: dict, line: int) -> None:
        """A river's name where its code belongs (所在河流 长江): the code of the one
        river of that name (noted); a name of several rivers is left (and noted)."""
        for column, names in self.context.names.items():
            value = row.get(column)
            if value is None or value in self.context.known.get(column, ()):
                continue
            key = norm(str(value))
            if key not in names:
                continue
            if names[key] is None:
                self.ambiguous.setdefault(column, set()).add(str(value))
                continue
            row[column] = names[key]
            self.by_name.setdefault(column, LineList()).append(line)

    def credit_code(self, cells: list, row: dict, line: int) -> list[str]:
        """The credit code, recovered from junk or the permit number (noted)."""
        try:
            code, how = recover_credit_code(self.cell(cells, "code"),
                                            self.cell(cells, "permit_no"))
        except ValueError as exc:
            row["code"] = None
            return [f"{label(self.table, 'code')}: {exc}"]
        row["code"] = code
        if how:
            self.recovered.setdefault(how, LineList()).append(line)
        return [] if code else [f"{label(self.table, 'code')}: missing"]

    def duplicates(self, rows: list[dict], line: int, time: str | None = None) -> list[str]:
        """A key already accepted; for a reading (``time``): the same section and time
        already read, or the day's key taken by a row without a time."""
        daily = self.context.daily
        if time is not None and rows:
            first = rows[0]
            earlier = daily.seen_time(first["section_code"], first["sampled_on"], time)
            if earlier is not None:
                return [f"duplicate reading (section_code={first['section_code']}, "
                        f"{first['sampled_on']} {time}): first on line {earlier}"]
        for row in rows:
            key = tuple(row[k] for k in self.table.natural_key)
            first = self.seen.get(hash(key))
            if first is not None:
                shown = ", ".join(f"{k}={v}" for k, v in zip(self.table.natural_key, key))
                return [f"duplicate key ({shown}): first on line {first}"]
            if time is None and self.table.name == "measurements" and key in daily:
                shown = ", ".join(f"{k}={v}" for k, v in zip(self.table.natural_key, key))
                return [f"duplicate key ({shown}): already given by readings with a time "
                        f"of day (line {daily.days[key].lines[0]})"]
        return []

    def finish(self) -> None:
        """The file is read: the readings' daily means join the accepted records."""
        self.records += self.context.daily.drain()

    def note_links(self, rows: list[dict]) -> None:
        for column, codes in self.context.known.items():
            for row in rows:
                value = row.get(column)
                if value is not None and value not in codes:
                    self.unknown_links.setdefault(column, set()).add(value)

    def drain(self) -> tuple[pd.DataFrame, list[Reject]]:
        """The accepted rows and the rejects since the last call (then forgotten)."""
        frame, rejects = self.frame(), self.rejects
        self.records, self.points, self.rejects = [], [], []
        return frame, rejects

    def frame(self) -> pd.DataFrame:
        measurements = self.table.name == "measurements"
        columns = list(MEASUREMENT_COLUMNS) if measurements else self.columns
        frame = pd.DataFrame.from_records(self.records, columns=columns)
        for name in columns:
            kind = self.table.column(name).type
            if kind == "date":
                frame[name] = pd.to_datetime(frame[name])
            elif kind == "integer":
                frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
            elif kind == "real":
                frame[name] = frame[name].astype(float)
            elif kind == "boolean":
                frame[name] = frame[name].astype(bool)
            else:
                frame[name] = frame[name].astype(object)
        if not self.table.is_spatial:
            return frame
        xy = np.array(self.points, dtype=float).reshape(-1, 2)
        located = ~np.isnan(xy).any(axis=1)
        lon, lat = xy[:, 0].copy(), xy[:, 1].copy()
        if located.any():
            lon[located], lat[located] = to_cgcs2000(lon[located], lat[located], self.crs)
        points = gpd.points_from_xy(lon, lat, crs=f"EPSG:{DEFAULT_SRID}")
        geometry = gpd.GeoSeries([p if ok else None for p, ok in zip(points, located)],
                                 crs=f"EPSG:{DEFAULT_SRID}")
        return gpd.GeoDataFrame(frame, geometry=geometry.values, crs=f"EPSG:{DEFAULT_SRID}")

    def warnings(self) -> list[str]:
        notes = []
        if self.swapped:
            notes.append(f"latitude and longitude exchanged on {len(self.swapped)} row(s) "
                         f"(lines {_lines(self.swapped)}); fixed")
        if self.decimal_commas:
            notes.append(f"decimal comma read as a decimal point on {len(self.decimal_commas)} "
                         f"row(s) (lines {_lines(self.decimal_commas)}, e.g. 0,025 = 0.025)")
        if self.completed:
            notes.append(f"{len(self.completed)} row(s) dated by year-month only; stored as "
                         f"the first of the month (lines {_lines(self.completed)})")
        if self.unlocated:
            notes.append(f"{len(self.unlocated)} row(s) without coordinates stored unlocated "
                         f"(lines {_lines(self.unlocated)}): not on the map until located")
        for how, lines in sorted(self.recovered.items()):
            notes.append(f"credit code recovered {how} on {len(lines)} row(s) "
                         f"(lines {_lines(lines)})")
        if self.partial:
            notes.append(f"{len(self.partial)} row(s) kept with value(s) lost, each listed "
                         f"with its reason in the rejects file (lines {_lines(self.partial)})")
        if self.no_limit:
            items = ", ".join(sorted(self.no_limit_items))
            notes.append(f"{len(self.no_limit)} row(s) with a non-detect (ND/未检出) without a "
                         f"detection limit ({items}; lines {_lines(self.no_limit)}): stored, "
                         "but not evaluated (no value to average, never zero); give the "
                         "limit as 0.02L, <0.02, ND(0.02) or a 检出限 column")
        if self.table.name == "measurements":
            ctx = self.context
            notes += [n for n in (ctx.release.note(), ctx.checks.note(None),
                                  ctx.daily.note(ctx.daily_report)) if n]
            notes += ctx.stations.notes()
        for column, lines in sorted(self.by_name.items()):
            notes.append(f"{column}: a river's name read as its code on {len(lines)} row(s) "
                         f"(lines {_lines(lines)})")
        for column, names in sorted(self.ambiguous.items()):
            shown = "、".join(sorted(names)[:5])
            notes.append(f"{column}: {shown} name(s) several rivers; give the river code "
                         "(the rivers layer), or leave it empty for link to find")
        for column, values in sorted(self.unknown_links.items()):
            examples = ", ".join(repr(v) for v in sorted(values)[:3])
            notes.append(f"{column}: {len(values)} value(s) not in the database, e.g. {examples}")
        return notes


def validate_records(records: list[RawRecord], table: Table, hmap: HeaderMap,
                     crs: str = "wgs84", context: Context | None = None) -> Validated:
    """Validate the data records (those after the header) of one file."""
    validator = Validator(table, hmap, crs, context or Context())
    for record in records:
        validator.add(record)
    validator.finish()
    frame = validator.frame()
    if len(validator.rejects) > validator.rows_read:  # a real check: asserts vanish under -O
        raise RuntimeError(f"importer: {len(validator.rejects)} rejects from "
                           f"{validator.rows_read} rows read")
    return Validated(frame, validator.rejects, validator.rows_read, validator.warnings())
