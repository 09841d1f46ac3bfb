"""Pollution sources aggregated in a hexagon grid, for maps at the whole-area scale.

>>> bins = hexbin_sources(points, radius_km=6)   # points: layer, lon, lat, cod_t_a
>>> bins.frame        # one row per occupied hexagon: counts per layer, COD, dominant
>>> bins.polygons     # lon/lat vertex arrays (EPSG:4490), one per row

Hexagons are regular in a local equirectangular projection (metres at the points'
mean latitude: exact enough for one municipality) with pointy tops; each point falls
in exactly one hexagon, so the counts add up to the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .geometry_io import point_coords

KM_PER_DEG_LAT = 111.32
#: sources in a database above which the pollution map draws these hexagons at the
#: whole-area scale (the one rule the panel's task and the map's styling share)
AGGREGATE_ABOVE = 5000


@dataclass
class HexBins:
    frame: pd.DataFrame  # hex_id, n_<layer>..., n_sources, cod_t_a, dominant, lon, lat
    polygons: list[np.ndarray]  # (7, 2) closed lon/lat rings
    radius_km: float


def default_radius_km(lon: np.ndarray, lat: np.ndarray, across: int = 40) -> float:
    """A hexagon radius giving about ``across`` hexagons over the points' width."""
    if not len(lon):
        return 1.0
    lat0 = float(np.nanmean(lat))
    width = (np.nanmax(lon) - np.nanmin(lon)) * KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    height = (np.nanmax(lat) - np.nanmin(lat)) * KM_PER_DEG_LAT
    span = max(width, height, 1.0)
    return float(round(span / across / math.sqrt(3), 1) or 0.5)


def _axial(x: np.ndarray, y: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial coordinates (q, s) of the pointy-top hexagon of radius ``r`` holding x/y."""
    q = (math.sqrt(3) / 3 * x - y / 3) / r
    s = (2 / 3 * y) / r
    # cube rounding
    cx, cz = q, s
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    ry = np.where(fix_y, -rx - rz, ry)
    rz = np.where(~fix_x & ~fix_y, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def hexbin_sources(points: pd.DataFrame, radius_km: float | None = None) -> HexBins:
    """Aggregate ``points`` (columns layer, lon, lat, cod_t_a) into hexagons."""
    pts = points.dropna(subset=["lon", "lat"])
    lon, lat = pts["lon"].to_numpy(float), pts["lat"].to_numpy(float)
    layers = list(schema.SOURCE_LAYERS)
    cols = ["hex_id", *(f"n_{k}" for k in layers), "n_sources", "cod_t_a", "dominant",
            "lon", "lat"]
    if not len(pts):
        return HexBins(pd.DataFrame(columns=cols), [], radius_km or 1.0)
    r = float(radius_km or default_radius_km(lon, lat))
    lon0, lat0 = float(lon.mean()), float(lat.mean())
    kx = KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    x, y = (lon - lon0) * kx, (lat - lat0) * KM_PER_DEG_LAT
    q, s = _axial(x, y, r)
    key = pd.MultiIndex.from_arrays([q, s])
    codes, uniques = pd.factorize(key)
    n = len(uniques)
    frame = pd.DataFrame({"hex_id": np.arange(n)})
    layer_of = pts["layer"].to_numpy(object)
    for k in layers:
        frame[f"n_{k}"] = np.bincount(codes[layer_of == k], minlength=n)
    frame["n_sources"] = np.bincount(codes, minlength=n)
    cod = pd.to_numeric(pts.get("cod_t_a", pd.Series(0.0, index=pts.index)),
                        errors="coerce").fillna(0.0).to_numpy(float)
    frame["cod_t_a"] = np.bincount(codes, weights=cod, minlength=n)
    counts = frame[[f"n_{k}" for k in layers]].to_numpy()
    frame["dominant"] = [layers[i] for i in counts.argmax(axis=1).tolist()]
    uq = np.array([u[0] for u in uniques], float)
    us = np.array([u[1] for u in uniques], float)
    cxk = r * math.sqrt(3) * (uq + us / 2)
    cyk = r * 1.5 * us
    frame["lon"] = lon0 + cxk / kx
    frame["lat"] = lat0 + cyk / KM_PER_DEG_LAT
    angles = np.radians(np.arange(7) * 60 + 30)
    ring_x, ring_y = r * np.cos(angles), r * np.sin(angles)
    polygons = [np.column_stack([lon0 + (cx + ring_x) / kx, lat0 + (cy + ring_y) / KM_PER_DEG_LAT])
                for cx, cy in zip(cxk.tolist(), cyk.tolist())]
    return HexBins(frame[cols], polygons, r)


def read_source_points(db) -> pd.DataFrame:
    """Every source of ``db`` as rows layer, lon, lat, cod_t_a (columnar reads)."""
    frames = []
    for layer in schema.SOURCE_LAYERS:
        cols = ["cod_t_a"] if "cod_t_a" in schema.table(layer).column_names else []
        g = db.read_layer(layer, cols or ["code"])
        lon, lat = point_coords(list(g.geometry))
        frames.append(pd.DataFrame({
            "layer": layer, "lon": lon, "lat": lat,
            "cod_t_a": g["cod_t_a"].to_numpy(float) if cols else 0.0}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["layer", "lon", "lat", "cod_t_a"])
