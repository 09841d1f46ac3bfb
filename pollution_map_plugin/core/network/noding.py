"""From line parts to a noded graph: clean, drop loops and duplicates, snap, split at junctions.

All work is in metres (``LocalProjection`` about the data's centre).  Each step that
drops or merges a line records why in the feature table of ``LineInput``; what is
found but kept (gaps just over the tolerance, double-bank lines) becomes a finding.
"""

from __future__ import annotations

import numpy as np

from pollution_map_plugin.core.network.banks import find_double_banks
from pollution_map_plugin.core.network.geometry import LocalProjection
from pollution_map_plugin.core.network.line_layers import DROPPED, MERGED, LineInput
from pollution_map_plugin.core.network.noded_edges import (  # noqa: F401 - re-exported
    Finding,
    Noded,
    SegmentSamples,
    select_edges,
)
from pollution_map_plugin.core.network.reach_links import snap_nodes


def _clean_all(xy: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """The parts (``counts`` vertices each, in order) without repeated vertices."""
    if not len(counts):
        return []
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = (np.abs(np.diff(xy, axis=0)) > 1e-6).any(axis=1)
    keep[starts[counts > 0]] = True
    part = np.repeat(np.arange(len(counts)), counts)[keep]
    kept = np.bincount(part, minlength=len(counts))
    return np.split(xy[keep], np.cumsum(kept)[:-1])


def _mark(inp: LineInput, feats, outcome: str, reason: str) -> None:
    f = inp.features
    idx = np.asarray(sorted(set(int(x) for x in feats)), dtype=np.int64)
    if len(idx):
        f.loc[idx, "outcome"] = outcome
        f.loc[idx, "reason"] = reason


def node_lines(inp: LineInput, tol: float, gap_factor: float = 3.0,
               bank_width: float = 0.0) -> Noded:
    """Noded edges from the parts of ``inp`` (feature outcomes updated in place); with
    ``bank_width`` > 0, double-bank lines are found and one bank of each pair kept."""
    allxy = np.vstack(inp.parts) if inp.parts else np.empty((0, 2))
    proj = LocalProjection.for_coords(allxy, True)
    owner = np.asarray(inp.part_feature, dtype=np.int64)
    parts = _clean_all(proj.forward(allxy), np.array([len(p) for p in inp.parts]))
    findings: list[Finding] = []
    ok = np.array([len(p) >= 2 for p in parts], dtype=bool)
    _drop_unless_kept(inp, owner, ok, "degenerate line (fewer than two distinct points)")
    closed = np.array([ok[i] and np.hypot(*(p[-1] - p[0])) <= tol for i, p in enumerate(parts)],
                      dtype=bool)
    if closed.any():
        _drop_unless_kept(inp, owner, ~closed & ok,
                          "closed loop (island or lake shore): not a reach", MERGED)
        findings.append(Finding("island_loop", sorted(set(owner[closed].tolist())),
                                f"{int(closed.sum())} closed loops (islands) left out; the "
                                "channel line is kept"))
    ok &= ~closed
    parts, owner = _drop_duplicates(inp, [p for p, k in zip(parts, ok) if k], owner[ok], tol,
                                    findings)
    noded = _snap_and_split(inp, parts, owner, proj, tol, gap_factor, findings)
    if bank_width > 0:
        find_double_banks(inp, noded, bank_width, tol)
    return noded


def _drop_unless_kept(inp: LineInput, owner: np.ndarray, kept: np.ndarray, reason: str,
                      outcome: str = DROPPED) -> None:
    """Mark the features none of whose parts is ``kept``."""
    has = set(owner[kept].tolist())
    gone = set(owner[~kept].tolist()) - has
    gone = [g for g in gone if inp.features.at[g, "outcome"] != DROPPED]
    _mark(inp, gone, outcome, reason)


def _drop_duplicates(inp: LineInput, parts: list[np.ndarray], owner: np.ndarray, tol: float,
                     findings: list[Finding]) -> tuple[list[np.ndarray], np.ndarray]:
    """Remove lines drawn twice: exact repeats, and lines of a later file that an earlier
    file already holds (partly covered lines keep their uncovered stretches)."""
    src = inp.features["source"].astype(str) + "|" + inp.features["layer"].astype(str)
    group = src.to_numpy()[owner] if len(owner) else np.empty(0, dtype=object)
    seen: dict[bytes, int] = {}
    out_p: list[np.ndarray] = []
    out_o: list[int] = []
    dup_feats: set[int] = set()
    partial: set[int] = set()
    order = list(dict.fromkeys(group.tolist()))
    for gi, g in enumerate(order):
        members = np.flatnonzero(group == g)
        index = SegmentSamples(out_p) if gi and out_p else None
        for i in members:
            p = parts[i]
            key = np.round(p, 1).tobytes()
            rkey = np.round(p[::-1], 1).tobytes()
            if key in seen or rkey in seen:
                dup_feats.add(int(owner[i]))
                continue
            pieces = [p]
            if index is not None:
                _, d, _ = index.nearest(p, np.full(len(p), -1), tol)
                covered = d <= tol
                seg_cov = covered[:-1] & covered[1:]
                if seg_cov.all():
                    dup_feats.add(int(owner[i]))
                    continue
                if seg_cov.any():
                    partial.add(int(owner[i]))
                    pieces = _runs(p, ~seg_cov)
            seen[key] = i
            for piece in pieces:
                out_p.append(piece)
                out_o.append(int(owner[i]))
    kept = set(out_o)
    whole = sorted(dup_feats - kept)
    _mark(inp, whole, MERGED, "duplicate of a line already read (same course)")
    if whole or partial:
        findings.append(Finding("duplicate", whole + sorted(partial),
                                f"{len(whole)} lines drawn twice merged; {len(partial)} lines "
                                "partly overlapping others kept only where they do not"))
    return out_p, np.asarray(out_o, dtype=np.int64)


def _runs(p: np.ndarray, seg_keep: np.ndarray) -> list[np.ndarray]:
    """Maximal stretches of ``p`` over the kept segments."""
    out = []
    idx = np.flatnonzero(seg_keep)
    if not len(idx):
        return out
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    for s, e in zip(starts, ends):
        out.append(p[s:e + 2])
    return out


def _snap_and_split(inp: LineInput, parts: list[np.ndarray], owner: np.ndarray,
                    proj: LocalProjection, tol: float, gap_factor: float,
                    findings: list[Finding]) -> Noded:
    n = len(parts)
    start = np.array([p[0] for p in parts]).reshape(-1, 2)
    end = np.array([p[-1] for p in parts]).reshape(-1, 2)
    fn, tn = snap_nodes(start, end, tol) if n else (np.empty(0, int), np.empty(0, int))
    labels = np.r_[fn, tn]
    pts = np.vstack((start, end))
    n_nodes = int(labels.max()) + 1 if n else 0
    node_xy = np.zeros((n_nodes, 2))
    node_xy[labels[::-1]] = pts[::-1]  # the first endpoint of a cluster is its position
    for i, p in enumerate(parts):
        p[0], p[-1] = node_xy[fn[i]], node_xy[tn[i]]
    degree = np.bincount(labels, minlength=n_nodes)
    ends_part = np.r_[np.arange(n), np.arange(n)]
    dangling = np.flatnonzero(degree[labels] == 1)
    index = SegmentSamples(parts)
    seg, dist, t = index.nearest(pts[dangling], ends_part[dangling], gap_factor * tol)
    splits: dict[int, list[tuple[float, int]]] = {}
    join = dangling[dist <= tol]
    for e, s, tt in zip(join, seg[dist <= tol], t[dist <= tol]):
        line = int(index.line[s])
        local = float(s - index.first[line]) + float(tt)
        node = int(labels[e])
        if local <= 1e-9 or local >= len(parts[line]) - 1 - 1e-9:
            continue  # at the other line's end: already a node of it
        node_xy[node] = index.a[s] + (index.b[s] - index.a[s]) * tt
        splits.setdefault(line, []).append((local, node))
    for e in join:  # move the joined end onto the line it meets
        p = parts[int(ends_part[e])]
        p[0 if e < n else -1] = node_xy[labels[e]]
    gaps = dangling[(dist > tol) & np.isfinite(dist)]
    if len(gaps):
        gd = dist[(dist > tol) & np.isfinite(dist)]
        for e, d in zip(gaps, gd):
            lon, lat = proj.inverse(pts[e:e + 1])[0]
            findings.append(Finding("gap", [int(owner[ends_part[e]])],
                                    f"line end {d:.0f} m from another line (tolerance "
                                    f"{tol:g} m): not joined", float(lon), float(lat)))
    coords, u, v, feat = [], [], [], []
    for i, p in enumerate(parts):
        cuts = sorted(splits.get(i, []))
        a_node, a_pos, prev = int(fn[i]), 0.0, p
        pieces = []
        for local, node in cuts:
            pieces.append((a_pos, local, a_node, node))
            a_node, a_pos = node, local
        pieces.append((a_pos, float(len(prev) - 1), a_node, int(tn[i])))
        for lo, hi, na, nb in pieces:
            c = _substring(p, lo, hi)
            c[0], c[-1] = node_xy[na], node_xy[nb]
            coords.append(c)
            u.append(na)
            v.append(nb)
            feat.append(int(owner[i]))
    noded = Noded(proj, node_xy, np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64),
                  coords, np.asarray(feat, dtype=np.int64), findings)
    _drop_degenerate(inp, noded, tol)
    return noded


