"""Measurement rows (long or wide) → measurement records.

Long: one item per row (项目, 监测值, optional 单位 and 检出限).  Wide: one column
per item, the unit in the header (``铅(μg/L)``); empty cells are not measurements.
Values are converted to the item's standard unit (``parameters.STANDARD_UNITS``).
A value below detection is stored as ``value`` NaN, ``below_detection`` True and
its ``detection_limit`` (from ``0.02L``/``<0.02``/``ND(0.02)`` or the 检出限 column).
Negative values are rejected except for water temperature; pH must be 0–14.

The section is given by code (断面编码) or name (断面名称); with a database the
code must exist in ``sections`` and a name must match exactly one section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .headers import SECTION_NAME, HeaderMap
from .parameters import STANDARD_UNITS, Measured, parameter_code, parse_value, unit_factor
from .values import norm, parse_code, parse_date, parse_number, parse_text


@dataclass
class SectionIndex:
    """Known sections: codes, and names → codes (None: not checked)."""

    codes: set[str] | None = None
    names: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs) -> SectionIndex:
        index = cls(set(), {})
        for code, name in pairs:
            if code is None:
                continue
            index.codes.add(str(code))
            if name:
                index.names.setdefault(norm(name), []).append(str(code))
        return index

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


def measurement_records(cells: list, hmap: HeaderMap, sections: SectionIndex
                        ) -> tuple[list[dict], list[str], bool]:
    """(records, problems, date completed from a year-month) for one row."""
    problems: list[str] = []

    def cell(target: str):
        i = hmap.index(target)
        return cells[i] if i is not None and i < len(cells) else None

    section = day = None
    completed = False
    try:
        code = parse_code(cell("section_code"))
        name = parse_text(cell(SECTION_NAME))
        section = sections.resolve(code, name)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        parsed = parse_date(cell("sampled_on"))
        if parsed is None:
            problems.append("采样日期 (sampled_on): missing")
        else:
            day, completed = parsed
    except ValueError as exc:
        problems.append(f"采样日期 (sampled_on): {exc}")
    items: list[tuple[str, Measured]] = []
    if hmap.wide:
        for i, (code, factor, _unit) in hmap.wide.items():
            raw = cells[i] if i < len(cells) else None
            if parse_text(raw) is None:
                continue
            try:
                measured = parse_value(raw).scaled(factor)
                _check(code, measured)
                items.append((code, measured))
            except ValueError as exc:
                problems.append(f"{hmap.headers[i]}: {exc}")
        if not items and not problems:
            problems.append("no measured value in the row")
    else:
        items_or_problem = _long_item(cell)
        if isinstance(items_or_problem, str):
            problems.append(items_or_problem)
        else:
            items.append(items_or_problem)
    if problems:
        return [], problems, completed
    return [_record(section, day, code, m) for code, m in items], [], completed


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
