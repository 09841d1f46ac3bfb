"""Watershed control units (流域控制单元) met by a trace, with their areas.

A unit counts when its polygon intersects an upstream reach (bounding boxes first, then
a prepared-polygon test, cached per reach) or contains the section; its area is
geodesic (GRS80 ellipsoid) for lon/lat polygons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.build import clean_text
from pollution_map_plugin.core.network.graph import ReachNetwork
from pollution_map_plugin.core.network.readers import object_array
from pollution_map_plugin.core.network.result import UNIT_RESULT_COLUMNS


class ControlUnits:
    """Control units with lazily computed areas and a per-reach intersection cache."""

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
        self._prepared: list | None = None
        self._area: np.ndarray | None = None
        self._reach_box: np.ndarray | None = None
        self._hits: dict[int, tuple[int, ...]] = {}

    def prepared(self) -> list:
        if self._prepared is None:
            from shapely.prepared import prep

            self._prepared = [None if g is None or g.is_empty else prep(g) for g in self.geoms]
            self.box = np.array([g.bounds if g is not None and not g.is_empty
                                 else (np.inf, np.inf, -np.inf, -np.inf) for g in self.geoms],
                                dtype=float).reshape(-1, 4)
        return self._prepared

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

    def reach_units(self, idx: np.ndarray) -> dict[int, tuple[int, ...]]:
        """Units each reach intersects (cached per reach)."""
        if self.n == 0 or not self.net.has_geometry:
            return {}
        prepared = self.prepared()
        if self._reach_box is None:
            lc = self.net._b.coords
            owner = np.repeat(lc.part_owner, np.diff(lc.part_offsets))
            box = np.full((len(self.net), 4), np.nan)
            if len(owner):
                order = np.argsort(owner, kind="stable")
                o, xy = owner[order], lc.xy[order]
                starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
                box[o[starts], 0] = np.minimum.reduceat(xy[:, 0], starts)
                box[o[starts], 1] = np.minimum.reduceat(xy[:, 1], starts)
                box[o[starts], 2] = np.maximum.reduceat(xy[:, 0], starts)
                box[o[starts], 3] = np.maximum.reduceat(xy[:, 1], starts)
            self._reach_box = box
        todo = [int(i) for i in idx if int(i) not in self._hits]
        if todo:
            geoms = self.net.geometries(todo, oriented=False)
            b = self._reach_box[todo]
            for i, g, (x0, y0, x1, y1) in zip(todo, geoms, b):
                if g is None or not np.isfinite(x0):
                    self._hits[i] = ()
                    continue
                cand = np.flatnonzero((self.box[:, 0] <= x1) & (self.box[:, 2] >= x0)
                                      & (self.box[:, 1] <= y1) & (self.box[:, 3] >= y0))
                self._hits[i] = tuple(int(u) for u in cand if prepared[u].intersects(g))
        return {int(i): self._hits[int(i)] for i in idx}

    def containing(self, point) -> list[int]:
        if self.n == 0 or point is None:
            return []
        prepared = self.prepared()
        return [u for u, p in enumerate(prepared) if p is not None and p.intersects(point)]

    def for_trace(self, idx: np.ndarray, covered_km: np.ndarray, point,
                  unit_code) -> tuple[pd.DataFrame, list]:
        """The units the reaches ``idx`` intersect or that hold the section (``point``,
        ``unit_code``): ``UNIT_RESULT_COLUMNS`` and their polygons."""
        empty = pd.DataFrame({c: [] for c in UNIT_RESULT_COLUMNS})
        if self.n == 0:
            return empty, []
        hits = self.reach_units(idx)
        count = np.zeros(self.n, dtype=np.int64)
        covered = np.zeros(self.n)
        for i, cov in zip(np.asarray(idx).tolist(), np.asarray(covered_km, float).tolist()):
            for u in hits.get(i, ()):
                count[u] += 1
                covered[u] += cov
        contains = np.zeros(self.n, dtype=bool)
        contains[self.containing(point)] = True
        code = clean_text([unit_code])[0]
        if code is not None:
            contains |= self.codes == code
        chosen = np.flatnonzero((count > 0) | contains)
        if len(chosen) == 0:
            return empty, []
        f = self.frame.iloc[chosen]
        out = pd.DataFrame({c: (f[c].to_numpy() if c in f.columns else None)
                            for c in UNIT_RESULT_COLUMNS[:5]})
        out["area_km2"] = self.area_km2()[chosen]
        out["n_reaches"] = count[chosen]
        out["reach_length_km"] = covered[chosen]
        out["contains_section"] = contains[chosen]
        return out, [self.geoms[u] for u in chosen]