def _substring(p: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The stretch of ``p`` between vertex positions ``lo`` and ``hi`` (fractional)."""
    def at(x: float) -> np.ndarray:
        i = min(int(np.floor(x)), len(p) - 2)
        return p[i] + (p[i + 1] - p[i]) * (x - i)
    inner = p[int(np.floor(lo)) + 1:int(np.ceil(hi))]
    return np.vstack((at(lo), inner, at(hi)))


def _drop_degenerate(inp: LineInput, noded: Noded, tol: float) -> None:
    """Edges from a node to itself, and second copies of an edge between the same nodes."""
    length = np.array([np.hypot(*np.diff(c, axis=0).T).sum() for c in noded.coords])
    loop = noded.u == noded.v
    lo, hi = np.minimum(noded.u, noded.v), np.maximum(noded.u, noded.v)
    mid = np.array([c[len(c) // 2] if len(c) > 2 else c.mean(axis=0) for c in noded.coords])
    mid = mid.reshape(-1, 2)
    dup = np.zeros(len(loop), dtype=bool)
    order = np.lexsort((length, hi, lo))
    for a, b in zip(order[:-1], order[1:]):
        if lo[a] == lo[b] and hi[a] == hi[b] and not loop[a] and \
                abs(length[a] - length[b]) <= max(tol, 0.02 * length[b]) and \
                np.hypot(*(mid[a] - mid[b])) <= max(tol, 0.02 * length[b]):
            dup[b] = True
    drop = loop | dup
    if not drop.any():
        return
    keep_feats = set(noded.feature[~drop].tolist())
    gone_loop = set(noded.feature[loop].tolist()) - keep_feats
    gone_dup = set(noded.feature[dup].tolist()) - keep_feats
    _mark(inp, gone_loop, MERGED, "closed loop after snapping (island): not a reach")
    _mark(inp, gone_dup, MERGED, "duplicate of another line between the same junctions")
    select_edges(noded, ~drop)
