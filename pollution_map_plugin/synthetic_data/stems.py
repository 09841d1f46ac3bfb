"""The imposed big rivers: meandering courses and their cells on the grid."""

from __future__ import annotations

import numpy as np

from .config import Scale
from .grid import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQ, Grid


def meander(coords, rng: np.random.Generator, amp_km: float, wavelength_km: float
            ) -> np.ndarray:
    """The polyline densified and swung sideways (two sines), pinned at both ends."""
    pts = np.asarray(coords, float)
    kx = KM_PER_DEG_LON_EQ * np.cos(np.radians(float(pts[:, 1].mean())))
    km = pts * np.array([kx, KM_PER_DEG_LAT])
    seg = np.hypot(*np.diff(km, axis=0).T)
    step = wavelength_km / 10.0
    parts = [km[k] + np.outer(np.arange(max(int(seg[k] / step), 1)) / max(int(seg[k] / step), 1),
                              km[k + 1] - km[k]) for k in range(len(seg))]
    dense = np.vstack(parts + [km[-1:]])
    s = np.r_[0.0, np.cumsum(np.hypot(*np.diff(dense, axis=0).T))]
    phase = rng.random(2) * 2 * np.pi
    off = amp_km * (0.75 * np.sin(2 * np.pi * s / wavelength_km + phase[0])
                    + 0.25 * np.sin(2 * np.pi * s / (0.4 * wavelength_km) + phase[1]))
    off *= np.clip(np.sin(np.pi * s / s[-1]), 0.0, 1.0) ** 0.5
    tangent = np.gradient(dense, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-12)[:, None]
    out = dense + off[:, None] * normal
    return out / np.array([kx, KM_PER_DEG_LAT])


def meandered_stems(scale: Scale, rng: np.random.Generator) -> list[np.ndarray]:
    """Courses of the big rivers with meanders; a tributary still ends on its parent."""
    amp = scale.cell_deg * 100 * 4.0
    courses: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    out = []
    for stem in scale.stems:
        coords = np.asarray(stem.coords, float)
        if stem.parent in courses:
            plain, bent = courses[stem.parent]
            k = int(np.argmin(np.hypot(*(plain - coords[-1]).T)))
            coords = np.vstack([coords[:-1], plain[k]])
            line = meander(coords, rng, amp, amp * 6.0)
            line[-1] = bent[k]
        else:
            line = meander(coords, rng, amp, amp * 6.0)
        plain = meander(coords, np.random.default_rng(0), 0.0, amp * 6.0)
        courses[stem.name] = (plain, line)
        out.append(line)
    return out


def rasterise_stem(grid: Grid, coords, taken: np.ndarray) -> np.ndarray:
    """8-connected cells along a polyline inside the area, upstream first; stops after
    the first cell of an earlier stem (the junction) or where the line leaves."""
    pts = np.asarray(coords, float)
    seg = np.diff(pts, axis=0)
    n_steps = np.maximum((np.hypot(seg[:, 0], seg[:, 1]) / (grid.d * 0.2)).astype(int), 1)
    xs = np.concatenate([p[0] + seg[k, 0] * np.arange(m) / m
                         for k, (p, m) in enumerate(zip(pts[:-1], n_steps))] + [pts[-1:, 0]])
    ys = np.concatenate([p[1] + seg[k, 1] * np.arange(m) / m
                         for k, (p, m) in enumerate(zip(pts[:-1], n_steps))] + [pts[-1:, 1]])
    i = np.floor((ys - grid.lat0) / grid.d).astype(int)
    j = np.floor((xs - grid.lon0) / grid.d).astype(int)
    cells: list[int] = []
    where: dict[int, int] = {}

    def push(c: int) -> bool:
        """Append ``c`` (cutting out any loop back to it); True when the path ends."""
        if c in where:  # the line came back: drop the loop
            for old in cells[where[c] + 1:]:
                del where[old]
            del cells[where[c] + 1:]
            return False
        where[c] = len(cells)
        cells.append(c)
        return bool(taken[c])

    for a, b in zip(i.tolist(), j.tolist()):
        inside = 0 <= a < grid.ny and 0 <= b < grid.nx and bool(grid.mask[a * grid.nx + b])
        if not inside:
            if cells:
                break
            continue
        c = a * grid.nx + b
        if cells and c == cells[-1]:
            continue
        if push(c):
            break
    return np.asarray(cells, np.int64)


def join_parent(grid: Grid, cells: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """A tributary's cells extended, if need be, to end on a cell of an earlier stem.

    A tributary's course ends on its parent's line (``meandered_stems``), but the cell
    there can be missing from the parent's cells: where the parent's line steps into a
    cell and straight back, ``rasterise_stem`` cuts that loop out.  The tributary then
    ended beside its parent instead of on it, a dead end whose imposed flow ran into a
    filled pit and back (a two-cell cycle in the drainage tree: seed 2 at Chongqing
    scale).  The shortest 8-connected path inside the area to the nearest taken cell
    is appended (usually one step); ValueError if there is none.
    """
    if len(cells) == 0 or taken[cells[-1]]:
        return cells
    nx, ny = grid.nx, grid.ny
    prev = {int(c): -2 for c in cells.tolist()}  # own cells: never re-entered
    start = int(cells[-1])
    prev[start] = -1
    queue, head = [start], 0
    while head < len(queue):
        c = queue[head]
        head += 1
        ci, cj = divmod(c, nx)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                i, j = ci + di, cj + dj
                n = i * nx + j
                if not (0 <= i < ny and 0 <= j < nx) or n in prev or not grid.mask[n]:
                    continue
                prev[n] = c
                if taken[n]:
                    path = [n]
                    while prev[path[-1]] != start:
                        path.append(prev[path[-1]])
                    return np.r_[cells, np.asarray(path[::-1], np.int64)]
                queue.append(n)
    raise ValueError("a tributary's course cannot reach its parent inside the area")
