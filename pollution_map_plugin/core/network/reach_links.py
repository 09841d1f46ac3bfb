"""From a ``reaches`` frame to link arrays, with every problem reported as a NetworkIssue.

Links come, in order of preference (``use_links="auto"``), from ``downstream_code``, from
``from_node``/``to_node``, or from line end points snapped within ``snap_tolerance_m``.
With explicit links, a reach that has none (null ``downstream_code`` / ``to_node``) gets
its link from the snapped end points if its line ends where another reach starts (issue
``inferred_links``); a reach whose line ends nowhere stays an outlet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.geometry import (
    LineCoords,
    LocalProjection,
    geodesic_lengths_m,
    is_geographic,
    line_coords,
)
from pollution_map_plugin.core.network.issues import (
    NetworkIssue,
    find_cycles,
    issue,
    listed,
    weak_components,
)

LINK_MODES = ("auto", "downstream_code", "nodes", "geometry")


@dataclass
class Built:
    """Everything ``ReachNetwork`` is made of."""

    frame: pd.DataFrame  # the kept rows, index 0..n-1
    codes: np.ndarray
    index: dict[str, int]
    river_codes: np.ndarray
    stream_order: np.ndarray
    length_km: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    reversed: np.ndarray
    link_source: str
    coords: LineCoords | None = None  # lon/lat (or the data's CRS)
    metric: LineCoords | None = None
    projection: LocalProjection = field(default_factory=LocalProjection)
    crs: object = None
    issues: list[NetworkIssue] = field(default_factory=list)


def _text(v) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer():
            v = int(v)
    v = str(v).strip()
    return v or None


def clean_text(values) -> np.ndarray:
    """Stripped strings as an object array, None for null or blank (2.0 reads as "2")."""
    vals = values.tolist() if hasattr(values, "tolist") else list(values)
    out = np.empty(len(vals), dtype=object)
    out[:] = [(v.strip() or None) if v.__class__ is str else _text(v) for v in vals]
    return out


def numeric(values) -> np.ndarray:
    """Float array of ``values`` (text, Int64 with NA, …); NaN where not a number."""
    return pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()


def _has_values(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


def _node_edges(to_node: np.ndarray, from_node: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges u → d where ``to_node[u] == from_node[d]`` (nodes: any hashable, None = none)."""
    left = pd.DataFrame({"u": np.arange(len(to_node)), "node": to_node}).dropna()
    right = pd.DataFrame({"d": np.arange(len(from_node)), "node": from_node}).dropna()
    m = left.merge(right, on="node")
    return m["u"].to_numpy(np.int64), m["d"].to_numpy(np.int64)


