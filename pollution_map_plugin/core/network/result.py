"""``TraceResult``: what a trace from a section found, as GeoDataFrames, a dict or JSON."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.issues import NetworkIssue
from pollution_map_plugin.core.network.source_entry import LOAD_COLUMNS
from pollution_map_plugin.core.network.trace_columns import (  # noqa: F401 - re-exported
    SCORE_FORMULA,
    SOURCE_RESULT_COLUMNS,
    UNIT_RESULT_COLUMNS,
    jsonable,
)

OUTPUT_CRS = "EPSG:4490"


def feature_collection(frame: pd.DataFrame, geoms) -> dict:
    """A GeoJSON FeatureCollection of ``frame``'s rows with ``geoms`` (lon/lat)."""
    from shapely.geometry import mapping

    props = list(frame.columns)
    feats = []
    for geom, row in zip(list(geoms), frame.itertuples(index=False, name=None)):
        feats.append({
            "type": "Feature",
            "geometry": None if geom is None or geom.is_empty else jsonable(mapping(geom)),
            "properties": {k: jsonable(v) for k, v in zip(props, row)},
        })
    return {"type": "FeatureCollection", "features": feats}


_CRS_CACHE: dict = {}


def output_crs():
    """The pyproj CRS of every result: EPSG:4490 (parsed once)."""
    if "out" not in _CRS_CACHE:
        from pyproj import CRS

        _CRS_CACHE["out"] = CRS.from_user_input(OUTPUT_CRS)
    return _CRS_CACHE["out"]


def is_output_crs(crs) -> bool:
    """True if ``crs`` is EPSG:4490 or None (data read from the database)."""
    if crs is None:
        return True
    key = id(crs)
    if key not in _CRS_CACHE:
        _CRS_CACHE[key] = (crs, bool(crs == output_crs()))
    return _CRS_CACHE[key][1]


def to_geodataframe(frame: pd.DataFrame, geoms, crs=None) -> gpd.GeoDataFrame:
    """``frame`` with ``geoms`` (in ``crs``) as its "geometry" column, in EPSG:4490."""
    arr = object_array(geoms)
    same = is_output_crs(crs)
    target = output_crs() if same else crs
    try:
        from geopandas.array import GeometryArray

        geometry = GeometryArray(arr, crs=target)  # no per-geometry validation
    except TypeError:  # pragma: no cover - other geopandas versions
        geometry = gpd.GeoSeries(arr, crs=target).values
    out = gpd.GeoDataFrame(pd.DataFrame(frame).reset_index(drop=True), geometry=geometry)
    return out if same else out.to_crs(output_crs())


