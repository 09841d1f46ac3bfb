"""Water quality with a story: targets, identifiable hotspots, sudden changes.

1. Route the loads of the ordinary sources and compute a baseline series.
2. Set each section's target class no better than its baseline (so ordinary
   sources alone rarely break it).
3. Add hotspots, a big discharger a few kilometres upstream of chosen sections
   (a key enterprise with its own outfall, or a large pig farm), sized so that the
   section misses its target on the yearly mean of one item.  A section fails where
   loads are: the sections are drawn at random among those with at least
   ``MIN_UPSTREAM_SOURCES`` ordinary sources (direct dischargers, sewage plants, farms)
   entering upstream, the others only once these are used up.  A stream with a handful
   of farms above it is a headwater whose water is what the land gives it; the problem
   sections of a river chief's list lie below towns, parks and farming villages (the
   bureau's trace the issue describes narrows "200-odd" suspects to "20-odd").  Drawn
   uniformly, half the failing sections had fewer than ten sources upstream, where no
   short list can be a tenth of the suspects.  Weighting by the upstream count instead
   favours the big rivers so strongly that farms are hardly ever planted (none on seed 1
   at Chongqing scale: a farm of at most 30,000 pigs can only break a small river).  A
   hotspot too big to be plausible is not planted, so the largest rivers still rarely
   fail; a farm is only planted where the tracer's entry rule puts it on a reach
   upstream of its section (``culprit_entry``).
4. Add a few sudden changes (key rivers first, sections not failing yet first; never
   at or above a hotspot's section, whose planted culprit would no longer be the one
   driving it): a new unapproved outfall upstream whose discharge starts in the last
   months (a step) or in one of them (a spike).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import geo, names
from .culprit_entry import EntryCheck
from .measurement_series import BACKGROUND, LIMITS, concentrations, item_class, worst_class
from .river_network import Network
from .routing import ROUTED, T_A_TO_G_S, Router, load_matrix, section_flows
from .section_siting import Sections
from .source_points import EFFLUENT, PER_HEAD, Sources, credit_codes
from .terrain import accumulate, levels

_ITEM_COL = {"COD": 0, "NH3N": 1, "TP": 2}
#: Sections with fewer ordinary sources upstream are broken only when the others are used
#: up (module docstring, point 3).
MIN_UPSTREAM_SOURCES = 10
_HOT_INDUSTRY = {"NH3N": ("food", "pharmaceutical", "chemical", "tannery"),
                 "TP": ("food", "pharmaceutical"), "COD": ("paper", "food", "textile")}


@dataclass
class Quality:
    series: object
    target: np.ndarray
    months: np.ndarray
    hotspots: list[dict] = field(default_factory=list)
    sudden: list[dict] = field(default_factory=list)


def _direct(src: Sources) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Entry cells and loads of point sources (direct enterprises, plants) and farms."""
    out = src.outfalls.set_index("code")
    ent = src.enterprises
    kinds = out.loc[ent["outfall_code"], "type"].to_numpy()
    direct = np.isin(kinds, ["industrial", "other"])
    e_entry = out.loc[ent["outfall_code"][direct], "_entry"].to_numpy(np.int64)
    pl = src.plants
    has = pl["outfall_code"].notna().to_numpy()
    p_entry = pl["_entry"].to_numpy(np.int64).copy()
    p_entry[has] = out.loc[pl["outfall_code"][has], "_entry"].to_numpy(np.int64)
    entries = np.r_[e_entry, p_entry]
    loads = np.vstack([load_matrix(ent[direct], "enterprise"), load_matrix(pl, "plant")])
    return entries, loads, src.farms["_entry"].to_numpy(np.int64), load_matrix(src.farms, "farm")


def _upstream_sources(net: Network, sec: Sections, entries: np.ndarray) -> np.ndarray:
    """Per section, the ordinary sources entering the network at or above it."""
    t = net.terrain
    entries = np.asarray(entries, np.int64)
    count = np.bincount(entries[entries >= 0], minlength=t.grid.n).astype(float)
    return accumulate(count, t.recv, levels(t.depth))[sec.cell]


