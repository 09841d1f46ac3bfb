"""Placing points relative to the network: near rivers, on banks, inside polygons."""

from __future__ import annotations

import numpy as np

from .river_network import Network
from .terrain import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQ, points_in_ring


def kx(lat: np.ndarray | float) -> np.ndarray:
    """Kilometres per degree of longitude at ``lat``."""
    return KM_PER_DEG_LON_EQ * np.cos(np.radians(lat))


def step_cell(net: Network, cells: np.ndarray) -> np.ndarray:
    """Channel cells with an outgoing step (the outlet is replaced by the cell above it)."""
    cells = np.asarray(cells, np.int64).copy()
    at_outlet = net.terrain.recv[cells] < 0
    cells[at_outlet] = net.terrain.stem_cells[0][-2]
    return cells


def near(net: Network, cells: np.ndarray, min_km: float, max_km: float,
         rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points ``min_km``–``max_km`` from the vertices of ``cells``, inside the area."""
    cells = np.asarray(cells, np.int64)
    lon0, lat0 = net.vx[cells], net.vy[cells]
    ang = rng.random(len(cells)) * 2 * np.pi
    dist = min_km + (max_km - min_km) * rng.random(len(cells))
    lon, lat = lon0.copy(), lat0.copy()
    todo = np.ones(len(cells), bool)
    for shrink in (1.0, 0.5, 0.25, 0.1):
        d = dist * shrink
        tl = lon0 + d * np.cos(ang) / kx(lat0)
        tt = lat0 + d * np.sin(ang) / KM_PER_DEG_LAT
        ok = todo & (net.terrain.grid.cell_of(tl, tt) >= 0)
        lon[ok], lat[ok] = tl[ok], tt[ok]
        todo &= ~ok
    # what is left stays a few metres off its vertex (inside its own cell)
    lon[todo] += 0.05 * net.terrain.grid.d * np.cos(ang[todo])
    lat[todo] += 0.05 * net.terrain.grid.d * np.sin(ang[todo])
    return lon, lat


def bank_points(net: Network, cells: np.ndarray, toward_lon: np.ndarray,
                toward_lat: np.ndarray, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outfall positions: 20–60 m off the step leaving each cell, on the side of the
    discharger; returns lon, lat and the fraction along the step."""
    cells = step_cell(net, cells)
    recv = net.terrain.recv[cells]
    ax, ay = net.vx[cells], net.vy[cells]
    bx, by = net.vx[recv], net.vy[recv]
    f = 0.2 + 0.6 * rng.random(len(cells))
    k = kx(ay)
    px, py = ax + f * (bx - ax), ay + f * (by - ay)
    ux, uy = (bx - ax) * k, (by - ay) * KM_PER_DEG_LAT
    norm = np.hypot(ux, uy)
    nx_, ny_ = -uy / norm, ux / norm  # left normal, in km
    side = np.sign((np.asarray(toward_lon) - px) * k * nx_
                   + (np.asarray(toward_lat) - py) * KM_PER_DEG_LAT * ny_)
    side[side == 0] = 1.0
    off = (0.02 + 0.04 * rng.random(len(cells))) * side
    return px + off * nx_ / k, py + off * ny_ / KM_PER_DEG_LAT, f


def inside_polygon(ring: np.ndarray, n: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random points inside the polygon ``ring`` (rejection sampling)."""
    x0, y0 = ring.min(axis=0)
    x1, y1 = ring.max(axis=0)
    xs, ys = [], []
    got = 0
    while got < n:
        x = x0 + (x1 - x0) * rng.random(4 * n + 8)
        y = y0 + (y1 - y0) * rng.random(4 * n + 8)
        ok = points_in_ring(x, y, ring)
        xs.append(x[ok])
        ys.append(y[ok])
        got += int(ok.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def weighted_cells(net: Network, n: int, weight: np.ndarray, rng: np.random.Generator
                   ) -> np.ndarray:
    """``n`` cells drawn with probability proportional to ``weight`` (per cell)."""
    cand = np.flatnonzero(weight > 0)
    p = weight[cand] / weight[cand].sum()
    return rng.choice(cand, size=n, p=p)
