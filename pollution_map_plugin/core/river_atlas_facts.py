"""What the one-river atlas (一河一策图册) needs per river: its catchment polygon and
the dossier facts of its cover — pure data, no QGIS.

>>> rows = river_atlas_rows(db, bundle, rivers="key")     # GeoDataFrame, one per river

A river's catchment is approximated from the network: the river and every tributary
that joins it (``parent_code`` chains), their reaches' vertices gathered on a grid of
about 1/30 of their extent, the occupied cells merged and grown by a cell.  The atlas
zooms to it and clips its maps to it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import schema
from .geometry_io import point_coords
from .polygon_lookup import polygon_of_points
from .symbology import class_roman

ATLAS_FIELDS = (
    "code", "name", "water_system", "length_km", "source", "mouth", "parent_name",
    "n_tributaries", "n_sections", "n_failing", "classes", "worst", "chiefs",
    "n_problems", "n_open_problems", "n_projects", "n_enterprises", "cod_t_a", "period",
)


def river_trees(rivers: pd.DataFrame) -> dict[str, list[str]]:
    """Each river's code → its own code and every river that joins it, upstream."""
    children: dict[str, list[str]] = {}
    for code, parent in zip(rivers["code"], rivers["parent_code"]):
        if isinstance(parent, str) and parent:
            children.setdefault(parent, []).append(code)
    out = {}
    for code in rivers["code"]:
        tree, todo, seen = [], [code], set()
        while todo:
            c = todo.pop()
            if c in seen:
                continue  # a loop in bad data
            seen.add(c)
            tree.append(c)
            todo.extend(children.get(c, ()))
        out[code] = tree
    return out


def _vertices(geoms) -> tuple[np.ndarray, np.ndarray]:
    """All vertices of line geometries: (coords (n, 2), geometry index per vertex)."""
    coords, owner = [], []
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        parts = getattr(g, "geoms", [g])
        for p in parts:
            xy = np.asarray(p.coords, float)[:, :2]
            coords.append(xy)
            owner.append(np.full(len(xy), i))
    if not coords:
        return np.zeros((0, 2)), np.zeros(0, np.int64)
    return np.vstack(coords), np.concatenate(owner)


def catchment(xy: np.ndarray, cells: int = 30):
    """A polygon around points ``xy`` (lon/lat): occupied grid cells, grown by one."""
    from shapely.geometry import MultiPoint, box
    from shapely.ops import unary_union

    if len(xy) < 3:
        return MultiPoint([tuple(p) for p in xy]).buffer(0.05) if len(xy) else None
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    d = max(x1 - x0, y1 - y0, 0.01) / cells
    i = np.floor((xy[:, 0] - x0) / d).astype(np.int64)
    j = np.floor((xy[:, 1] - y0) / d).astype(np.int64)
    occupied = np.unique(np.column_stack([i, j]), axis=0)
    boxes = [box(x0 + a * d, y0 + b * d, x0 + (a + 1) * d, y0 + (b + 1) * d)
             for a, b in occupied.tolist()]
    shape = unary_union(boxes).buffer(d * 1.5, 4).buffer(-d * 0.5, 4)
    return shape.simplify(d * 0.3)


def pick_rivers(rivers: pd.DataFrame, which: Any) -> list[str]:
    """River codes for ``which``: "key" (the key rivers), "all", or codes/names."""
    if which in (None, "key"):
        codes = list(rivers.loc[rivers["key_river"].fillna(False).astype(bool), "code"])
        return codes or list(rivers["code"][:1])
    if which == "all":
        return list(rivers["code"])
    wanted = [which] if isinstance(which, str) else list(which)
    by_name = dict(zip(rivers["name"], rivers["code"]))
    out = []
    for w in wanted:
        code = w if w in set(rivers["code"]) else by_name.get(w)
        if code is None:
            raise ValueError(f"no river with code or name {w!r}")
        out.append(code)
    return out


def river_atlas_rows(db, sections: pd.DataFrame | None, rivers: Any = "key",
                     period: str = "") -> Any:
    """The atlas coverage: one row per river (``ATLAS_FIELDS``, geometry = catchment)."""
    import geopandas as gpd

    table = db.read_layer("rivers", ["code", "name", "water_system", "length_km",
                                     "key_river", "source", "mouth", "parent_code"])
    codes = pick_rivers(table, rivers)
    trees = river_trees(table)
    reaches = db.read_layer("reaches", ["river_code"])
    xy, owner = _vertices(list(reaches.geometry))
    index = {c: i for i, c in enumerate(table["code"])}
    reach_river = np.array([index.get(c, -1) for c in reaches["river_code"]], np.int64)
    river_of_vertex = reach_river[owner] if len(owner) else owner
    names = dict(zip(table["code"], table["name"]))
    sec = db.read_layer("sections", ["code", "river_code"])
    result = sections if sections is not None and len(sections) else pd.DataFrame(
        columns=["section_code", "water_class", "meets_target"])
    sec = sec.merge(result[["section_code", "water_class", "meets_target"]],
                    left_on="code", right_on="section_code", how="left")
    chiefs = db.read_table("river_chiefs")
    problems = db.read_table("problems", ["river_code", "status"])
    projects = db.read_table("projects", ["river_code"])
    ent = db.read_layer("enterprises", ["cod_t_a"])  # the sources in the catchment
    ex, ey = point_coords(list(ent.geometry))
    rows, geoms = [], []
    info = table.set_index("code")
    for code in codes:
        r = info.loc[code]
        tree = set(trees.get(code, [code]))
        member = np.zeros(len(index) + 1, bool)  # the last slot: reaches of no river
        member[[index[c] for c in tree if c in index]] = True
        mask = member[river_of_vertex] if len(owner) else np.zeros(0, bool)
        shape = catchment(xy[mask]) if mask.any() else None
        geoms.append(shape)
        s = sec[sec["river_code"] == code]
        wc = pd.to_numeric(s["water_class"], errors="coerce").dropna().astype(int)
        counts = wc.value_counts().sort_index()
        ch = chiefs[chiefs["river_code"] == code]
        pr = problems[problems["river_code"] == code]
        inside = polygon_of_points(ex, ey, [shape]) >= 0 if shape is not None else \
            np.zeros(len(ex), bool)
        e = ent[inside]
        rows.append({
            "code": code, "name": r["name"], "water_system": r["water_system"],
            "length_km": float(r["length_km"]) if pd.notna(r["length_km"]) else None,
            "source": r["source"], "mouth": r["mouth"],
            "parent_name": names.get(r["parent_code"]) if isinstance(r["parent_code"], str)
            else None,
            "n_tributaries": len(tree) - 1, "n_sections": len(s),
            "n_failing": int((s["meets_target"] == 0).sum()),
            "classes": " · ".join(f"{class_roman(k)} {n}" for k, n in counts.items()) or "—",
            "worst": class_roman(int(wc.max())) if len(wc) else "—",
            "chiefs": "、".join(f"{p or ''}{n}" for n, p in zip(ch["name"], ch["post"])) or "—",
            "n_problems": len(pr), "n_open_problems": int((pr["status"] != "resolved").sum()),
            "n_projects": int((projects["river_code"] == code).sum()),
            "n_enterprises": len(e), "cod_t_a": float(e["cod_t_a"].fillna(0).sum()),
            "period": period,
        })
    frame = pd.DataFrame(rows, columns=list(ATLAS_FIELDS))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{schema.DEFAULT_SRID}"),
                            crs=f"EPSG:{schema.DEFAULT_SRID}")
