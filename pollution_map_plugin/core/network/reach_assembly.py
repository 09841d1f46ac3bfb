"""From oriented edges to reaches and rivers: merge pseudo-nodes, stream order, codes.

* a node with one inflow and one outflow of the same name is no junction: its two edges
  are one reach;
* Strahler order over the reaches (braids: the highest order flowing in);
* rivers: reaches of one name joined by their downstream links (unnamed ones likewise);
  codes ``R01``… by length, reach codes ``R01-001``… from the source down
  (``synthetic_data`` conventions), node codes ``N0001``….
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

UNNAMED = "未命名河流"


@dataclass
class Reaches:
    """Reaches (one row each) and rivers, as plain frames with lon/lat line coordinates."""

    reaches: pd.DataFrame  # code, river_code, downstream_code, from_node, to_node, length_km,
    #                        stream_order, name, coords, features, component
    rivers: pd.DataFrame  # code, name, water_system, length_km, key_river, mouth, parent_code


def chains(tail: np.ndarray, head: np.ndarray, names: np.ndarray, n_nodes: int,
           keep_nodes: set[int]) -> list[list[int]]:
    """Edges grouped into reaches across pseudo-nodes (in flow order)."""
    m = len(tail)
    indeg = np.bincount(head, minlength=n_nodes)
    outdeg = np.bincount(tail, minlength=n_nodes)
    out_edge = np.full(n_nodes, -1, dtype=np.int64)
    out_edge[tail] = np.arange(m)
    in_edge = np.full(n_nodes, -1, dtype=np.int64)
    in_edge[head] = np.arange(m)
    pseudo = (indeg == 1) & (outdeg == 1)
    pseudo &= names[np.maximum(in_edge, 0)] == names[np.maximum(out_edge, 0)]
    for k in keep_nodes:
        pseudo[k] = False
    seen = np.zeros(m, dtype=bool)
    out: list[list[int]] = []
    starts = [e for e in range(m) if not pseudo[tail[e]]]
    for first in starts + list(range(m)):  # the rest: loops made only of pseudo-nodes
        if seen[first]:
            continue
        chain = [first]
        seen[first] = True
        e = first
        while pseudo[head[e]]:
            nxt = int(out_edge[head[e]])
            if seen[nxt]:
                break
            chain.append(nxt)
            seen[nxt] = True
            e = nxt
        out.append(chain)
    return out


def strahler(n: int, down: list[list[int]]) -> np.ndarray:
    """Strahler order of ``n`` reaches given each reach's downstream reaches."""
    ups: list[list[int]] = [[] for _ in range(n)]
    indeg = np.zeros(n, dtype=np.int64)
    for r, ds in enumerate(down):
        for d in ds:
            ups[d].append(r)
            indeg[d] += 1
    order = np.zeros(n, dtype=np.int64)
    ready = [r for r in range(n) if indeg[r] == 0]
    left = indeg.copy()
    while ready:
        r = ready.pop()
        got = [order[x] for x in ups[r] if order[x] > 0]
        top = max(got, default=0)
        order[r] = 1 if top == 0 else top + (1 if got.count(top) >= 2 else 0)
        for d in down[r]:
            left[d] -= 1
            if left[d] == 0:
                ready.append(d)
    order[order == 0] = 1  # reaches in a loop
    return order


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def assemble(tail: np.ndarray, head: np.ndarray, coords_ll: list[np.ndarray],
             names: np.ndarray, edge_feature: np.ndarray, edge_km: np.ndarray,
             node_dist: np.ndarray, component: np.ndarray, outlets: np.ndarray) -> Reaches:
    """Reaches and rivers from edges flowing ``tail`` → ``head`` (lon/lat ``coords_ll``)."""
    n_nodes = len(node_dist)
    groups = chains(tail, head, names, n_nodes, set(outlets.tolist()))
    n = len(groups)
    r_tail = np.array([tail[g[0]] for g in groups], dtype=np.int64)
    r_head = np.array([head[g[-1]] for g in groups], dtype=np.int64)
    r_name = np.array([names[g[0]] for g in groups], dtype=object)
    r_km = np.array([edge_km[g].sum() for g in groups])
    r_coords = [np.vstack([coords_ll[g[0]]] + [coords_ll[e][1:] for e in g[1:]]) for g in groups]
    r_feats = [sorted(set(edge_feature[g].tolist())) for g in groups]
    starting: dict[int, list[int]] = {}
    for r in range(n):
        starting.setdefault(int(r_tail[r]), []).append(r)
    down = [starting.get(int(r_head[r]), []) for r in range(n)]
    main_down = np.full(n, -1, dtype=np.int64)
    for r, ds in enumerate(down):
        if ds:
            same = [d for d in ds if r_name[d] == r_name[r]]
            main_down[r] = max(same or ds, key=lambda d: r_km[d])
    order = strahler(n, down)
    parent = list(range(n))
    for r in range(n):
        d = int(main_down[r])
        if d >= 0 and r_name[d] == r_name[r]:
            parent[_find(parent, r)] = _find(parent, d)
    root = np.array([_find(parent, r) for r in range(n)], dtype=np.int64)
    frame = pd.DataFrame({"root": root, "km": r_km})
    totals = frame.groupby("root")["km"].sum().sort_values(ascending=False, kind="stable")
    width = max(2, len(str(len(totals))))
    river_code = {int(g): f"R{k + 1:0{width}d}" for k, g in enumerate(totals.index)}
    r_river = np.array([river_code[int(x)] for x in root], dtype=object)
    # reach codes from the source down: furthest from the outlet first
    rank = pd.DataFrame({"river": r_river, "dist": -node_dist[r_tail], "i": np.arange(n)})
    rank = rank.sort_values(["river", "dist", "i"])
    rank["k"] = rank.groupby("river").cumcount() + 1
    rw = max(3, len(str(int(rank["k"].max()) if n else 1)))
    codes = np.empty(n, dtype=object)
    codes[rank["i"].to_numpy()] = [f"{r}-{k:0{rw}d}" for r, k in zip(rank["river"], rank["k"])]
    used_nodes = np.unique(np.r_[r_tail, r_head])
    nw = max(4, len(str(len(used_nodes))))
    node_code = {int(x): f"N{k + 1:0{nw}d}" for k, x in enumerate(used_nodes)}
    reaches = pd.DataFrame({
        "code": codes, "river_code": r_river,
        "downstream_code": [codes[d] if d >= 0 else None for d in main_down],
        "from_node": [node_code[int(x)] for x in r_tail],
        "to_node": [node_code[int(x)] for x in r_head],
        "length_km": np.round(r_km, 3), "stream_order": order, "name": r_name,
        "coords": r_coords, "features": r_feats, "component": component[r_tail],
        "tail": r_tail, "head": r_head, "downstream": main_down,
    })
    return Reaches(reaches, _rivers(reaches, river_code, node_dist, outlets, component))


