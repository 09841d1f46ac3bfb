"""Rivers and reaches from the drainage tree: channels, main stems, Strahler orders.

Channel cells are those draining more than a threshold area.  At each confluence
the river continues up the donor with the larger drained area (the imposed big
rivers always win), the other donor is the mouth of a tributary: every channel head
starts one river.  A reach is a run of channel steps between nodes (heads,
confluences, the outlet, and split points every ``reach_cells`` steps), drawn
through the (slightly jittered) cell centres, first vertex upstream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from . import names
from .config import Scale
from .terrain import Terrain, depth_of, levels

GEOD = Geod(ellps="GRS80")  # the CGCS2000 ellipsoid, to well below a millimetre


@dataclass
class Network:
    """The river network on top of a terrain; arrays are indexed as documented."""

    terrain: Terrain
    channel: np.ndarray  # per cell: bool
    vx: np.ndarray  # per cell: vertex longitude (cell centre + jitter)
    vy: np.ndarray  # per cell: vertex latitude
    reach_of: np.ndarray  # per cell: reach of the step leaving it (-1 if none)
    river_of: np.ndarray  # per cell: river of the step leaving it (-1 if none)
    entry: np.ndarray  # per cell: first channel cell at or downstream of it
    dist_km: np.ndarray  # per cell: flow distance to the outlet
    # reaches (index r)
    reach_code: list[str]
    reach_river: np.ndarray
    reach_down: np.ndarray  # downstream reach or -1
    reach_start: np.ndarray  # first cell
    reach_end: np.ndarray  # last cell (a node)
    reach_len_km: np.ndarray
    reach_order: np.ndarray
    reach_vertices: list[np.ndarray]  # cell ids, upstream first
    node_code: dict[int, str]
    # rivers (index k)
    river_code: list[str]
    river_name: list[str]
    river_system: list[str]
    river_parent: np.ndarray  # -1 for the outlet river
    river_area_km2: np.ndarray  # drained area at the mouth
    river_len_km: np.ndarray
    river_key: np.ndarray
    river_cells: list[np.ndarray]  # head ... mouth (the mouth cell is on the parent)
    river_is_stem: np.ndarray

    @property
    def n_reaches(self) -> int:
        return len(self.reach_code)


def _threshold(t: Terrain, scale: Scale) -> float:
    """Channel threshold area: fixed, or the area giving ``channel_cells`` cells."""
    if scale.channel_cells is None:
        return float(scale.channel_km2)
    acc = t.acc_km2[t.grid.mask]
    k = min(int(scale.channel_cells), len(acc) - 1)
    return float(np.partition(acc, len(acc) - k)[len(acc) - k])


def _rivers(t: Terrain, channel: np.ndarray, entries: np.ndarray, groups_ch: list[np.ndarray]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Main donors, heads and the river of every channel cell (ids by head order)."""
    recv = t.recv
    main = _main_donor(t, channel, entries)
    heads = np.flatnonzero(channel & (main < 0))
    river_of = np.full(len(channel), -1, np.int64)
    river_of[heads] = np.arange(len(heads))
    for gc in groups_ch:
        is_main = main[recv[gc]] == gc
        river_of[recv[gc][is_main]] = river_of[gc][is_main]
    return main, heads, river_of