def _upstream_cell(net: Network, cell: int, km: float) -> int:
    """A cell about ``km`` upstream of ``cell`` on the same river (its head at most)."""
    river = int(net.river_of[cell])
    cells = net.river_cells[river]
    pos = int(np.flatnonzero(cells == cell)[0]) if (cells == cell).any() else len(cells) - 1
    d = net.dist_km[cells[:pos + 1]] - net.dist_km[cell]
    ok = np.flatnonzero(d >= km)
    return int(cells[ok[-1]] if len(ok) else cells[0])


def build_quality(net: Network, sec: Sections, src: Sources, scale, seed: int,
                  rng: np.random.Generator, entry: EntryCheck | None = None) -> Quality:
    """Targets, hotspots (appended to ``src``) and the monthly series.

    ``entry``: the tracer's entry rule on the generated reaches; without it farms are
    planted where they drain in the generator's terrain only.
    """
    n_t = 12 * scale.n_years
    months = np.arange(n_t)
    n_s = len(sec.cell)
    router = Router(net, sec.cell)
    flow = section_flows(net, sec.cell, months, rng)
    entries, loads, f_entries, f_loads = _direct(src)
    point = router.route(entries, loads)
    farm = router.route(f_entries, f_loads)
    bg = np.array([BACKGROUND[p] for p in ROUTED])[None, :] * rng.lognormal(0, 0.25, (n_s, 1))
    extra = np.zeros((n_s, n_t, len(ROUTED)))
    noise_seed = int(rng.integers(2 ** 31))
    base = concentrations(bg, point, farm, extra, flow, months, sec.lake, noise_seed)
    worst = worst_class(base, months)
    level = np.asarray(sec.level)
    pref = np.where(level == "national", rng.choice([2, 3], n_s, p=[0.5, 0.5]),
                    rng.choice([2, 3, 4], n_s, p=[0.2, 0.7, 0.1]))
    target = np.clip(np.maximum(pref, worst), 2, 4)
    q = Quality(None, target, months)

    inv_q = (1.0 / flow).mean(axis=1) * 1.03
    mean_add = {p: np.zeros(n_s) for p in _ITEM_COL}
    means = {p: base.values[p].mean(axis=1) for p in _ITEM_COL}

    def estimated_failing() -> np.ndarray:
        cod = means["COD"] + mean_add["COD"]
        worst = np.maximum.reduce([
            item_class("NH3N", means["NH3N"] + mean_add["NH3N"]),
            item_class("TP", means["TP"] + mean_add["TP"], sec.lake),
            item_class("COD", cod), item_class("CODMn", cod * 0.28),
            item_class("BOD5", cod * 0.2)])
        return np.maximum(worst, base_worst) > target

    base_worst = worst
    n_fail = int(round(scale.failing_share * n_s))
    cand = np.flatnonzero(level != "national")
    # at random, sections with a few sources upstream last: see the module's point 3
    n_up = _upstream_sources(net, sec, np.r_[entries, f_entries])
    cand = cand[rng.permutation(len(cand))]
    cand = cand[np.argsort(n_up[cand] < MIN_UPSTREAM_SOURCES, kind="stable")]
    for s in cand.tolist():
        failing = estimated_failing()
        if failing.sum() >= n_fail:
            break
        if failing[s]:
            continue  # an earlier hotspot upstream already breaks it
        item = str(rng.choice(["NH3N", "TP", "COD"], p=[0.5, 0.3, 0.2]))
        lim = LIMITS["TP_lake" if item == "TP" and sec.lake[s] else item][target[s] - 1]
        now = means[item][s] + mean_add[item][s]
        want = lim * (1.15 + 0.35 * rng.random())
        cell = _upstream_cell(net, int(sec.cell[s]), 1.0 + 6.0 * rng.random())
        factors = router.path_factor(cell)
        if s not in factors or want <= now:
            continue
        k = _ITEM_COL[item]
        lake_f = 0.45 if item == "TP" and sec.lake[s] else 1.0
        need = (want - now) / (T_A_TO_G_S * factors[s][k] * inv_q[s] * lake_f)
        reach = net.reach_code[int(sec.reach[s])]
        spot = _add_hotspot(net, src, cell, item, need, rng,
                            None if entry is None else (entry, reach))
        if spot is None:
            continue
        vec = spot.pop("_loads")
        lake_tp = np.where(sec.lake, 0.45, 1.0)
        for t_sec, f in factors.items():
            (farm if spot["kind"] == "farm" else point)[t_sec] += vec * f
            for p, col in _ITEM_COL.items():
                fac = lake_tp[t_sec] if p == "TP" else 1.0
                mean_add[p][t_sec] += T_A_TO_G_S * vec[col] * f[col] * inv_q[t_sec] * fac
        spot.update(section=s, item=item)
        q.hotspots.append(spot)
    failing = estimated_failing()

    hot = {h["section"] for h in q.hotspots}
    order = np.flatnonzero(level != "national")[rng.permutation(
        int((level != "national").sum()))]
    # key rivers first (their chiefs' problem lists are where a sudden change is written),
    # sections that do not fail yet before those below a hotspot
    key = np.asarray(net.river_key, bool)[net.river_of[sec.cell[order]]]
    order = order[np.lexsort((failing[order], ~key))]
    cand = [s for s in order.tolist() if s not in hot]
    for s in cand:
        if len(q.sudden) >= scale.n_sudden:
            break
        item = str(rng.choice(["NH3N", "COD", "TP"], p=[0.5, 0.3, 0.2]))
        k = _ITEM_COL[item]
        lim = LIMITS["TP_lake" if item == "TP" and sec.lake[s] else item][target[s] - 1]
        cell = _upstream_cell(net, int(sec.cell[s]), 0.5 + 2.5 * rng.random())
        factors = router.path_factor(cell)
        if s not in factors or hot & factors.keys():
            continue  # not above a hotspot's section: its culprit stays the one to find
        start = n_t - int(rng.integers(1, 4))
        spike = bool(rng.random() < 0.4)
        stop = start + 1 if spike else n_t
        m_inv = (1.0 / flow[s, start:stop]).mean()
        need = lim * (2.0 + 2.0 * rng.random()) / (T_A_TO_G_S * factors[s][k] * m_inv)
        if need * 80.0 > MAX_ILLICIT_DISCHARGE_M3_D:
            continue  # a big river: no plausible hidden pipe could make it jump
        vec = np.zeros(len(ROUTED))
        vec[:4] = need * np.array([_ratio(item, "COD"), _ratio(item, "NH3N"),
                                   _ratio(item, "TP"), 2.0 * _ratio(item, "NH3N")])
        code = _add_outfall(net, src, cell, "other", None, "偷排暗管", need * 80.0, rng,
                            "unapproved")
        for t_sec, f in factors.items():
            extra[t_sec, start:stop, :] += vec * f
        q.sudden.append({"section": s, "item": item, "outfall": code, "start_month": start,
                         "kind": "spike" if spike else "step"})
    q.series = concentrations(bg, point, farm, extra, flow, months, sec.lake, noise_seed)
    return q