class TraceResult:
    """The reaches, candidate sources and control units found from a section.

    A trace's arrays (``found``, a ``TraceArrays``) become frames on first use:
    ``reaches``: the navigation columns (see ``ReachNetwork.navigate``); ``sources``:
    ``SOURCE_RESULT_COLUMNS``, sorted by ``rank``; ``control_units``:
    ``UNIT_RESULT_COLUMNS``.  ``geometries`` holds their lines, points and polygons (in
    ``crs``); ``reaches_gdf``, ``sources_gdf`` and ``control_units_gdf`` are the same as
    GeoDataFrames in EPSG:4490.  ``top(n)`` is the first ``n`` rows of ``sources_gdf``,
    made without the others.
    """

    def __init__(self, section: dict, mode: str, distance_km: float | None,
                 start_reach: str, start_fraction: float | None, found: Any,
                 crs: object = None, load_field: str = "equivalent_load",
                 decay_km: float = 20.0, notes: list[str] | None = None,
                 issues: list[NetworkIssue] | None = None) -> None:
        self.section = section
        self.mode = mode
        self.distance_km = distance_km
        self.start_reach = start_reach
        self.start_fraction = start_fraction
        self.found = found
        self.crs = crs
        self.load_field = load_field
        self.decay_km = decay_km
        self.notes = [] if notes is None else notes
        self.issues = [] if issues is None else issues
        self._gdfs: dict[str, gpd.GeoDataFrame] = {}

    def __repr__(self) -> str:
        return (f"TraceResult(section={self.section.get('code')!r}, mode={self.mode!r}, "
                f"distance_km={self.distance_km!r}, n_reaches={self.n_reaches}, "
                f"n_sources={self.n_sources})")

    @property
    def n_reaches(self) -> int:
        return len(self.found.reach_idx)

    @property
    def n_sources(self) -> int:
        return len(self.found.rows)

    @cached_property
    def reaches(self) -> pd.DataFrame:
        return self.found.sorted_reaches[0]

    @cached_property
    def sources(self) -> pd.DataFrame:
        return self.found.source_frame()

    @cached_property
    def control_units(self) -> pd.DataFrame:
        return self.found.units[0]

    @cached_property
    def geometries(self) -> dict[str, np.ndarray]:
        found = self.found
        return {"reaches": found.reach_geometries(), "sources": found.source_geometries(),
                "control_units": object_array(found.units[1])}

    def _gdf(self, name: str) -> gpd.GeoDataFrame:
        cache = self._gdfs
        if name not in cache:
            frame = getattr(self, name)
            geoms = self.geometries.get(name)
            cache[name] = to_geodataframe(frame, [None] * len(frame) if geoms is None
                                          else geoms, self.crs)
        return cache[name]

    def shares(self, item: str, settings: Any = None, *, concentration: float | None = None,
               flow_m3_s: float | None = None) -> Any:
        """The item's ``ItemShares`` among the sources found (``core.network.contribution``):
        contributions with first-order decay, shares, groups, stretches, the short list.
        ``concentration`` (mg/L) × ``flow_m3_s`` is the observed load, where known."""
        from pollution_map_plugin.core.network.contribution import item_shares
        from pollution_map_plugin.core.network.load_estimates import item_code

        if self.mode not in ("UT", "UM"):
            raise ValueError("shares need an upstream trace (mode UT or UM)")
        settings = settings or self.found.tracer.settings()
        return item_shares(self.found, item_code(item), settings,
                           concentration=concentration, flow_m3_s=flow_m3_s)

    def top(self, n: int = 20) -> gpd.GeoDataFrame:
        """The ``n`` best-ranked sources: ``sources_gdf.head(n)``, without making the rest."""
        if "sources" in self._gdfs:
            return self._gdfs["sources"].head(n).copy()
        return to_geodataframe(self.found.source_frame(n), self.found.source_geometries(n),
                               self.crs)

    @property
    def reaches_gdf(self) -> gpd.GeoDataFrame:
        return self._gdf("reaches")

    @property
    def sources_gdf(self) -> gpd.GeoDataFrame:
        return self._gdf("sources")

    @property
    def control_units_gdf(self) -> gpd.GeoDataFrame:
        return self._gdf("control_units")

    @property
    def drainage_area_km2(self) -> float:
        """Total area of the control units the upstream reaches touch (km²)."""
        return float(self.control_units["area_km2"].sum()) if len(self.control_units) else 0.0

    @property
    def upstream_length_km(self) -> float:
        """Length of river covered by the trace (km)."""
        return float(self.reaches["covered_km"].sum()) if len(self.reaches) else 0.0

    def by_distance(self) -> pd.DataFrame:
        """Candidate sources, nearest first."""
        return self.sources.sort_values("rank_distance", kind="stable").reset_index(drop=True)

    def by_load(self) -> pd.DataFrame:
        """Candidate sources, largest load first."""
        return self.sources.sort_values("rank_load", kind="stable").reset_index(drop=True)

    def total_loads(self) -> dict[str, float]:
        """Loads summed over dischargers (enterprises, plants, farms; outfalls excluded)."""
        s = self.sources
        own = s[s["layer"] != "outfalls"]
        return {c: float(own[c].sum(min_count=1)) if len(own) else 0.0
                for c in (*LOAD_COLUMNS, "equivalent_load")}

    def summary(self, top: int = 5) -> dict:
        """Key figures: counts, lengths, loads, area, and the ``top`` ranked sources."""
        s = self.sources
        best = s.head(top)
        return jsonable({
            "section_code": self.section.get("code"),
            "section_name": self.section.get("name"),
            "mode": self.mode,
            "distance_km": self.distance_km,
            "start_reach": self.start_reach,
            "n_reaches": len(self.reaches),
            "upstream_length_km": round(self.upstream_length_km, 3),
            "n_sources": len(s),
            "sources_by_layer": s["layer"].value_counts().sort_index().to_dict(),
            "total_loads_t_a": self.total_loads(),
            "drainage_area_km2": round(self.drainage_area_km2, 3),
            "control_units": self.control_units["code"].tolist(),
            "load_field": self.load_field,
            "score_formula": f"{SCORE_FORMULA}, decay_km = {self.decay_km:g}",
            "top_sources": best[["rank", "layer", "code", "name", "reach_code", "distance_km",
                                 "load", "score"]].to_dict("records"),
            "notes": list(self.notes),
        })

    def to_dict(self) -> dict:
        """Everything, JSON-ready: the layers as GeoJSON FeatureCollections."""
        return {
            "section": jsonable(self.section),
            "mode": self.mode,
            "distance_km": jsonable(self.distance_km),
            "start_reach": self.start_reach,
            "start_fraction": jsonable(self.start_fraction),
            "load_field": self.load_field,
            "decay_km": jsonable(self.decay_km),
            "summary": self.summary(),
            "reaches": self.feature_collection("reaches"),
            "sources": self.feature_collection("sources"),
            "control_units": self.feature_collection("control_units"),
            "notes": list(self.notes),
            "issues": [i.to_dict() for i in self.issues],
        }

    def feature_collection(self, name: str) -> dict:
        """"reaches", "sources" or "control_units" as GeoJSON (EPSG:4490 lon/lat)."""
        if is_output_crs(self.crs):
            frame = getattr(self, name)
            geoms = self.geometries.get(name)
            return feature_collection(frame, [None] * len(frame) if geoms is None else geoms)
        gdf = self._gdf(name)
        return feature_collection(gdf.drop(columns="geometry"), gdf.geometry.tolist())

    def to_json(self, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text (UTF-8 characters kept, no NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)
