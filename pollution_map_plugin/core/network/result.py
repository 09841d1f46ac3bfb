"""``TraceResult``: what a trace from a section found, as GeoDataFrames, a dict or JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.issues import NetworkIssue
from pollution_map_plugin.core.network.sources import LOAD_COLUMNS

SCORE_FORMULA = "score = load / max(load) * exp(-distance_km / decay_km)"
#: Columns of ``TraceResult.sources_gdf`` (plus geometry), in order.
SOURCE_RESULT_COLUMNS = [
    "rank", "layer", "code", "name", "type", "via", "outfall_code", "reach_code",
    "river_code", "distance_km", "load", *LOAD_COLUMNS, "equivalent_load", "discharge_m3_d",
    "n_dischargers", "snap_m", "rank_distance", "rank_load", "score",
]
#: Columns of ``TraceResult.control_units_gdf`` (plus geometry), in order.
UNIT_RESULT_COLUMNS = ["code", "name", "water_system", "outlet_section_code", "district",
                       "area_km2", "n_reaches", "reach_length_km", "contains_section"]


def jsonable(value):
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA → None, dates ISO."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def feature_collection(gdf: gpd.GeoDataFrame) -> dict:
    """A GeoJSON FeatureCollection (lon/lat) of ``gdf``."""
    from shapely.geometry import mapping

    props = [c for c in gdf.columns if c != gdf.geometry.name]
    feats = []
    for geom, row in zip(gdf.geometry.tolist(), gdf[props].itertuples(index=False, name=None)):
        feats.append({
            "type": "Feature",
            "geometry": None if geom is None or geom.is_empty else jsonable(mapping(geom)),
            "properties": {k: jsonable(v) for k, v in zip(props, row)},
        })
    return {"type": "FeatureCollection", "features": feats}


@dataclass
class TraceResult:
    """The reaches, candidate sources and control units found upstream of a section.

    ``reaches_gdf``: the navigation columns (see ``ReachNetwork.navigate``) + geometry;
    ``sources_gdf``: ``SOURCE_RESULT_COLUMNS`` + geometry, sorted by ``rank``;
    ``control_units_gdf``: ``UNIT_RESULT_COLUMNS`` + geometry.  All EPSG:4490.
    """

    section: dict
    mode: str
    distance_km: float | None
    start_reach: str
    start_fraction: float | None
    reaches_gdf: gpd.GeoDataFrame
    sources_gdf: gpd.GeoDataFrame
    control_units_gdf: gpd.GeoDataFrame
    load_field: str = "equivalent_load"
    decay_km: float = 20.0
    notes: list[str] = field(default_factory=list)
    issues: list[NetworkIssue] = field(default_factory=list)

    @property
    def drainage_area_km2(self) -> float:
        """Total area of the control units the upstream reaches touch (km²)."""
        return float(self.control_units_gdf["area_km2"].sum()) if len(
            self.control_units_gdf) else 0.0

    @property
    def upstream_length_km(self) -> float:
        """Length of river covered by the trace (km)."""
        return float(self.reaches_gdf["covered_km"].sum()) if len(self.reaches_gdf) else 0.0

    def by_distance(self) -> gpd.GeoDataFrame:
        """Candidate sources, nearest first."""
        return self.sources_gdf.sort_values("rank_distance", kind="stable").reset_index(
            drop=True)

    def by_load(self) -> gpd.GeoDataFrame:
        """Candidate sources, largest load first."""
        return self.sources_gdf.sort_values("rank_load", kind="stable").reset_index(drop=True)

    def total_loads(self) -> dict[str, float]:
        """Loads summed over dischargers (enterprises, plants, farms; outfalls excluded)."""
        s = self.sources_gdf
        own = s[s["layer"] != "outfalls"]
        return {c: float(own[c].sum(min_count=1)) if len(own) else 0.0
                for c in (*LOAD_COLUMNS, "equivalent_load")}

    def summary(self, top: int = 5) -> dict:
        """Key figures: counts, lengths, loads, area, and the ``top`` ranked sources."""
        s = self.sources_gdf
        best = s.head(top)
        return jsonable({
            "section_code": self.section.get("code"),
            "section_name": self.section.get("name"),
            "mode": self.mode,
            "distance_km": self.distance_km,
            "start_reach": self.start_reach,
            "n_reaches": len(self.reaches_gdf),
            "upstream_length_km": round(self.upstream_length_km, 3),
            "n_sources": len(s),
            "sources_by_layer": s["layer"].value_counts().sort_index().to_dict(),
            "total_loads_t_a": self.total_loads(),
            "drainage_area_km2": round(self.drainage_area_km2, 3),
            "control_units": self.control_units_gdf["code"].tolist(),
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
            "reaches": feature_collection(self.reaches_gdf),
            "sources": feature_collection(self.sources_gdf),
            "control_units": feature_collection(self.control_units_gdf),
            "notes": list(self.notes),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text (UTF-8 characters kept, no NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)
