"""A synthetic terrain and its D8 drainage: the ground truth of the river network.

The area is a grid of square cells (in degrees).  An elevation field (fractal value
noise, valleys towards the imposed big rivers, a regional slope to the outlet) is
pit-filled with a priority flood from the outlet, so every cell drains; each cell
then flows to its steepest lower neighbour.  Crossing diagonal flows are removed,
so the channel network drawn through cell centres is planar.  Everything is a
forest of cells (``recv`` = the downstream cell, -1 at the outlet or outside).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .config import Scale
from .grid import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQ, Grid  # noqa: F401 - re-exported
from .stems import join_parent, meandered_stems, rasterise_stem

_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


@dataclass
class Terrain:
    """The grid with its filled elevation and drainage tree."""

    grid: Grid
    elev: np.ndarray  # filled elevation (m)
    recv: np.ndarray  # downstream cell or -1
    depth: np.ndarray  # steps to the outlet (-1 outside)
    acc_km2: np.ndarray  # drained area including the inflow from outside
    step_km: np.ndarray  # length of the step to recv
    stem_cells: list[np.ndarray]  # per config stem: its cells, upstream first
    outlet: int


def points_in_ring(x: np.ndarray, y: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test, vectorised over the points."""
    inside = np.zeros(x.shape, bool)
    xs, ys = ring[:, 0], ring[:, 1]
    for k in range(len(ring)):
        x1, y1, x2, y2 = xs[k - 1], ys[k - 1], xs[k], ys[k]
        if y1 == y2:
            continue
        crosses = (y1 > y) != (y2 > y)
        xint = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < xint)
    return inside


def value_noise(rng: np.random.Generator, ny: int, nx: int, wavelength: float) -> np.ndarray:
    """Smooth noise in [0, 1) with features about ``wavelength`` cells wide."""
    gy, gx = int(ny / wavelength) + 2, int(nx / wavelength) + 2
    lattice = rng.random((gy + 1, gx + 1))
    fy = np.arange(ny) / wavelength
    fx = np.arange(nx) / wavelength
    iy, ix = fy.astype(int), fx.astype(int)
    ty, tx = fy - iy, fx - ix
    ty, tx = ty * ty * (3 - 2 * ty), tx * tx * (3 - 2 * tx)
    a = lattice[np.ix_(iy, ix)] * (1 - tx) + lattice[np.ix_(iy, ix + 1)] * tx
    b = lattice[np.ix_(iy + 1, ix)] * (1 - tx) + lattice[np.ix_(iy + 1, ix + 1)] * tx
    return a * (1 - ty)[:, None] + b * ty[:, None]


def make_grid(scale: Scale) -> Grid:
    ring = np.asarray(scale.outline, float)
    d = scale.cell_deg
    lon0 = np.floor(ring[:, 0].min() / d) * d - d
    lat0 = np.floor(ring[:, 1].min() / d) * d - d
    nx = int(np.ceil((ring[:, 0].max() - lon0) / d)) + 2
    ny = int(np.ceil((ring[:, 1].max() - lat0) / d)) + 2
    g = Grid(float(lon0), float(lat0), d, ny, nx, np.zeros(ny * nx, bool))
    lon, lat = g.centres(np.arange(g.n))
    g.mask = points_in_ring(lon, lat, ring)
    return g


def priority_flood(elev: np.ndarray, grid: Grid, seeds: list[int],
                   rng: np.random.Generator) -> np.ndarray:
    """Raise every pit so that each cell has a strictly lower path to a seed.

    A filled cell is raised a small random amount above the cell that reached it, so
    the flow across a filled depression meanders instead of running straight.
    """
    ny, nx = grid.ny, grid.nx
    w = nx + 2
    pad = np.full((ny + 2, w), np.inf)
    pad[1:-1, 1:-1] = np.where(grid.mask.reshape(ny, nx), elev.reshape(ny, nx), np.inf)
    closed = bytearray(np.isinf(pad).ravel().astype(np.uint8).tobytes())
    e = pad.ravel().tolist()
    jitter = (0.01 + 0.1 * rng.random(len(e))).tolist()
    offs = [di * w + dj for di, dj in _OFFSETS]
    heap = []
    for s in seeds:
        i, j = divmod(s, nx)
        p = (i + 1) * w + j + 1
        closed[p] = 1
        heap.append((e[p], p))
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        ec, c = pop(heap)
        for o in offs:
            n = c + o
            if not closed[n]:
                closed[n] = 1
                en = e[n]
                if en <= ec:
                    en = ec + jitter[n]
                    e[n] = en
                push(heap, (en, n))
    out = np.asarray(e).reshape(ny + 2, w)[1:-1, 1:-1].ravel()
    return np.where(grid.mask, out, np.nan)


