"""Monitoring sections on reaches, and the control units draining to some of them.

Sections sit on channel cells inside a reach (a vertex of its line, never a node),
spread apart, bigger rivers for higher levels: the exit of the outlet river and the
entry of every big river are national sections.  Control units are the drainage
areas between selected sections (cut the drainage tree at a section when the area
collected since the last cut exceeds a threshold), so they partition the area and
every reach lies in the unit of its downstream control section.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import names
from .config import Scale
from .river_network import Network
from .terrain import KM_PER_DEG_LAT, levels


@dataclass
class Sections:
    cell: np.ndarray
    level: list[str]
    lake: np.ndarray
    code: list[str]
    name: list[str]
    reach: np.ndarray
    river: np.ndarray


@dataclass
class Units:
    of_cell: np.ndarray  # unit index per cell (-1 outside)
    outlet_section: np.ndarray  # section index per unit
    code: list[str]


def _spread(cands: np.ndarray, prio: np.ndarray, quota: int, net: Network, min_km: float,
            taken: list[int]) -> list[int]:
    """Greedily pick up to ``quota`` candidates by priority, ``min_km`` apart."""
    g = net.terrain.grid
    kx = 111.32 * np.cos(np.radians(g.lat0 + g.ny * g.d / 2))
    x, y = net.vx * kx, net.vy * KM_PER_DEG_LAT
    cell = max(min_km, 1e-6)
    occupied: dict[tuple[int, int], list[int]] = {}
    for c in taken:
        occupied.setdefault((int(x[c] // cell), int(y[c] // cell)), []).append(c)
    out: list[int] = []
    for c in cands[np.argsort(-prio, kind="stable")].tolist():
        if len(out) >= quota:
            break
        gx, gy = int(x[c] // cell), int(y[c] // cell)
        near = [o for i in (-1, 0, 1) for j in (-1, 0, 1)
                for o in occupied.get((gx + i, gy + j), ())]
        if any((x[o] - x[c]) ** 2 + (y[o] - y[c]) ** 2 < min_km ** 2 for o in near):
            continue
        occupied.setdefault((gx, gy), []).append(c)
        out.append(c)
    return out


def place_sections(net: Network, scale: Scale, rng: np.random.Generator) -> Sections:
    """Sections by level: national on the biggest rivers, then municipal, then control."""
    t = net.terrain
    recv = t.recv
    inner = np.flatnonzero(net.channel & (recv >= 0) & (net.reach_of >= 0))
    inner = inner[net.reach_start[net.reach_of[inner]] != inner]  # not on a node
    acc = t.acc_km2[inner]
    n_nat, n_mun, n_ctl = scale.sections
    area_km2 = float(t.acc_km2[t.grid.mask].size * t.grid.cell_area_km2(np.array([t.outlet]))[0])
    spacing = np.sqrt(area_km2 / max(sum(scale.sections), 1)) * 0.45
    chosen: list[int] = []
    levels_out: list[str] = []
    # fixed national sections: exit of the outlet river, entries of big rivers
    fixed: list[int] = []
    exit_reach = net.reach_of[net.terrain.stem_cells[0][-2]]
    fixed.append(int(net.reach_vertices[exit_reach][1]) if len(net.reach_vertices[exit_reach]) > 2
                 else int(net.reach_vertices[exit_reach][0]))
    inner_set = set(inner.tolist())
    for cells in t.stem_cells:
        cand = [c for c in cells[1:6].tolist() if c in inner_set]
        if cand and len(fixed) < n_nat:
            fixed.append(cand[0])
    chosen += fixed
    levels_out += ["national"] * len(fixed)
    order = np.argsort(-acc, kind="stable")
    rank = np.empty(len(acc))
    rank[order] = np.arange(len(acc)) / max(len(acc), 1)
    on_stem = net.river_is_stem[net.river_of[inner]]
    # level, quota, pool (share of biggest cells), weight of log(area), stem penalty, spacing
    plan = (("national", n_nat - len(fixed), 0.04, 1.0, 0.0, 1.2),
            ("municipal", n_mun, 0.4, 0.6, 1.5, 0.8),
            ("control", n_ctl, 0.85, 0.3, 3.0, 0.55))
    for level, quota, pool, w_log, penalty, fac in plan:
        if quota <= 0:
            continue
        picked: list[int] = []
        for relax in (1.0, 0.6, 0.35, 0.15, 0.0):
            sel = rank <= min(pool / max(relax, 0.25), 1.0)
            prio = (w_log * np.log(acc[sel]) - penalty * on_stem[sel]
                    + rng.gumbel(size=int(sel.sum())))
            picked += _spread(inner[sel], prio, quota - len(picked), net,
                              spacing * fac * relax, chosen + picked)
            if len(picked) >= quota:
                break
        chosen += picked
        levels_out += [level] * len(picked)
    cell = np.asarray(chosen, np.int64)
    n = len(cell)
    lake = np.zeros(n, bool)
    small = np.flatnonzero((np.asarray(levels_out) != "national")
                           & ~net.river_is_stem[net.river_of[cell]]
                           & (t.acc_km2[cell] < np.quantile(t.acc_km2[cell], 0.8)))
    n_lake = int(round(scale.lake_share * n))
    if n_lake and len(small):
        lake[rng.choice(small, size=min(n_lake, len(small)), replace=False)] = True
    places = names.place_names(rng, n, ("桥", "渡", "口", "坝", "场", "湾", "镇", "滩"))
    nm = []
    for k in range(n):
        if lake[k]:
            nm.append(places[k][:-1] + ("水库" if k % 3 else "湖"))
        else:
            nm.append(places[k])
    nm[0] += "（出境）"
    for k in range(1, len(fixed)):
        nm[k] += "（入境）"
    width = max(4, len(str(n)))
    code = [f"S{k + 1:0{width}d}" for k in range(n)]
    reach = net.reach_of[cell]
    return Sections(cell, levels_out, lake, code, nm, reach, net.reach_river[reach])


def control_units(net: Network, sec: Sections, n_units: int) -> Units:
    """Cut the drainage tree at sections into ``n_units`` units of similar area."""
    t = net.terrain
    g = t.grid
    recv = t.recv
    area = np.where(g.mask, g.cell_area_km2(np.arange(g.n)), 0.0)
    local = np.bincount(net.entry[g.mask], weights=area[g.mask], minlength=g.n)
    has_sec = np.zeros(g.n, bool)
    has_sec[sec.cell] = True
    forced = np.zeros(g.n, bool)
    forced[sec.cell[0]] = True  # the exit section closes the last unit
    groups = [grp[net.channel[grp]] for grp in levels(t.depth)]

    def cuts_for(thr: float) -> np.ndarray:
        rem = local.copy()
        cut = np.zeros(g.n, bool)
        for grp in groups:
            c = (has_sec[grp] & (rem[grp] >= thr)) | forced[grp]
            cut[grp[c]] = True
            rem[grp[c]] = 0.0
            np.add.at(rem, recv[grp], rem[grp])
        return cut

    total = float(local.sum())
    lo, hi = total / (n_units * 8), total
    best = cuts_for(total / n_units)
    for _ in range(30):
        mid = np.sqrt(lo * hi)
        cut = cuts_for(mid)
        k = int(cut.sum())
        if abs(k - n_units) < abs(int(best.sum()) - n_units):
            best = cut
        if k == n_units:
            break
        if k > n_units:
            lo = mid
        else:
            hi = mid
    cut_cells = np.flatnonzero(best)
    sec_at = {int(c): k for k, c in enumerate(sec.cell.tolist())}
    outlet_section = np.array([sec_at[int(c)] for c in cut_cells], np.int64)
    # units ordered from the outlet upwards by flow distance, exit first
    order = np.lexsort((cut_cells, net.dist_km[cut_cells]))
    cut_cells, outlet_section = cut_cells[order], outlet_section[order]
    unit_id = np.full(g.n, -1, np.int64)
    unit_id[cut_cells] = np.arange(len(cut_cells))
    jump = np.where(unit_id >= 0, np.arange(g.n), np.where(recv >= 0, recv, np.arange(g.n)))
    while True:
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            break
        jump = nxt
    of_cell = np.where(g.mask, unit_id[jump], -1)
    exit_unit = int(unit_id[sec.cell[0]])
    of_cell[g.mask & (of_cell < 0)] = exit_unit
    width = max(2, len(str(len(cut_cells))))
    return Units(of_cell, outlet_section, [f"CU{k + 1:0{width}d}" for k in range(len(cut_cells))])
