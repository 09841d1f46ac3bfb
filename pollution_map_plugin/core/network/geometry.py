"""Coordinates of lines and points, a local metric projection and a nearest-segment index.

Geometries are read through their WKB, which works the same with shapely 1.8 and 2.x:
plain 2-D little-endian LineStrings and Points are decoded in bulk with numpy, anything
else (MultiLineString, Z, big-endian) geometry by geometry.

Metric coordinates: lon/lat (EPSG:4490 or any geographic CRS) are projected with an
equirectangular approximation about the data's mean latitude, ``x = R·Δλ·cos φ0,
y = R·Δφ`` (R = 6 371 008.8 m).  Across Chongqing (28–32.5° N) the scale error stays
below ~2.5 % at the edges, which is ample for snapping tolerances and for positions along
a line.  Reach *lengths* use the latitude of each segment instead (error < 0.1 %).
Projected CRSs (units of metres) are used as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6371008.8
_WKB_LINESTRING = 2
_WKB_POINT = 1


@dataclass
class LineCoords:
    """The vertices of ``n`` line geometries, part by part (parts never joined)."""

    xy: np.ndarray  # (N, 2) float64
    part_offsets: np.ndarray  # (P + 1,) int64: vertices of part p are xy[o[p]:o[p+1]]
    part_owner: np.ndarray  # (P,) int64: the geometry each part belongs to
    n: int

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) as (n, 2) arrays: first vertex of the first part, last of the last.

        Geometries without vertices get NaN.
        """
        start = np.full((self.n, 2), np.nan)
        end = np.full((self.n, 2), np.nan)
        if len(self.part_owner):
            ok = self.part_offsets[1:] > self.part_offsets[:-1]
            owner = self.part_owner[ok]
            first = self.part_offsets[:-1][ok]
            last = self.part_offsets[1:][ok] - 1
            # parts are ordered by owner: reversed assignment keeps the first part's start
            start[owner[::-1]] = self.xy[first[::-1]]
            end[owner] = self.xy[last]
        return start, end


def object_array(items) -> np.ndarray:
    """A 1-D object array of ``items`` (geometries are not unpacked into coordinates)."""
    items = list(items)
    out = np.empty(len(items), dtype=object)
    for i, g in enumerate(items):
        out[i] = g
    return out


def is_geographic(crs, xy: np.ndarray) -> bool:
    """True if coordinates are lon/lat: by the CRS, or (no CRS) by their range."""
    if crs is not None:
        try:
            return bool(crs.is_geographic)
        except AttributeError:
            pass
    if xy.size == 0:
        return True
    finite = xy[np.isfinite(xy).all(axis=1)]
    return bool(len(finite) == 0 or (np.abs(finite[:, 0]).max() <= 180.0
                                     and np.abs(finite[:, 1]).max() <= 90.0))


@dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection about (lon0, lat0); identity if ``geographic`` is False."""

    lon0: float = 0.0
    lat0: float = 0.0
    geographic: bool = True

    @classmethod
    def for_coords(cls, xy: np.ndarray, geographic: bool) -> LocalProjection:
        finite = xy[np.isfinite(xy).all(axis=1)] if xy.size else xy
        if not geographic or len(finite) == 0:
            return cls(geographic=geographic)
        return cls(float(finite[:, 0].mean()), float(finite[:, 1].mean()), True)

    def forward(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if not self.geographic:
            return xy.copy()
        k = math.radians(1.0) * EARTH_RADIUS_M
        return np.column_stack(((xy[:, 0] - self.lon0) * k * math.cos(math.radians(self.lat0)),
                                (xy[:, 1] - self.lat0) * k))


def _wkb_blobs(geoms: Sequence) -> tuple[list[int], list[bytes]]:
    idx, blobs = [], []
    for i, g in enumerate(geoms):
        if g is None:
            continue
        try:
            if g.is_empty:
                continue
            blobs.append(g.wkb)
        except AttributeError:
            continue
        idx.append(i)
    return idx, blobs


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(starts[i], starts[i] + counts[i])``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts)
    return np.repeat(shift, counts) + np.arange(total)


def _u32(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    b = buf[at[:, None] + np.arange(4)].astype(np.uint32)
    return b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16) | (b[:, 3] << 24)


def _gather_doubles(buf: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The float64 values of ``counts[i]`` doubles at byte ``starts[i]`` (little endian)."""
    take = ranges(starts, counts * 8)
    if len(take) == 0:
        return np.empty(0)
    return buf[take].view("<f8").astype(float)


def line_coords(geoms: Sequence) -> LineCoords:
    """Vertices of line geometries (LineString, MultiLineString; anything else: none)."""
    geoms = list(geoms)
    n = len(geoms)
    idx, blobs = _wkb_blobs(geoms)
    parts_xy: list[np.ndarray] = []
    owners: list[int] = []
    fast = np.zeros(len(blobs), dtype=bool)
    if blobs:
        lens = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        buf = np.frombuffer(b"".join(blobs), dtype=np.uint8)
        ok = (buf[starts] == 1) & (lens >= 9)
        gtype = np.zeros(len(blobs), dtype=np.uint32)
        npts = np.zeros(len(blobs), dtype=np.int64)
        gtype[ok] = _u32(buf, starts[ok] + 1)
        npts[ok] = _u32(buf, starts[ok] + 5)
        fast = ok & (gtype == _WKB_LINESTRING) & (lens == 9 + 16 * npts)
        if fast.any():
            vals = _gather_doubles(buf, starts[fast] + 9, 2 * npts[fast]).reshape(-1, 2)
            fast_owner = np.asarray(idx, dtype=np.int64)[fast]
            fast_offsets = np.concatenate(([0], np.cumsum(npts[fast])))
    slow_xy: list[np.ndarray] = []
    for k in np.flatnonzero(~fast):
        g = geoms[idx[k]]
        if g.geom_type == "LineString":
            parts = [g]
        elif g.geom_type == "MultiLineString":
            parts = list(g.geoms)
        else:
            continue
        for p in parts:
            slow_xy.append(np.asarray(p.coords, dtype=float)[:, :2].reshape(-1, 2))
            owners.append(idx[k])
    parts_xy = slow_xy
    if blobs and fast.any():
        # merge fast and slow parts, keeping parts ordered by owner
        all_owner = np.concatenate((fast_owner, np.asarray(owners, dtype=np.int64)))
        counts = np.concatenate((np.diff(fast_offsets),
                                 np.asarray([len(p) for p in parts_xy], dtype=np.int64)))
        chunks = [vals] + parts_xy
        xy = np.concatenate(chunks) if chunks else np.empty((0, 2))
        src_off = np.concatenate(([0], np.cumsum(counts)))
        order = np.argsort(all_owner, kind="stable")
        if (order != np.arange(len(order))).any():
            xy = xy[ranges(src_off[order], counts[order])]
        counts = counts[order]
        all_owner = all_owner[order]
    else:
        all_owner = np.asarray(owners, dtype=np.int64)
        counts = np.asarray([len(p) for p in parts_xy], dtype=np.int64)
        xy = np.concatenate(parts_xy) if parts_xy else np.empty((0, 2))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return LineCoords(xy.reshape(-1, 2), offsets, all_owner, n)


def point_xy(geoms: Sequence) -> np.ndarray:
    """(n, 2) coordinates of point geometries; NaN where missing, empty or not a point.

    A non-point geometry gets its representative point.
    """
    geoms = list(geoms)
    out = np.full((len(geoms), 2), np.nan)
    idx, blobs = _wkb_blobs(geoms)
    if not blobs:
        return out
    idx_arr = np.asarray(idx, dtype=np.int64)
    lens = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    buf = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    ok = (buf[starts] == 1) & (lens == 21)
    if ok.any():
        ok[ok] = _u32(buf, starts[ok] + 1) == _WKB_POINT
    if ok.any():
        out[idx_arr[ok]] = _gather_doubles(buf, starts[ok] + 5,
                                           np.full(int(ok.sum()), 2)).reshape(-1, 2)
    for k in np.flatnonzero(~ok):
        g = geoms[idx[k]]
        p = g if g.geom_type == "Point" else g.representative_point()
        out[idx[k]] = (p.x, p.y)
    return out


def geodesic_lengths_m(lc: LineCoords, geographic: bool) -> np.ndarray:
    """Length of each geometry in metres (per-segment equirectangular if lon/lat)."""
    seg = _segments(lc)
    if geographic:
        a, b = lc.xy[seg], lc.xy[seg + 1]
        k = math.radians(1.0) * EARTH_RADIUS_M
        coslat = np.cos(np.radians((a[:, 1] + b[:, 1]) / 2.0))
        d = np.hypot((b[:, 0] - a[:, 0]) * coslat * k, (b[:, 1] - a[:, 1]) * k)
    else:
        d = np.hypot(*(lc.xy[seg + 1] - lc.xy[seg]).T)
    return np.bincount(_segment_owner(lc), weights=d, minlength=lc.n)


def _segments(lc: LineCoords) -> np.ndarray:
    """Indices ``i`` of the vertices starting a segment ``xy[i] → xy[i+1]``."""
    if len(lc.xy) == 0:
        return np.empty(0, dtype=np.int64)
    last = np.zeros(len(lc.xy), dtype=bool)
    ends = lc.part_offsets[1:] - 1
    last[ends[ends >= 0]] = True
    return np.flatnonzero(~last)


def _segment_owner(lc: LineCoords) -> np.ndarray:
    vertex_owner = np.repeat(lc.part_owner, np.diff(lc.part_offsets))
    return vertex_owner[_segments(lc)]


