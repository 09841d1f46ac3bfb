"""``ReachNetwork``: compact CSR arrays over the reaches and NLDI-style navigation.

Navigation modes (as the USGS NLDI):

* ``UT`` upstream with tributaries — every reach draining to the start point;
* ``UM`` upstream mainstem — one reach at a time, choosing among the upstream reaches the
  one with the same ``river_code``, else the highest ``stream_order``, else the longest
  path to a headwater (Hack's main stream), else the smallest code;
* ``DM`` downstream mainstem — the same choice among downstream reaches (braids);
* ``DD`` downstream with diversions — every reach the start point drains to.

Distances are measured along the network from the start point, a ``fraction`` along the
start reach in the flow direction (0 = its upstream end, 1 = its downstream end).  By
default the start point is the downstream end for upstream modes and the upstream end
for downstream modes, so that the whole start reach is included.  A distance limit keeps
every reach whose near end is within the limit, partially covered reaches included
(``partial``/``covered_km``).  Where several paths exist (braids) the shortest counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.geometry import SegmentIndex, ranges
from pollution_map_plugin.core.network.issues import NetworkIssue, issues_frame
from pollution_map_plugin.core.network.order import tree_order
from pollution_map_plugin.core.network.reach_links import Built, build

MODES = ("UT", "UM", "DM", "DD")
NAVIGATION_COLUMNS = ["reach_code", "river_code", "stream_order", "length_km", "distance_km",
                      "distance_far_km", "covered_km", "partial"]
_EPS = 1e-12  # the weight of zero-length reaches, so that they stay edges
_TOL = 1e-6  # km: distances within a millimetre of the limit count as within


def _csr(n: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((cols, rows))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    return ptr, cols[order].astype(np.int64)


def _reverse_line(g):
    from shapely.geometry import LineString, MultiLineString

    if g is None or g.is_empty:
        return g
    if g.geom_type == "LineString":
        return LineString(list(g.coords)[::-1])
    if g.geom_type == "MultiLineString":
        return MultiLineString([list(p.coords)[::-1] for p in reversed(list(g.geoms))])
    return g


def _sort_order(near: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """``np.lexsort((rank, np.round(near, 9)))`` (``rank`` distinct), faster: sort by
    ``near``, then order the runs of equal rounded distance by ``rank``."""
    if len(near) < 2 or len(rank) == 0 or rank.min() < 0:
        return np.lexsort((rank, np.round(near, 9)))
    first = np.argsort(near, kind="stable")
    r = np.round(near[first], 9)
    if np.isnan(r).any():
        return np.lexsort((rank, np.round(near, 9)))
    group = np.zeros(len(r), dtype=np.int64)
    np.cumsum(r[1:] != r[:-1], out=group[1:])
    rank = np.asarray(rank, dtype=np.int64)[first]
    key = group * (int(rank.max()) + 1) + rank
    return first[np.argsort(key, kind="stable")]


class ReachNetwork:
    """The reach graph in compact arrays (build it with ``from_reaches``).

    Reach ``i`` (``codes[i]``) flows into ``down_idx[down_ptr[i]:down_ptr[i + 1]]`` and
    receives ``up_idx[up_ptr[i]:up_ptr[i + 1]]``.  ``length_km`` comes from the
    ``length_km`` column or, where missing, the line; ``reversed`` marks reaches drawn
    against the flow (with ``fix_reversed``); ``link_source`` says where the links came
    from ("downstream_code", "nodes", "geometry" or "none"); ``issues`` lists problems.
    """

    def __init__(self, built: Built) -> None:
        self._b = built
        self.codes: np.ndarray = built.codes
        self.river_codes: np.ndarray = built.river_codes
        self.stream_order: np.ndarray = built.stream_order
        self.length_km: np.ndarray = built.length_km
        self.reversed: np.ndarray = built.reversed
        self.link_source: str = built.link_source
        self.issues: list[NetworkIssue] = built.issues
        n = len(self.codes)
        self.down_ptr, self.down_idx = _csr(n, built.src, built.dst)
        self.up_ptr, self.up_idx = _csr(n, built.dst, built.src)
        self._index = built.index
        self._code_rank = np.empty(n, dtype=np.int64)
        self._code_rank[np.argsort(self.codes.astype(str), kind="stable")] = np.arange(n)
        w = np.where(self.length_km > 0, self.length_km, _EPS)
        self._up_graph = csr_matrix((w[built.dst], (built.dst, built.src)), shape=(n, n))
        self._down_graph = csr_matrix((w[built.src], (built.src, built.dst)), shape=(n, n))
        self._segments: SegmentIndex | None = None
        self._longest: np.ndarray | None = None
        self._geoms: np.ndarray | None = None
        self._last_up: tuple | None = None  # (start, dist, predecessors) of the last UT
        self._tree = tree_order(self.length_km, self.up_ptr, self.up_idx, self.down_ptr,
                                self.down_idx)
        # river below and length in the depth-first order: an upstream set is one slice
        self._below_ord = self._tree.below[self._tree.order]
        self._length_ord = self.length_km[self._tree.order]

    @classmethod
    def from_reaches(cls, reaches: pd.DataFrame, *, snap_tolerance_m: float = 5.0,
                     use_links: str = "auto", fix_reversed: bool = True) -> ReachNetwork:
        """Build the network from a ``reaches`` (Geo)DataFrame.

        ``use_links``: ``"auto"`` (downstream_code, else from/to nodes, else geometry;
        missing links filled from snapped end points), ``"downstream_code"``, ``"nodes"``
        or ``"geometry"``.  ``snap_tolerance_m``: end points closer than this are one node.
        ``fix_reversed``: treat reaches found drawn against the flow as reversed (positions
        along them, output lines, and with geometry-only links the topology).
        Problems are listed in ``issues``, never raised; bad arguments raise ValueError.
        """
        return cls(build(reaches, snap_tolerance_m, use_links, fix_reversed))

    # ------------------------------------------------------------------ lookup
    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code is not None and str(code).strip() in self._index

    def index_of(self, code: str) -> int:
        """The integer index of a reach; KeyError with a clear message if unknown."""
        try:
            return self._index[str(code).strip()]
        except KeyError:
            raise KeyError(f"unknown reach code {code!r}") from None

    @property
    def frame(self) -> pd.DataFrame:
        """The reaches as read (duplicates and rows without a code dropped), index 0..n-1."""
        return self._b.frame

    @property
    def crs(self):
        return self._b.crs

    @property
    def line_coords(self):
        """The reaches' vertices (``xy``, ``part_offsets``, ``part_owner``) or None."""
        return self._b.coords

    def indices_of(self, codes) -> np.ndarray:
        """The integer index of each code (-1 for None or unknown codes)."""
        index = self._index
        return np.array([index.get(str(c).strip(), -1) if c is not None else -1
                         for c in codes], dtype=np.int64)

    def first_downstream(self) -> np.ndarray:
        """Per reach, its first downstream reach (-1 at an outlet)."""
        out = np.full(len(self), -1, dtype=np.int64)
        has = np.diff(self.down_ptr) > 0
        out[has] = self.down_idx[self.down_ptr[:-1][has]]
        return out

    def through(self, start: int, idx: np.ndarray, mask: np.ndarray, *,
                include_start: bool = True) -> np.ndarray:
        """For reaches ``idx`` upstream of ``start``: True where the way down from the
        reach to ``start`` passes a reach marked in ``mask`` (the reach itself included;
        ``start`` too with ``include_start``).  Along the shortest way where braids
        give several."""
        idx = np.asarray(idx, dtype=np.int64)
        mask = np.asarray(mask, dtype=bool).copy()
        if not include_start:
            mask[start] = False
        n, t = len(self), self._tree
        if t.exact[start]:  # the reaches above a flagged reach f: pos[f] .. pos[f]+size[f]
            p, q = t.pos[start], t.pos[start] + t.size[start]
            flagged = np.flatnonzero(mask)
            fpos = t.pos[flagged]
            inside = (fpos >= p) & (fpos < q)
            lo = fpos[inside]
            if len(lo) == 0:
                return np.zeros(len(idx), dtype=bool)
            hi = lo + t.size[t.order[lo]]
            if len(idx) < 2048:  # a few reaches: search the intervals (nested: running max)
                order = np.argsort(lo, kind="stable")
                lo, hi = lo[order], np.maximum.accumulate(hi[order])
                at = t.pos[idx]
                k = np.searchsorted(lo, at, side="right") - 1
                return (k >= 0) & (at < hi[np.maximum(k, 0)])
            m = q - p + 1
            depth = np.cumsum(np.bincount(lo - p, minlength=m) - np.bincount(hi - p, minlength=m))
            return depth[t.pos[idx] - p] > 0
        last = self._last_up
        if last is not None and last[0] == start and np.isfinite(last[1][idx]).all():
            dist, pred = last[1], last[2]
        else:
            dist, pred = dijkstra(self._up_graph, directed=True, indices=start,
                                  return_predecessors=True)
        par = np.where(pred >= 0, pred, np.arange(n)).astype(np.int32)
        flag = mask & np.isfinite(dist)
        for _ in range(64):  # pointer doubling: flag[v] |= flag[parent of v] ...
            flag |= flag[par]
            up = par[par]
            if np.array_equal(up, par):
                break
            par = up
        return flag[idx]

    @property
    def has_geometry(self) -> bool:
        return self._b.coords is not None

    def downstream(self, code: str) -> list[str]:
        i = self.index_of(code)
        return self.codes[self.down_idx[self.down_ptr[i]:self.down_ptr[i + 1]]].tolist()

    def upstream(self, code: str) -> list[str]:
        i = self.index_of(code)
        return self.codes[self.up_idx[self.up_ptr[i]:self.up_ptr[i + 1]]].tolist()

    def outlets(self) -> list[str]:
        return self.codes[np.diff(self.down_ptr) == 0].tolist()

    def headwaters(self) -> list[str]:
        return self.codes[np.diff(self.up_ptr) == 0].tolist()

    def issues_frame(self) -> pd.DataFrame:
        return issues_frame(self.issues)

    def components(self) -> pd.DataFrame:
        """Separate parts: component, n_reaches, length_km, outlets (largest first)."""
        from pollution_map_plugin.core.network.issues import weak_components

        labels = weak_components(len(self), self._b.src, self._b.dst)
        outlet = np.diff(self.down_ptr) == 0
        rows = []
        for lab in np.unique(labels):
            m = labels == lab
            rows.append({"n_reaches": int(m.sum()),
                         "length_km": float(self.length_km[m].sum()),
                         "outlets": self.codes[m & outlet].tolist()})
        out = pd.DataFrame(rows, columns=["n_reaches", "length_km", "outlets"])
        out = out.sort_values("n_reaches", ascending=False, kind="stable").reset_index(drop=True)
        out.insert(0, "component", np.arange(len(out)))
        return out

    # ------------------------------------------------------------- navigation
    def navigate(self, reach_code: str, mode: str = "UT", distance_km: float | None = None,
                 *, fraction: float | None = None) -> pd.DataFrame:
        """Reaches reached from ``reach_code`` (see the module docstring).

        Columns: reach_code, river_code, stream_order, length_km, distance_km (from the
        start point to the reach's near end), distance_far_km (to its far end), covered_km
        (the part within the limit), partial (the limit cuts the reach).  Sorted by
        distance_km, then reach_code.
        """
        idx, near, far = self.navigate_indices(self.index_of(reach_code), mode, distance_km,
                                               fraction=fraction)
        return self.navigation_frame(idx, near, far, distance_km)[0]

    def navigation_frame(self, idx: np.ndarray, near: np.ndarray, far: np.ndarray,
                         distance_km: float | None) -> tuple[pd.DataFrame, np.ndarray]:
        """(the navigation DataFrame sorted, the reach indices in its order)."""
        limit = np.inf if distance_km is None else float(distance_km)
        idx = np.asarray(idx, dtype=np.int64)
        order = _sort_order(near, self._code_rank[idx])
        idx, near, far = idx[order], near[order], far[order]
        covered = np.clip(np.minimum(far, limit) - near, 0.0, None)
        out = pd.DataFrame({
            "reach_code": self.codes[idx], "river_code": self.river_codes[idx],
            "stream_order": self.stream_order[idx], "length_km": self.length_km[idx],
            "distance_km": near, "distance_far_km": far, "covered_km": covered,
            "partial": far > limit + _TOL,
        }, columns=NAVIGATION_COLUMNS)
        return out, idx

    def navigate_indices(self, start: int, mode: str = "UT", distance_km: float | None = None,
                         *, fraction: float | None = None
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fast path of ``navigate``: (reach indices, near km, far km), unsorted."""
        mode = str(mode).upper()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if distance_km is not None and not distance_km >= 0:
            raise ValueError(f"distance_km must be >= 0, not {distance_km!r}")
        upward = mode in ("UT", "UM")
        f = (1.0 if upward else 0.0) if fraction is None else float(np.clip(fraction, 0.0, 1.0))
        length0 = self.length_km[start]
        w0 = length0 if length0 > 0 else _EPS
        inside = (f if upward else 1.0 - f) * length0  # start reach between point and exit
        limit = np.inf if distance_km is None else float(distance_km)
        if mode == "UT" and self._tree.exact[start]:
            t = self._tree
            p, q = t.pos[start], t.pos[start] + t.size[start]
            idx = t.order[p:q]
            near = self._below_ord[p:q] - (t.below[start] + length0 - inside)
            near[0] = 0.0  # the start reach itself
            near = np.maximum(near, 0.0)
            far = near + self._length_ord[p:q]
            far[0] = inside
            if np.isfinite(limit):
                keep = near <= limit + _TOL
                idx, near, far = idx[keep], near[keep], far[keep]
            return idx, near, far
        elif mode in ("UT", "DD"):
            graph = self._up_graph if upward else self._down_graph
            offset = w0 - inside  # the part of the start reach not travelled
            dist, pred = dijkstra(graph, directed=True, indices=start, return_predecessors=True,
                                  limit=limit + offset + 2 * _TOL if np.isfinite(limit)
                                  else np.inf)
            if upward:  # kept for ``through`` (the shortest way down from each reach)
                self._last_up = (start, dist, pred)
            idx = np.flatnonzero(np.isfinite(dist))
            near = np.maximum(dist[idx] - offset, 0.0)
            near[idx == start] = 0.0
            keep = near <= limit + _TOL
            idx, near = idx[keep], near[keep]
        else:
            idx = np.asarray(self._mainstem(start, upward, limit, inside), dtype=np.int64)
            near = np.zeros(len(idx))
            if len(idx) > 1:
                near[1:] = inside + np.concatenate(([0.0], np.cumsum(self.length_km[idx[1:-1]])))
        far = near + self.length_km[idx]
        far[idx == start] = inside
        return idx, near, far

    def _mainstem(self, start: int, upward: bool, limit: float, inside: float) -> list[int]:
        ptr, nbr = (self.up_ptr, self.up_idx) if upward else (self.down_ptr, self.down_idx)
        path = [start]
        seen = {start}
        travelled = inside
        cur = start
        while travelled <= limit + _TOL:
            cands = nbr[ptr[cur]:ptr[cur + 1]]
            if len(cands) == 0:
                break
            nxt = int(cands[0]) if len(cands) == 1 else self._pick(cur, cands)
            if nxt in seen:
                break
            path.append(nxt)
            seen.add(nxt)
            travelled += self.length_km[nxt]
            cur = nxt
        return path

    def _pick(self, cur: int, cands: np.ndarray) -> int:
        """The mainstem among ``cands``: same river, highest order, longest, smallest code."""
        river = self.river_codes[cur]
        if river is not None:
            same = cands[self.river_codes[cands] == river]
            if len(same) == 1:
                return int(same[0])
            if len(same):
                cands = same
        order = np.nan_to_num(self.stream_order[cands], nan=-np.inf)
        cands = cands[order == order.max()]
        if len(cands) > 1:
            longest = self.longest_upstream_km()[cands]
            cands = cands[longest >= longest.max() - 1e-9]
        return int(min(cands, key=lambda i: self.codes[i]))

    def longest_upstream_km(self) -> np.ndarray:
        """Per reach, the longest path from a headwater to its downstream end (km).

        Reaches in a cycle only count the part of the network above the cycle.
        """
        if self._longest is None:
            n = len(self)
            best = np.zeros(n)
            total = self.length_km.copy()
            remaining = np.diff(self.up_ptr).copy()
            frontier = np.flatnonzero(remaining == 0)
            while len(frontier):
                total[frontier] = self.length_km[frontier] + best[frontier]
                cnt = self.down_ptr[frontier + 1] - self.down_ptr[frontier]
                targets = self.down_idx[ranges(self.down_ptr[frontier], cnt)]
                np.maximum.at(best, targets, np.repeat(total[frontier], cnt))
                np.subtract.at(remaining, targets, 1)
                frontier = np.unique(targets[remaining[targets] == 0])
            stuck = remaining > 0
            total[stuck] = self.length_km[stuck] + best[stuck]
            self._longest = total
        return self._longest

    # ---------------------------------------------------------------- geometry
    @property
    def segments(self) -> SegmentIndex | None:
        """The nearest-segment index (built on first use), None without lines."""
        if self._segments is None and self._b.metric is not None:
            self._segments = SegmentIndex(self._b.metric, self.reversed)
        return self._segments

    def to_metric(self, xy) -> np.ndarray:
        """Coordinates in the network's CRS to its local metric coordinates (metres)."""
        return self._b.projection.forward(np.asarray(xy, dtype=float).reshape(-1, 2))

    def locate(self, xy, max_distance_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(reach index or -1, distance m, fraction along the flow) of the nearest reach."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        seg = self.segments
        if seg is None:
            m = len(xy)
            return np.full(m, -1, dtype=np.int64), np.full(m, np.nan), np.full(m, np.nan)
        return seg.nearest(self.to_metric(xy), max_distance_m)

    def position_on(self, idx, xy) -> tuple[np.ndarray, np.ndarray]:
        """(distance m, fraction along the flow) of points on the given reaches."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        seg = self.segments
        if seg is None:
            return np.full(len(xy), np.nan), np.full(len(xy), np.nan)
        return seg.position_on(np.asarray(idx, dtype=np.int64), self.to_metric(xy))

    def nearest_reach(self, x: float, y: float, max_distance_m: float = 500.0) -> dict | None:
        """The reach nearest to (x, y) (lon/lat in EPSG:4490) within ``max_distance_m``.

        Returns ``{"reach_code", "distance_m", "fraction"}`` or None.
        """
        i, d, f = self.locate([[x, y]], max_distance_m)
        if i[0] < 0:
            return None
        return {"reach_code": str(self.codes[i[0]]), "distance_m": float(d[0]),
                "fraction": float(f[0])}

    def _all_geometries(self) -> np.ndarray:
        if self._geoms is None:
            frame = self._b.frame
            col = getattr(frame, "_geometry_column_name", None)
            self._geoms = (object_array(frame[col]) if col is not None and col in frame.columns
                           else np.full(len(self), None, dtype=object))
        return self._geoms

    def geometry_array(self, idx) -> np.ndarray:
        """``geometries(idx)`` as an object array (fast path for traces)."""
        idx = np.asarray(idx, dtype=np.int64)
        out = self._all_geometries()[idx]
        for i in np.flatnonzero(self.reversed[idx]):
            out[i] = _reverse_line(out[i])
        return out

    def geometries(self, idx, oriented: bool = True) -> list:
        """The lines of reaches ``idx``, turned to the flow where found reversed."""
        self._all_geometries()
        idx = np.asarray(idx, dtype=np.int64)
        geoms = self._geoms[idx].tolist()
        if oriented and self.reversed[idx].any():
            flip = self.reversed[idx]
            geoms = [_reverse_line(g) if r else g for g, r in zip(geoms, flip)]
        return geoms
