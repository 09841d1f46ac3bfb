"""Converting between (Geo)DataFrames and database values, shared by both back ends."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon
from shapely.ops import transform

from ..geometry_io import SHAPELY_2, geometries_from_wkb
from ..schema import DEFAULT_SRID, PRIMARY_KEY, Table

GEOMETRY = "geometry"  # the geometry column of every GeoDataFrame we return
_TRUE = {"1", "t", "true", "y", "yes", "是", "on"}
_FALSE = {"0", "f", "false", "n", "no", "否", "off"}
_SHAPELY_TYPES = {
    "POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
    "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
    "MULTIPOLYGON": "MultiPolygon",
}
_TYPE_IDS = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint",
             5: "MultiLineString", 6: "MultiPolygon"}  # shapely 2's get_type_id
_PROMOTE = {"Polygon": MultiPolygon, "LineString": MultiLineString, "Point": MultiPoint}


@dataclass
class Prepared:
    """A frame converted for writing: plain Python values, column by column."""

    table: Table
    columns: list[str]
    values: list[list]
    wkb: list | None  # per row WKB (None = NULL geometry); None when no geometry given
    bounds: np.ndarray | None  # per row (minx, miny, maxx, maxy)
    n: int

    def rows(self, geometry: list | None = None) -> list[tuple]:
        """Row tuples of the attribute columns, plus ``geometry`` values if given."""
        cols = list(self.values) + ([geometry] if geometry is not None else [])
        if not cols:
            return [()] * self.n
        return list(zip(*cols))


def _bad(table: Table, column: str, series: pd.Series, mask: np.ndarray, what: str) -> None:
    if mask.any():
        first = int(np.flatnonzero(mask)[0])
        value = series.iloc[first]
        raise ValueError(
            f"{table.name}.{column}: {int(mask.sum())} value(s) are not {what}, "
            f"first at row {first}: {str(value)[:60]!r}"
        )


def _numbers(table: Table, name: str, series: pd.Series, integer: bool) -> list:
    num = pd.to_numeric(series, errors="coerce")
    arr = np.asarray(num.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    missing = np.isnan(arr)
    _bad(table, name, series, missing & ~series.isna().to_numpy(), "numbers")
    if integer:
        _bad(table, name, series, ~missing & (np.mod(np.where(missing, 0, arr), 1) != 0),
             "integers")
        out = np.where(missing, 0, arr).astype(np.int64).tolist()
    else:
        out = arr.tolist()
    if missing.any():
        for i in np.flatnonzero(missing).tolist():
            out[i] = None
    return out


def parse_dates(values, strict: bool) -> pd.DatetimeIndex:
    """Distinct date values (str, date, datetime, Timestamp) as naive dates.

    Tries ISO ``YYYY-MM-DD`` for all, then each remaining value alone (pandas 2 infers
    one format for a whole array); ``strict`` raises ValueError on what stays unparsed.
    """
    index = pd.Index(list(values), dtype=object)
    parsed = pd.to_datetime(index, format="%Y-%m-%d", errors="coerce") if len(index) \
        else pd.DatetimeIndex([])
    if parsed.tz is not None:
        parsed = parsed.tz_localize(None)
    bad = np.flatnonzero(np.asarray(parsed.isna()) & np.asarray(index.notna())).tolist()
    if bad:
        fixed = parsed.tolist()
        for i in bad:
            try:
                stamp = pd.Timestamp(index[i])
            except (ValueError, TypeError, OverflowError):
                if strict:
                    raise ValueError(f"not a date: {str(index[i])[:40]!r}") from None
                stamp = pd.NaT
            fixed[i] = stamp.tz_localize(None) if stamp is not pd.NaT and stamp.tz else stamp
        parsed = pd.DatetimeIndex(fixed)
    return parsed.normalize()


def _dates(table: Table, name: str, series: pd.Series) -> list:
    codes, uniques = pd.factorize(series)
    try:
        parsed = parse_dates(uniques, strict=True)
    except ValueError as exc:
        raise ValueError(f"{table.name}.{name}: {exc}") from None
    text = np.array(list(parsed.strftime("%Y-%m-%d")) + [None], dtype=object)
    return text[codes].tolist()  # code -1 (missing) picks the trailing None


def _booleans(table: Table, name: str, series: pd.Series) -> list:
    if series.dtype == bool:
        return series.astype(int).tolist()
    out = []
    for i, v in enumerate(series.tolist()):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            out.append(None)
        elif isinstance(v, (bool, np.bool_, int, np.integer, float)) and v in (0, 1):
            out.append(int(bool(v)))
        elif isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
            out.append(1 if v.strip().lower() in _TRUE else 0)
        else:
            raise ValueError(f"{table.name}.{name}: not a boolean at row {i}: {str(v)[:60]!r}")
    return out


def _texts(series: pd.Series) -> list:
    return [None if m else (v if isinstance(v, str) else str(v))
            for v, m in zip(series.tolist(), series.isna().tolist())]


def _convert(table: Table, name: str, series: pd.Series) -> list:
    kind = table.column(name).type
    if kind == "text":
        return _texts(series)
    if kind in ("integer", "real"):
        return _numbers(table, name, series, kind == "integer")
    if kind == "date":
        return _dates(table, name, series)
    if kind == "boolean":
        return _booleans(table, name, series)
    raise ValueError(f"{table.name}.{name}: unknown column type {kind!r}")


def _fix(table: Table, geom, kind: str, i: int):
    """``geom`` as the table's geometry type (single <-> multi of one part)."""
    want = _SHAPELY_TYPES[table.geometry]
    if _PROMOTE.get(kind) is not None and _PROMOTE[kind].__name__ == want:
        return _PROMOTE[kind]([geom])
    if kind.startswith("Multi") and kind[5:] == want and len(geom.geoms) == 1:
        return geom.geoms[0]
    raise ValueError(f"{table.name}: row {i} is a {kind}, expected {want}")


