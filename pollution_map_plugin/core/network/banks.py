"""Wide rivers drawn as two bank lines: find the pairs (and keep one, ``bank_merge``).

Two edges of the same name (or both unnamed) that run side by side within the bank
width along most of one of them, and do not join at both ends (that is a braid around
an island), are taken as the two banks of one river.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from pollution_map_plugin.core.network.bank_merge import keep_one_bank
from pollution_map_plugin.core.network.line_layers import LineInput
from pollution_map_plugin.core.network.noded_edges import (  # noqa: F401 - re-exported
    Finding,
    SegmentSamples,
    lengths_of,
)

FRACTIONS = (0.1, 0.3, 0.5, 0.7, 0.9)


def points_along_many(coords: list[np.ndarray], fractions: np.ndarray) -> np.ndarray:
    """Point ``k`` at fraction ``fractions[k]`` of the length of line ``coords[k]``."""
    m = len(coords)
    if m == 0:
        return np.empty((0, 2))
    counts = np.array([len(c) for c in coords], dtype=np.int64)
    xy = np.vstack(coords)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    last = first + counts - 1
    seg[last[:-1]] = 0.0  # no segment from a line's last vertex to the next line
    cum = np.r_[0.0, np.cumsum(seg)]
    total = cum[last] - cum[first]
    target = cum[first] + np.clip(np.asarray(fractions, dtype=float), 0, 1) * total
    i = np.searchsorted(cum, target, side="right") - 1
    i = np.clip(i, first, np.maximum(last - 1, first))
    span = cum[i + 1] - cum[i]
    t = np.where(span > 0, (target - cum[i]) / np.where(span > 0, span, 1), 0.0)
    t = np.where(counts > 1, np.clip(t, 0, 1), 0.0)
    j = np.minimum(i + 1, last)
    return xy[i] + (xy[j] - xy[i]) * t[:, None]


def _nearest_other_line(index, pts: np.ndarray, own: np.ndarray, radius: float,
                        k: int = 32) -> np.ndarray:
    """Per point, the line (index into the lines of ``index``) of the nearest sample of a
    line owned by someone else within ``radius``, or -1 (approximate: sample spacing)."""
    if index.tree is None or not len(pts):
        return np.full(len(pts), -1, dtype=np.int64)
    total = len(index.sample_seg)
    k = min(k, total)
    d, i = index.tree.query(pts, k=k, distance_upper_bound=radius + index.cell / 2)
    d, i = d.reshape(len(pts), k), i.reshape(len(pts), k)
    found = i < total
    seg = index.sample_seg[np.where(found, i, 0)]
    d = np.where(found & (index.owner[seg] != np.asarray(own)[:, None]), d, np.inf)
    best = d.argmin(axis=1)
    rows = np.arange(len(pts))
    return np.where(np.isfinite(d[rows, best]), index.line[seg[rows, best]], -1)


def points_along(c: np.ndarray, fractions) -> np.ndarray:
    """Points at the given fractions of the length of line ``c``."""
    seg = np.hypot(*np.diff(c, axis=0).T)
    cum = np.r_[0.0, np.cumsum(seg)]
    if cum[-1] <= 0:
        return np.repeat(c[:1], len(fractions), axis=0)
    at = np.asarray(fractions) * cum[-1]
    return np.column_stack((np.interp(at, cum, c[:, 0]), np.interp(at, cum, c[:, 1])))


def find_double_banks(inp: LineInput, noded, bank_width: float, tol: float) -> None:
    """Find the double-bank pairs of ``noded`` (a ``noding.Noded``), keep one bank of
    each (``bank_merge``) and report them as a finding."""

    m = len(noded.coords)
    if m < 2:
        return
    length = lengths_of(noded.coords)
    cand = np.flatnonzero(length > 2 * bank_width)
    if len(cand) < 2:
        return
    index = SegmentSamples([noded.coords[i] for i in cand], owners=cand,
                           max_cell=bank_width / 2)
    k = len(FRACTIONS)
    pts = points_along_many([noded.coords[i] for i in cand for _ in range(k)],
                            np.tile(FRACTIONS, len(cand)))
    own = np.repeat(cand, len(FRACTIONS))
    other = _nearest_other_line(index, pts, own, bank_width)
    names = inp.features["name"].to_numpy()[noded.feature]
    votes: dict[int, Counter] = {}
    for a, li, p in zip(own, other, pts):
        if li < 0:
            continue
        b = int(cand[li])
        if names[a] != names[b]:
            continue
        shared = {noded.u[a], noded.v[a]} & {noded.u[b], noded.v[b]}
        if len(shared) == 2:
            continue  # a braid around an island
        # next to a node both lines share they are one river's consecutive stretches
        if shared and min(np.hypot(*(noded.node_xy[x] - p)) for x in shared) < 2 * bank_width:
            continue
        votes.setdefault(int(a), Counter())[b] += 1
    # a bank: most of its length beside one other same-named line
    pairs = [(a, [b]) for a, c in votes.items() for b, n in c.items() if n >= k - 1]
    if not pairs:
        return
    feats = sorted({int(noded.feature[x]) for a, bs in pairs for x in [a, *bs]})
    lon, lat = noded.lonlat(noded.coords[pairs[0][0]][0])
    dropped = keep_one_bank(inp, noded, pairs, tol)
    noded.findings.append(Finding(
        "double_bank", feats, f"{dropped} bank lines of rivers drawn as two banks (same name, "
        f"side by side within {bank_width:g} m) left out: the other bank is kept as the "
        "centreline and the tributaries of both join it", lon, lat))
