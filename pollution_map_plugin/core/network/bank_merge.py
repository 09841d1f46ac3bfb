"""Keep one bank of a river drawn as two: the other is left out, its junctions moved over.

For each double-bank pair the shorter bank is dropped; every node of it that still
carries other lines (a tributary's mouth, a continuing channel) is moved onto the kept
bank (nearest point; that bank is split there), so tributaries of both banks meet one
line.  Where both banks were dropped and kept alternately along a river, the stretches
left side by side between the same two nodes are reduced to the longer one.
"""

from __future__ import annotations

import numpy as np

from pollution_map_plugin.core.network.line_layers import MERGED, LineInput
from pollution_map_plugin.core.network.noded_edges import lengths_of, select_edges


def _project(c: np.ndarray, p: np.ndarray) -> tuple[float, int, float]:
    """(distance, segment, t) of the point of polyline ``c`` nearest to ``p``."""
    a, b = c[:-1], c[1:]
    ab = b - a
    den = (ab * ab).sum(axis=1)
    t = np.clip(np.where(den > 0, ((p - a) * ab).sum(axis=1) / np.where(den > 0, den, 1), 0),
                0, 1)
    d = np.hypot(*(a + ab * t[:, None] - p).T)
    s = int(d.argmin())
    return float(d[s]), s, float(t[s])


def keep_one_bank(inp: LineInput, noded, pairs: list[tuple[int, list[int]]],
                  tol: float) -> int:
    """Drop the shorter bank of each pair and join its nodes to the kept one; return the
    number of banks dropped (``noded`` and the feature outcomes are updated in place)."""
    u, v = noded.u.tolist(), noded.v.tolist()
    coords, feature = list(noded.coords), noded.feature.tolist()
    m = len(u)
    length = lengths_of(coords)
    alive = [True] * m
    orig = list(range(m))
    partner: dict[int, list[int]] = {}
    for a, bs in sorted(pairs, key=lambda abs_: length[abs_[0]]):
        bs = [b for b in bs if alive[b]]
        if not alive[a] or not bs or length[a] > sum(length[b] for b in bs):
            continue
        alive[a] = False
        partner[a] = bs
    if not partner:
        return 0
    pieces: dict[int, list[int]] = {b: [b] for bs in partner.values() for b in bs}
    at: dict[int, set[int]] = {}  # node → its live edges
    for e in range(m):
        if alive[e]:
            at.setdefault(u[e], set()).add(e)
            at.setdefault(v[e], set()).add(e)

    def move(x: int, p: np.ndarray) -> None:
        noded.node_xy[x] = p
        for e in at.get(x, ()):
            if u[e] == x:
                coords[e] = np.vstack((p, coords[e][1:]))
            if v[e] == x:
                coords[e] = np.vstack((coords[e][:-1], p))

    for lo, his in partner.items():
        mine = [e for hi in his for e in pieces[hi]]
        for x in (u[lo], v[lo]):
            on_kept = any(x in (u[e], v[e]) for e in mine if alive[e])
            if on_kept or not at.get(x):
                continue
            live = [e for e in mine if alive[e]]
            if not live:
                continue
            best = min(((_project(coords[e], noded.node_xy[x]), e) for e in live),
                       key=lambda de: de[0][0])
            (_, s, t), e = best
            c = coords[e]
            p = c[s] + (c[s + 1] - c[s]) * t
            at_end = [y for y, q in ((u[e], c[0]), (v[e], c[-1])) if np.hypot(*(q - p)) <= tol]
            if at_end:  # merge x into the kept bank's end node
                y = at_end[0]
                for k in at.pop(x, set()):
                    u[k] = y if u[k] == x else u[k]
                    v[k] = y if v[k] == x else v[k]
                    at.setdefault(y, set()).add(k)
                move(y, noded.node_xy[y])
                continue
            first, second = np.vstack((c[:s + 1], p)), np.vstack((p, c[s + 1:]))
            coords[e], tail = first, v[e]
            v[e] = x
            u.append(x)
            v.append(tail)
            coords.append(second)
            feature.append(feature[e])
            orig.append(orig[e])
            alive.append(True)
            new = len(u) - 1
            pieces[orig[e]].append(new)
            mine.append(new)
            at[tail].discard(e)
            at[tail].add(new)
            at.setdefault(x, set()).update((e, new))
            move(x, p)
    # stretches of kept banks left side by side between the same two nodes: keep one
    banks = {b for bs in partner.values() for b in bs}
    groups: dict[tuple[int, int], list[int]] = {}
    for e in range(len(u)):
        if alive[e] and orig[e] in banks:
            groups.setdefault((min(u[e], v[e]), max(u[e], v[e])), []).append(e)
    for es in groups.values():
        if len(es) > 1:
            lens = [np.hypot(*np.diff(coords[e], axis=0).T).sum() for e in es]
            for e in es:
                if e != es[int(np.argmax(lens))]:
                    alive[e] = False
    noded.u, noded.v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    noded.coords, noded.feature = coords, np.asarray(feature, dtype=np.int64)
    keep = np.asarray(alive, dtype=bool)
    kept_feats = set(noded.feature[keep].tolist())
    reasons: dict[int, str] = {}
    for lo, his in partner.items():
        f = int(feature[lo])
        if f not in kept_feats and f not in reasons:
            other = ", ".join(str(x) for x in sorted({int(feature[hi]) for hi in his}))
            reasons[f] = (f"second bank line of feature {other} (double-bank river): "
                          "the other bank is kept as the centreline")
    if reasons:
        idx = list(reasons)
        inp.features.loc[idx, "outcome"] = MERGED
        inp.features.loc[idx, "reason"] = list(reasons.values())
    select_edges(noded, keep)
    return len(partner)
