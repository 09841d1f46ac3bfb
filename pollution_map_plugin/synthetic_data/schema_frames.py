"""Turn the generated structures into frames with exactly the schema's columns."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, Point

from ..core import schema
from ..core.geometry_io import SHAPELY_2
from .river_network import Network

CRS = f"EPSG:{schema.DEFAULT_SRID}"


def columns(name: str) -> list[str]:
    """The schema's columns of table ``name`` (without ``fid``)."""
    return schema.table(name).column_names


def geoseries(geoms) -> gpd.GeoSeries:
    """A GeoSeries (EPSG:4490) of shapely geometries.

    On shapely 1.8 without pygeos, geopandas converts lists through NumPy, which asks
    every geometry for its array interface (seconds for 100,000 lines); filling an
    object array one element at a time avoids that.
    """
    if SHAPELY_2:
        return gpd.GeoSeries(list(geoms), crs=CRS)
    from geopandas.array import GeometryArray

    arr = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        arr[i] = g
    return gpd.GeoSeries(GeometryArray(arr, crs=CRS), crs=CRS)


def points(lon: np.ndarray, lat: np.ndarray) -> gpd.GeoSeries:
    """Points from coordinate arrays."""
    if SHAPELY_2:
        return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=CRS)
    return geoseries([Point(x, y) for x, y in zip(np.asarray(lon, float).tolist(),
                                                  np.asarray(lat, float).tolist())])


def table(name: str, frame: pd.DataFrame, geometry=None) -> pd.DataFrame:
    """``frame`` reduced to the columns of ``name``, as a GeoDataFrame when spatial."""
    out = pd.DataFrame({c: (frame[c].to_numpy() if c in frame else None) for c in columns(name)},
                       index=pd.RangeIndex(len(frame)))
    if schema.table(name).is_spatial:
        if geometry is None:
            geo = points(frame["_lon"].to_numpy(float), frame["_lat"].to_numpy(float))
        else:
            geo = geoseries(geometry)
        geo.index = out.index
        out = gpd.GeoDataFrame(out, geometry=geo, crs=CRS)
    return out


def _lines(coords: np.ndarray, offsets: np.ndarray) -> list:
    """LineStrings from a coordinate array split at ``offsets`` (vectorised on shapely 2)."""
    if SHAPELY_2:
        idx = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        return list(shapely.linestrings(coords, indices=idx))
    return [LineString(coords[a:b]) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]


def reaches_frame(net: Network) -> gpd.GeoDataFrame:
    verts = net.reach_vertices
    offsets = np.r_[0, np.cumsum([len(v) for v in verts])]
    cells = np.concatenate(verts)
    coords = np.column_stack([net.vx[cells], net.vy[cells]])
    down = net.reach_down
    frame = pd.DataFrame({
        "code": net.reach_code,
        "river_code": [net.river_code[k] for k in net.reach_river.tolist()],
        "downstream_code": [net.reach_code[k] if k >= 0 else None for k in down.tolist()],
        "from_node": [net.node_code[c] for c in net.reach_start.tolist()],
        "to_node": [net.node_code[c] for c in net.reach_end.tolist()],
        "length_km": np.round(net.reach_len_km, 3),
        "stream_order": net.reach_order.astype(np.int64),
    })
    out = table("reaches", frame, _lines(coords, offsets))
    return out.iloc[np.argsort(np.asarray(net.reach_code), kind="stable")].reset_index(drop=True)


def rivers_frame(net: Network, sources: list[str], mouths: list[str]) -> gpd.GeoDataFrame:
    geoms = [MultiLineString([list(zip(net.vx[c].tolist(), net.vy[c].tolist()))])
             for c in net.river_cells]
    frame = pd.DataFrame({
        "code": net.river_code, "name": net.river_name, "water_system": net.river_system,
        "length_km": np.round(net.river_len_km, 2), "key_river": net.river_key.astype(bool),
        "source": sources, "mouth": mouths,
        "parent_code": [net.river_code[p] if p >= 0 else None for p in net.river_parent.tolist()],
    })
    order = np.argsort(np.asarray(net.river_code))
    frame = frame.iloc[order].reset_index(drop=True)
    return table("rivers", frame, [geoms[k] for k in order.tolist()])