MAX_ILLICIT_DISCHARGE_M3_D = 20_000.0


def _ratio(item: str, other: str) -> float:
    """Load of ``other`` per unit load of ``item`` in raw sewage-like water."""
    raw = {"COD": 300.0, "NH3N": 30.0, "TP": 4.0}
    return raw[other] / raw[item]


def _add_outfall(net: Network, src: Sources, cell: int, kind: str, owner: str | None,
                 label: str, discharge: float, rng: np.random.Generator,
                 approval: str) -> str:
    out = src.outfalls
    lon, lat = geo.near(net, np.array([cell]), 0.2, 0.8, rng)
    blon, blat, frac = geo.bank_points(net, np.array([cell]), lon, lat, rng)
    step = int(geo.step_cell(net, np.array([cell]))[0])
    code = f"PK{len(out) + 1:0{max(4, len(str(len(out) + 1)))}d}"
    place = names.place_names(rng, 1, ("", "村"))[0]
    row = {"code": code, "name": place + label + "排污口" if label != "偷排暗管" else place + label,
           "type": kind, "owner_code": owner, "river_code": net.river_code[net.river_of[step]],
           "reach_code": net.reach_code[net.reach_of[step]],
           "discharge_m3_d": round(float(discharge), 1), "approval_status": approval,
           "district": out["district"].iat[0] if owner is None else None,
           "_lon": blon[0], "_lat": blat[0], "_entry": step, "_frac": frac[0]}
    src.outfalls = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    return code


