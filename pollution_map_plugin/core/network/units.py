"""Watershed control units (流域控制单元) met by a trace, with their areas.

A unit counts when it contains a vertex or a segment midpoint of an upstream reach
(tested once for every reach, vectorised, on first use), or contains the section, or is
the section's ``control_unit_code``.  A reach that only grazes a unit between two of its
points is not counted there.  Areas are geodesic (GRS80) for lon/lat polygons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.geometry import ranges
from pollution_map_plugin.core.network.graph import ReachNetwork
from pollution_map_plugin.core.network.reach_links import clean_text
from pollution_map_plugin.core.network.trace_columns import UNIT_RESULT_COLUMNS


def contains_xy(polygon, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points (x, y) lie inside ``polygon`` (shapely 2 or 1.8, vectorised)."""
    try:
        import shapely

        return np.asarray(shapely.contains_xy(polygon, x, y), dtype=bool)
    except AttributeError:  # shapely 1.8
        from shapely.vectorized import contains

        return np.asarray(contains(polygon, x, y), dtype=bool)


class ControlUnits:
    """The control units of a data set, with reach membership and areas made on first use."""

    def __init__(self, frame: pd.DataFrame | None, net: ReachNetwork) -> None:
        col = getattr(frame, "_geometry_column_name", None)
        if frame is None or col is None or len(frame) == 0:
            frame = None
        elif net.crs is not None and frame.crs is not None and frame.crs != net.crs:
            frame = frame.to_crs(net.crs)
        self.frame = None if frame is None else frame.reset_index(drop=True)
        self.net = net
        self.n = 0 if self.frame is None else len(self.frame)
        self.geoms = [] if self.frame is None else object_array(self.frame.geometry).tolist()
        self.codes = clean_text(self.frame["code"].to_numpy()) if self.n else np.empty(0)
        self._area: np.ndarray | None = None
        self._members: csr_matrix | None = None
        self._attrs: dict | None = None
        self._by_unit: csr_matrix | None = None
        self._contained: dict[bytes, list[int]] = {}

    def area_km2(self) -> np.ndarray:
        if self._area is None:
            geographic = self.frame.crs is None or self.frame.crs.is_geographic
            if geographic:
                from pyproj import Geod

                geod = Geod(ellps="GRS80")
                self._area = np.array([0.0 if g is None or g.is_empty else
                                       abs(geod.geometry_area_perimeter(g)[0]) / 1e6
                                       for g in self.geoms])
            else:
                self._area = np.array([0.0 if g is None else g.area / 1e6 for g in self.geoms])
        return self._area

    def members(self) -> csr_matrix:
        """(reaches × units) 1 where the unit contains a point of the reach."""
        if self._members is None:
            n = len(self.net)
            rows, cols = [], []
            lc = self.net.line_coords
            if lc is not None and len(lc.xy):
                counts = np.diff(lc.part_offsets)
                owner_v = np.repeat(lc.part_owner, counts)
                seg = ranges(lc.part_offsets[:-1], np.maximum(counts - 1, 0))
                pts = np.vstack((lc.xy, (lc.xy[seg] + lc.xy[seg + 1]) / 2.0))
                owner = np.concatenate((owner_v, owner_v[seg]))
                for u, g in enumerate(self.geoms):
                    if g is None or g.is_empty:
                        continue
                    x0, y0, x1, y1 = g.bounds
                    cand = np.flatnonzero((pts[:, 0] >= x0) & (pts[:, 0] <= x1)
                                          & (pts[:, 1] >= y0) & (pts[:, 1] <= y1))
                    inside = cand[contains_xy(g, pts[cand, 0], pts[cand, 1])]
                    hit = np.unique(owner[inside])
                    rows.append(hit)
                    cols.append(np.full(len(hit), u))
            r = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
            c = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
            self._members = csr_matrix((np.ones(len(r)), (r, c)), shape=(n, self.n))
        return self._members

    def nearest_reach(self, xy: np.ndarray, max_distance_m: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For points (lon/lat in the network's CRS): (reach index or -1, distance m,
        fraction) of the nearest reach of the control unit each lies in, within
        ``max_distance_m`` (-1 outside every unit or farther)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        m = len(xy)
        reach, dist, frac = np.full(m, -1, dtype=np.int64), np.full(m, np.nan), np.full(m, np.nan)
        if self.n == 0 or m == 0:
            return reach, dist, frac
        members = self.members().tocsc()
        ok = np.isfinite(xy).all(axis=1)
        for u, g in enumerate(self.geoms):
            if g is None or g.is_empty:
                continue
            todo = np.flatnonzero(ok & (reach < 0))
            inside = todo[contains_xy(g, xy[todo, 0], xy[todo, 1])]
            cand = members[:, u].nonzero()[0]
            if len(cand) == 0:
                continue
            for k in inside.tolist():
                d, f = self.net.position_on(cand, np.repeat(xy[k:k + 1], len(cand), axis=0))
                if np.isfinite(d).any() and np.nanmin(d) <= max_distance_m:
                    j = int(np.nanargmin(d))
                    reach[k], dist[k], frac[k] = cand[j], d[j], f[j]
        return reach, dist, frac

    def containing(self, point) -> list[int]:
        """The units that contain or touch ``point`` (remembered per point)."""
        if self.n == 0 or point is None:
            return []
        key = point.wkb
        if key not in self._contained:
            self._contained[key] = self._containing(point)
        return list(self._contained[key])

    def touched(self, idx: np.ndarray, point, unit_code) -> np.ndarray:
        """The units ``for_trace`` lists (ascending), from the reaches ``idx`` in any order."""
        if self.n == 0:
            return np.empty(0, dtype=np.int64)
        if self._by_unit is None:
            self._by_unit = self.members().T.tocsr()
        mark = np.zeros(len(self.net))
        mark[np.asarray(idx, dtype=np.int64)] = 1.0
        count = self._by_unit @ mark
        return np.flatnonzero((count > 0) | self._contains(point, unit_code))

    def _contains(self, point, unit_code) -> np.ndarray:
        contains = np.zeros(self.n, dtype=bool)
        contains[self.containing(point)] = True
        code = clean_text([unit_code])[0]
        if code is not None:
            contains |= self.codes == code
        return contains

    def _containing(self, point) -> list[int]:
        try:
            import shapely

            hit = shapely.intersects(object_array(self.geoms), point)
            return np.flatnonzero(np.asarray(hit, dtype=bool)).tolist()
        except AttributeError:  # shapely 1.8
            return [u for u, g in enumerate(self.geoms)
                    if g is not None and not g.is_empty and g.intersects(point)]

    def _attributes(self) -> dict:
        """The first ``UNIT_RESULT_COLUMNS`` of every unit as arrays (None if missing)."""
        if self._attrs is None:
            self._attrs = {c: (self.frame[c].to_numpy() if c in self.frame.columns else None)
                           for c in UNIT_RESULT_COLUMNS[:5]}
        return self._attrs

    def for_trace(self, idx: np.ndarray, covered_km: np.ndarray, point,
                  unit_code) -> tuple[pd.DataFrame, list]:
        """The units of the reaches ``idx`` or of the section (``point``, ``unit_code``):
        ``UNIT_RESULT_COLUMNS`` and their polygons."""
        def empty() -> pd.DataFrame:
            return pd.DataFrame({c: [] for c in UNIT_RESULT_COLUMNS})

        if self.n == 0:
            return empty(), []
        sub = self.members()[np.asarray(idx, dtype=np.int64)]
        count = np.asarray(sub.sum(axis=0)).ravel().astype(np.int64)
        covered = np.asarray(sub.T @ np.asarray(covered_km, dtype=float)).ravel()
        contains = self._contains(point, unit_code)
        chosen = np.flatnonzero((count > 0) | contains)
        if len(chosen) == 0:
            return empty(), []
        data = {c: (None if a is None else a[chosen]) for c, a in self._attributes().items()}
        data.update(area_km2=self.area_km2()[chosen], n_reaches=count[chosen],
                    reach_length_km=covered[chosen], contains_section=contains[chosen])
        return pd.DataFrame(data), [self.geoms[u] for u in chosen]
