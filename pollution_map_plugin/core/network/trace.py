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

from collections.abc import Mapping

import numpy as np
import pandas as pd

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.contribution import ShareContext, build_share_context
from pollution_map_plugin.core.network.geometry import local_metres, point_xy, ranges
from pollution_map_plugin.core.network.graph import ReachNetwork
from pollution_map_plugin.core.network.load_estimates import (
    LoadModel,
    TraceSettings,
    load_trace_settings,
)
from pollution_map_plugin.core.network.reach_links import clean_text
from pollution_map_plugin.core.network.result import TraceResult
from pollution_map_plugin.core.network.source_entry import (
    DEFAULT_DECAY_KM,
    LOAD_FIELDS,
    SOURCE_LAYERS,
    assign_sources,
    point_coordinates,
    tiebreak_order,
)
from pollution_map_plugin.core.network.trace_arrays import TraceArrays
from pollution_map_plugin.core.network.units import ControlUnits

__all__ = ["FARM_SNAP_DISTANCE_M", "Tracer", "nearest_section", "trace_section"]
#: Livestock farms reach the water over land: placed on the nearest reach within this (m).
FARM_SNAP_DISTANCE_M = 3000.0
#: Farms farther than that: the nearest reach of their control unit within this (m).
FARM_UNIT_DISTANCE_M = 10000.0
_TOL = 1e-6


def _read(data, name: str) -> pd.DataFrame | None:
    if isinstance(data, Mapping):
        return data.get(name)
    return data.read_layer(name)


