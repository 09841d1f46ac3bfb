"""Where each pollution source enters the network, and how candidate sources are ranked.

* outfalls: their ``reach_code``, else the nearest reach within the snapping distance;
* enterprises and sewage plants: through their ``outfall_code`` (the outfall's reach and
  position), else — no outfall code, or one naming no located outfall — the nearest reach;
* livestock farms and petrol stations: the nearest reach.

Loads are in t/a.  The equivalent load (等标污染负荷, 10⁶ m³/a) is Σ load / standard with
the GB 3838-2002 Class III river limits (COD 20, NH3-N 1.0, TP 0.2 mg/L): the volume of
Class III water that would dilute the source's discharge to the limit.  An outfall carries
the summed loads of the enterprises and plants that discharge through it
(``n_dischargers``); totals count dischargers, not outfalls, so nothing is counted twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.geometry import point_xy
from pollution_map_plugin.core.network.reach_links import clean_text, numeric

LOAD_COLUMNS = ("cod_t_a", "nh3n_t_a", "tp_t_a", "wastewater_t_a")
#: GB 3838-2002 Class III limits (mg/L) used for the equivalent load.
EQUIVALENT_LOAD_STANDARDS = {"cod_t_a": 20.0, "nh3n_t_a": 1.0, "tp_t_a": 0.2}
#: What candidate sources can be ranked by.
LOAD_FIELDS = (*LOAD_COLUMNS, "equivalent_load")
SOURCE_LAYERS = ("outfalls", "enterprises", "sewage_plants", "livestock_farms",
                 "petrol_stations")
VIA_REACH_CODE = "reach_code"
VIA_NEAREST = "nearest reach"
VIA_UNIT = "control unit"
#: Layers placed on the nearest reach of their control unit when no reach is near.
VIA_UNIT_LAYERS = ("livestock_farms", "sewage_plants")
#: The per-source table kept by a Tracer (plus a ``geometry`` column).
SOURCE_COLUMNS = ["layer", "code", "name", "type", "via", "outfall_code", "reach_idx",
                  "fraction", "snap_m", *LOAD_COLUMNS, "equivalent_load", "discharge_m3_d",
                  "n_dischargers", "capacity_m3_d", "head_count", "load_basis"]
#: Default decay length of the combined score (km).
DEFAULT_DECAY_KM = 20.0


def _col(frame: pd.DataFrame, name: str, as_number: bool = False) -> np.ndarray:
    n = len(frame)
    if name not in frame.columns:
        return np.full(n, np.nan) if as_number else np.full(n, None, dtype=object)
    if as_number:
        return numeric(frame[name])
    return clean_text(frame[name].to_numpy())


def point_coordinates(frame: pd.DataFrame, crs) -> np.ndarray:
    """(n, 2) lon/lat of a point frame in ``crs``; NaN rows when it has no geometry."""
    col = getattr(frame, "_geometry_column_name", None)
    if col is None or col not in frame.columns or len(frame) == 0:
        return np.full((len(frame), 2), np.nan)
    if crs is not None and frame.crs is not None and frame.crs != crs:
        frame = frame.to_crs(crs)
    return point_xy(object_array(frame[col]))


def equivalent_load(frame: pd.DataFrame) -> np.ndarray:
    """Σ load / Class III limit over COD, NH3-N, TP (NaN if all three are missing)."""
    parts = np.column_stack([frame[c].to_numpy(float) / s
                             for c, s in EQUIVALENT_LOAD_STANDARDS.items()])
    out = np.nansum(parts, axis=1)
    out[np.isnan(parts).all(axis=1)] = np.nan
    return out


def _base(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"layer": layer, "code": _col(frame, "code"),
                        "name": _col(frame, "name")})
    kind = {"outfalls": "type", "enterprises": "industry", "sewage_plants": "standard",
            "livestock_farms": "species", "petrol_stations": None}[layer]
    out["type"] = _col(frame, kind) if kind else np.full(len(frame), None, dtype=object)
    for c in LOAD_COLUMNS:
        out[c] = _col(frame, c, as_number=True)
    out["discharge_m3_d"] = _col(frame, "discharge_m3_d", as_number=True)
    out["n_dischargers"] = 0
    out["capacity_m3_d"] = _col(frame, "capacity_m3_d", as_number=True)
    out["head_count"] = _col(frame, "head_count", as_number=True)
    out["load_basis"] = _col(frame, "load_basis")
    return out


def assign_sources(net, frames: dict[str, pd.DataFrame | None], snap_distance_m: float,
                   farm_snap_distance_m: float | None = None, fallback=None,
                   fallback_limit_m: float = 0.0) -> tuple[pd.DataFrame, list[str]]:
    """Every source with its reach index (-1: none within reach), fraction and via.

    Livestock farms reach the water over land: they snap within ``farm_snap_distance_m``
    (when larger than ``snap_distance_m``; default the same).  Farms and sewage plants
    still without a reach go to ``fallback(xy) -> (reach, m, fraction)`` where given
    (the nearest reach of their control unit: ``ControlUnits.nearest_reach``).

    Returns the table (``SOURCE_COLUMNS`` + geometry) and notes for the user.
    """
    notes: list[str] = []
    tables = []
    outfall_pos: dict[str, tuple[int, float, float]] = {}
    for layer in SOURCE_LAYERS:
        frame = frames.get(layer)
        if frame is None or len(frame) == 0:
            continue
        frame = frame.reset_index(drop=True)
        t = _base(layer, frame)
        xy = point_coordinates(frame, net.crs)
        n = len(t)
        reach = np.full(n, -1, dtype=np.int64)
        frac = np.full(n, np.nan)
        snap = np.full(n, np.nan)
        via = np.full(n, None, dtype=object)
        oc = np.full(n, None, dtype=object)
        if layer == "outfalls":
            rc = _col(frame, "reach_code")
            reach = net.indices_of(rc)
            bad = np.flatnonzero((reach < 0) & np.array([c is not None for c in rc]))
            if len(bad):
                notes.append(f"{len(bad)} outfalls name an unknown reach; the nearest reach "
                             "is used")
            have = reach >= 0
            snap[have], frac[have] = net.position_on(reach[have], xy[have])
            via[have] = VIA_REACH_CODE
        elif layer in ("enterprises", "sewage_plants"):
            oc = _col(frame, "outfall_code")
            hit = [outfall_pos.get(c) if c is not None else None for c in oc]
            unknown = sum(1 for c, h in zip(oc, hit) if c is not None and h is None)
            if unknown:
                notes.append(f"{unknown} {layer} name an outfall that is unknown or not on a "
                             "reach; the nearest reach is used")
            for i, h in enumerate(hit):
                if h is not None:
                    reach[i], frac[i], snap[i] = h
                    via[i] = oc[i]
        todo = reach < 0
        limit = snap_distance_m
        if layer == "livestock_farms" and farm_snap_distance_m is not None:
            limit = max(snap_distance_m, float(farm_snap_distance_m))
        if todo.any():
            r, d, f = net.locate(xy[todo], limit)
            reach[todo], snap[todo], frac[todo] = r, d, f
            via[np.flatnonzero(todo)[r >= 0]] = VIA_NEAREST
            far = int((d[r >= 0] > snap_distance_m).sum())
            if far:
                notes.append(f"{far} {layer} are placed on a reach {snap_distance_m:g}–"
                             f"{limit:g} m away (over land)")
            still = np.flatnonzero(todo)[r < 0]
            if len(still) and fallback is not None and layer in VIA_UNIT_LAYERS:
                r2, d2, f2 = fallback(xy[still])
                hit = r2 >= 0
                reach[still[hit]], snap[still[hit]], frac[still[hit]] = (r2[hit], d2[hit],
                                                                          f2[hit])
                via[still[hit]] = VIA_UNIT
                if hit.any():
                    notes.append(f"{int(hit.sum())} {layer} farther than {limit:g} m from "
                                 "any reach are placed on the nearest reach of their control "
                                 f"unit (up to {fallback_limit_m:g} m away)")
                still = still[~hit]
            if len(still):
                notes.append(f"{len(still)} {layer} have no reach within {limit:g} m and "
                             "are not traced")
        if layer == "outfalls":
            outfall_pos = {c: (int(r), float(f), float(s))
                           for c, r, f, s in zip(t["code"], reach, frac, snap)
                           if c is not None and r >= 0}
        t["via"] = via
        t["outfall_code"] = oc
        t["reach_idx"] = reach
        t["fraction"] = frac
        t["snap_m"] = snap
        col = getattr(frame, "_geometry_column_name", None)
        t["geometry"] = (object_array(frame[col]) if col is not None and col in frame.columns
                         else object_array([None] * n))
        tables.append(t)
    if not tables:
        return pd.DataFrame(columns=[*SOURCE_COLUMNS, "geometry"]), notes
    table = pd.concat(tables, ignore_index=True)
    table["equivalent_load"] = equivalent_load(table)
    dischargers = table[table["layer"].isin(["enterprises", "sewage_plants"])
                        & table["outfall_code"].notna()]
    if len(dischargers):
        sums = dischargers.groupby("outfall_code")[[*LOAD_COLUMNS, "equivalent_load"]].sum(
            min_count=1)
        counts = dischargers.groupby("outfall_code").size()
        is_out = (table["layer"] == "outfalls").to_numpy()
        codes = table.loc[is_out, "code"]
        for c in sums.columns:
            table.loc[is_out, c] = codes.map(sums[c]).to_numpy(float)
        table.loc[is_out, "n_dischargers"] = codes.map(counts).fillna(0).astype(int).to_numpy()
    return table[[*SOURCE_COLUMNS, "geometry"]], notes


def rank_arrays(distance: np.ndarray, load: np.ndarray, tiebreak: np.ndarray,
                decay_km: float = DEFAULT_DECAY_KM) -> dict[str, np.ndarray]:
    """rank_distance, rank_load, score and rank of candidate sources.

    * ``rank_distance``: 1 = nearest along the network (ties: larger load first);
    * ``rank_load``: 1 = largest load (missing loads last; ties: nearer first);
    * ``score = load / max(load) · exp(−distance_km / decay_km)`` in [0, 1] — the share of
      the largest load that would still arrive with first-order decay over ``decay_km``;
      missing loads score 0.  ``rank`` orders by score (ties: nearer first).
    Distances within a millimetre count as equal; remaining ties follow ``tiebreak``
    (the order of layer, then code: see ``tiebreak_order``).
    """
    if not decay_km > 0:
        raise ValueError(f"decay_km must be > 0, not {decay_km!r}")
    dist = np.round(np.asarray(distance, dtype=float), 6)
    load = np.asarray(load, dtype=float)
    neg_load = np.where(np.isnan(load), np.inf, -load)
    score = scores(dist, load, decay_km)
    return {
        "rank_distance": _ranks(np.lexsort((tiebreak, neg_load, dist))),
        "rank_load": _ranks(np.lexsort((tiebreak, dist, neg_load))),
        "score": score,
        "rank": _ranks(np.lexsort((tiebreak, dist, -score))),
    }


def scores(distance: np.ndarray, load: np.ndarray, decay_km: float) -> np.ndarray:
    """``load / max(load) · exp(−distance / decay_km)``, 0 where the load is missing."""
    load = np.asarray(load, dtype=float)
    finite = np.isfinite(load)
    top = np.nanmax(load) if finite.any() else np.nan
    share = np.where(finite & (top > 0), load / (top if top > 0 else 1.0), 0.0)
    return np.clip(share, 0.0, None) * np.exp(-np.clip(distance, 0.0, None) / decay_km)


def tiebreak_order(layer: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Integer rank of each source by (layer, code) as text."""
    order = np.lexsort((np.asarray(code).astype(str), np.asarray(layer).astype(str)))
    return _ranks(order)


def _ranks(order: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks
