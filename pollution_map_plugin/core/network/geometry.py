"""Coordinates of lines and points, a local metric projection and a nearest-segment index.

Coordinates are read in bulk by ``readers.simple_parts`` (shapely 1.8 and 2.x).

Metric coordinates: lon/lat (EPSG:4490 or any geographic CRS) are projected with an
equirectangular approximation about the data's mean latitude, ``x = R·Δλ·cos φ0,
y = R·Δφ`` (R = 6 371 008.8 m).  Across Chongqing (28–32.5° N) the scale error stays
below ~2.5 % at the edges, which is ample for snapping tolerances and for positions along
a line.  Reach *lengths* use the latitude of each segment instead (error < 0.1 %).
Projected CRSs (units of metres) are used as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from pollution_map_plugin.core.geometry_io import (  # noqa: F401 - EARTH_RADIUS_M re-exported
    EARTH_RADIUS_M,
    local_metres,
    lonlat_from_local,
    object_array,
    segment_lengths_m,
    simple_parts,
)


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
        return local_metres(xy, self.lon0, self.lat0)

    def inverse(self, xy: np.ndarray) -> np.ndarray:
        """Lon/lat of metric coordinates (the inverse of ``forward``)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if not self.geographic:
            return xy.copy()
        return lonlat_from_local(xy, self.lon0, self.lat0)


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(starts[i], starts[i] + counts[i])``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts)
    return np.repeat(shift, counts) + np.arange(total)


def line_coords(geoms: Sequence, reader: str | None = None) -> LineCoords:
    """Vertices of line geometries (LineString, MultiLineString; anything else: none)."""
    arr = object_array(geoms)
    parts = simple_parts(arr, reader)
    lines = np.flatnonzero(parts.kind != 0)
    counts = (parts.offsets[1:] - parts.offsets[:-1])[lines]
    if len(lines) == len(parts.kind):
        xy = parts.xy
    else:
        xy = parts.xy[ranges(parts.offsets[lines], counts)]
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return LineCoords(xy.reshape(-1, 2), offsets, parts.owner[lines], len(arr))


def point_xy(geoms: Sequence, reader: str | None = None) -> np.ndarray:
    """(n, 2) coordinates of point geometries; NaN where missing or empty.

    Any other geometry gets its representative point.
    """
    arr = object_array(geoms)
    out = np.full((len(arr), 2), np.nan)
    parts = simple_parts(arr, reader)
    counts = parts.offsets[1:] - parts.offsets[:-1]
    single = np.bincount(parts.owner, minlength=len(arr)) == 1
    ok = (parts.kind == 0) & (counts == 1) & single[parts.owner]
    out[parts.owner[ok]] = parts.xy[parts.offsets[:-1][ok]]
    for i in np.flatnonzero(~np.isin(np.arange(len(arr)), parts.owner[ok])):
        g = arr[i]
        if g is None or g.is_empty:
            continue
        p = g.representative_point()
        out[i] = (p.x, p.y)
    return out


def geodesic_lengths_m(lc: LineCoords, geographic: bool) -> np.ndarray:
    """Length of each geometry in metres (per-segment equirectangular if lon/lat)."""
    seg = _segments(lc)
    if geographic:
        d = segment_lengths_m(lc.xy[seg], lc.xy[seg + 1])
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
        self.tree = (cKDTree(samples, balanced_tree=False, compact_nodes=False)
                     if len(samples) else None)  # 2-3× faster to build, as fast to query

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
        """(owner or -1, distance, fraction along the flow) of the nearest line per point.

        Equally near lines (a point on a junction) go to the one the point is furthest
        upstream on (the reach starting there), then to the lowest index.  A line at
        distance d has a sample within d + cell/2, so the 8 nearest samples are enough
        once the 8th is further than the best distance + cell/2; other points look at
        every sample within that radius.
        """
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        m = len(pts)
        owner = np.full(m, -1, dtype=np.int64)
        dist = np.full(m, np.nan)
        frac = np.full(m, np.nan)
        todo = np.flatnonzero(np.isfinite(pts).all(axis=1))
        if self.tree is None or len(todo) == 0:
            return owner, dist, frac
        total = len(self.sample_seg)
        half = self.cell / 2.0
        best = np.full(m, np.inf)
        for k in (8, 64):
            if len(todo) == 0:
                break
            kk = min(k, total)
            sd, si = self.tree.query(pts[todo], k=kk,
                                     distance_upper_bound=max_distance + half + 1e-6)
            sd, si = sd.reshape(len(todo), kk), si.reshape(len(todo), kk)
            found = si < total
            row = np.repeat(np.arange(len(todo)), kk)[found.ravel()]
            best[todo] = self._pick(todo, pts, row, si.ravel()[found.ravel()], owner, dist,
                                    frac, max_distance)
            certain = ~found[:, -1] | (sd[:, -1] > best[todo] + half) | (kk == total)
            todo = todo[~certain]
        if len(todo):
            radius = np.minimum(best[todo], max_distance) + half + 1e-6
            hits = self.tree.query_ball_point(pts[todo], r=radius)
            counts = np.array([len(h) for h in hits], dtype=np.int64)
            row = np.repeat(np.arange(len(todo)), counts)
            sample = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
            self._pick(todo, pts, row, sample, owner, dist, frac, max_distance)
        return owner, dist, frac

    def _pick(self, todo, pts, row, sample, owner, dist, frac, max_distance) -> np.ndarray:
        """Record the best of the candidate samples per point; return the best distances."""
        best = np.full(len(todo), np.inf)
        if len(row) == 0:
            return best
        seg = self.sample_seg[sample]
        d, t = self._project(pts[todo[row]], seg)
        f = self._fraction(seg, t)
        order = np.lexsort((self.owner[seg], f, np.round(d, 6), row))
        first = order[np.r_[True, row[order][1:] != row[order][:-1]]]
        rows = row[first]
        best[rows] = d[first]
        hit = d[first] <= max_distance
        q = todo[rows[hit]]
        owner[q] = self.owner[seg[first[hit]]]
        dist[q] = d[first[hit]]
        frac[q] = f[first[hit]]
        return best

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