def snap_nodes(start: np.ndarray, end: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Node ids of start and end points: points within ``tol`` (chained) share a node."""
    n = len(start)
    pts = np.vstack((start, end))
    ok = np.isfinite(pts).all(axis=1)
    label = np.full(2 * n, -1, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if len(idx):
        pairs = cKDTree(pts[idx]).query_pairs(r=tol, output_type="ndarray")
        g = csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                       shape=(len(idx), len(idx)))
        _, lab = connected_components(g, directed=False)
        label[idx] = lab
    return label[:n], label[n:]


def _geometry_fix(frm: np.ndarray, to: np.ndarray) -> np.ndarray:
    """Reaches that snapped end points show drawn against the flow (geometry-only links).

    * A: a reach from a node nothing flows into, to a "sink" (several inflows, no outflow:
      no river ends like that) — if it is the only such reach at that sink;
    * B: at a node with several outflows, the only outflow ending in a dead end (one
      inflow, no outflow) while another outflow continues — a headwater drawn from its
      mouth.  A true distributary ending on the map edge looks the same: reported.
    """
    nodes = int(max(frm.max(initial=-1), to.max(initial=-1))) + 1
    if nodes == 0:
        return np.zeros(len(frm), dtype=bool)
    has = (frm >= 0) & (to >= 0)
    out_deg = np.bincount(frm[has], minlength=nodes)
    in_deg = np.bincount(to[has], minlength=nodes)
    f, t = np.where(has, frm, 0), np.where(has, to, 0)
    rule_a = has & (in_deg[f] == 0) & (out_deg[t] == 0) & (in_deg[t] >= 2)
    per_sink = np.bincount(t[rule_a], minlength=nodes)
    dead = has & (in_deg[t] == 1) & (out_deg[t] == 0)
    at_fork = has & (out_deg[f] >= 2)
    dead_at = np.bincount(f[at_fork & dead], minlength=nodes)
    going_at = np.bincount(f[at_fork & ~dead], minlength=nodes)
    rule_b = at_fork & dead & (dead_at[f] == 1) & (going_at[f] >= 1)
    return (rule_a & (per_sink[t] == 1)) | rule_b


def _reversal_votes(src, dst, start, end, tol) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per reach, links whose lines touch as if it were reversed / as drawn; per link, a gap.

    For a link u → d, the pair of end points that are closest says which line, if any,
    is drawn against the flow.
    """
    n = len(start)
    ok = np.isfinite(start[src]).all(1) & np.isfinite(start[dst]).all(1)
    u, d = src[ok], dst[ok]
    dist = np.stack([
        np.hypot(*(end[u] - start[d]).T),  # consistent
        np.hypot(*(start[u] - start[d]).T),  # u reversed
        np.hypot(*(end[u] - end[d]).T),  # d reversed
        np.hypot(*(start[u] - end[d]).T),  # both reversed
    ]) if len(u) else np.zeros((4, 0))
    k = dist.argmin(axis=0) if len(u) else np.zeros(0, dtype=int)
    u_rev = (k == 1) | (k == 3)
    d_rev = (k == 2) | (k == 3)
    rev = np.bincount(u[u_rev], minlength=n) + np.bincount(d[d_rev], minlength=n)
    fine = np.bincount(u[~u_rev], minlength=n) + np.bincount(d[~d_rev], minlength=n)
    gap = np.zeros(len(src), dtype=bool)
    if len(u):
        gap[np.flatnonzero(ok)] = dist.min(axis=0) > tol
    return rev, fine, gap


def _ends_meeting_starts(todo: np.ndarray, start: np.ndarray, end: np.ndarray,
                         tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Links u → d for reaches ``todo`` whose end lies within ``tol`` of d's start."""
    ok = np.flatnonzero(np.isfinite(start).all(axis=1))
    if len(ok) == 0 or len(todo) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    hits = cKDTree(start[ok]).query_ball_point(end[todo], r=tol)
    counts = np.array([len(h) for h in hits], dtype=np.int64)
    gd = ok[np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])]
    return np.repeat(todo, counts), gd


