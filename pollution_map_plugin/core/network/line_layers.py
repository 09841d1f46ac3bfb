"""Reading river lines from any OGR layer: Shapefile (with or without .prj/.cpg), GPKG, GeoJSON.

Every feature read becomes one row of ``LineInput.features`` (with an ``outcome`` and a
``reason`` for those that cannot be reaches: polygons, points, empty geometries) and its
line parts go to ``LineInput.parts`` as lon/lat (EPSG:4490) vertex arrays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

TARGET_CRS = "EPSG:4490"
NAME_FIELDS = ("name", "名称", "河流名称", "河名", "river_name", "rivername", "rname", "hydname",
               "name_zh", "name:zh", "name_ch", "name_cn", "rivnam")
FROM_FIELDS = ("fnode_", "fnode", "from_node", "f_node", "fromnode")
TO_FIELDS = ("tnode_", "tnode", "to_node", "t_node", "tonode")
LEVEL_FIELDS = ("level_rive", "level", "grade", "gbcode", "等级")

#: outcomes of an input feature
USED, MERGED, DROPPED = "used", "merged", "dropped"


@dataclass
class LineInput:
    """Lines read from the input files, and one row per input feature."""

    features: pd.DataFrame  # feature, source, layer, fid, name, from_id, to_id, outcome, reason
    parts: list[np.ndarray] = field(default_factory=list)  # (k, 2) lon/lat per line part
    part_feature: list[int] = field(default_factory=list)  # feature index of each part
    notes: list[str] = field(default_factory=list)


def split_source(text: str) -> tuple[str, str | None]:
    """``file.gpkg|layer=rivers`` → (path, layer); a plain path → (path, None)."""
    m = re.match(r"^(.*)\|layer(?:name)?=(.+)$", str(text))
    return (m.group(1), m.group(2)) if m else (str(text), None)


def dbf_encoding(path: Path) -> str | None:
    """Encoding of a Shapefile's .dbf when it has no .cpg: UTF-8, GB18030 or None (ASCII)."""
    if any(path.with_suffix(s).exists() for s in (".cpg", ".CPG")):
        return None
    dbf = next((p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()),
               None)
    if dbf is None:
        return None
    data = dbf.read_bytes()
    body = data[int.from_bytes(data[8:10], "little"):] if len(data) > 32 else b""
    if body.isascii():
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            body.decode(enc)
            return "UTF-8" if enc == "utf-8" else "GB18030"
        except UnicodeDecodeError:
            continue
    return "ISO-8859-1"


def pick_field(names: list[str], candidates: tuple[str, ...], wanted: str | None = None,
               strings: set[str] | None = None) -> str | None:
    """The field named ``wanted`` (case-insensitive; KeyError if absent) or the first candidate."""
    lower = {n.lower(): n for n in names}
    if wanted:
        if wanted.lower() not in lower:
            raise KeyError(f"no field {wanted!r}; fields: {', '.join(names)}")
        return lower[wanted.lower()]
    for c in candidates:
        if c in lower and (strings is None or lower[c] in strings):
            return lower[c]
    if strings is not None and candidates is NAME_FIELDS:
        named = [n for n in names if "name" in n.lower() and n in strings]
        if len(named) == 1:
            return named[0]
    return None


def _looks_lonlat(xy: np.ndarray) -> bool:
    return bool(len(xy) == 0 or (np.abs(xy[:, 0]).max() <= 180 and np.abs(xy[:, 1]).max() <= 90))


def read_lines(sources: list[str], crs: str | None = None, name_field: str | None = None,
               bbox: tuple[float, float, float, float] | None = None) -> LineInput:
    """Read line parts and feature rows from ``sources`` (paths, ``path|layer=name``)."""
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    rows: list[dict] = []
    out = LineInput(pd.DataFrame())
    for text in sources:
        path_text, layer_name = split_source(text)
        path = Path(path_text)
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        enc = dbf_encoding(path) if path.suffix.lower() == ".shp" else None
        opts = [f"ENCODING={enc}"] if enc else []
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR, open_options=opts)
        if ds is None:
            raise ValueError(f"{path}: not a vector file OGR can read")
        if enc:
            out.notes.append(f"{path.name}: no .cpg, attribute text read as {enc}")
        layers = [ds.GetLayerByName(layer_name)] if layer_name else [
            ds.GetLayerByIndex(i) for i in range(ds.GetLayerCount())]
        if layer_name and layers[0] is None:
            raise ValueError(f"{path}: no layer {layer_name!r}")
        for layer in layers:
            _read_layer(layer, path, crs, name_field, bbox, rows, out, ogr)
    out.features = pd.DataFrame(rows, columns=["feature", "source", "layer", "fid", "name",
                                               "from_id", "to_id", "level", "outcome",
                                               "reason"])
    return out


