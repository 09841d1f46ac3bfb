"""Areas: districts (names only), control-unit polygons, industrial parks and
drinking-water source protection areas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.ops import unary_union

from . import names
from .river_network import Network
from .terrain import KM_PER_DEG_LAT, Grid


@dataclass
class Districts:
    of_cell: np.ndarray  # district index per cell (-1 outside)
    name: list[str]
    seat: np.ndarray  # seat cell per district


def districts(net: Network, n: int, rng: np.random.Generator) -> Districts:
    """District seats on the bigger rivers, districts as their nearest-seat regions."""
    t = net.terrain
    g = t.grid
    cand = np.flatnonzero(net.channel & (t.acc_km2 >= np.quantile(t.acc_km2[net.channel], 0.3)))
    lon, lat = g.centres(cand)
    kx = 111.32 * np.cos(np.radians(float(lat.mean())))
    spacing = np.sqrt(g.mask.sum() * float(g.cell_area_km2(cand[:1])[0]) / n) * 0.6
    seats: list[int] = []
    for relax in (1.0, 0.7, 0.4, 0.0):
        for c in rng.permutation(len(cand)).tolist():
            if len(seats) >= n:
                break
            d2 = [((lon[c] - lon[s]) * kx) ** 2 + ((lat[c] - lat[s]) * KM_PER_DEG_LAT) ** 2
                  for s in seats]
            if all(d >= (spacing * relax) ** 2 for d in d2) and c not in seats:
                seats.append(c)
    seat = cand[np.asarray(seats)]
    inside = np.flatnonzero(g.mask)
    clon, clat = g.centres(inside)
    slon, slat = g.centres(seat)
    best = np.full(len(inside), np.inf)
    of = np.zeros(len(inside), np.int64)
    for k in range(len(seat)):
        d = ((clon - slon[k]) * kx) ** 2 + ((clat - slat[k]) * KM_PER_DEG_LAT) ** 2
        closer = d < best
        best[closer], of[closer] = d[closer], k
    of_cell = np.full(g.n, -1, np.int64)
    of_cell[inside] = of
    return Districts(of_cell, names.district_names(rng, len(seat)), seat)


def cell_polygons(grid: Grid, label: np.ndarray, n_labels: int) -> list[MultiPolygon]:
    """Union of the grid cells of each label, built from row runs (exact shared edges)."""
    lab = label.reshape(grid.ny, grid.nx)
    pad = np.full((grid.ny, grid.nx + 2), -1, np.int64)
    pad[:, 1:-1] = lab
    change = pad[:, 1:] != pad[:, :-1]
    rows, cols = np.nonzero(change)
    boxes: list[list] = [[] for _ in range(n_labels)]
    xs = grid.lon0 + np.arange(grid.nx + 1) * grid.d
    ys = grid.lat0 + np.arange(grid.ny + 1) * grid.d
    for i in np.unique(rows).tolist():
        cuts = cols[rows == i]
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            v = int(lab[i, a])
            if v >= 0:
                boxes[v].append(box(xs[a], ys[i], xs[b], ys[i + 1]))
    out = []
    for parts in boxes:
        u = unary_union(parts)
        out.append(u if isinstance(u, MultiPolygon) else MultiPolygon([u]))
    return out


def _scaled(lat: float) -> float:
    return float(np.cos(np.radians(lat)))


def blob(lon: float, lat: float, radius_km: float, rng: np.random.Generator,
         n: int = 9) -> Polygon:
    """An irregular star-shaped polygon of about ``radius_km`` around a point."""
    ang = (np.arange(n) + 0.8 * rng.random(n)) / n * 2 * np.pi  # gaps < pi: a simple polygon
    r = radius_km * (0.65 + 0.7 * rng.random(n))
    dx = r * np.cos(ang) / (111.32 * _scaled(lat))
    dy = r * np.sin(ang) / KM_PER_DEG_LAT
    return Polygon(list(zip((lon + dx).tolist(), (lat + dy).tolist())))


def buffer_km(geom, km: float, lat: float):
    """Buffer a lon/lat geometry by ``km`` (locally equal-distance)."""
    k = _scaled(lat)
    g = affinity.scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
    return affinity.scale(g.buffer(km / KM_PER_DEG_LAT, 8), xfact=1 / k, yfact=1.0, origin=(0, 0))


def reach_line(net: Network, r: int) -> LineString:
    cells = net.reach_vertices[r]
    return LineString(list(zip(net.vx[cells].tolist(), net.vy[cells].tolist())))


@dataclass
class DrinkingAreas:
    geometry: list[MultiPolygon]
    level: list[str]
    kind: list[str]
    river: list[int]  # river index or -1 (groundwater)
    name: list[str]
    cell: list[int]  # a representative cell (for the district)


def drinking_areas(net: Network, n_sources: int, lake_cells: np.ndarray, avoid: np.ndarray,
                   rng: np.random.Generator) -> DrinkingAreas:
    """Protection areas of drinking-water sources: river intakes on upstream reaches,
    reservoirs (at lake sections, then elsewhere) and groundwater wells."""
    t = net.terrain
    out = DrinkingAreas([], [], [], [], [], [])
    n_river = int(round(n_sources * 0.5))
    n_res = int(round(n_sources * 0.35))
    n_gw = max(n_sources - n_river - n_res, 0)
    small = ~net.river_is_stem[np.maximum(net.river_of, 0)] & (net.river_of >= 0)
    upstream = np.flatnonzero(net.channel & (t.recv >= 0) & ~avoid & small
                              & (t.acc_km2 < np.quantile(t.acc_km2[net.channel], 0.9)))
    starts = rng.choice(upstream, size=min(len(upstream), n_river + n_res), replace=False)
    res_cells = np.r_[lake_cells, starts[n_river:]][:n_res]
    labels = names.place_names(rng, n_sources, ("", "", "水厂"))
    k = 0
    for c in starts[:n_river].tolist():
        path = [c]
        while len(path) < 6 and t.recv[path[-1]] >= 0:
            path.append(int(t.recv[path[-1]]))
        line = LineString(list(zip(net.vx[path].tolist(), net.vy[path].tolist())))
        lat = float(net.vy[c])
        first = buffer_km(line, 0.15, lat)
        second = buffer_km(line, 0.6, lat).difference(first)
        _add(out, [(first, "first"), (second, "second")], "river", int(net.river_of[c]),
             labels[k] + "饮用水水源地", c)
        k += 1
    for c in res_cells.tolist():
        lat = float(net.vy[c])
        core = blob(float(net.vx[c]), lat, 0.8, rng)
        second = buffer_km(core, 0.8, lat).difference(core)
        quasi = buffer_km(core, 2.0, lat).difference(buffer_km(core, 0.8, lat))
        parts = [(core, "first"), (second, "second")]
        if rng.random() < 0.4:
            parts.append((quasi, "quasi"))
        _add(out, parts, "reservoir", int(net.river_of[c]), labels[k] + "水库水源地", c)
        k += 1
    land = np.flatnonzero(t.grid.mask & ~net.channel)
    for c in rng.choice(land, size=min(n_gw, len(land)), replace=False).tolist():
        lon, lat = t.grid.centres(np.array([c]))
        well = buffer_km(Point(float(lon[0]), float(lat[0])), 0.05, float(lat[0]))
        _add(out, [(well, "first")], "groundwater", -1, labels[k % len(labels)] + "地下水水源地",
             c)
        k += 1
    return out


_LEVEL_ZH = {"first": "一级", "second": "二级", "quasi": "准"}


def as_multipolygon(geom) -> MultiPolygon:
    """``geom`` (a polygon or a collection with polygons) as a MultiPolygon."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    return MultiPolygon([p for p in getattr(geom, "geoms", []) if isinstance(p, Polygon)])


def _add(out: DrinkingAreas, parts, kind: str, river: int, name: str, cell: int) -> None:
    for geom, level in parts:
        if geom.is_empty:
            continue
        out.geometry.append(as_multipolygon(geom))
        out.level.append(level)
        out.kind.append(kind)
        out.river.append(river)
        out.name.append(f"{name}{_LEVEL_ZH[level]}保护区")
        out.cell.append(cell)