def _main_donor(t: Terrain, channel: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """Per channel cell, the channel donor with the largest drained area (-1: a head)."""
    src = np.flatnonzero(channel & (t.recv >= 0))
    order = np.lexsort((src, t.acc_km2[src], t.recv[src]))
    src = src[order]
    last = np.r_[t.recv[src][1:] != t.recv[src][:-1], True]
    main = np.full(len(channel), -1, np.int64)
    main[t.recv[src[last]]] = src[last]
    main[entries] = -1  # a big river entering the area starts there
    return main


def _strahler(t: Terrain, channel: np.ndarray, groups: list[np.ndarray],
              entries: np.ndarray, entry_orders: np.ndarray) -> np.ndarray:
    """Strahler order per channel cell; big rivers enter with their own order."""
    order = np.zeros(len(channel), np.int64)
    mx = np.zeros(len(channel), np.int64)
    cnt = np.zeros(len(channel), np.int64)
    for grp in groups:
        gc = grp[channel[grp]]
        order[gc] = np.where(mx[gc] == 0, 1, mx[gc] + (cnt[gc] >= 2))
        if np.isin(gc, entries).any():
            for e, o in zip(entries.tolist(), entry_orders.tolist()):
                if e in gc:
                    order[e] = max(order[e], o)
        r = t.recv[gc]
        np.maximum.at(mx, r, order[gc])
        np.add.at(cnt, r, (order[gc] == mx[r]).astype(np.int64))
    return order


def build_network(t: Terrain, scale: Scale, rng: np.random.Generator) -> Network:
    """Channels, rivers and reaches of terrain ``t``."""
    g = t.grid
    n = g.n
    recv = t.recv
    thr = _threshold(t, scale)
    entries = np.array([c[0] for c in t.stem_cells], np.int64)
    channel = g.mask & (t.acc_km2 >= thr)
    channel[entries] = True
    for cells in t.stem_cells:
        channel[cells] = True
    # channel must be closed downstream
    groups = levels(t.depth)
    for grp in groups:
        ch = grp[channel[grp]]
        channel[recv[ch]] = True
    groups_ch = [grp[channel[grp]] for grp in groups]
    main, heads, river_of = _rivers(t, channel, entries, groups_ch)
    if scale.n_rivers is not None and len(heads) > scale.n_rivers:
        # keep the biggest rivers (closed under "flows into": a parent is bigger)
        mouth_area = np.zeros(len(heads))
        own = channel & (river_of >= 0)
        np.maximum.at(mouth_area, river_of[own], t.acc_km2[own])
        keep = np.zeros(len(heads), bool)
        keep[np.argsort(-mouth_area, kind="stable")[: scale.n_rivers]] = True
        channel = own & keep[np.maximum(river_of, 0)]
        groups_ch = [grp[channel[grp]] for grp in groups]
        main, heads, river_of = _rivers(t, channel, entries, groups_ch)

    # nodes: heads, confluences, outlet; positions along links for splitting
    n_ch_donors = np.bincount(recv[np.flatnonzero(channel & (recv >= 0))], minlength=n)
    node = channel & ((main < 0) | (n_ch_donors >= 2))
    node[t.outlet] = True
    link_id = np.full(n, -1, np.int64)
    link_pos = np.zeros(n, np.int64)
    link_id[node] = np.arange(int(node.sum()))
    for gc in groups_ch:
        r = recv[gc]
        cont = ~node[r]
        link_id[r[cont]] = link_id[gc[cont]]
        link_pos[r[cont]] = link_pos[gc[cont]] + 1
    src = np.flatnonzero(channel & (recv >= 0))  # every channel step leaves one of these
    link_len = np.zeros(int(node.sum()), np.int64)
    np.maximum.at(link_len, link_id[src], link_pos[src] + 1)
    pieces = np.maximum(1, np.ceil(link_len / scale.reach_cells)).astype(np.int64)
    lid = link_id[src]
    starts = node[src] | _piece_starts(link_pos[src], pieces[lid], link_len[lid])
    node[src[starts]] = True

    # reach ids: a reach starts at each node with an outgoing step
    reach_of = np.full(n, -1, np.int64)
    start_cells = src[node[src]]
    reach_of[start_cells] = np.arange(len(start_cells))
    edge_pos = np.zeros(n, np.int64)
    for gc in groups_ch:
        r = recv[gc]
        cont = ~node[r] & (recv[r] >= 0)
        reach_of[r[cont]] = reach_of[gc[cont]]
        edge_pos[r[cont]] = edge_pos[gc[cont]] + 1
    n_r = len(start_cells)
    # last step of each reach: the step whose receiver is a node
    last = src[node[recv[src]]]
    reach_end = np.empty(n_r, np.int64)
    reach_end[reach_of[last]] = recv[last]
    reach_down = reach_of[reach_end]  # -1 at the outlet
    n_steps = np.zeros(n_r, np.int64)
    np.maximum.at(n_steps, reach_of[src], edge_pos[src] + 1)

    # vertices: jittered centres; geometry cells sorted by (reach, position)
    lon, lat = g.centres(np.arange(n))
    jit = (rng.random((2, n)) - 0.5) * 0.3 * g.d
    # a jittered diagonal step crosses a corner cell: keep it centred where that cell
    # lies outside the area, so every reach stays inside the area (and its units)
    a, b = src, recv[src]
    (ai, aj), (bi, bj) = np.divmod(a, g.nx), np.divmod(b, g.nx)
    diag = (ai != bi) & (aj != bj)
    outside = ~g.mask[ai * g.nx + bj] | ~g.mask[bi * g.nx + aj]
    fix = diag & outside
    jit[:, a[fix]] = 0.0
    jit[:, b[fix]] = 0.0
    vx, vy = lon + jit[0], lat + jit[1]
    order = np.lexsort((edge_pos[src], reach_of[src]))
    seq = src[order]
    ends = np.cumsum(n_steps)
    verts = np.insert(seq, ends, reach_end)
    bounds = np.r_[0, ends + np.arange(1, n_r + 1)]
    reach_vertices = [verts[bounds[k]:bounds[k + 1]] for k in range(n_r)]
    _, _, seg_m = GEOD.inv(vx[seq], vy[seq], vx[recv[seq]], vy[recv[seq]])
    reach_len = np.add.reduceat(seg_m, np.r_[0, ends[:-1]]) / 1000.0
    strahler = _strahler(t, channel, groups, entries,
                         np.array([st.order for st in scale.stems]))

    # rivers: cells, mouths, areas, parents
    n_riv = len(heads)
    dist = depth_of(recv, g.mask, t.step_km)
    river_cells = _river_cells(heads, river_of, recv, dist)
    last_own = np.array([c[-1] if river_of[c[-1]] == k else c[-2]
                         for k, c in enumerate(river_cells)], np.int64)
    area = t.acc_km2[last_own]
    parent = np.where(recv[last_own] >= 0, river_of[recv[np.maximum(last_own, 0)]], -1)
    rank = np.lexsort((np.arange(n_riv), -area))  # biggest first
    renum = np.empty(n_riv, np.int64)
    renum[rank] = np.arange(n_riv)
    stem_of = {int(river_of[e]): k for k, e in enumerate(entries)}
    width = max(5, len(str(n_riv)))
    codes = [f"R{renum[k] + 1:0{width}d}" for k in range(n_riv)]
    rname = names.river_names(rng, area)
    is_stem = np.zeros(n_riv, bool)
    for k, s in stem_of.items():
        rname[k] = scale.stems[s].name
        is_stem[k] = True
    system = _water_systems(parent, stem_of, scale, rank)
    reach_river = river_of[start_cells]
    river_len = np.bincount(reach_river, weights=reach_len, minlength=n_riv)
    key = np.zeros(n_riv, bool)
    key[is_stem] = True
    for k in rank:
        if key.sum() >= scale.n_key_rivers:
            break
        key[k] = True
    # reach codes: river code + ordinal from the source
    first_pos = np.array([0] * n_r)
    order_in_river = np.lexsort((t.depth[start_cells] * -1, reach_river))
    first_pos[order_in_river] = np.arange(n_r)
    counts = np.bincount(reach_river, minlength=n_riv)
    offset = np.r_[0, np.cumsum(counts)[:-1]]
    ordinal = first_pos - offset[reach_river] + 1
    rw = max(3, len(str(int(counts.max()))))
    reach_code = [f"{codes[k]}-{o:0{rw}d}" for k, o in zip(reach_river.tolist(), ordinal.tolist())]
    node_cells = np.unique(np.r_[start_cells, reach_end])
    nw = max(6, len(str(len(node_cells))))
    node_code = {int(c): f"N{k + 1:0{nw}d}" for k, c in enumerate(node_cells.tolist())}

    entry = np.where(channel, np.arange(n), np.where(recv >= 0, recv, np.arange(n)))
    while True:
        nxt = entry[entry]
        if np.array_equal(nxt, entry):
            break
        entry = nxt
    entry = np.where(g.mask, entry, -1)
    return Network(
        terrain=t, channel=channel, vx=vx, vy=vy, reach_of=reach_of,
        river_of=np.where(channel & (recv >= 0), river_of, -1), entry=entry, dist_km=dist,
        reach_code=reach_code, reach_river=reach_river, reach_down=reach_down,
        reach_start=start_cells, reach_end=reach_end, reach_len_km=reach_len,
        reach_order=strahler[start_cells], reach_vertices=reach_vertices, node_code=node_code,
        river_code=codes, river_name=rname, river_system=system, river_parent=parent,
        river_area_km2=area, river_len_km=river_len, river_key=key,
        river_cells=river_cells, river_is_stem=is_stem,
    )


def _piece_starts(pos: np.ndarray, pieces: np.ndarray, length: np.ndarray) -> np.ndarray:
    """True where a split piece of a link begins (position 0 excluded)."""
    here = (pos * pieces) // length
    before = ((pos - 1) * pieces) // length
    return (pos > 0) & (here != before)


def _river_cells(heads: np.ndarray, river_of: np.ndarray, recv: np.ndarray,
                 dist: np.ndarray) -> list[np.ndarray]:
    """Cells of each river from its head to its mouth (the first cell not its own)."""
    cells = np.flatnonzero(river_of >= 0)
    order = np.lexsort((-dist[cells], river_of[cells]))
    cells = cells[order]
    cuts = np.flatnonzero(np.diff(river_of[cells])) + 1
    out = []
    for part in np.split(cells, cuts):
        mouth = recv[part[-1]]
        out.append(np.r_[part, mouth] if mouth >= 0 else part)
    return out


def _water_systems(parent: np.ndarray, stem_of: dict[int, int], scale: Scale,
                   rank: np.ndarray) -> list[str]:
    """Each river's water system: the first imposed big river at or below it."""
    n = len(parent)
    system: list[str | None] = [None] * n
    for k, s in stem_of.items():
        system[k] = scale.stems[s].water_system
    main_system = scale.stems[0].water_system
    for k in rank[::-1].tolist():  # resolve along parents (memoised walk)
        path = []
        c = k
        while c >= 0 and system[c] is None:
            path.append(c)
            c = int(parent[c])
        value = system[c] if c >= 0 else main_system
        for p in path:
            system[p] = value
    return [s or main_system for s in system]