def _layer_transform(layer, path: Path, crs: str | None, sample: np.ndarray, out: LineInput):
    """A function lon/lat ← layer coordinates (None: already EPSG:4490-compatible lon/lat)."""
    from pyproj import CRS, Transformer

    srs = layer.GetSpatialRef()
    if srs is not None:
        src = CRS.from_wkt(srs.ExportToWkt())
    elif crs:
        src = CRS.from_user_input(crs)
    elif _looks_lonlat(sample):
        out.notes.append(f"{path.name}:{layer.GetName()}: no projection; coordinates read as "
                         "lon/lat (EPSG:4490) — give --crs if they are not")
        return None
    else:
        raise ValueError(f"{path.name}: no projection file and the coordinates are not lon/lat; "
                         "give --crs (e.g. EPSG:4547)")
    if src.is_geographic and src.ellipsoid and src.ellipsoid.name in ("GRS 1980", "WGS 84",
                                                                       "CGCS2000"):
        return None
    tr = Transformer.from_crs(src, TARGET_CRS, always_xy=True)
    return lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))


def _geom_parts(geom, ogr) -> tuple[str, list[np.ndarray]]:
    if geom is None or geom.IsEmpty():
        return "empty", []
    flat = ogr.GT_Flatten(geom.GetGeometryType())
    if flat == ogr.wkbLineString:
        return "line", [np.asarray(geom.GetPoints(), dtype=float)[:, :2]]
    if flat == ogr.wkbMultiLineString:
        return "line", [np.asarray(geom.GetGeometryRef(i).GetPoints(), dtype=float)[:, :2]
                        for i in range(geom.GetGeometryCount())
                        if not geom.GetGeometryRef(i).IsEmpty()]
    if flat in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return "polygon", []
    if flat == ogr.wkbGeometryCollection:
        parts: list[np.ndarray] = []
        for i in range(geom.GetGeometryCount()):
            kind, p = _geom_parts(geom.GetGeometryRef(i), ogr)
            parts += p
        return ("line" if parts else "other"), parts
    return "other", []


def _read_layer(layer, path: Path, crs, name_field, bbox, rows: list, out: LineInput,
                ogr) -> None:
    defn = layer.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    strings = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())
               if defn.GetFieldDefn(i).GetType() == ogr.OFTString}
    fname = pick_field(names, NAME_FIELDS, name_field, strings)
    ffrom, fto = pick_field(names, FROM_FIELDS), pick_field(names, TO_FIELDS)
    flevel = pick_field(names, LEVEL_FIELDS)
    if fname and not name_field:
        out.notes.append(f"{path.name}:{layer.GetName()}: river names from field {fname!r}")
    first = len(out.parts)
    i_name, i_from, i_to, i_level = (defn.GetFieldIndex(f) if f else -1
                                     for f in (fname, ffrom, fto, flevel))
    source, lname = path.name, layer.GetName()
    layer.ResetReading()
    for feat in layer:
        idx = len(rows)
        kind, parts = _geom_parts(feat.GetGeometryRef(), ogr)
        name = feat.GetField(i_name) if i_name >= 0 else None
        row = {"feature": idx, "source": source, "layer": lname, "fid": feat.GetFID(),
               "name": (str(name).strip() or None) if name is not None else None,
               "from_id": feat.GetField(i_from) if i_from >= 0 else None,
               "to_id": feat.GetField(i_to) if i_to >= 0 else None,
               "level": feat.GetField(i_level) if i_level >= 0 else None,
               "outcome": USED, "reason": ""}
        parts = [p for p in parts if len(p) >= 2]
        if kind == "polygon":
            row.update(outcome=DROPPED, reason="polygon: a water area, not a reach")
        elif kind in ("empty", "other") or not parts:
            row.update(outcome=DROPPED, reason="no line geometry" if kind != "other"
                       else "not a line (point or other geometry)")
        rows.append(row)
        for p in parts:
            out.parts.append(p)
            out.part_feature.append(idx)
    if len(out.parts) == first:
        return
    sample = np.vstack(out.parts[first:first + 200])
    transform = _layer_transform(layer, path, crs, sample, out)
    for i in range(first, len(out.parts)):
        if transform is not None:
            out.parts[i] = transform(out.parts[i])
    if bbox is not None:
        _clip(out, first, bbox, rows)


def _clip(out: LineInput, first: int, bbox, rows: list) -> None:
    """Cut the parts from ``first`` on to ``bbox`` (lon/lat); features outside are listed."""
    from shapely.geometry import LineString, box

    area = box(*bbox)
    keep_parts, keep_owner = out.parts[:first], out.part_feature[:first]
    inside: set[int] = set()
    for p, owner in zip(out.parts[first:], out.part_feature[first:]):
        lo, hi = p.min(axis=0), p.max(axis=0)
        if lo[0] >= bbox[0] and lo[1] >= bbox[1] and hi[0] <= bbox[2] and hi[1] <= bbox[3]:
            keep_parts.append(p)
            keep_owner.append(owner)
            inside.add(owner)
            continue
        cut = LineString(p).intersection(area)
        geoms = getattr(cut, "geoms", [cut])
        for g in geoms:
            if g.geom_type == "LineString" and not g.is_empty and len(g.coords) >= 2:
                keep_parts.append(np.asarray(g.coords, dtype=float)[:, :2])
                keep_owner.append(owner)
                inside.add(owner)
    for owner in set(out.part_feature[first:]) - inside:
        rows[owner].update(outcome=DROPPED, reason="outside the area (--bbox)")
    out.parts, out.part_feature = keep_parts, keep_owner
