"""Tracing from a monitoring section to the candidate pollution sources upstream (溯源追踪).

``trace_section(data, code)`` does one trace; a ``Tracer`` keeps the network, the sources
placed on it and the control units, for many traces (the map tool, benchmarks).

Source distances are network distances from the section to the point where the source
enters: its (outfall's) position along the reach, or the reach's downstream end when that
position is unknown.  Sources on the start reach below the section are left out; with a
distance limit, sources entering beyond it are left out (their reach may still be listed
as partially covered).  The drainage area is the total area of the control units the
upstream reaches intersect, plus the unit that contains the section.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.build import clean_text
from pollution_map_plugin.core.network.geometry import EARTH_RADIUS_M, object_array, point_xy
from pollution_map_plugin.core.network.graph import ReachNetwork
from pollution_map_plugin.core.network.result import (
    SOURCE_RESULT_COLUMNS,
    UNIT_RESULT_COLUMNS,
    TraceResult,
)
from pollution_map_plugin.core.network.sources import (
    DEFAULT_DECAY_KM,
    EQUIVALENT_LOAD_STANDARDS,
    SOURCE_LAYERS,
    assign_sources,
    rank_sources,
)

__all__ = ["DEFAULT_DECAY_KM", "EQUIVALENT_LOAD_STANDARDS", "Tracer", "nearest_section",
           "trace_section"]
OUTPUT_CRS = "EPSG:4490"
_TOL = 1e-6


def _read(data, name: str) -> pd.DataFrame | None:
    if isinstance(data, Mapping):
        return data.get(name)
    return data.read_layer(name)


def _gdf(frame: pd.DataFrame, geoms: list, crs) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(pd.DataFrame(frame).reset_index(drop=True),
                           geometry=gpd.GeoSeries(object_array(geoms), crs=crs or OUTPUT_CRS))
    if out.crs is not None and not out.crs.equals(OUTPUT_CRS) and len(out):
        out = out.to_crs(OUTPUT_CRS)
    return out.set_crs(OUTPUT_CRS, allow_override=True)


class _Units:
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
        self.geoms = [] if self.frame is None else self.frame.geometry.tolist()
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


class Tracer:
    """Network, sources and control units of one data set, ready for many traces.

    ``data``: a ``core.db`` Database (``read_layer``) or a dict of frames by table name
    (reaches and sections required; missing source layers are empty).
    """

    def __init__(self, data, *, network: ReachNetwork | None = None,
                 snap_distance_m: float = 500.0, snap_tolerance_m: float = 5.0,
                 use_links: str = "auto") -> None:
        if not snap_distance_m >= 0:
            raise ValueError(f"snap_distance_m must be >= 0, not {snap_distance_m!r}")
        if network is None:
            reaches = _read(data, "reaches")
            if reaches is None:
                raise ValueError("no 'reaches' layer to build the network from")
            network = ReachNetwork.from_reaches(reaches, snap_tolerance_m=snap_tolerance_m,
                                                use_links=use_links)
        self.network = network
        self.snap_distance_m = float(snap_distance_m)
        sections = _read(data, "sections")
        if sections is None:
            raise ValueError("no 'sections' layer")
        self.sections = sections.reset_index(drop=True)
        self._section_codes = clean_text(self.sections["code"].to_numpy())
        self._section_xy = _section_xy(self.sections, network.crs)
        frames = {name: _read(data, name) for name in SOURCE_LAYERS}
        self.sources, self.notes = assign_sources(network, frames, self.snap_distance_m)
        self.units = _Units(_read(data, "control_units"), network)

    def section_codes(self) -> list[str]:
        return [c for c in self._section_codes if c is not None]

    def locate_section(self, section_code: str) -> tuple[int, int, float | None, list[str]]:
        """(section row, start reach index, fraction or None, notes); ValueError if none."""
        code = str(section_code).strip()
        rows = np.flatnonzero(self._section_codes == code)
        if len(rows) == 0:
            raise ValueError(f"unknown section code {section_code!r}")
        row = int(rows[0])
        sec = self.sections.iloc[row]
        net, notes = self.network, []
        xy = self._section_xy[row:row + 1]
        has_point = bool(np.isfinite(xy).all())
        reach_code = clean_text([sec.get("reach_code")])[0]
        if reach_code is not None and reach_code in net:
            start = net.index_of(reach_code)
            dist, frac = net.position_on([start], xy) if has_point else ([np.nan], [np.nan])
            if np.isfinite(dist[0]) and dist[0] > self.snap_distance_m:
                notes.append(f"section {code} lies {dist[0]:.0f} m from its reach {reach_code}")
        else:
            r, dist, frac = net.locate(xy, self.snap_distance_m) if has_point else ([-1], [], [])
            if r[0] < 0:
                why = f"names an unknown reach {reach_code!r}" if reach_code else "has no reach"
                raise ValueError(f"section {code} {why} and no reach lies within "
                                 f"{self.snap_distance_m:g} m of it")
            start = int(r[0])
            notes.append(f"section {code} {'names an unknown reach' if reach_code else 'has no'}"
                         f" reach_code; snapped to reach {net.codes[start]} "
                         f"({dist[0]:.0f} m away)")
        fraction = float(frac[0]) if len(frac) and np.isfinite(frac[0]) else None
        return row, start, fraction, notes

    def trace(self, section_code: str, *, mode: str = "UT", distance_km: float | None = None,
              load_field: str = "equivalent_load",
              decay_km: float = DEFAULT_DECAY_KM) -> TraceResult:
        """Trace from a section; see the module docstring.  ValueError on bad input."""
        net = self.network
        mode = str(mode).upper()
        row, start, fraction, notes = self.locate_section(section_code)
        idx, near, far = net.navigate_indices(start, mode, distance_km, fraction=fraction)
        reaches, order_idx = net.navigation_frame(idx, near, far, distance_km)
        reaches_gdf = _gdf(reaches, net.geometries(order_idx), net.crs)

        upward = mode in ("UT", "UM")
        f0 = (1.0 if upward else 0.0) if fraction is None else fraction
        sources = self._sources_on(idx, near, start, f0, upward, distance_km)
        sources = rank_sources(sources, load_field, decay_km)
        geoms = sources.pop("geometry").tolist()
        sources_gdf = _gdf(sources[SOURCE_RESULT_COLUMNS], geoms, net.crs)

        sec = self.sections.iloc[row]
        point = _section_point(self.sections, row)
        units_gdf = self._units_for(reaches, order_idx, point, sec.get("control_unit_code"))
        section = {k: sec.get(k) for k in ("code", "name", "river_code", "reach_code",
                                            "level", "target_class") if k in sec.index}
        xy = self._section_xy[row]
        section.update(lon=float(xy[0]) if np.isfinite(xy[0]) else None,
                       lat=float(xy[1]) if np.isfinite(xy[1]) else None)
        codes = set(reaches["reach_code"])
        issues = [i for i in net.issues if codes.intersection(i.reach_codes)]
        return TraceResult(section, mode, distance_km, str(net.codes[start]), fraction,
                           reaches_gdf, sources_gdf, units_gdf, load_field, float(decay_km),
                           self.notes + notes, issues)

    def _sources_on(self, idx, near, start, f0, upward, distance_km) -> pd.DataFrame:
        net, s = self.network, self.sources
        pos = np.full(len(net), -1, dtype=np.int64)
        pos[idx] = np.arange(len(idx))
        r = s["reach_idx"].to_numpy(np.int64)
        on = np.flatnonzero((r >= 0) & (pos[np.maximum(r, 0)] >= 0))
        t = s.iloc[on].copy()
        r = r[on]
        frac = t["fraction"].to_numpy(float)
        length = net.length_km[r]
        base = near[pos[r]]
        if upward:
            dist = base + np.where(np.isnan(frac), 0.0, (1.0 - frac) * length)
            here = (f0 - frac) * length
        else:
            dist = base + np.where(np.isnan(frac), 0.0, frac * length)
            here = (frac - f0) * length
        at_start = r == start
        dist[at_start] = np.where(np.isnan(frac[at_start]), 0.0, here[at_start])
        keep = dist >= -_TOL
        if distance_km is not None:
            keep &= dist <= distance_km + _TOL
        t["distance_km"] = np.maximum(dist, 0.0)
        t["reach_code"] = net.codes[r]
        t["river_code"] = net.river_codes[r]
        return t[keep].reset_index(drop=True)

    def _units_for(self, reaches: pd.DataFrame, idx: np.ndarray, point,
                   unit_code) -> gpd.GeoDataFrame:
        units = self.units
        empty = gpd.GeoDataFrame(pd.DataFrame(columns=UNIT_RESULT_COLUMNS),
                                 geometry=gpd.GeoSeries([], crs=OUTPUT_CRS))
        if units.n == 0:
            return empty
        hits = units.reach_units(idx)
        count = np.zeros(units.n, dtype=np.int64)
        covered = np.zeros(units.n)
        for i, cov in zip(idx, reaches["covered_km"].to_numpy(float)):
            for u in hits.get(int(i), ()):
                count[u] += 1
                covered[u] += cov
        contains = np.zeros(units.n, dtype=bool)
        contains[units.containing(point)] = True
        code = clean_text([unit_code])[0]
        if code is not None:
            contains |= units.codes == code
        chosen = np.flatnonzero((count > 0) | contains)
        if len(chosen) == 0:
            return empty
        f = units.frame.iloc[chosen]
        out = pd.DataFrame({c: (f[c].to_numpy() if c in f.columns else None)
                            for c in UNIT_RESULT_COLUMNS[:5]})
        out["area_km2"] = units.area_km2()[chosen]
        out["n_reaches"] = count[chosen]
        out["reach_length_km"] = covered[chosen]
        out["contains_section"] = contains[chosen]
        return _gdf(out, [units.geoms[u] for u in chosen], units.frame.crs)


def _section_xy(sections: pd.DataFrame, crs) -> np.ndarray:
    col = getattr(sections, "_geometry_column_name", None)
    if col is None or col not in sections.columns or len(sections) == 0:
        return np.full((len(sections), 2), np.nan)
    if crs is not None and sections.crs is not None and sections.crs != crs:
        sections = sections.to_crs(crs)
    return point_xy(sections[col].tolist())


def _section_point(sections: pd.DataFrame, row: int):
    col = getattr(sections, "_geometry_column_name", None)
    if col is None or col not in sections.columns:
        return None
    g = sections[col].iloc[row]
    return None if g is None or g.is_empty else g


def trace_section(data, section_code: str, *, mode: str = "UT",
                  distance_km: float | None = None, snap_distance_m: float = 500.0,
                  network: ReachNetwork | None = None, load_field: str = "equivalent_load",
                  decay_km: float = DEFAULT_DECAY_KM) -> TraceResult:
    """Trace once from ``section_code``: ``Tracer(data, ...).trace(section_code, ...)``.

    ``mode`` UT | UM | DM | DD; ``distance_km`` None = unlimited; ``snap_distance_m`` for
    sources (and a section) without a reach; ``network`` reuses a built ReachNetwork;
    ``load_field`` ranks by ``equivalent_load`` (default) or a load column (cod_t_a, …);
    ``decay_km`` is the decay length of the combined score.  ValueError on bad input.
    """
    tracer = Tracer(data, network=network, snap_distance_m=snap_distance_m)
    return tracer.trace(section_code, mode=mode, distance_km=distance_km,
                        load_field=load_field, decay_km=decay_km)


def nearest_section(sections: pd.DataFrame, lon: float, lat: float,
                    max_distance_m: float = 1000.0) -> dict | None:
    """The section nearest to (lon, lat) within ``max_distance_m``: its row as a dict
    (geometry left out) plus ``distance_m``, or None.  Sections in lon/lat (EPSG:4490)."""
    if sections is None or len(sections) == 0:
        return None
    col = getattr(sections, "_geometry_column_name", None)
    if col is None or col not in sections.columns:
        return None
    xy = point_xy(sections[col].tolist())
    k = math.radians(1.0) * EARTH_RADIUS_M
    dx = (xy[:, 0] - lon) * k * math.cos(math.radians(lat))
    dy = (xy[:, 1] - lat) * k
    d = np.hypot(dx, dy)
    if not np.isfinite(d).any():
        return None
    i = int(np.nanargmin(d))
    if d[i] > max_distance_m:
        return None
    row = {k: v for k, v in sections.iloc[i].items() if k != col}
    row["distance_m"] = float(d[i])
    return row