def steepest_receivers(grid: Grid, elev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """D8 steepest-descent receiver and step length (km) of every cell."""
    ny, nx = grid.ny, grid.nx
    e = np.where(grid.mask, elev, np.inf).reshape(ny, nx)
    pad = np.full((ny + 2, nx + 2), np.inf)
    pad[1:-1, 1:-1] = e
    _, lat = grid.centres(np.arange(grid.n))
    dx = (grid.d * grid.km_per_deg_lon(lat)).reshape(ny, nx)
    dy = grid.d * KM_PER_DEG_LAT
    best = np.zeros((ny, nx))
    recv = np.full((ny, nx), -1, np.int64)
    step = np.zeros((ny, nx))
    ii, jj = np.divmod(np.arange(grid.n).reshape(ny, nx), nx)
    for di, dj in _OFFSETS:
        dist = np.hypot(dx * dj, dy * di)
        with np.errstate(invalid="ignore"):
            drop = (e - pad[1 + di:ny + 1 + di, 1 + dj:nx + 1 + dj]) / dist
        better = np.isfinite(drop) & (drop > best)
        best = np.where(better, drop, best)
        recv = np.where(better, (ii + di) * nx + jj + dj, recv)
        step = np.where(better, dist, step)
    return recv.ravel(), step.ravel()


def uncross(grid: Grid, recv: np.ndarray, elev: np.ndarray, fixed: np.ndarray) -> None:
    """Where two diagonal flows cross inside a 2x2 block, turn one orthogonal (in place).

    The flow of a ``fixed`` cell (an imposed big river) is kept when the other can turn.
    """
    nx = grid.nx
    for _ in range(4):
        a = np.arange(grid.n).reshape(grid.ny, nx)[:-1, :-1].ravel()
        a = a[(a % nx) < nx - 1]
        b, c, d = a + 1, a + nx, a + nx + 1
        changed = 0
        for p, q, r, s in ((a, b, c, d), (d, c, b, a), (a, c, b, d), (d, b, c, a)):
            # p->s and q->r cross; q->r may become q->p or q->s, p->s may become p->r
            hit = (recv[p] == s) & (recv[q] == r)
            if not hit.any():
                continue
            p, q, r, s = p[hit], q[hit], r[hit], s[hit]
            swap = fixed[p] & ~fixed[q]  # keep p->s: let q turn instead (roles swapped)
            p, q, r, s = (np.where(swap, q, p), np.where(swap, p, q), np.where(swap, s, r),
                          np.where(swap, r, s))
            to_r = (elev[r] < elev[p]) & ~fixed[p]
            recv[p[to_r]] = r[to_r]
            rest = ~to_r
            to_p = elev[p[rest]] < elev[q[rest]]
            recv[q[rest][to_p]] = p[rest][to_p]
            recv[q[rest][~to_p]] = s[rest][~to_p]
            changed += int(hit.sum())
        if not changed:
            return


def depth_of(recv: np.ndarray, valid: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Steps (or summed ``weight``) to the root of each cell, by pointer jumping.

    -1 where not ``valid``.
    """
    n = len(recv)
    idx = np.arange(n)
    jump = np.where(recv >= 0, recv, idx)
    dist = (recv >= 0).astype(np.int64) if weight is None else np.where(recv >= 0, weight, 0.0)
    while True:
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            break
        dist = dist + dist[jump]
        jump = nxt
    return np.where(valid, dist, -1)


def drains_to(recv: np.ndarray, root: int) -> np.ndarray:
    """True where following ``recv`` reaches ``root`` (False in or above a loop).

    Pointer jumping with a bounded number of rounds: ``depth_of`` would never stop on a
    loop whose length is not a power of two.
    """
    n = len(recv)
    jump = np.where(recv >= 0, recv, np.arange(n))
    for _ in range(max(int(n).bit_length(), 1) + 1):
        jump = jump[jump]
    return jump == root


def levels(depth: np.ndarray) -> list[np.ndarray]:
    """Cells grouped by depth, deepest (most upstream) first; depth 0 excluded."""
    cells = np.flatnonzero(depth > 0)
    order = cells[np.argsort(-depth[cells], kind="stable")]
    dv = depth[order]
    cuts = np.flatnonzero(np.diff(dv)) + 1
    return np.split(order, cuts)


def accumulate(weight: np.ndarray, recv: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Sum of ``weight`` over each cell and everything upstream of it."""
    acc = np.array(weight, float, copy=True)
    for g in groups:
        np.add.at(acc, recv[g], acc[g])
    return acc


def _distance_to_lines_km(lon: np.ndarray, lat: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    """Distance (km, local equirectangular) from points to the nearest polyline."""
    kx = KM_PER_DEG_LON_EQ * np.cos(np.radians(float(np.mean(lat))))
    x, y = lon * kx, lat * KM_PER_DEG_LAT
    best = np.full(lon.shape, np.inf)
    for line in lines:
        px, py = line[:, 0] * kx, line[:, 1] * KM_PER_DEG_LAT
        for k in range(len(line) - 1):
            ax, ay, bx, by = px[k], py[k], px[k + 1], py[k + 1]
            vx, vy = bx - ax, by - ay
            t = np.clip(((x - ax) * vx + (y - ay) * vy) / max(vx * vx + vy * vy, 1e-12), 0, 1)
            best = np.minimum(best, np.hypot(x - ax - t * vx, y - ay - t * vy))
    return best


def build_terrain(scale: Scale, rng: np.random.Generator) -> Terrain:
    """Grid, elevation, pit filling and the drainage tree of ``scale``."""
    grid = make_grid(scale)
    ny, nx, d = grid.ny, grid.nx, grid.d
    km_per_cell = d * KM_PER_DEG_LAT
    taken = np.zeros(grid.n, bool)
    stem_cells: list[np.ndarray] = []
    chain = np.full(grid.n, np.nan)
    by_name: dict[str, int] = {}
    courses = meandered_stems(scale, rng)
    for k, stem in enumerate(scale.stems):
        cells = rasterise_stem(grid, courses[k], taken)
        if stem.parent is not None:
            cells = join_parent(grid, cells, taken)
        if len(cells) < 2:
            raise ValueError(f"stem {stem.name} does not cross the area of {scale.name}")
        joined = stem.parent is not None and taken[cells[-1]]
        base = chain[cells[-1]] if joined else 0.0
        own = cells[:-1] if joined else cells
        along = np.arange(len(cells) - 1, -1, -1) * km_per_cell + base
        chain[own] = along[: len(own)]
        taken[own] = True
        stem_cells.append(cells)
        by_name[stem.name] = k
    outlet = int(stem_cells[0][-1])
    # the outlet is a spout: only the river above it may drain into it
    oi, oj = divmod(outlet, nx)
    for di, dj in _OFFSETS:
        nb = (oi + di) * nx + oj + dj
        if 0 <= oi + di < ny and 0 <= oj + dj < nx and not taken[nb]:
            grid.mask[nb] = False

    lon, lat = grid.centres(np.arange(grid.n))
    inside = np.flatnonzero(grid.mask)
    noise = np.zeros((ny, nx))
    amp_total = 0.0
    for wl_km, amp in ((120, 0.5), (45, 0.45), (18, 0.4), (7, 0.3), (2.5, 0.2)):
        noise += amp * value_noise(rng, ny, nx, max(wl_km / (d * 100.0), 1.5))
        amp_total += amp
    noise = noise.ravel() / amp_total
    elev = np.full(grid.n, np.nan)
    dist_stem = _distance_to_lines_km(lon[inside], lat[inside],
                                      [np.asarray(s.coords, float) for s in scale.stems])
    dist_out = np.hypot((lon[inside] - lon[outlet]) * grid.km_per_deg_lon(lat[outlet]),
                        (lat[inside] - lat[outlet]) * KM_PER_DEG_LAT)
    elev[inside] = 600.0 * noise[inside] + 5.0 * dist_stem ** 0.9 + 0.4 * dist_out
    elev[taken] = -1000.0 + 0.25 * chain[taken]

    filled = priority_flood(elev, grid, [outlet], rng)
    recv, _ = steepest_receivers(grid, filled)
    recv[~grid.mask] = -1
    for cells in stem_cells:
        recv[cells[:-1]] = cells[1:]
    recv[outlet] = -1
    uncross(grid, recv, filled, taken)
    orphan = grid.mask & (recv < 0)
    orphan[outlet] = False
    if orphan.any():
        raise RuntimeError(f"{int(orphan.sum())} cells do not drain (generator bug)")
    cyclic = grid.mask & ~drains_to(recv, outlet)
    if cyclic.any():
        raise RuntimeError(f"{int(cyclic.sum())} cells drain into a loop (generator bug)")

    ok = recv >= 0
    step = np.zeros(grid.n)
    rl, rt = grid.centres(recv[ok])
    step[ok] = np.hypot((rl - lon[ok]) * grid.km_per_deg_lon(lat[ok]),
                        (rt - lat[ok]) * KM_PER_DEG_LAT)
    depth = depth_of(recv, grid.mask)
    weight = np.where(grid.mask, grid.cell_area_km2(np.arange(grid.n)), 0.0)
    for stem, cells in zip(scale.stems, stem_cells):
        weight[cells[0]] += stem.inflow_km2
    acc = accumulate(weight, recv, levels(depth))
    return Terrain(grid, filled, recv, depth, acc, step, stem_cells, outlet)
