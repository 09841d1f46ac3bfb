"""Per-column parsers for a table, and the coordinate pair of a point row.

``column_parser(table, column)`` returns a function raw cell → value (None when
empty) raising ValueError with a reason.  Rules beyond the column's type:

* natural keys and ``*_code`` columns are identifiers (NFKC, no whitespace);
* the enterprise ``code`` is a unified social credit code, checked by
  ``core.identifiers`` (length, alphabet, check character), upper-cased;
* loads, discharge, capacity and head counts must not be negative; progress is
  0–100 (``85%`` accepted there, and only there: a percent sign in a load column
  is refused);
* dates: a year-month is the first of the month, except for ``deadline`` columns,
  where it is the last day of the month ("by 2025年12月");
* coded columns accept their English value or a Chinese synonym
  (``values.CHOICE_SYNONYMS``); ``target_class`` accepts 3 / III / Ⅲ类 / 劣V.

Coordinates (``point_from``): decimal or DMS text.  Hemisphere letters that put
the latitude in the longitude column, or values that only fall inside China
when exchanged, are treated as swapped columns and **fixed with a warning**: for
China's extent (longitude 73–135, latitude 4–54) the two readings can never both be
inside, so the fix is unambiguous.  A point outside China is rejected.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

from .. import identifiers
from ..coords import in_china, parse_coordinate
from ..schema import Column, Table
from .cell_parsers import (
    parse_choice,
    parse_code,
    parse_date,
    parse_number,
    parse_text,
    parse_water_class,
)

Parser = Callable[[object], object]
NON_NEGATIVE_UNITS = ("t/a", "m³/d")
_SPECIAL: dict[tuple[str, str], Parser] = {}


def _credit_code(raw) -> str | None:
    code = parse_code(raw)
    if code is None:
        return None
    code = code.upper()
    problem = identifiers.credit_code_problem(code)
    if problem:
        raise ValueError(problem)
    return code


def _progress(raw) -> float | None:
    return parse_number(raw, minimum=0, maximum=100, percent=True)


def _date(raw):
    parsed = parse_date(raw)
    return None if parsed is None else parsed[0]


def _deadline(raw):
    """A deadline given as a year-month means the end of that month."""
    parsed = parse_date(raw)
    if parsed is None:
        return None
    day, completed = parsed
    if not completed:
        return day
    following = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return following - dt.timedelta(days=1)


_SPECIAL[("enterprises", "code")] = _credit_code
_SPECIAL[("projects", "progress")] = _progress
_SPECIAL[("sections", "target_class")] = parse_water_class


def is_code_column(table: Table, column: Column) -> bool:
    """Identifiers: natural-key text columns and every ``*_code`` column."""
    return column.type == "text" and (
        column.name in table.natural_key or column.name == "code"
        or column.name.endswith("_code")
    )


def column_parser(table: Table, column: Column) -> Parser:
    """The parser of ``table.column`` (see the module docstring)."""
    special = _SPECIAL.get((table.name, column.name))
    if special is not None:
        return special
    if column.choices:
        choices = column.choices
        return lambda raw: parse_choice(raw, choices)
    if column.type == "text":
        return parse_code if is_code_column(table, column) else parse_text
    if column.type in ("real", "integer"):
        integer = column.type == "integer"
        minimum = 0.0 if (column.unit in NON_NEGATIVE_UNITS or integer) else None
        return lambda raw: parse_number(raw, minimum=minimum, integer=integer)
    if column.type == "date":
        return _deadline if column.name == "deadline" else _date
    raise ValueError(f"{table.name}.{column.name}: type {column.type} is not importable")


def label(table: Table, name: str) -> str:
    """``统一社会信用代码 (code)`` for reasons in the rejects file."""
    try:
        return f"{table.column(name).zh} ({name})"
    except KeyError:
        return {"lon": "经度 (lon)", "lat": "纬度 (lat)",
                "section_name": "断面名称 (section_name)"}.get(name, name)


def point_from(raw_lon, raw_lat) -> tuple[float, float, bool]:
    """(lon, lat, swapped) in the source CRS; ValueError with a reason otherwise."""
    missing = [n for n, v in (("经度 (lon)", raw_lon), ("纬度 (lat)", raw_lat))
               if parse_text(v) is None]
    if missing:
        raise ValueError(f"{' and '.join(missing)}: missing")
    try:
        lon, lon_letter = parse_coordinate(raw_lon)
    except ValueError as exc:
        raise ValueError(f"经度 (lon): {exc}") from None
    try:
        lat, lat_letter = parse_coordinate(raw_lat)
    except ValueError as exc:
        raise ValueError(f"纬度 (lat): {exc}") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("coordinates are not finite numbers")
    if max(abs(lon), abs(lat)) > 360:
        raise ValueError(f"({lon:g}, {lat:g}) are not degrees: projected coordinates are not "
                         "supported, give longitude and latitude")
    lon_axis = {"N": "lat", "S": "lat", "E": "lon", "W": "lon"}.get(lon_letter or "")
    lat_axis = {"N": "lat", "S": "lat", "E": "lon", "W": "lon"}.get(lat_letter or "")
    if lon_axis and lon_axis == lat_axis:
        kind = "latitudes" if lon_axis == "lat" else "longitudes"
        raise ValueError(f"both coordinates are {kind} ({raw_lon!s}, {raw_lat!s})")
    swapped = lon_axis == "lat" or lat_axis == "lon"
    if swapped:
        lon, lat = lat, lon
    elif not in_china(lon, lat) and in_china(lat, lon) and not (lon_axis or lat_axis):
        lon, lat, swapped = lat, lon, True
    if not in_china(lon, lat):
        raise ValueError(f"point ({lon:.6f}, {lat:.6f}) is outside China")
    return lon, lat, swapped