def _rivers(reaches: pd.DataFrame, river_code: dict, node_dist: np.ndarray,
            outlets: np.ndarray, component: np.ndarray) -> pd.DataFrame:
    names = reaches.dropna(subset=["name"]).groupby("river_code")["name"].first().to_dict()
    km = reaches.groupby("river_code")["length_km"].sum()
    # each river's mouth: its reach nearest to the outlet
    r = reaches.assign(hd=node_dist[reaches["head"].to_numpy()], i=np.arange(len(reaches)))
    mouth = r.sort_values(["hd", "i"]).groupby("river_code").first()
    # the water system of a part: the river at its outlet
    outlet_comp = {int(component[o]): int(o) for o in outlets}
    ends = reaches[reaches["downstream"] < 0]
    system = {int(c): rc for c, h, rc in zip(ends["component"], ends["head"], ends["river_code"])
              if outlet_comp.get(int(c)) == int(h)}
    rivers_of = reaches["river_code"].to_numpy()
    rows = []
    for code in sorted(set(river_code.values())):
        m = mouth.loc[code]
        parent = rivers_of[int(m["downstream"])] if m["downstream"] >= 0 else None
        parent = parent if parent != code else None
        comp_river = system.get(int(m["component"]), code)
        rows.append({"code": code, "name": names.get(code) or f"{UNNAMED}{code}",
                     "water_system": names.get(comp_river) or f"{UNNAMED}{comp_river}",
                     "length_km": round(float(km[code]), 3), "key_river": False,
                     "mouth": (names.get(parent) or parent) if parent else None,
                     "parent_code": parent})
    return pd.DataFrame(rows)