def _add_hotspot(net: Network, src: Sources, cell: int, item: str, need: float,
                 rng: np.random.Generator,
                 entry: tuple[EntryCheck, str] | None = None) -> dict | None:
    """Add a big discharger at ``cell`` whose ``item`` load is ``need`` t/a.

    ``entry``: (the tracer's entry rule, the section's reach code): a farm goes on a land
    cell draining to ``cell`` whose nearest reach is upstream of that reach (None if none).
    """
    k = _ITEM_COL[item]
    if rng.random() < 0.6:
        if entry is not None:
            check, section_reach = entry
            step = int(geo.step_cell(net, np.array([cell]))[0])
            at = check.net.index_of(net.reach_code[net.reach_of[step]])
            if not check.strictly_upstream(section_reach, np.array([at]))[0]:
                return None
        industry = str(rng.choice(_HOT_INDUSTRY[item]))
        conc = np.array(EFFLUENT[industry], float) * 3.0  # poorly treated
        water = need * 1e6 / conc[k]
        if water > 1.0e7 or need <= 0:
            return None
        ent = src.enterprises
        lon, lat = geo.near(net, np.array([cell]), 0.2, 0.8, rng)
        existing = set(ent["code"])
        code = next(c for c in credit_codes(rng, [ent["code"].iat[0][2:8]] * 5)
                    if c not in existing)
        name = names.company_names(rng, [industry], names.place_names(rng, 1, ("",)))[0]
        outfall = _add_outfall(net, src, cell, "industrial", code, name.split("有限")[0],
                               water / 365.0, rng,
                               str(rng.choice(["approved", "unapproved"], p=[0.5, 0.5])))
        row = {"code": code, "name": name, "industry": names.INDUSTRY_ZH[industry],
               "park_code": None, "permit_no": f"{code}001P", "category": "key",
               "status": str(rng.choice(["operating", "rectifying"], p=[0.7, 0.3])),
               "wastewater_t_a": round(water, -1), "cod_t_a": water * conc[0] / 1e6,
               "nh3n_t_a": water * conc[1] / 1e6, "tp_t_a": water * conc[2] / 1e6,
               "outfall_code": outfall, "district": None, "_lon": lon[0], "_lat": lat[0],
               "_industry": industry, "_entry": cell}
        frame = pd.DataFrame([row])
        src.enterprises = pd.concat([ent, frame], ignore_index=True)
        return {"kind": "enterprise", "code": code, "name": name, "outfall": outfall,
                "_loads": load_matrix(frame, "enterprise")[0]}
    coef = np.array(PER_HEAD["生猪"]) * 1.5
    heads = int(np.ceil(need / coef[k] * 1000.0))
    if heads > 30_000 or need <= 0:
        return None
    land = np.flatnonzero((net.entry == cell) & ~net.channel)
    land = land[rng.permutation(len(land))] if len(land) else np.array([cell])
    lon, lat = net.terrain.grid.centres(land)
    jit = (rng.random((len(land), 2)) - 0.5) * 0.5 * net.terrain.grid.d
    lon, lat = lon + jit[:, 0], lat + jit[:, 1]
    pick = 0
    if entry is not None:
        check, section_reach = entry
        ok = np.flatnonzero(check.strictly_upstream(section_reach,
                                                    check.farm_reaches(lon, lat)))
        if not len(ok):
            return None  # the tracer would put it on another stream
        pick = int(ok[0])
    farms = src.farms
    code = f"XQ{len(farms) + 1:0{max(4, len(str(len(farms) + 1)))}d}"
    name = names.place_names(rng, 1, ("",))[0] + "生猪规模养殖场"
    row = {"code": code, "name": name, "species": "生猪", "head_count": heads,
           "cod_t_a": heads * coef[0] / 1000, "nh3n_t_a": heads * coef[1] / 1000,
           "tp_t_a": heads * coef[2] / 1000, "district": None,
           "_lon": lon[pick], "_lat": lat[pick], "_entry": cell}
    frame = pd.DataFrame([row])
    src.farms = pd.concat([farms, frame], ignore_index=True)
    return {"kind": "farm", "code": code, "name": name, "outfall": None,
            "_loads": load_matrix(frame, "farm")[0]}
