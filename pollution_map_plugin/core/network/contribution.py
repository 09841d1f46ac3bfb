"""Shares of one item's load at a section: each source, each source type, each stretch.

A source's contribution at the section is its load (``load_estimates``) carried down the
network with first-order decay, ``load · exp(−k · d / u)`` (k per day of the item, u the
velocity, d the network distance from where it enters to the section).  Its share is the
contribution over the modelled total, or over the observed load (concentration × flow)
where that is known and larger: the rest is "not covered by any listed source".  The
short list is the fewest sources whose contributions make up ``short_list_share`` (80 %)
of the modelled total.  Everything is arrays; frames are made for what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.load_estimates import BASIS, SOURCE_GROUPS

#: Columns of ``ItemShares.sources_frame``.
SHARE_COLUMNS = ["rank", "layer", "code", "name", "group", "type", "reach_code",
                 "stretch_section", "control_unit", "distance_km", "load_t_a", "basis",
                 "decay_factor", "contribution_t_a", "share", "cumulative_share",
                 "in_short_list", "no_flow_direction", "beyond_lake"]
HEAD = 256  # contributions put in order at once (the list, the short list); more on demand
T_A_PER_MG_L_M3_S = 31.5576  # 1 mg/L × 1 m³/s = 1 g/s = 31.5576 t per year (365.25 d)


def top_order(values: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` largest ``values``, largest first (ties: lower position)."""
    m = len(values)
    n = min(max(int(n), 0), m)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if n < m:
        cand = np.argpartition(-values, n - 1)[:n]
        kth = values[cand].min()
        cand = np.flatnonzero(values >= kth)  # every tie of the n-th value
    else:
        cand = np.arange(m)
    return cand[np.lexsort((cand, -values[cand]))][:n]


def short_list_size(values: np.ndarray, share: float) -> int:
    """The fewest of ``values`` (largest first) whose sum reaches ``share`` of the total."""
    m = len(values)
    total = float(values.sum())
    if not total > 0:
        return 0
    target = share * total * (1 - 1e-12)
    k = min(256, m)
    while True:
        part = np.partition(values, m - k)[m - k:] if k < m else values
        if k == m or part.sum() >= target:
            csum = np.cumsum(np.sort(part)[::-1])
            return int(min(np.searchsorted(csum, target) + 1, k))
        k = min(16 * k, m)


@dataclass
class ShareContext:
    """What the shares need of a tracer, per source and reach (made once per tracer).

    ``stretch``: per source, the first section at or below where it enters (-1: none);
    ``unit``: per source, the control unit containing it (else its reach's; -1: none);
    ``no_direction`` / ``lake``: per reach, no known flow direction / part of a lake.
    """

    stretch: np.ndarray
    unit: np.ndarray
    no_direction: np.ndarray
    lake: np.ndarray
    section_codes: np.ndarray
    section_names: np.ndarray
    unit_codes: np.ndarray
    unit_names: np.ndarray


