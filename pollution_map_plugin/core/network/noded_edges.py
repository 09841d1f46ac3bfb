"""The noded graph of line parts (edges between nodes, in metres) and small helpers on it.

The base of network import's noding (``noding``), double-bank detection (``banks``) and
bank merging (``bank_merge``), which all import from here and not from each other's
callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from pollution_map_plugin.core.network.geometry import LocalProjection


@dataclass
class Finding:
    """Something worth showing the user: kind, features concerned, message, where (lon/lat)."""

    kind: str
    features: list[int]
    message: str
    lon: float | None = None
    lat: float | None = None


@dataclass
class Noded:
    """Edges between nodes, in metres, with the part (and so the feature) each comes from."""

    projection: LocalProjection
    node_xy: np.ndarray  # (N, 2)
    u: np.ndarray
    v: np.ndarray
    coords: list[np.ndarray]  # per edge, (k, 2) metres, from node u to node v
    feature: np.ndarray  # per edge, the input feature
    findings: list[Finding] = field(default_factory=list)

    def lonlat(self, xy: np.ndarray) -> tuple[float, float]:
        p = self.projection.inverse(np.asarray(xy, dtype=float).reshape(1, 2))[0]
        return float(p[0]), float(p[1])


class SegmentSamples:
    """Nearest segment of *another* line to each point (an index of sample points)."""

    def __init__(self, lines: list[np.ndarray], owners: np.ndarray | None = None,
                 max_cell: float = 5000.0) -> None:
        a = [ln[:-1] for ln in lines]
        b = [ln[1:] for ln in lines]
        self.a = np.vstack(a) if a else np.empty((0, 2))
        self.b = np.vstack(b) if b else np.empty((0, 2))
        counts = np.array([len(ln) - 1 for ln in lines], dtype=np.int64)
        line_ids = np.arange(len(lines)) if owners is None else np.asarray(owners)
        self.line = np.repeat(np.arange(len(lines)), counts)
        self.owner = np.repeat(line_ids, counts)
        self.first = np.concatenate(([0], np.cumsum(counts)))[:-1]
        seglen = np.hypot(*(self.b - self.a).T) if len(self.a) else np.zeros(0)
        self.cell = float(np.clip(np.median(seglen), 1.0, max_cell)) if len(seglen) else 1.0
        pieces = np.maximum(1, np.ceil(seglen / self.cell)).astype(np.int64)
        sid = np.repeat(np.arange(len(seglen)), pieces)
        k = np.arange(len(sid)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        t = (k + 0.5) / pieces[sid]
        self.sample_seg = sid
        samples = self.a[sid] + (self.b[sid] - self.a[sid]) * t[:, None]
        self.tree = (cKDTree(samples, balanced_tree=False, compact_nodes=False)
                     if len(samples) else None)

    def nearest(self, pts: np.ndarray, own: np.ndarray, radius: float):
        """Per point: (segment or -1, distance, t) of the nearest segment whose owner differs
        from ``own[i]`` within ``radius``."""
        m = len(pts)
        seg_out = np.full(m, -1, dtype=np.int64)
        dist = np.full(m, np.inf)
        tpar = np.zeros(m)
        if self.tree is None or m == 0:
            return seg_out, dist, tpar
        hits = self.tree.query_ball_point(pts, r=radius + self.cell / 2 + 1e-6)
        counts = np.array([len(h) for h in hits], dtype=np.int64)
        if counts.sum() == 0:
            return seg_out, dist, tpar
        row = np.repeat(np.arange(m), counts)
        seg = self.sample_seg[np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])]
        pair = np.unique(row * (len(self.a) + 1) + seg)
        row, seg = pair // (len(self.a) + 1), pair % (len(self.a) + 1)
        keep = self.owner[seg] != np.asarray(own)[row]
        row, seg = row[keep], seg[keep]
        ab = self.b[seg] - self.a[seg]
        ap = pts[row] - self.a[seg]
        den = (ab * ab).sum(axis=1)
        t = np.clip(np.where(den > 0, (ap * ab).sum(axis=1) / np.where(den > 0, den, 1), 0), 0, 1)
        d = np.hypot(*(ap - ab * t[:, None]).T)
        order = np.lexsort((seg, d, row))
        first = order[np.r_[True, row[order][1:] != row[order][:-1]]] if len(order) else order
        ok = d[first] <= radius
        r, s = row[first][ok], seg[first][ok]
        seg_out[r], dist[r], tpar[r] = s, d[first][ok], t[first][ok]
        return seg_out, dist, tpar


def select_edges(noded: Noded, keep: np.ndarray) -> None:
    """Keep only the edges ``keep`` (a bool mask)."""
    noded.u, noded.v, noded.feature = noded.u[keep], noded.v[keep], noded.feature[keep]
    noded.coords = [c for c, k in zip(noded.coords, keep) if k]


def lengths_of(coords: list[np.ndarray]) -> np.ndarray:
    """Length of each line (vectorised over all of them)."""
    if not coords:
        return np.zeros(0)
    counts = np.array([len(c) for c in coords], dtype=np.int64)
    xy = np.vstack(coords)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    owner = np.repeat(np.arange(len(coords)), counts)[:-1]
    same = owner == np.repeat(np.arange(len(coords)), counts)[1:]
    return np.bincount(owner[same], weights=seg[same], minlength=len(coords))