def build(reaches: pd.DataFrame, snap_tolerance_m: float = 5.0, use_links: str = "auto",
          fix_reversed: bool = True) -> Built:
    """Read ``reaches`` into link arrays and issues (see the module docstring)."""
    if use_links not in LINK_MODES:
        raise ValueError(f"use_links must be one of {', '.join(LINK_MODES)}, not {use_links!r}")
    if "code" not in reaches.columns:
        raise ValueError("the reaches need a 'code' column")
    issues: list[NetworkIssue] = []
    all_codes = clean_text(reaches["code"].to_numpy())
    missing = np.array([c is None for c in all_codes], dtype=bool)
    if missing.any():
        issues.append(issue("missing_code", [], f"{int(missing.sum())} reaches without a code "
                            "are ignored"))
    dup = pd.Series(all_codes).duplicated().to_numpy() & ~missing
    if dup.any():
        names = sorted(set(all_codes[dup]))
        issues.append(issue("duplicate_code", names, f"duplicate reach codes (first kept, "
                            f"{int(dup.sum())} rows ignored): {listed(names)}"))
    rows = np.flatnonzero(~missing & ~dup)
    frame = reaches.iloc[rows].reset_index(drop=True)
    n = len(frame)
    codes = all_codes[rows]
    index = dict(zip(codes.tolist(), range(n)))
    river = (clean_text(frame["river_code"].to_numpy()) if "river_code" in frame.columns
             else np.full(n, None, dtype=object))
    order = (numeric(frame["stream_order"]) if "stream_order" in frame.columns
             else np.full(n, np.nan))

    # geometry
    geom_col = getattr(frame, "_geometry_column_name", None)
    coords = metric = None
    projection = LocalProjection()
    crs = None
    has_geom = np.zeros(n, dtype=bool)
    start = end = np.full((n, 2), np.nan)
    geo_len_km = np.full(n, np.nan)
    if geom_col is not None and geom_col in frame.columns:
        crs = frame.crs
        coords = line_coords(object_array(frame[geom_col]))
        geographic = is_geographic(crs, coords.xy)
        projection = LocalProjection.for_coords(coords.xy, geographic)
        metric = LineCoords(projection.forward(coords.xy), coords.part_offsets,
                            coords.part_owner, n)
        seg_parts = np.diff(coords.part_offsets) >= 2
        has_geom[coords.part_owner[seg_parts]] = True
        start, end = metric.endpoints()
        start[~has_geom] = np.nan
        end[~has_geom] = np.nan
        geo_len_km = np.where(has_geom, geodesic_lengths_m(coords, geographic) / 1000.0, np.nan)
        if (~has_geom).any():
            issues.append(issue("missing_geometry", codes[~has_geom],
                                f"reaches without a line: {listed(codes[~has_geom])}"))
    length = (numeric(frame["length_km"]) if "length_km" in frame.columns else np.full(n, np.nan))
    bad = ~(length > 0)
    length = np.where(bad, geo_len_km, length)
    no_len = ~np.isfinite(length)
    if no_len.any():
        issues.append(issue("missing_length", codes[no_len], "reaches without length_km and "
                            f"without a line (length 0): {listed(codes[no_len])}"))
    length = np.where(no_len, 0.0, length)

    # links
    mode = use_links
    if mode == "auto":
        mode = ("downstream_code" if _has_values(frame, "downstream_code") else
                "nodes" if _has_values(frame, "from_node") and _has_values(frame, "to_node")
                else "geometry" if coords is not None else "none")
    needs = {"downstream_code": ["downstream_code"], "nodes": ["from_node", "to_node"]}
    for col in needs.get(mode, []):
        if col not in frame.columns:
            raise ValueError(f"use_links={mode!r} needs the column {col!r}")
    if mode == "geometry" and coords is None:
        raise ValueError("use_links='geometry' needs reach lines (a GeoDataFrame)")
    reversed_mask = np.zeros(n, dtype=bool)
    declared = np.zeros(n, dtype=bool)
    if mode == "downstream_code":
        down = clean_text(frame["downstream_code"].to_numpy())
        declared = np.array([d is not None for d in down], dtype=bool)
        target = np.fromiter((index.get(d, -1) if d is not None else -1 for d in down),
                             dtype=np.int64, count=n)
        dangling = declared & (target < 0)
        if dangling.any():
            issues.append(issue("dangling_link", codes[dangling], "downstream_code names no "
                                f"reach (treated as outlets): {listed(codes[dangling])}"))
        src = np.flatnonzero(target >= 0)
        dst = target[src]
    elif mode == "nodes":
        fn = clean_text(frame["from_node"].to_numpy())
        tn = clean_text(frame["to_node"].to_numpy())
        declared = np.array([t is not None for t in tn], dtype=bool)
        src, dst = _node_edges(tn, fn)
    elif mode == "none":
        src = dst = np.empty(0, dtype=np.int64)
        if n > 1:
            issues.append(issue("no_links", [], "no downstream_code, from/to nodes or lines: "
                                "the reaches are not linked"))
    else:
        fn, tn = snap_nodes(start, end, snap_tolerance_m)
        suspect = _geometry_fix(fn, tn) if n else np.zeros(0, dtype=bool)
        if suspect.any():
            reversed_mask = suspect.copy()
            if fix_reversed:
                fn, tn = np.where(suspect, tn, fn), np.where(suspect, fn, tn)
        src, dst = _node_edges(np.where(tn >= 0, tn, None), np.where(fn >= 0, fn, None))
    loops = src == dst
    if loops.any():
        issues.append(issue("self_loop", codes[src[loops]], "reaches flowing into themselves "
                            f"(link ignored): {listed(codes[src[loops]])}"))
    src, dst = src[~loops], dst[~loops]
    if len(src):
        uniq = np.unique(src * n + dst)
        src, dst = uniq // n, uniq % n
    checks = mode not in ("geometry", "none") and coords is not None
    if checks:
        rev, fine, gap = _reversal_votes(src, dst, start, end, snap_tolerance_m)
        todo = np.flatnonzero(~declared & has_geom)
        if use_links == "auto" and len(todo):
            # lines found reversed by the explicit links are turned before snapping
            turn = ((rev > fine) & fix_reversed)[:, None]
            gu, gd = _ends_meeting_starts(todo, np.where(turn, end, start),
                                          np.where(turn, start, end), snap_tolerance_m)
            keep = gu != gd
            gu, gd = gu[keep], gd[keep]
            if len(gu):
                inferred = np.unique(gu)
                issues.append(issue("inferred_links", codes[inferred], f"{len(inferred)} "
                                    "reaches without a link joined by their end points: "
                                    f"{listed(codes[inferred])}"))
                r2, f2, g2 = _reversal_votes(gu, gd, start, end, snap_tolerance_m)
                rev, fine, gap = rev + r2, fine + f2, np.concatenate((gap, g2))
                src, dst = np.concatenate((src, gu)), np.concatenate((dst, gd))
        reversed_mask = rev > fine
        if gap.any():
            pairs = [f"{codes[a]}→{codes[b]}" for a, b in zip(src[gap], dst[gap])]
            gap_codes = np.unique(np.concatenate((src[gap], dst[gap])))
            issues.append(issue("link_gap", codes[gap_codes], f"{int(gap.sum())} linked pairs "
                                f"do not meet within {snap_tolerance_m:g} m: {listed(pairs)}"))
    if reversed_mask.any():
        what = "reversed for navigation" if fix_reversed else "left as drawn"
        issues.append(issue("reversed", codes[reversed_mask], "reaches drawn against the flow "
                            f"({what}): {listed(codes[reversed_mask])}"))
    if not fix_reversed:
        reversed_mask = np.zeros(n, dtype=bool)
    issues.extend(_topology_issues(n, src, dst, codes))
    return Built(frame, codes, index, river, order, length.astype(float), src, dst,
                 reversed_mask, mode, coords, metric, projection, crs, issues)


def _topology_issues(n: int, src: np.ndarray, dst: np.ndarray,
                     codes: np.ndarray) -> list[NetworkIssue]:
    out: list[NetworkIssue] = []
    out_deg = np.bincount(src, minlength=n)
    braids = np.flatnonzero(out_deg > 1)
    if len(braids):
        out.append(issue("braid", codes[braids], "reaches with several downstream reaches: "
                         f"{listed(codes[braids])}"))
    for cyc in find_cycles(n, src, dst):
        names = codes[np.sort(cyc)]
        out.append(issue("cycle", names, f"reaches flowing in a circle: {listed(names)}"))
    labels = weak_components(n, src, dst)
    if n and labels.max() > 0:
        sizes = np.bincount(labels)
        outlets = []
        for lab in np.argsort(-sizes, kind="stable"):
            members = np.flatnonzero(labels == lab)
            ends = members[out_deg[members] == 0]
            outlets.append(codes[ends[0] if len(ends) else members[0]])
        out.append(issue("disconnected", outlets, f"{len(sizes)} separate networks "
                         f"(sizes {listed(sorted(sizes.tolist(), reverse=True))}); "
                         f"outlets {listed(outlets)}"))
    return out