def _geometries(table: Table, gs: gpd.GeoSeries) -> tuple[list, np.ndarray]:
    """WKB (2D, the table's geometry type, EPSG:4490) and bounds of a GeoSeries."""
    if gs.crs is not None and gs.crs.to_epsg() != DEFAULT_SRID:
        gs = gs.to_crs(epsg=DEFAULT_SRID)
    want = _SHAPELY_TYPES[table.geometry]
    if SHAPELY_2:
        import shapely

        geoms = np.asarray(gs.to_numpy(), dtype=object).copy()
        geoms[shapely.is_missing(geoms) | shapely.is_empty(geoms)] = None
        kinds = shapely.get_type_id(geoms)
        want_id = {v: k for k, v in _TYPE_IDS.items()}[want]
        for i in np.flatnonzero((kinds >= 0) & (kinds != want_id)).tolist():
            geoms[i] = _fix(table, geoms[i], geoms[i].geom_type, i)
        wkb = shapely.to_wkb(geoms, output_dimension=2).tolist()
        return wkb, np.asarray(shapely.bounds(geoms), dtype=float).reshape(-1, 4)
    wkb, bounds = [], np.full((len(gs), 4), np.nan)
    for i, geom in enumerate(gs):
        if geom is None or geom.is_empty:
            wkb.append(None)
            continue
        if geom.has_z:
            geom = transform(lambda x, y, z=None: (x, y), geom)
        kind = geom.geom_type
        if kind != want:
            geom = _fix(table, geom, kind, i)
        wkb.append(geom.wkb)
        bounds[i] = geom.bounds
    return wkb, bounds