@dataclass
class ItemShares:
    """One item's shares at a section, as arrays (positions into the trace's sources)."""

    item: str
    found: Any  # TraceArrays
    context: ShareContext
    model: Any  # the LoadModel the loads come from
    pos: np.ndarray  # positions into found.rows of the sources with a load of the item
    load: np.ndarray
    basis: np.ndarray
    factor: np.ndarray
    contribution: np.ndarray
    decay_per_km: float
    k_per_day: float
    short_list_share: float
    observed_t_a: float | None = None
    flow_m3_s: float | None = None
    concentration: float | None = None
    n_candidates: int = 0

    def flags(self, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(no flow direction, through a lake) of the sources at ``sel`` (into ``pos``):
        whether their way down to the section passes such a reach."""
        if "_all_flags" in self.__dict__:
            return self.no_direction[sel], self.beyond_lake[sel]
        return self._flags(self.found.reach[self.pos[sel]])

    def _flags(self, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ctx, net, start = self.context, self.found.tracer.network, self.found.start
        none = np.zeros(len(reach), dtype=bool)
        no_dir = (net.through(start, reach, ctx.no_direction, include_start=True)
                  if ctx.no_direction.any() else none)
        lake = (net.through(start, reach, ctx.lake, include_start=False)
                if ctx.lake.any() else none.copy())
        return no_dir, lake

    @cached_property
    def _all_flags(self) -> tuple[np.ndarray, np.ndarray]:
        return self._flags(self.found.reach[self.pos])

    @property
    def no_direction(self) -> np.ndarray:
        """Per source (``pos``): its way down passes a reach without flow direction."""
        return self._all_flags[0]

    @property
    def beyond_lake(self) -> np.ndarray:
        """Per source (``pos``): its way down passes a lake or reservoir reach."""
        return self._all_flags[1]

    @property
    def modelled_t_a(self) -> float:
        return float(self.contribution.sum())

    @property
    def denominator(self) -> float:
        obs = self.observed_t_a or 0.0
        return max(self.modelled_t_a, obs)

    @property
    def not_covered_t_a(self) -> float:
        """The observed load no listed source accounts for (0 without an observation)."""
        if self.observed_t_a is None:
            return 0.0
        return max(self.observed_t_a - self.modelled_t_a, 0.0)

    @property
    def not_covered_share(self) -> float:
        d = self.denominator
        return self.not_covered_t_a / d if d > 0 else 0.0

    @cached_property
    def shares(self) -> np.ndarray:
        d = self.denominator
        return self.contribution / d if d > 0 else np.zeros(len(self.contribution))

    @cached_property
    def _head(self) -> np.ndarray:
        """The ``HEAD`` largest contributions' indices, largest first (one partition)."""
        return top_order(self.contribution, HEAD)

    @cached_property
    def short_list_n(self) -> int:
        """The fewest sources making up ``short_list_share`` of the modelled load."""
        total = self.modelled_t_a
        if not total > 0:
            return 0
        csum = np.cumsum(self.contribution[self._head])
        target = self.short_list_share * total * (1 - 1e-12)
        if csum[-1] >= target:
            return int(min(np.searchsorted(csum, target) + 1, len(csum)))
        return short_list_size(self.contribution, self.short_list_share)

    def top(self, n: int) -> np.ndarray:
        """Indices (into ``pos``) of the ``n`` largest contributions, largest first."""
        head = self._head
        if n <= len(head):
            return head[:max(int(n), 0)]
        return top_order(self.contribution, n)

    @cached_property
    def short_list(self) -> np.ndarray:
        return self.top(self.short_list_n)

    # ------------------------------------------------------------- groupings
    def _grouped(self, keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
        if len(keys) and keys.min() >= 0:
            return (np.bincount(keys, weights=self.contribution, minlength=n_keys),
                    np.bincount(keys, minlength=n_keys))
        ok = keys >= 0
        contrib = np.bincount(keys[ok], weights=self.contribution[ok], minlength=n_keys)
        count = np.bincount(keys[ok], minlength=n_keys)
        return contrib, count

    def group_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """(contribution t/a, number of sources) per ``SOURCE_GROUPS`` entry (arrays)."""
        return self._grouped(self.model.group[self.rows].astype(np.int64), len(SOURCE_GROUPS))

    def by_group(self) -> pd.DataFrame:
        """Per source type (industry, sewage, livestock, other): contribution, share."""
        contrib, count = self.group_totals()
        d = self.denominator
        return pd.DataFrame({"group": list(SOURCE_GROUPS), "contribution_t_a": contrib,
                             "share": contrib / d if d > 0 else 0.0,
                             "n_sources": count.astype(np.int64)})

    def _stretch_keys(self, rows: np.ndarray) -> np.ndarray:
        keys = self.context.stretch[rows]
        own = self.found.tracer.section_index(self.found.section_code)
        return np.where(keys < 0, own, keys) if own >= 0 else keys

    def stretch_totals(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(section rows, contribution t/a, number of sources) per stretch met, largest
        first: the sources entering between each upstream section and the next one up
        (the traced section's own stretch included)."""
        contrib, count = self._grouped(self._stretch_keys(self.rows),
                                       len(self.context.section_codes))
        hit = np.flatnonzero(count > 0)
        hit = hit[np.argsort(-contrib[hit], kind="stable")]
        return hit, contrib[hit], count[hit]

    def by_stretch(self) -> pd.DataFrame:
        """``stretch_totals`` as a frame with the sections' codes and names, and shares."""
        ctx = self.context
        hit, contrib, count = self.stretch_totals()
        d = self.denominator
        return pd.DataFrame({"section_code": ctx.section_codes[hit],
                             "section_name": ctx.section_names[hit],
                             "contribution_t_a": contrib,
                             "share": contrib / d if d > 0 else 0.0,
                             "n_sources": count.astype(np.int64)})

    def by_unit(self) -> pd.DataFrame:
        """Per control unit (流域控制单元) the sources lie in."""
        ctx = self.context
        contrib, count = self._grouped(ctx.unit[self.rows], len(ctx.unit_codes))
        hit = np.flatnonzero(count > 0)
        hit = hit[np.argsort(-contrib[hit], kind="stable")]
        d = self.denominator
        return pd.DataFrame({"unit_code": ctx.unit_codes[hit],
                             "unit_name": ctx.unit_names[hit],
                             "contribution_t_a": contrib[hit],
                             "share": contrib[hit] / d if d > 0 else 0.0,
                             "n_sources": count[hit].astype(np.int64)})

    # ------------------------------------------------------------- frames
    @cached_property
    def rows(self) -> np.ndarray:
        """Rows of the tracer's source arrays, in the order of ``pos``."""
        return self.found.rows[self.pos]

    def sources_frame(self, n: int | None = None) -> pd.DataFrame:
        """``SHARE_COLUMNS`` of the ``n`` largest contributors (all if None)."""
        k = len(self.pos) if n is None else n
        sel = self.top(k)
        found, ctx = self.found, self.context
        col, net = found.tracer.columns, found.tracer.network
        rows = found.rows[self.pos[sel]]
        reach = found.reach[self.pos[sel]]
        share = self.shares[sel]
        no_dir, lake = self.flags(sel)
        stretch = self._stretch_keys(rows)
        unit = ctx.unit[rows]
        model = self.model
        return pd.DataFrame({
            "rank": np.arange(1, len(sel) + 1, dtype=np.int64),
            "layer": col["layer"][rows], "code": col["code"][rows], "name": col["name"][rows],
            "group": np.asarray(SOURCE_GROUPS, dtype=object)[model.group[rows]],
            "type": col["type"][rows], "reach_code": net.codes[reach],
            "stretch_section": np.where(stretch >= 0, ctx.section_codes[np.maximum(stretch, 0)],
                                        None),
            "control_unit": np.where(unit >= 0, ctx.unit_codes[np.maximum(unit, 0)], None)
            if len(ctx.unit_codes) else np.full(len(sel), None, dtype=object),
            "distance_km": found.km[self.pos[sel]], "load_t_a": self.load[sel],
            "basis": np.asarray(BASIS, dtype=object)[self.basis[sel]],
            "decay_factor": self.factor[sel], "contribution_t_a": self.contribution[sel],
            "share": share, "cumulative_share": np.cumsum(share),
            "in_short_list": np.arange(len(sel)) < self.short_list_n,
            "no_flow_direction": no_dir, "beyond_lake": lake,
        }, columns=SHARE_COLUMNS)

    def source_geometries(self, n: int | None = None) -> np.ndarray:
        k = len(self.pos) if n is None else n
        rows = self.found.rows[self.pos[self.top(k)]]
        return self.found.tracer.columns["geometry"][rows]

    def summary(self, top: int = 10) -> dict:
        """Key figures and the ``top`` contributors, JSON-ready."""
        from pollution_map_plugin.core.network.trace_columns import jsonable

        frame = self.sources_frame(top)
        return jsonable({
            "item": self.item, "n_candidates": self.n_candidates,
            "n_with_load": len(self.pos), "modelled_t_a": self.modelled_t_a,
            "observed_t_a": self.observed_t_a, "flow_m3_s": self.flow_m3_s,
            "concentration_mg_l": self.concentration,
            "not_covered_t_a": self.not_covered_t_a,
            "not_covered_share": self.not_covered_share,
            "short_list_n": self.short_list_n, "short_list_share": self.short_list_share,
            "k_per_day": self.k_per_day, "decay_per_km": self.decay_per_km,
            "by_group": self.by_group().to_dict("records"),
            "by_stretch": self.by_stretch().head(top).to_dict("records"),
            "by_unit": self.by_unit().head(top).to_dict("records"),
            "sources": frame.to_dict("records"),
        })


def item_shares(found: Any, item: str, settings: Any, *, concentration: float | None = None,
                flow_m3_s: float | None = None) -> ItemShares:
    """The shares of ``item`` among the sources a trace found (``found``: TraceArrays)."""
    tracer = found.tracer
    model = tracer.load_model(settings)
    ctx = tracer.share_context()
    loads = model.loads(item)
    load_all = loads.load[found.rows]
    pos = np.flatnonzero(np.isfinite(load_all) & (load_all > 0))
    load = load_all[pos]
    rate = settings.decay_per_km(item)
    km = found.km[pos]
    factor = np.exp(-rate * km) if rate > 0 else np.ones(len(pos))
    contribution = load * factor
    observed = None
    if concentration is not None and flow_m3_s is not None and flow_m3_s > 0:
        observed = float(concentration) * float(flow_m3_s) * T_A_PER_MG_L_M3_S
    return ItemShares(item, found, ctx, model, pos, load, loads.basis[found.rows][pos], factor,
                      contribution, rate, settings.k_per_day(item),
                      settings.short_list_share, observed, flow_m3_s, concentration,
                      len(found.rows))


_NO_DIRECTION_ISSUES = ("inferred_links", "cycle")
_NO_DIRECTION_WORDS = {"unknown", "none", "no", "0", "false", "未知", "无", "不明"}


def _true(values) -> np.ndarray:
    words = {"1", "true", "yes", "y", "是", "t"}
    return np.array([str(v).strip().lower() in words if v is not None and v == v else False
                     for v in values], dtype=bool)


def build_share_context(tracer: Any) -> ShareContext:
    """The per-source stretch and unit and the per-reach flags of ``tracer``."""
    from pollution_map_plugin.core import gb3838
    from pollution_map_plugin.core.network.geometry import point_xy

    net, col = tracer.network, tracer.columns
    n = len(net)
    codes = np.asarray(tracer.section_codes_array, dtype=object)
    names = (tracer.sections["name"].to_numpy(dtype=object) if "name" in tracer.sections
             else np.full(len(codes), None, dtype=object))
    sec_reach = np.full(len(codes), -1, dtype=np.int64)
    sec_frac = np.full(len(codes), 1.0)
    for i, code in enumerate(codes.tolist()):
        if code is None:
            continue
        try:
            start, fraction = tracer.section_start(code)[:2]
        except ValueError:
            continue
        sec_reach[i], sec_frac[i] = start, 1.0 if fraction is None else fraction
    # the first section on each reach (smallest fraction), and below each reach
    placed = np.flatnonzero(sec_reach >= 0)
    key = sec_reach[placed] + np.clip(sec_frac[placed], 0.0, 1.0) * 0.999
    by_key = placed[np.argsort(key, kind="stable")]
    skey = np.sort(key)
    first_on = np.full(n + 1, -1, dtype=np.int64)
    for s in by_key[::-1].tolist():
        first_on[sec_reach[s]] = s
    down = np.append(net.first_downstream(), -1)
    jump = np.where(down >= 0, down, n)
    jump[n] = n
    found = first_on.copy()
    for _ in range(64):
        if not ((found < 0) & (jump != n)).any():
            break
        found = np.where(found >= 0, found, found[jump])
        jump = jump[jump]
    below = np.where(down[:n] >= 0, found[np.maximum(down[:n], 0)], -1)
    # per source: a section on its own reach at or below it, else the first below
    reach = col["reach_idx"]
    frac = np.where(np.isnan(col["fraction"]), 1.0, col["fraction"])
    stretch = np.full(len(reach), -1, dtype=np.int64)
    ok = reach >= 0
    if len(skey):
        want = reach[ok] + np.clip(frac[ok], 0.0, 1.0) * 0.999 - 1e-9
        j = np.searchsorted(skey, want)
        j_ok = j < len(skey)
        same = np.zeros(len(want), dtype=bool)
        same[j_ok] = sec_reach[by_key[j[j_ok]]] == reach[ok][j_ok]
        on_reach = np.where(same, by_key[np.minimum(j, len(skey) - 1)], -1)
        stretch[ok] = np.where(on_reach >= 0, on_reach, below[reach[ok]])
    # per source: the control unit containing it, else one its reach lies in
    units = tracer.units
    unit = np.full(len(reach), -1, dtype=np.int64)
    if units.n:
        from pollution_map_plugin.core.network.units import contains_xy

        xy = point_xy(col["geometry"])
        fin = np.isfinite(xy).all(axis=1)
        for u, g in enumerate(units.geoms):
            if g is None or g.is_empty:
                continue
            x0, y0, x1, y1 = g.bounds
            cand = np.flatnonzero(fin & (unit < 0) & (xy[:, 0] >= x0) & (xy[:, 0] <= x1)
                                  & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
            if len(cand):
                unit[cand[contains_xy(g, xy[cand, 0], xy[cand, 1])]] = u
        members = units.members().tocsr()
        first_unit = np.full(n, -1, dtype=np.int64)
        has = np.diff(members.indptr) > 0
        first_unit[has] = members.indices[members.indptr[:-1][has]]
        miss = (unit < 0) & ok
        unit[miss] = first_unit[reach[miss]]
    # per reach: no known flow direction; in a lake
    no_dir = np.zeros(n, dtype=bool)
    for issue in net.issues:
        if issue.kind in _NO_DIRECTION_ISSUES:
            hit = net.indices_of(issue.reach_codes)
            no_dir[hit[hit >= 0]] = True
    frame = net.frame
    if "flow_direction" in frame.columns:
        fd = frame["flow_direction"].to_numpy(dtype=object)
        no_dir |= np.array([v is not None and v == v and str(v).strip().lower()
                            in _NO_DIRECTION_WORDS for v in fd], dtype=bool)
    lake = np.zeros(n, dtype=bool)
    if "water_body_type" in frame.columns:
        lake |= np.array([gb3838.is_lake(v) for v in frame["water_body_type"]], dtype=bool)
    if "is_lake" in frame.columns:
        lake |= _true(frame["is_lake"].to_numpy(dtype=object))
    if "water_body_type" in tracer.sections.columns:
        lake_sec = np.array([gb3838.is_lake(v) for v in tracer.sections["water_body_type"]],
                            dtype=bool) & (sec_reach >= 0)
        lake[sec_reach[lake_sec]] = True
    ucodes = units.codes if units.n else np.empty(0, dtype=object)
    unames = (units.frame["name"].to_numpy(dtype=object) if units.n and "name" in units.frame
              else np.full(len(ucodes), None, dtype=object))
    return ShareContext(stretch, unit, no_dir, lake, codes, names, np.asarray(ucodes, object),
                        unames)
