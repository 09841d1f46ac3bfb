"""Compact, column-oriented encoding of layers for the pages' JavaScript.

One JSON object per layer with one array per column (not one object per
feature): coordinates rounded to 1e-5 degrees (about 1 m), repetitive text
columns dictionary-coded (``{"k": [values], "i": [indices]}``).  The page
creates its markers from these arrays in a loop; this is what keeps a 40,000-point
overview small and fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Optional

import numpy as np
import pandas as pd

Transform = Optional[Callable[[np.ndarray, np.ndarray], tuple]]
DIGITS = 5


def _round(a: np.ndarray, digits: int = DIGITS) -> list:
    return np.round(np.asarray(a, dtype=float), digits).tolist()


def valid_points(gdf) -> pd.Series:
    """Mask of rows with a non-empty point geometry and finite coordinates."""
    if len(gdf) == 0:
        return pd.Series([], dtype=bool)
    geom = gdf.geometry
    ok = geom.notna() & ~geom.is_empty
    if "Point" in set(geom[ok].geom_type):
        x = np.full(len(gdf), np.nan)
        y = np.full(len(gdf), np.nan)
        pts = ok.to_numpy() & (geom.geom_type == "Point").to_numpy()
        x[pts] = geom[pts].x.to_numpy()
        y[pts] = geom[pts].y.to_numpy()
        return pd.Series(np.isfinite(x) & np.isfinite(y), index=gdf.index)
    return pd.Series(np.zeros(len(gdf), dtype=bool), index=gdf.index)


def point_xy(gdf, transform: Transform = None) -> tuple[list, list]:
    """Rounded lon and lat lists of a point layer (all rows must be valid points)."""
    x = gdf.geometry.x.to_numpy(dtype=float)
    y = gdf.geometry.y.to_numpy(dtype=float)
    if transform is not None and len(x):
        x, y = transform(x, y)
    return _round(x), _round(y)


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
        return [_clean_scalar(v) for v in s.tolist()]
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


def _flat(coords, transform: Transform) -> list:
    a = np.asarray(coords, dtype=float)[:, :2]
    x, y = a[:, 0], a[:, 1]
    if transform is not None:
        x, y = transform(x, y)
    out = np.empty(2 * len(x))
    out[0::2] = x
    out[1::2] = y
    return _round(out)


def _parts(geom) -> list:
    if geom is None or geom.is_empty:
        return []
    if hasattr(geom, "geoms"):
        return [g for g in geom.geoms if not g.is_empty]
    return [geom]


def encode_lines(geoms: Iterable, transform: Transform = None, simplify: float = 0.0) -> list:
    """Per feature: a list of parts, each a flat ``[x0, y0, x1, y1, …]`` list."""
    out = []
    for geom in geoms:
        if simplify and geom is not None and not geom.is_empty:
            geom = geom.simplify(simplify, preserve_topology=False)
        out.append([_flat(p.coords, transform) for p in _parts(geom) if len(p.coords) >= 2])
    return out


def encode_polygons(geoms: Iterable, transform: Transform = None, simplify: float = 0.0) -> list:
    """Per feature: a list of polygons, each a list of flat rings (outer first)."""
    out = []
    for geom in geoms:
        if simplify and geom is not None and not geom.is_empty:
            geom = geom.simplify(simplify, preserve_topology=True)
        polys = []
        for p in _parts(geom):
            if not hasattr(p, "exterior"):
                continue
            rings = [_flat(p.exterior.coords, transform)]
            rings += [_flat(r.coords, transform) for r in p.interiors]
            polys.append(rings)
        out.append(polys)
    return out


def bounds(frames: Iterable, transform: Transform = None) -> list | None:
    """``[[south, west], [north, east]]`` of the non-empty frames (None when all empty)."""
    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    b = np.array(boxes)
    x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    if transform is not None:
        (x0, x1), (y0, y1) = transform(np.array([x0, x1]), np.array([y0, y1]))
    return [[round(float(y0), 5), round(float(x0), 5)], [round(float(y1), 5), round(float(x1), 5)]]