def prepare(table: Table, frame: pd.DataFrame, mode: str) -> Prepared:
    """Check ``frame`` against ``table`` and convert it for writing; ValueError if bad."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table.name}: expected a DataFrame, got {type(frame).__name__}")
    geom_name = None
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        geom_name = frame._geometry_column_name
        if not table.is_spatial:
            raise ValueError(f"{table.name} is a table without geometry")
    columns = [str(c) for c in frame.columns if c not in (geom_name, PRIMARY_KEY)]
    unknown = sorted(set(columns) - set(table.column_names))
    if unknown:
        raise ValueError(f"{table.name}: unknown column(s) {', '.join(unknown)}")
    if len(set(columns)) != len(columns):
        raise ValueError(f"{table.name}: duplicate column names")
    required = list(table.natural_key)
    if mode != "upsert":
        required += [c.name for c in table.columns if not c.nullable]
    missing = [c for c in dict.fromkeys(required) if c not in columns]
    if missing:
        raise ValueError(f"{table.name}: missing required column(s) {', '.join(missing)}")
    ordered = [c for c in table.column_names if c in columns]
    values = [_convert(table, c, frame[c]) for c in ordered]
    n = len(frame)
    key_idx = [ordered.index(k) for k in table.natural_key]
    keys = list(zip(*(values[i] for i in key_idx))) if n else []
    if any(None in k for k in keys):
        raise ValueError(f"{table.name}: empty natural key ({', '.join(table.natural_key)})")
    if len(set(keys)) != len(keys):
        seen: set = set()
        dups = [k for k in keys if k in seen or seen.add(k)]
        raise ValueError(f"{table.name}: {len(dups)} duplicate natural key(s), e.g. {dups[0]}")
    wkb = bounds = None
    if geom_name is not None:
        wkb, bounds = _geometries(table, frame.geometry)
    return Prepared(table, ordered, values, wkb, bounds, n)


# --- reading -------------------------------------------------------------------------


def _read_dates(values) -> pd.Series:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    parsed = parse_dates(uniques, strict=False)
    arr = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(arr[codes], dtype="datetime64[ns]")


def _read_booleans(values) -> pd.Series:
    mapping = {1: True, 0: False, "1": True, "0": False, "t": True, "f": False,
               "true": True, "false": False}
    s = pd.Series(values, dtype=object).map(mapping)
    if s.isna().any():
        return s.astype("boolean")
    return s.astype(bool)


def column_series(kind: str, values) -> pd.Series:
    """A column read from the database as the dtype of its logical ``kind``.

    text: object (None for NULL); integer: nullable ``Int64``; real: float64;
    date: datetime64[ns]; boolean: bool, or nullable ``boolean`` when NULLs occur.
    A Series is taken as already converted.
    """
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if kind == "text":
        s = pd.Series(values, dtype=object)
        return s.where(s.notna(), None)
    if kind == "real":
        return pd.to_numeric(pd.Series(values, dtype=object)).astype(float)
    if kind == "integer":
        num = pd.to_numeric(pd.Series(values, dtype=object))
        return num.astype("Int64")
    if kind == "date":
        return _read_dates(values)
    if kind == "boolean":
        return _read_booleans(values)
    raise ValueError(f"unknown column type {kind!r}")


def build_frame(table: Table, columns: list[str], data: list) -> pd.DataFrame:
    """A DataFrame of ``columns`` from per-column value sequences."""
    series = {c: column_series(table.column(c).type, v) for c, v in zip(columns, data)}
    if not series:
        return pd.DataFrame()
    # no columns= argument: pandas 1.5 would then copy every column through object dtype
    return pd.DataFrame(series)


def fill_missing(table: Table, frame: pd.DataFrame, columns: list[str], n: int
                 ) -> pd.DataFrame:
    """``frame`` with ``columns`` in order, those it lacks added empty (``n`` rows),
    each with the dtype its kind reads as: what an older schema's database gives."""
    series = {c: frame[c].reset_index(drop=True) if c in frame.columns
              else column_series(table.column(c).type, [None] * n) for c in columns}
    return pd.DataFrame(series) if series else pd.DataFrame(index=range(n))


def build_geoframe(frame: pd.DataFrame, wkb: list) -> gpd.GeoDataFrame:
    """Attach geometries (WKB bytes or hex strings) as column "geometry", EPSG:4490."""
    crs = f"EPSG:{DEFAULT_SRID}"
    geoms = geometries_from_wkb(wkb, crs)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)