class Tracer:
    """Network, sources and control units of one data set, ready for many traces.

    ``data``: a ``core.db`` Database (``read_layer``) or a dict of frames by table name
    (reaches and sections required; missing source layers are empty).  Sources snap to
    the nearest reach within ``snap_distance_m``, livestock farms within
    ``farm_snap_distance_m`` (their manure reaches the water over land); farms and
    sewage plants still without a reach go to the nearest reach of the control unit they
    lie in within ``farm_unit_distance_m``.
    """

    def __init__(self, data, *, network: ReachNetwork | None = None,
                 snap_distance_m: float = 500.0, snap_tolerance_m: float = 5.0,
                 use_links: str = "auto",
                 farm_snap_distance_m: float = FARM_SNAP_DISTANCE_M,
                 farm_unit_distance_m: float = FARM_UNIT_DISTANCE_M) -> None:
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
        self._section_xy = point_coordinates(self.sections, network.crs)
        frames = {name: _read(data, name) for name in SOURCE_LAYERS}
        self.units = ControlUnits(_read(data, "control_units"), network)
        units, unit_m = self.units, float(farm_unit_distance_m)
        self.sources, self.notes = assign_sources(
            network, frames, self.snap_distance_m, farm_snap_distance_m,
            fallback=(lambda xy: units.nearest_reach(xy, unit_m)) if unit_m > 0 else None,
            fallback_limit_m=unit_m)
        self.columns = {c: (object_array(self.sources[c]) if c == "geometry"
                             else self.sources[c].to_numpy()) for c in self.sources.columns}
        self.columns["reach_idx"] = self.columns["reach_idx"].astype(np.int64)
        self.columns["fraction"] = self.columns["fraction"].astype(float)
        tiebreak = tiebreak_order(self.columns["layer"], self.columns["code"])
        self.columns["tiebreak"] = tiebreak
        # the source arrays in tie-break order, so that a selection in row order is in it
        by_tie = np.argsort(tiebreak, kind="stable")
        self.columns = {c: a[by_tie] for c, a in self.columns.items()}
        reach = self.columns["reach_idx"]
        placed = np.flatnonzero(reach >= 0)
        self._placed, self._placed_reach = placed, reach[placed]
        self._by_reach = placed[np.argsort(reach[placed], kind="stable")]
        self._reach_ptr = np.zeros(len(network) + 1, dtype=np.int64)
        np.cumsum(np.bincount(reach[placed], minlength=len(network)), out=self._reach_ptr[1:])
        self._issue_reaches: tuple[np.ndarray, np.ndarray] | None = None
        self._located: dict[str, tuple] = {}
        self._models: dict[str, LoadModel] = {}
        self._share_context: ShareContext | None = None
        self._default_settings: TraceSettings | None = None

    # -------------------------------------------------------- item-matched shares
    @property
    def section_codes_array(self) -> np.ndarray:
        """The sections' codes (None where missing), in the order of ``sections``."""
        return self._section_codes

    def section_index(self, section_code) -> int:
        """Row of a section in ``sections`` (-1 if unknown or None)."""
        if section_code is None:
            return -1
        rows = np.flatnonzero(self._section_codes == str(section_code).strip())
        return int(rows[0]) if len(rows) else -1

    def settings(self) -> TraceSettings:
        """The default trace coefficients (``trace_coefficients.json``), read once."""
        if self._default_settings is None:
            self._default_settings = load_trace_settings()
        return self._default_settings

    def load_model(self, settings: TraceSettings | None = None) -> LoadModel:
        """The per-item loads of the sources under ``settings`` (made once per settings)."""
        settings = settings or self.settings()
        key = settings.fingerprint()
        if key not in self._models:
            self._models[key] = LoadModel(self.columns, settings)
        return self._models[key]

    def share_context(self) -> ShareContext:
        """Stretch and control unit per source, flow-direction and lake flags per reach."""
        if self._share_context is None:
            self._share_context = build_share_context(self)
        return self._share_context

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
        start, fraction, section, point, unit_code, notes = self._section_start(section_code)
        return self._trace(start, fraction, dict(section), point, unit_code, list(notes),
                           mode, distance_km, load_field, decay_km)

    def section_start(self, section_code: str) -> tuple:
        """(start reach, fraction, section dict, point, unit code, notes) of a section;
        ValueError if it cannot be placed on the network."""
        return self._section_start(section_code)

    def _section_start(self, section_code: str) -> tuple:
        """(start reach, fraction, section dict, point, unit code, notes), once per code."""
        key = str(section_code).strip()
        if key not in self._located:
            row, start, fraction, notes = self.locate_section(section_code)
            sec = self.sections.iloc[row]
            section = {k: sec.get(k) for k in ("code", "name", "river_code", "reach_code",
                                                "level", "target_class") if k in sec.index}
            xy = self._section_xy[row]
            section.update(lon=float(xy[0]) if np.isfinite(xy[0]) else None,
                           lat=float(xy[1]) if np.isfinite(xy[1]) else None)
            self._located[key] = (start, fraction, section, _section_point(self.sections, row),
                                  sec.get("control_unit_code"), notes)
        return self._located[key]

    def trace_point(self, lon: float, lat: float, *, mode: str = "UT",
                    distance_km: float | None = None, max_distance_m: float | None = None,
                    load_field: str = "equivalent_load",
                    decay_km: float = DEFAULT_DECAY_KM) -> TraceResult:
        """Trace from any point (a click on the map) in the network's CRS (EPSG:4490):
        from the nearest reach within ``max_distance_m`` (default ``snap_distance_m``).
        ``section`` of the result has no code.  ValueError if no reach is near."""
        from shapely.geometry import Point

        limit = self.snap_distance_m if max_distance_m is None else float(max_distance_m)
        r, d, f = self.network.locate([[lon, lat]], limit)
        if r[0] < 0:
            raise ValueError(f"no reach within {limit:g} m of ({lon}, {lat})")
        start = int(r[0])
        notes = [f"point snapped to reach {self.network.codes[start]} ({d[0]:.0f} m away)"]
        section = {"code": None, "name": None, "lon": float(lon), "lat": float(lat)}
        return self._trace(start, float(f[0]), section, Point(lon, lat), None, notes, mode,
                           distance_km, load_field, decay_km)

    def _trace(self, start: int, fraction: float | None, section: dict, point, unit_code,
               notes: list[str], mode: str, distance_km: float | None, load_field: str,
               decay_km: float) -> TraceResult:
        if load_field not in LOAD_FIELDS:
            raise ValueError(f"unknown load field {load_field!r}; use one of "
                             f"{', '.join(LOAD_FIELDS)}")
        net = self.network
        mode = str(mode).upper()
        idx, near, far = net.navigate_indices(start, mode, distance_km, fraction=fraction)
        if not decay_km > 0:  # after the navigation's own checks, as before
            raise ValueError(f"decay_km must be > 0, not {decay_km!r}")
        upward = mode in ("UT", "UM")
        f0 = (1.0 if upward else 0.0) if fraction is None else fraction
        rows, reach, dist = self._sources_on(idx, near, start, f0, upward, distance_km)
        found = TraceArrays(self, idx, near, far, distance_km, rows, reach, dist, load_field,
                            self.units.touched(idx, point, unit_code), point, unit_code, start,
                            section.get("code"), float(decay_km))
        return TraceResult(section, mode, distance_km, str(net.codes[start]), fraction,
                           found, net.crs, load_field, float(decay_km), self.notes + notes,
                           self._issues_on(idx))

    def _issues_on(self, idx: np.ndarray) -> list:
        """The network issues naming any of the reaches ``idx``."""
        net = self.network
        if not net.issues:
            return []
        if self._issue_reaches is None:
            index = {c: i for i, c in enumerate(net.codes.tolist())}
            owner, reach = [], []
            for k, issue in enumerate(net.issues):
                hits = [index[c] for c in issue.reach_codes if c in index]
                reach.extend(hits)
                owner.extend([k] * len(hits))
            self._issue_reaches = (np.asarray(owner, dtype=np.int64),
                                   np.asarray(reach, dtype=np.int64))
        owner, reach = self._issue_reaches
        mark = np.zeros(len(net), dtype=bool)
        mark[idx] = True
        hit = np.zeros(len(net.issues), dtype=bool)
        hit[owner[mark[reach]]] = True
        return [i for i, h in zip(net.issues, hit) if h]

    def _sources_on(self, idx, near, start, f0, upward, distance_km
                    ) -> tuple[np.ndarray, ...]:
        """Sources entering the reaches ``idx``: (rows, reach, km)."""
        net, col = self.network, self.columns
        at = np.full(len(net), np.nan)  # km to each traced reach's near end
        at[idx] = near
        if 4 * len(idx) < len(net):  # few reaches: their sources, back in row order
            ptr = self._reach_ptr
            sel = np.sort(self._by_reach[ranges(ptr[idx], ptr[idx + 1] - ptr[idx])])
            r = col["reach_idx"][sel]
            base = at[r]
        else:
            base = at[self._placed_reach]
            hit = ~np.isnan(base)
            sel, base = self._placed[hit], base[hit]
            r = self._placed_reach[hit]
        frac = col["fraction"][sel]
        length = net.length_km[r]
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
        return sel[keep], r[keep], np.maximum(dist[keep], 0.0)


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
    d = np.hypot(*local_metres(xy, lon, lat).T)
    if not np.isfinite(d).any():
        return None
    i = int(np.nanargmin(d))
    if d[i] > max_distance_m:
        return None
    row = {k: v for k, v in sections.iloc[i].items() if k != col}
    row["distance_m"] = float(d[i])
    return row
