"""Spatial selections for the reports, fast on shapely 1.8 (no rtree) and 2.x.

Bounding boxes are filtered in numpy first; only the candidates meet GEOS, through
a prepared geometry (shapely 1.8) or the vectorised predicates (shapely 2).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from shapely.prepared import prep

try:  # shapely 2
    from shapely import bounds as _bounds
    from shapely import contains_xy as _contains_xy
except ImportError:  # shapely 1.8
    _bounds = None
    _contains_xy = None

SIMPLIFY_DEG = 0.0005  # ≈ 50 m, for the selection tests only


def boxes(geoms: Iterable) -> np.ndarray:
    """``(n, 4)`` bounds (x0, y0, x1, y1), NaN for missing or empty geometries."""
    from .layer_encoding import geometry_list

    arr = geometry_list(geoms)
    if _bounds is not None:
        return np.asarray(_bounds(np.asarray(arr, dtype=object)), dtype=float).reshape(-1, 4)
    out = np.full((len(arr), 4), np.nan)
    for i, g in enumerate(arr):
        if g is not None and not g.is_empty:
            out[i] = g.bounds
    return out


def touching(geoms: list, geom_boxes: np.ndarray, geom) -> np.ndarray:
    """Mask of ``geoms`` that intersect ``geom`` (bounding boxes first)."""
    mask = np.zeros(len(geoms), dtype=bool)
    if geom is None or geom.is_empty or not len(geoms):
        return mask
    x0, y0, x1, y1 = geom.bounds
    b = geom_boxes
    cand = np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0))
    if cand.size:
        p = prep(geom.simplify(SIMPLIFY_DEG, preserve_topology=False) or geom)
        mask[cand] = [p.intersects(geoms[i]) for i in cand]
    return mask


class MetricPoints:
    """Points projected once to a local UTM zone, queried by distance to lines."""

    def __init__(self, lon: np.ndarray, lat: np.ndarray) -> None:
        from pyproj import Transformer

        ok = np.isfinite(lon) & np.isfinite(lat)
        mid_lon = float(np.median(lon[ok])) if ok.any() else 105.0
        mid_lat = float(np.median(lat[ok])) if ok.any() else 30.0
        zone = max(1, min(60, int((mid_lon + 180) // 6) + 1))
        epsg = (32600 if mid_lat >= 0 else 32700) + zone
        # CGCS2000 is taken as WGS84 at this data's accuracy
        self.transformer = Transformer.from_crs(4326, epsg, always_xy=True)
        self.x, self.y = self.transformer.transform(lon, lat)
        self.x = np.where(ok, self.x, np.nan)
        self.y = np.where(ok, self.y, np.nan)

    def near(self, line, distance_m: float) -> np.ndarray:
        """Indices of the points within ``distance_m`` of ``line`` (lon/lat geometry)."""
        if line is None or line.is_empty or distance_m <= 0 or not len(self.x):
            return np.zeros(0, dtype=int)
        from shapely.ops import transform

        metric = transform(self.transformer.transform, line).simplify(50)
        zone = metric.buffer(distance_m)
        x0, y0, x1, y1 = zone.bounds
        cand = np.flatnonzero((self.x >= x0) & (self.x <= x1) & (self.y >= y0)
                              & (self.y <= y1))
        if not cand.size:
            return cand
        if _contains_xy is not None:
            hit = np.asarray(_contains_xy(zone, self.x[cand], self.y[cand]), dtype=bool)
        else:
            from shapely.geometry import Point

            p = prep(zone)
            hit = np.array([p.contains(Point(a, b)) for a, b in
                            zip(self.x[cand], self.y[cand])], dtype=bool)
        return cand[hit]
