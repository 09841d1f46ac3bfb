"""Flow direction from the network itself: pick each part's outlet and orient every edge to it.

Evidence is a signed vote per edge (positive: it flows as digitised, u → v):

* the digitised direction (or the from/to node fields, where they say otherwise), weight 1;
* at confluences (three edges at a node) the shape of the "Y": the two edges making the
  smallest angle flow in, the third ("stem") flows out, weighted by how clear the shape is;
* names: where a river meets a differently named one and does not continue, it flows in
  (weight 2), and the stem is the other river's edge leaving at the wider angle.

The outlet of each connected part is the user's (nearest node to ``--outlet``) or, among
the end nodes where the part leaves the area (the box's edge; any end node otherwise), the
one whose upstream tree agrees best with the evidence.  On a spanning tree, moving the
root across an edge flips just that edge, so every candidate is scored in one pass.
Each edge then flows towards the nearer end along the network from the outlet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, dijkstra

from pollution_map_plugin.core.network.banks import lengths_of, points_along_many

ARM_M = 3000.0  # how far along an edge its direction at a junction is taken


@dataclass
class Orientation:
    flip: np.ndarray  # per edge: True if the water flows v → u
    outlets: np.ndarray  # node ids, one per part
    outlet_given: np.ndarray  # bool per outlet: from the user
    component: np.ndarray  # per node, the part it belongs to
    dist_m: np.ndarray  # per node, metres to its outlet along the network
    score: np.ndarray  # per outlet: agreeing minus disagreeing evidence


def edge_lengths(coords: list[np.ndarray]) -> np.ndarray:
    return lengths_of(coords)


def junction_votes(u: np.ndarray, v: np.ndarray, coords: list[np.ndarray],
                   names: np.ndarray, n_nodes: int) -> np.ndarray:
    """Votes of the confluence shape and of the names (see the module docstring)."""
    m = len(u)
    vote = np.zeros(m)
    ends = np.r_[u, v]
    deg = np.bincount(ends, minlength=n_nodes)
    at3 = np.flatnonzero(deg[ends] == 3)
    if not len(at3):
        return vote
    length = edge_lengths(coords)
    e = at3 % m
    f = np.where(length[e] > 0, np.minimum(1.0, ARM_M / np.maximum(length[e], 1e-9)), 1.0)
    f = np.where(at3 < m, f, 1.0 - f)  # from the v end: that far back from the end
    node_pt = np.array([coords[x][0] if k < m else coords[x][-1] for x, k in zip(e, at3)])
    vec = points_along_many([coords[x] for x in e], f) - node_pt.reshape(-1, 2)
    vec /= np.maximum(np.hypot(*vec.T), 1e-9)[:, None]
    frame = pd.DataFrame({"node": ends[at3], "end": at3}).sort_values(["node", "end"])
    order = frame.index.to_numpy()
    groups = order.reshape(-1, 3)
    for g in groups:
        es = at3[g] % m
        node = int(ends[at3[g[0]]])
        d = vec[g]
        pair = np.array([_angle(d[1], d[2]), _angle(d[0], d[2]), _angle(d[0], d[1])])
        nm = [names[e] for e in es]
        odd = _odd_one(nm)
        if odd is not None:
            others = [i for i in range(3) if i != odd]
            stem = max(others, key=lambda i: _angle(d[i], d[odd]))
            into = [odd, 3 - odd - stem]
            weights = {odd: 2.0, into[1]: 1.0}
        else:
            srt = np.sort(pair)
            clarity = float((srt[1] - srt[0]) / np.pi)
            stem = int(np.argmin(pair))
            into = [i for i in range(3) if i != stem]
            weights = {i: clarity for i in into}
            if clarity <= 0:
                continue
        for i in into:
            e = es[i]
            vote[e] += weights[i] * (1.0 if v[e] == node else -1.0)
        e = es[stem]
        vote[e] += max(weights.values()) / 2 * (1.0 if u[e] == node else -1.0)
    return vote


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.arccos(np.clip(a @ b, -1.0, 1.0)))


def _odd_one(names: list) -> int | None:
    """The index of the one name that differs from the two others (both named alike)."""
    a, b, c = names
    if a is not None and a == b and c != a:
        return 2
    if a is not None and a == c and b != a:
        return 1
    if b is not None and b == c and a != b:
        return 0
    return None


def _graph(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> csr_matrix:
    """Undirected graph with the shortest of parallel edges."""
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    f = pd.DataFrame({"lo": lo, "hi": hi, "w": np.maximum(w, 1e-6)}).groupby(
        ["lo", "hi"], as_index=False)["w"].min()
    a, b, ww = f["lo"].to_numpy(), f["hi"].to_numpy(), f["w"].to_numpy()
    return coo_matrix((np.r_[ww, ww], (np.r_[a, b], np.r_[b, a])), shape=(n, n)).tocsr()


def orient(n_nodes: int, u: np.ndarray, v: np.ndarray, length: np.ndarray, vote: np.ndarray,
           node_xy: np.ndarray, area: tuple[float, float, float, float] | None = None,
           outlet_nodes: list[int] | None = None, edge_margin: float = 1000.0) -> Orientation:
    """Choose the outlets and orient the edges (see the module docstring)."""
    g = _graph(n_nodes, u, v, length)
    ncomp, comp = connected_components(g, directed=False)
    used = np.bincount(np.r_[u, v], minlength=n_nodes) > 0
    deg = np.bincount(np.r_[u, v], minlength=n_nodes)
    # a spanning forest: one virtual root joined to the first node of each part
    root = n_nodes
    firsts = pd.Series(np.arange(n_nodes))[used].groupby(comp[used]).first()
    rows = np.r_[g.tocoo().row, np.full(len(firsts), root), firsts.to_numpy()]
    cols = np.r_[g.tocoo().col, firsts.to_numpy(), np.full(len(firsts), root)]
    big = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_nodes + 1, n_nodes + 1))
    order, pred = breadth_first_order(big, root, directed=False, return_predecessors=True)
    edge_of = pd.Series(np.arange(len(u)), index=pd.MultiIndex.from_arrays(
        [np.minimum(u, v), np.maximum(u, v)]))
    edge_of = edge_of[~edge_of.index.duplicated()]
    acc = np.zeros(n_nodes + 1)
    s_tree = np.zeros(n_nodes + 1)
    children = order[1:]
    children = children[pred[children] != root]
    par = pred[children]
    e = edge_of.reindex(pd.MultiIndex.from_arrays([np.minimum(children, par),
                                                   np.maximum(children, par)])).to_numpy()
    s = np.where(u[e] == children, vote[e], -vote[e])  # agreement with "child flows to parent"
    s_tree[children] = s
    for c, p in zip(children.tolist(), par.tolist()):  # BFS order: parents first
        acc[c] = acc[p] + s_tree[c]
    total = np.bincount(comp[children], weights=s, minlength=ncomp)
    score = total[comp] - 2 * acc[:n_nodes]
    given = {}
    for node in outlet_nodes or []:
        given.setdefault(int(comp[node]), int(node))
    if area is None:
        xy = node_xy[used]
        area = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
    x0, y0, x1, y1 = area
    edge_d = np.minimum.reduce([node_xy[:, 0] - x0, x1 - node_xy[:, 0],
                                node_xy[:, 1] - y0, y1 - node_xy[:, 1]])
    cand = pd.DataFrame({"node": np.arange(n_nodes), "comp": comp, "score": score,
                         "leaf": deg == 1, "edge": edge_d <= edge_margin})[used]
    cand["rank"] = cand["leaf"].astype(int) * 2 + (cand["leaf"] & cand["edge"]).astype(int)
    best = cand.sort_values(["comp", "rank", "score", "node"],
                            ascending=[True, False, False, True]).groupby("comp").first()
    outlets = np.array([given.get(int(c), int(best.at[c, "node"])) for c in best.index],
                       dtype=np.int64)
    is_given = np.array([int(c) in given for c in best.index], dtype=bool)
    dist = dijkstra(g, directed=False, indices=outlets, min_only=True)
    du, dv = dist[u], dist[v]
    flip = np.where(du == dv, vote < 0, du < dv)
    return Orientation(flip, outlets, is_given, comp, dist, score[outlets])