class SegmentIndex:
    """Nearest line to points, with the position along the line, in metric coordinates.

    Segments longer than ``cell`` metres are represented by several sample points in a
    KD-tree; a query with radius r looks at the samples within r + cell/2 + ε and
    computes exact point–segment distances.
    """

    def __init__(self, lc_metric: LineCoords, reversed_mask: np.ndarray | None = None,
                 cell: float | None = None) -> None:
        seg = _segments(lc_metric)
        self.n = lc_metric.n
        self.a = lc_metric.xy[seg]
        self.b = lc_metric.xy[seg + 1]
        self.owner = _segment_owner(lc_metric)
        seglen = np.hypot(*(self.b - self.a).T)
        total = np.bincount(self.owner, weights=seglen, minlength=self.n)
        # distance along the owner geometry at the start of each segment
        cum = np.cumsum(seglen) - seglen
        first = np.zeros(self.n)
        if len(seg):
            starts = np.r_[True, self.owner[1:] != self.owner[:-1]]
            first[self.owner[starts]] = cum[starts]
        self.along0 = cum - first[self.owner]
        self.seglen = seglen
        self.total = total
        self.flip = (np.zeros(self.n, dtype=bool) if reversed_mask is None
                     else np.asarray(reversed_mask, dtype=bool))
        # per-owner segment ranges (segments are ordered by owner)
        self.seg_ptr = np.searchsorted(self.owner, np.arange(self.n + 1))
        if cell is None:
            cell = float(np.clip(np.median(seglen), 10.0, 2000.0)) if len(seglen) else 100.0
        self.cell = cell
        pieces = np.maximum(1, np.ceil(seglen / cell)).astype(np.int64)
        sid = np.repeat(np.arange(len(seglen)), pieces)
        k = np.arange(len(sid)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        t = (k + 0.5) / pieces[sid]
        samples = self.a[sid] + (self.b[sid] - self.a[sid]) * t[:, None]
        self.sample_seg = sid
        self.tree = cKDTree(samples) if len(samples) else None

    def _project(self, p: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance from points ``p`` to segments ``s`` and the parameter t in [0, 1]."""
        ab = self.b[s] - self.a[s]
        ap = p - self.a[s]
        denom = (ab * ab).sum(axis=1)
        t = np.where(denom > 0, (ap * ab).sum(axis=1) / np.where(denom > 0, denom, 1.0), 0.0)
        t = np.clip(t, 0.0, 1.0)
        d = np.hypot(*(ap - ab * t[:, None]).T)
        return d, t

    def _fraction(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        owner = self.owner[s]
        tot = self.total[owner]
        along = self.along0[s] + t * self.seglen[s]
        f = np.where(tot > 0, along / np.where(tot > 0, tot, 1.0), 0.5)
        return np.where(self.flip[owner], 1.0 - f, f)

    def nearest(self, pts: np.ndarray, max_distance: float) -> tuple[np.ndarray, ...]:
        """(owner or -1, distance, fraction along the flow) of the nearest line per point."""
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        m = len(pts)
        owner = np.full(m, -1, dtype=np.int64)
        dist = np.full(m, np.nan)
        frac = np.full(m, np.nan)
        valid = np.flatnonzero(np.isfinite(pts).all(axis=1))
        if self.tree is None or len(valid) == 0:
            return owner, dist, frac
        radius = max_distance + self.cell / 2.0 + 1e-6
        hits = self.tree.query_ball_point(pts[valid], r=radius)
        counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        if counts.sum() == 0:
            return owner, dist, frac
        qi = np.repeat(valid, counts)
        seg = self.sample_seg[np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])]
        d, t = self._project(pts[qi], seg)
        order = np.lexsort((self.owner[seg], d, qi))  # nearest first, ties: lowest owner
        qi, seg, d, t = qi[order], seg[order], d[order], t[order]
        first = np.r_[True, qi[1:] != qi[:-1]]
        keep = first & (d <= max_distance)
        q = qi[keep]
        owner[q] = self.owner[seg[keep]]
        dist[q] = d[keep]
        frac[q] = self._fraction(seg[keep], t[keep])
        return owner, dist, frac

    def position_on(self, owners: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distance, fraction along the flow) of each point on its given line ``owners[i]``."""
        owners = np.asarray(owners, dtype=np.int64)
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        dist = np.full(len(pts), np.nan)
        frac = np.full(len(pts), np.nan)
        ok = (owners >= 0) & np.isfinite(pts).all(axis=1)
        ok[ok] = self.seg_ptr[owners[ok] + 1] > self.seg_ptr[owners[ok]]
        q = np.flatnonzero(ok)
        if len(q) == 0:
            return dist, frac
        lo, hi = self.seg_ptr[owners[q]], self.seg_ptr[owners[q] + 1]
        cnt = hi - lo
        qi = np.repeat(q, cnt)
        seg = ranges(lo, cnt)
        d, t = self._project(pts[qi], seg)
        order = np.lexsort((d, qi))
        qi, seg, d, t = qi[order], seg[order], d[order], t[order]
        first = np.r_[True, qi[1:] != qi[:-1]]
        dist[qi[first]] = d[first]
        frac[qi[first]] = self._fraction(seg[first], t[first])
        return dist, frac
