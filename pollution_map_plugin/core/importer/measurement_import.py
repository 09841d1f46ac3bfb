"""Measurement rows (long or wide) → measurement records.

Long: one item per row (项目, 监测值, optional 单位 and 检出限).  Wide: one column
per item, the unit in the header (``铅(μg/L)``); empty cells (and ``--``, ``*``) are not
measurements, and a bad cell loses that value only (the row's other values are kept,
the reason is listed).  Readings with a time of day (``02-04 11:00``) of one section
and day are averaged into the daily mean (``daily.DailyMeans``).  The monitoring
release (``release``) adds 省份 and 水质类别.
Values are converted to the item's standard unit (``parameters.STANDARD_UNITS``).
A value below detection is stored as ``value`` NaN, ``below_detection`` True and
its ``detection_limit`` (from ``0.02L``/``<0.02``/``ND(0.02)`` or the 检出限 column).
Negative values are rejected except for water temperature; pH must be 0–14.

The section is given by code (断面编码) or name (断面名称); with a database the
code must exist in ``sections`` and a name must match exactly one section.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .cell_parsers import (
    is_missing,
    norm,
    parse_code,
    parse_date,
    parse_number,
    parse_text,
    parse_water_class,
)
from .daily import time_of_day
from .headers import PROVINCE, PUBLISHED_CLASS, SECTION_NAME, HeaderMap
from .parameters import STANDARD_UNITS, Measured, parameter_code, parse_value, unit_factor
from .release import MissingYearError, ReleaseTime, guess_water_body, section_code

_GENERATED = re.compile(r"^\d{2}-")  # codes of stations created from a release


@dataclass
class SectionIndex:
    """Known sections: codes, names → codes, water-body types (codes None: not checked)."""

    codes: set[str] | None = None
    names: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs, types=None) -> SectionIndex:
        index = cls(set(), {})
        for code, name in pairs:
            if code is None:
                continue
            index.codes.add(str(code))
            if name:
                index.names.setdefault(norm(name), []).append(str(code))
        index.types = {str(c): str(t) for c, t in (types or {}).items() if t}
        return index

    def add(self, code: str, name: str, water_body_type: str) -> None:
        """A section created during the import."""
        if self.codes is None:
            self.codes = set()
        self.codes.add(code)
        self.names.setdefault(norm(name), []).append(code)
        self.types[code] = water_body_type

    def resolve(self, code: str | None, name: str | None) -> str:
        """The section code; ValueError with a reason when unknown or ambiguous."""
        if code is not None:
            if self.codes is not None and code not in self.codes:
                if code and norm(code) in self.names:  # a name in the code column
                    return self.resolve(None, code)
                raise ValueError(f"断面编码 (section_code): unknown section {code!r}")
            return code
        if name is None:
            raise ValueError("断面编码 (section_code): missing")
        if self.codes is None:
            raise ValueError(f"section name {name!r} cannot be resolved without a database")
        found = self.names.get(norm(name), [])
        if not found:
            raise ValueError(f"断面名称 (section_name): unknown section {name!r}")
        if len(found) > 1:
            raise ValueError(f"断面名称 (section_name): {name!r} names several sections "
                             f"({', '.join(sorted(found))}); give the code")
        return found[0]


@dataclass
class Stations:
    """Stations of a monitoring release: sections by (province, name), created on request.

    A station is its section coded ``section_code(province, name)`` when that exists;
    else the one section of that name (a bureau's own list), unless the name was
    already matched so for another province of the file (新华 in two provinces);
    else, with ``create``, a new unlocated section (level national, water-body type
    ``water_body`` or guessed from the name).
    """

    create: bool = False
    water_body: str = "guess"
    created: dict[str, dict] = field(default_factory=dict)  # pending, drained per chunk
    n_created: int = 0
    guessed: dict[str, list[str]] = field(default_factory=dict)  # type → names
    by_name: dict[str, str] = field(default_factory=dict)  # name → province matched
    matched: int = 0

    def lookup(self, sections: SectionIndex, province: str, name: str) -> tuple[str, bool]:
        """(section code, True when it is still to be created); ValueError if unknown."""
        generated = section_code(province, name)  # ValueError: unknown province
        if sections.codes is not None and generated in sections.codes:
            return generated, False
        key = norm(name)
        owner = self.by_name.get(key)
        own = [c for c in sections.names.get(key, []) if not _GENERATED.match(c)]
        if sections.codes is not None and owner in (None, province) and len(own) == 1:
            self.by_name[key] = province
            self.matched += owner is None
            return own[0], False
        if not self.create:
            raise ValueError(f"断面名称 (section_name): unknown station {name!r} ({province}); "
                             "--create-sections creates it, or import a section list first")
        return generated, True

    def create_section(self, sections: SectionIndex, generated: str, name: str) -> None:
        """Create the unlocated section ``generated`` (its row is accepted)."""
        kind = guess_water_body(name) if self.water_body == "guess" else self.water_body
        if self.water_body == "guess":
            self.guessed.setdefault(kind, []).append(name)
        self.created[generated] = {"code": generated, "name": name, "level": "national",
                                   "water_body_type": kind}
        self.n_created += 1
        sections.add(generated, name, kind)

    def notes(self) -> list[str]:
        out = []
        if self.matched:
            out.append(f"{self.matched} station(s) matched to an existing section by name")
        if self.n_created:
            out.append(f"{self.n_created} section(s) created from (province, name), "
                       "unlocated (no coordinates): import a section list with their codes "
                       "and coordinates to place them")
        for kind, names in sorted(self.guessed.items()):
            shown = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
            why = "湖/水库/库心/库区 in the name" if kind == "lake" else "no lake word in the name"
            out.append(f"water-body type guessed {kind} for {len(names)} new section(s) "
                       f"({why}: {shown}); --water-body river|lake overrides it")
        return out


@dataclass
class Outcome:
    """One measurement row: its records, why it is rejected, values it lost."""

    records: list[dict]
    problems: list[str]
    completed: bool = False
    dropped: list[str] = field(default_factory=list)
    check: tuple | None = None  # ClassCheck.add arguments, once the row is accepted
    time: str | None = None  # the reading's time of day (``HH:MM``), when given
    no_limit: list[str] = field(default_factory=list)  # non-detects without a limit


def _no_limit(items: list[tuple[str, Measured]]) -> list[str]:
    """The items of a row that are non-detects without a detection limit (``ND``,
    ``未检出``): stored, but with no value to average (never counted as zero)."""
    return [code for code, m in items if m.below_detection and math.isnan(m.detection_limit)]


def _check(code: str, measured: Measured) -> None:
    v = measured.value
    if math.isnan(v):
        return
    if code == "pH" and not 0 <= v <= 14:
        raise ValueError(f"pH {v:g} is outside 0–14")
    if code != "WT" and v < 0:
        raise ValueError(f"negative value {v:g}")


def _record(section: str, day, code: str, measured: Measured) -> dict:
    return {
        "section_code": section, "sampled_on": day, "parameter": code,
        "value": measured.value, "below_detection": measured.below_detection,
        "detection_limit": measured.detection_limit, "unit": STANDARD_UNITS[code] or None,
    }


def _section(cell, sections: SectionIndex, stations: Stations | None) -> tuple[str, bool]:
    """(section code, to be created)."""
    code = parse_code(cell("section_code"))
    name = parse_text(cell(SECTION_NAME))
    province = parse_text(cell(PROVINCE))
    if code is None and name is not None and province is not None and stations is not None:
        return stations.lookup(sections, province, name)
    return sections.resolve(code, name), False


def _day(cell, release: ReleaseTime | None) -> tuple[object, bool]:
    raw = cell("sampled_on")
    if release is not None:
        day = release.date(raw)  # MissingYearError propagates: the import is refused
        if day is not None:
            return day, False
    parsed = parse_date(raw)
    if parsed is None:
        raise ValueError("missing")
    return parsed


def _wide_items(cells: list, hmap: HeaderMap) -> tuple[list[tuple[str, Measured]], list[str]]:
    """Every wide cell: a value, nothing (empty, ``--``, ``*``) or a reason it is lost."""
    items: list[tuple[str, Measured]] = []
    dropped: list[str] = []
    for i, (code, factor, _unit) in hmap.wide.items():
        raw = cells[i] if i < len(cells) else None
        if is_missing(raw):
            continue
        try:
            measured = parse_value(raw).scaled(factor)
            _check(code, measured)
            items.append((code, measured))
        except ValueError as exc:
            dropped.append(f"{hmap.headers[i]}: {exc}")
    return items, dropped


def measurement_records(cells: list, hmap: HeaderMap, sections: SectionIndex,
                        stations: Stations | None = None, release: ReleaseTime | None = None,
                        line: int = 0) -> Outcome:
    """The records of one row.  Wide rows: a bad cell loses that value only (listed in
    ``dropped``); the row is rejected when no value is left or its section or date is
    bad.  ``check``: the published 水质类别 and the row's values, for ``ClassCheck``."""
    problems: list[str] = []

    def cell(target: str):
        i = hmap.index(target)
        return cells[i] if i is not None and i < len(cells) else None

    section = day = None
    completed = new = False
    try:
        section, new = _section(cell, sections, stations)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        day, completed = _day(cell, release)
    except MissingYearError:
        raise
    except ValueError as exc:
        problems.append(f"采样日期 (sampled_on): {exc}")
    dropped: list[str] = []
    if hmap.wide:
        items, dropped = _wide_items(cells, hmap)
        if not items and not dropped and not problems:
            problems.append("no measured value in the row")
    else:
        items_or_problem = _long_item(cell)
        if isinstance(items_or_problem, str):
            problems.append(items_or_problem)
            items = []
        else:
            items = [items_or_problem]
    published = None
    try:
        published = parse_water_class(cell(PUBLISHED_CLASS))
    except ValueError as exc:
        dropped.append(f"水质类别 (published class): {exc}")
    if problems or not items:
        return Outcome([], problems + dropped, completed)
    if new and stations is not None:
        stations.create_section(sections, section, parse_text(cell(SECTION_NAME)) or "")
    check = None
    if published is not None:
        kind = sections.types.get(str(section), "river")
        check = (line, parse_text(cell(PROVINCE)) or "", parse_text(cell(SECTION_NAME)) or "",
                 str(section), parse_text(cell("sampled_on")) or "", published,
                 [(c, m.value) for c, m in items], kind)
    return Outcome([_record(section, day, code, m) for code, m in items], [], completed,
                   dropped, check, time_of_day(cell("sampled_on")), _no_limit(items))


def _long_item(cell) -> tuple[str, Measured] | str:
    raw_param = parse_text(cell("parameter"))
    if raw_param is None:
        return "监测项目 (parameter): missing"
    code = parameter_code(raw_param)
    if code is None:
        return f"监测项目 (parameter): unknown parameter {raw_param!r}"
    try:
        factor = unit_factor(code, parse_text(cell("unit")))
    except ValueError as exc:
        return f"单位 (unit): {exc}"
    try:
        measured = parse_value(cell("value"))
    except ValueError as exc:
        return f"监测值 (value): {exc}"
    try:
        limit = parse_number(cell("detection_limit"), minimum=0)
    except ValueError as exc:
        return f"检出限 (detection_limit): {exc}"
    if measured.below_detection and math.isnan(measured.detection_limit) and limit:
        measured = Measured(math.nan, True, limit)
    measured = measured.scaled(factor)
    try:
        _check(code, measured)
    except ValueError as exc:
        return f"监测值 (value): {exc}"
    return code, measured
