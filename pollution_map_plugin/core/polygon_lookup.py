"""Which polygon each point lies in, without a spatial-index package (Debian 12's
geopandas has neither rtree nor pygeos): a bounding-box filter in NumPy, then the
polygon's own test (shapely 2: vectorised ``contains_xy``; 1.8: prepared geometry)."""

from __future__ import annotations

import numpy as np
import shapely

_SHAPELY2 = hasattr(shapely, "contains_xy")


def polygon_of_points(x: np.ndarray, y: np.ndarray, polygons) -> np.ndarray:
    """Index into ``polygons`` of the first polygon holding each point; -1 for none."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    out = np.full(len(x), -1, np.int64)
    for k, poly in enumerate(polygons):
        if poly is None or poly.is_empty:
            continue
        x0, y0, x1, y1 = poly.bounds
        cand = np.flatnonzero((out < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if not len(cand):
            continue
        if _SHAPELY2:
            hit = shapely.contains_xy(poly, x[cand], y[cand]) | shapely.intersects_xy(
                poly.boundary, x[cand], y[cand])
        else:
            from shapely.geometry import Point
            from shapely.prepared import prep

            p = prep(poly)
            hit = np.fromiter((p.intersects(Point(a, b)) for a, b in
                               zip(x[cand].tolist(), y[cand].tolist())), bool, len(cand))
        out[cand[hit]] = k
    return out
