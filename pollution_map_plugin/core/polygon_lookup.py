"""Which polygon each point lies in, without a spatial-index package (Debian 12's
geopandas has neither rtree nor pygeos): a bounding-box filter in NumPy, then the
polygon's own test (shapely 2: vectorised ``contains_xy``; 1.8: an even-odd ray test in
NumPy over the polygon's edges)."""

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
            hit = _even_odd(poly, x[cand], y[cand])
        out[cand[hit]] = k
    return out


def _edges(poly) -> np.ndarray:
    """Every ring edge of a (multi)polygon as rows x1, y1, x2, y2."""
    rings = []
    for part in getattr(poly, "geoms", [poly]):
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords, float)[:, :2]
            rings.append(np.column_stack([xy[:-1], xy[1:]]))
    return np.vstack(rings) if rings else np.zeros((0, 4))


def _even_odd(poly, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points inside ``poly`` by the even-odd rule over all its rings (holes and
    disjoint parts alike), vectorised (shapely 1.8 has no array predicates): each edge
    is tested only against the points whose y it spans (a slice of the points sorted
    by y), so the work is the crossings, not points × edges."""
    e = _edges(poly)
    if not len(e) or not len(x):
        return np.zeros(len(x), bool)
    order = np.argsort(y, kind="stable")
    ys = y[order]
    low = np.minimum(e[:, 1], e[:, 3])
    high = np.maximum(e[:, 1], e[:, 3])
    lo = np.searchsorted(ys, low, side="left")  # low <= py < high
    hi = np.searchsorted(ys, high, side="left")
    n = np.maximum(hi - lo, 0)
    total = int(n.sum())
    if total == 0:
        return np.zeros(len(x), bool)
    edge = np.repeat(np.arange(len(e)), n)
    starts = np.repeat(np.cumsum(n) - n, n)
    pos = order[np.repeat(lo, n) + np.arange(total) - starts]
    x1, y1, x2, y2 = (e[edge, i] for i in range(4))
    cross = x[pos] < x1 + (y[pos] - y1) * (x2 - x1) / (y2 - y1)
    counts = np.bincount(pos[cross], minlength=len(x))
    return (counts % 2) == 1
