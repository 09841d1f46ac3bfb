"""Compact, column-oriented encoding of layers for the pages' JavaScript.

One JSON object per layer with one array per column (not one object per
feature).  Coordinates are integers in 1e-5 degrees (about 1 m) from the page's
``origin``; along a line or ring each vertex is the difference from the previous
one.  Repetitive text columns are dictionary-coded (``{"k": [values], "i":
[indices]}``).  Each layer's JSON is then gzipped (``folium_elements.packed``): that
is what makes the file small; a text codec of our own saved 20 % raw but only 8.6 %
once gzipped, and was dropped (BENCHMARKS.md, "HTML reviewer pages").  The page
creates its markers from these arrays in a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Optional

import numpy as np
import pandas as pd

from ..geometry_io import flatten, read_many

Transform = Optional[Callable[[np.ndarray, np.ndarray], tuple]]
DIGITS = 5


def geometry_list(geoms: Iterable) -> list:
    """The shapely geometries of a GeoSeries (or any iterable) as a plain list, read from
    geopandas' own array (iterating a GeoSeries costs a Python call per element)."""
    values = getattr(geoms, "values", geoms)
    raw = getattr(values, "_data", getattr(values, "data", None))  # GeometryArray's ndarray
    return raw.tolist() if isinstance(raw, np.ndarray) else list(values)


SCALE = 10 ** DIGITS


def quantized(a: np.ndarray, origin: float) -> np.ndarray:
    """Integer steps of 1e-5 degrees from ``origin``."""
    return np.round((np.asarray(a, dtype=float) - origin) * SCALE).astype(np.int64)


def origin_of(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """A whole-degree origin at the south-west of the coordinates (default 100°E 20°N)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return 100.0, 20.0
    return float(np.floor(x[ok].min())), float(np.floor(y[ok].min()))


def _clean_scalar(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else round(float(v), 3)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


def encode_column(values: Iterable, dictionary: bool | None = None) -> list | dict:
    """A column as a list, or dictionary-coded when its values repeat a lot."""
    s = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    if len(s) and (pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s)):
        a = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
        a = np.where(np.isfinite(a), np.round(a, 3), np.nan)
        ints = np.isfinite(a) & (a == np.round(a))
        return [None if v != v else (int(v) if k else v) for v, k in zip(a.tolist(), ints)]
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in s]
    s = s.astype(object).where(s.notna(), None)
    if dictionary is None:
        dictionary = len(s) >= 20 and s.nunique(dropna=True) <= len(s) // 3
    if dictionary:
        codes, uniques = pd.factorize(s)  # missing values get code -1
        return {"k": [_clean_scalar(u) if not isinstance(u, str) else u for u in uniques],
                "i": codes.tolist()}
    return [v if isinstance(v, str) else _clean_scalar(v) for v in s.tolist()]


def encode_props(frame: pd.DataFrame, columns: Iterable[str]) -> dict:
    """The listed columns of ``frame`` (those present) encoded with :func:`encode_column`."""
    return {c: encode_column(frame[c]) for c in columns if c in frame.columns}


def _encode_rings(rings: list, transform: Transform, origin: tuple[float, float]) -> list:
    """Every ring as ``[x0, y0, dx1, dy1, …]``: the first vertex in steps from ``origin``,
    then differences (None for a ring of fewer than 2 points) — one numpy pass."""
    if not rings:
        return []
    lens = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    xy = np.concatenate(rings).astype(float, copy=False)
    if transform is not None and len(xy):
        x, y = transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([x, y])
    q = np.round((xy - np.asarray(origin)) * SCALE).astype(np.int64)
    d = q.copy()
    d[1:] -= q[:-1]
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    ok = lens >= 2
    d[starts[ok]] = q[starts[ok]]
    flat = d.ravel().tolist()
    return [flat[2 * s: 2 * (s + n)] if n >= 2 else None
            for s, n in zip(starts.tolist(), lens.tolist())]


def _simplified(geoms: list, tolerance: float) -> list:
    if not tolerance:
        return geoms
    try:  # shapely 2: vectorised
        from shapely import simplify

        arr = np.empty(len(geoms), dtype=object)
        arr[:] = geoms
        return list(simplify(arr, tolerance, preserve_topology=False))
    except ImportError:
        return [g.simplify(tolerance, preserve_topology=False) if g is not None else None
                for g in geoms]


def encode_lines(geoms: Iterable, transform: Transform = None, simplify: float = 0.0,
                 origin: tuple[float, float] = (0.0, 0.0)) -> list:
    """Per feature: a list of parts, each a flat ``[x0, y0, dx1, dy1, …]`` list."""
    structures, rings = read_many(_simplified(geometry_list(geoms), simplify))
    enc = _encode_rings(rings, transform, origin)
    return [[enc[i] for i in flatten(s, "line") if enc[i] is not None] for s in structures]


def encode_polygons(geoms: Iterable, transform: Transform = None, simplify: float = 0.0,
                    origin: tuple[float, float] = (0.0, 0.0)) -> list:
    """Per feature: a list of polygons, each a list of flat rings (outer first)."""
    structures, rings = read_many(_simplified(geometry_list(geoms), simplify))
    enc = _encode_rings(rings, transform, origin)
    return [[[enc[i] for i in ids if enc[i] is not None]
             for ids in flatten(s, "polygon") if ids and enc[ids[0]] is not None]
            for s in structures]


def bounds_of(boxes: Iterable, transform: Transform = None) -> list | None:
    """``[[south, west], [north, east]]`` around ``(x0, y0, x1, y1)`` boxes (None: none)."""
    b = np.array([bx for bx in boxes if bx is not None and np.all(np.isfinite(bx))], dtype=float)
    if not len(b):
        return None
    x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    if transform is not None:
        (x0, x1), (y0, y1) = transform(np.array([x0, x1]), np.array([y0, y1]))
    return [[round(float(y0), 5), round(float(x0), 5)], [round(float(y1), 5), round(float(x1), 5)]]


def box_of_points(x: np.ndarray, y: np.ndarray) -> tuple | None:
    """The bounding box of finite coordinates (None when there is none)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    return (x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max())
