"""A depth-first order of the reaches that turns upstream-with-tributaries into a slice.

Walking upstream from every outlet (depth first), the reaches draining to a reach ``r``
come right after it: ``order[pos[r] : pos[r] + size[r]]``.  ``below[r]`` is the length of
river between r's downstream end and its outlet, so the distance from r's downstream end
up to the downstream end of a reach u above it is ``below[u] - below[r] - length[r]``.

That holds where the water above ``r`` has one way down: ``exact[r]`` is False for reaches
below a braid (a reach with several downstream reaches) and for reaches that reach no
outlet (cycles); navigation falls back to a graph search for those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import depth_first_order, dijkstra

from pollution_map_plugin.core.network.geometry import ranges


@dataclass
class TreeOrder:
    order: np.ndarray  # reaches in depth-first order from the outlets
    pos: np.ndarray  # position of each reach in ``order`` (-1: not reached)
    size: np.ndarray  # number of reaches draining to each reach, itself included
    below: np.ndarray  # km of river below each reach (to its outlet)
    exact: np.ndarray  # bool: the slice is exactly the upstream set


def tree_order(length_km: np.ndarray, up_ptr: np.ndarray, up_idx: np.ndarray,
               down_ptr: np.ndarray, down_idx: np.ndarray) -> TreeOrder:
    n = len(length_km)
    out_deg = np.diff(down_ptr)
    outlets = np.flatnonzero(out_deg == 0)
    root = n
    rows = np.concatenate((np.repeat(np.arange(n), np.diff(up_ptr)),
                           np.full(len(outlets), root)))
    cols = np.concatenate((up_idx, outlets))
    weight = np.where(length_km > 0, length_km, 1e-12)
    data = np.concatenate((weight[rows[: len(up_idx)]], np.full(len(outlets), 1e-12)))
    graph = csr_matrix((data, (rows, cols)), shape=(n + 1, n + 1))
    order, pred = depth_first_order(graph, root, directed=True, return_predecessors=True)
    order = order[1:].astype(np.int64)  # drop the root
    pos = np.full(n, -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    parent = pred[:n].astype(np.int64)
    parent[(parent < 0) | (parent == root)] = -1
    size = _subtree_sizes(order, parent, n)
    below = np.zeros(n)
    if len(order):
        below = dijkstra(graph, directed=True, indices=root)[:n]
        below = np.where(np.isfinite(below), below, 0.0)
    exact = pos >= 0
    braids = np.flatnonzero(out_deg > 1)
    if len(braids):
        cnt = down_ptr[braids + 1] - down_ptr[braids]
        children = np.unique(down_idx[ranges(down_ptr[braids], cnt)])
        down_graph = csr_matrix((np.ones(len(down_idx)),
                                 (np.repeat(np.arange(n), out_deg), down_idx)), shape=(n, n))
        reach = dijkstra(down_graph, directed=True, indices=children, min_only=True,
                         unweighted=True)
        exact &= ~np.isfinite(reach)
    return TreeOrder(order, pos, size, below, exact)


def _subtree_sizes(order: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    size = [1] * n
    par = parent.tolist()
    for v in reversed(order.tolist()):
        p = par[v]
        if p >= 0:
            size[p] += size[v]
    return np.asarray(size, dtype=np.int64)
