"""The vectorised engine: item means per section and period, their classes, the
section class (single factor over the 21 routine items) and the main pollutants.

Everything works on integer codes with ``numpy.bincount`` and pandas groupby; no
Python loop runs per row, per section or per period.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import gb3838
from .assessment_basics import round_half_up
from .measurement_values import effective_values, factorize, monthly_group_means

SECTION_ATTRS = (
    "name", "level", "river_code", "reach_code", "control_unit_code", "district",
    "water_system", "water_body_type", "target_class",
)
_NAME_ZH = {c: it.name_zh for c, it in gb3838.ITEMS.items()}


class UnknownWaterBodyType(UserWarning):
    """A section's water-body type is neither a river nor a lake type: assessed as river."""


_SHORT_EN = {c: it.short_en for c, it in gb3838.ITEMS.items()}


def section_attributes(
    sections: pd.DataFrame | None,
    rivers: pd.DataFrame | None = None,
    control_units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per section: ``section_code`` and :data:`SECTION_ATTRS` (as present).

    ``water_system`` comes from the section, else its river, else its control unit.
    ``water_body_type`` defaults to ``river``; ``target_class`` is ``Int64`` (1..5 or NA).
    """
    if sections is None or len(sections) == 0:
        df = pd.DataFrame({"section_code": pd.Series([], dtype=object)})
    else:
        cols = [c for c in SECTION_ATTRS if c in sections.columns]
        df = pd.DataFrame(sections[["code", *cols]]).rename(columns={"code": "section_code"})
        df = df.drop_duplicates("section_code", keep="last").reset_index(drop=True)
    for col in SECTION_ATTRS:
        if col not in df:
            df[col] = pd.Series([None] * len(df), dtype=object)
    for frame, key in ((rivers, "river_code"), (control_units, "control_unit_code")):
        if frame is not None and len(frame) and "water_system" in frame:
            lookup = pd.Series(frame["water_system"].to_numpy(), index=frame["code"].to_numpy())
            lookup = lookup[~lookup.index.duplicated(keep="last")]
            df["water_system"] = df["water_system"].where(
                df["water_system"].notna(), df[key].map(lookup))
    unknown = gb3838.unknown_water_body_types(df["water_body_type"])
    if unknown:
        n = int(df["water_body_type"].astype(str).str.strip().isin(unknown).sum())
        warnings.warn(f"{n} section(s) with a water-body type not known ({', '.join(unknown)}) "
                      "are assessed as rivers; known: river, lake, reservoir, 河流, 湖泊, "
                      "水库, 湖库", UnknownWaterBodyType, stacklevel=2)
    df["water_body_type"] = df["water_body_type"].where(df["water_body_type"].notna(), "river")
    target = pd.to_numeric(df["target_class"], errors="coerce")
    target = target.where((target >= 1) & (target <= 5)).round()
    df["target_class"] = target.astype("Int64")
    return df


def _by_section(sec_uniq: np.ndarray, attrs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct section code: is it a lake, and its target class (NaN if none)."""
    idx = pd.Index(attrs["section_code"].to_numpy(dtype=object))
    pos = idx.get_indexer(pd.Index(sec_uniq, dtype=object)) if len(idx) else np.full(
        len(sec_uniq), -1)
    found = pos >= 0
    wbt = np.full(len(sec_uniq), "river", dtype=object)
    wbt[found] = attrs["water_body_type"].to_numpy(dtype=object)[pos[found]]
    lake = np.array([gb3838.is_lake(w) for w in wbt], dtype=bool)
    target = np.full(len(sec_uniq), np.nan)
    target[found] = attrs["target_class"].astype("float64").to_numpy()[pos[found]]
    return lake, target


def _clean_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize item codes, stripping blanks once per distinct value (not per row)."""
    codes, uniq = factorize(values)
    clean = [str(u).strip() for u in uniq]
    new_codes, new_uniq = pd.factorize(pd.Index(clean, dtype=object))
    remap = np.append(np.asarray(new_codes, dtype=np.int64), -1)  # −1 stays −1
    return remap[codes], np.asarray(new_uniq, dtype=object)


@dataclass
class Items:
    """Item means per (section, period, item), as arrays sorted by ``gid`` then item.

    ``gid = sk × n_periods + pk`` names a (section, period); ``sk``/``qk`` index
    ``sections``/``parameters``.  ``target``/``target_limit``/``fails`` come from the
    section's target class (NaN/False without one).
    """

    sections: np.ndarray
    parameters: np.ndarray
    n_periods: int
    sk: np.ndarray
    pk: np.ndarray
    qk: np.ndarray
    value: np.ndarray
    n_values: np.ndarray
    lake: np.ndarray
    item_class: np.ndarray
    exceedance: np.ndarray
    routine: np.ndarray
    target: np.ndarray
    target_limit: np.ndarray
    fails: np.ndarray
    samples: pd.Series  # n_samples by gid
    ph_min: np.ndarray | None = None  # pH rows: the period's range and samples outside 6–9
    ph_max: np.ndarray | None = None
    ph_outside: np.ndarray | None = None

    @property
    def gid(self) -> np.ndarray:
        return self.sk * self.n_periods + self.pk

    def __len__(self) -> int:
        return len(self.sk)

    def frame(self) -> pd.DataFrame:
        """The arrays as a DataFrame (``section_code`` and ``parameter`` as text)."""
        return pd.DataFrame({
            "gid": self.gid, "section_code": self.sections[self.sk], "period_idx": self.pk,
            "parameter": self.parameters[self.qk], "value": self.value,
            "n_values": self.n_values, "lake": self.lake, "item_class": self.item_class,
            "exceedance": self.exceedance, "routine": self.routine,
            "target_class": self.target, "target_limit": self.target_limit,
            "fails_target": self.fails,
            "ph_min": self.ph_min if self.ph_min is not None else np.nan,
            "ph_max": self.ph_max if self.ph_max is not None else np.nan,
            "ph_outside": self.ph_outside if self.ph_outside is not None else 0,
        })


def build_items(
    measurements: pd.DataFrame,
    attrs: pd.DataFrame,
    period_codes: np.ndarray,
    n_periods: int,
    non_detect: str = "half",
) -> Items:
    """Item means per (section, period), their classes and the samples per (section, period).

    ``period_codes`` assigns each measurement row to a period (−1: outside all).
    """
    values = effective_values(measurements, non_detect)
    sec, sec_uniq = factorize(measurements["section_code"])
    par, par_uniq = _clean_codes(measurements["parameter"])
    n_per = max(int(n_periods), 1)
    (sk, pk, qk), means, counts = monthly_group_means(
        [sec, period_codes, par], [len(sec_uniq), n_per, len(par_uniq)], values,
        measurements["sampled_on"].to_numpy(dtype="datetime64[D]"))
    ph = _ph_ranges(values, [sec, period_codes, par], [len(sec_uniq), n_per, len(par_uniq)],
                    par_uniq, (sk, pk, qk))
    # distinct sampling days per (section, period), among rows that were evaluated
    ok = ~np.isnan(values) & (sec >= 0) & (period_codes >= 0)
    days = measurements["sampled_on"].to_numpy(dtype="datetime64[D]").astype(np.int64)[ok]
    d0 = int(days.min()) if days.size else 0
    span = int(days.max()) - d0 + 1 if days.size else 1
    pairs = pd.unique((sec[ok] * n_per + period_codes[ok]) * span + (days - d0))
    gids, n_samples = np.unique(pairs // span, return_counts=True)
    return GroupStats(np.asarray(sec_uniq, dtype=object), par_uniq, n_per, (), sk, pk, qk,
                      means, counts, ph, gids, n_samples).items(attrs)


@dataclass
class GroupStats:
    """What :func:`build_items` takes from the rows: per (section, period, item) the
    mean and count of the evaluated values (and pH's min, max, worst sample, samples
    outside 6–9), per (section, period) the sampling days.  The database computes it
    where it aggregates (PostGIS: ``core.db.postgis_aggregates``); :func:`assess` and
    :func:`class_history` take it in place of the measurement rows."""

    sections: np.ndarray
    parameters: np.ndarray
    n_periods: int
    periods: tuple  # the Periods the period index pk counts (given by the database)
    sk: np.ndarray
    pk: np.ndarray
    qk: np.ndarray
    means: np.ndarray
    counts: np.ndarray
    ph: tuple | None  # (min, max, worst, outside) aligned with the groups, or None
    sample_gids: np.ndarray
    n_samples: np.ndarray

    def items(self, attrs: pd.DataFrame) -> Items:
        """The :class:`Items` of these statistics for sections ``attrs``."""
        sec_uniq, par_uniq, n_per = self.sections, self.parameters, self.n_periods
        sk, pk, qk, means, ph = self.sk, self.pk, self.qk, self.means, self.ph
        lake_s, target_s = _by_section(sec_uniq, attrs)
        lake, target = lake_s[sk], target_s[sk]
        if ph is not None:  # pH is never averaged: its period value is its worst sample
            means = np.where(np.isnan(ph[2]), means, ph[2])
        item_class = gb3838.classify_coded(qk, par_uniq, means, lake)
        routine = np.isin(qk, [i for i, p in enumerate(par_uniq) if p in gb3838.ROUTINE_ITEMS])
        return Items(
            sections=np.asarray(sec_uniq, dtype=object), parameters=par_uniq, n_periods=n_per,
            sk=sk, pk=pk, qk=qk, value=means, n_values=self.counts, lake=lake,
            item_class=item_class,
            exceedance=gb3838.exceedance_coded(qk, par_uniq, means, lake),
            routine=routine, target=target,
            target_limit=gb3838.class_limits_coded(qk, par_uniq, target, lake),
            fails=routine & (item_class > np.nan_to_num(target, nan=99)),
            samples=pd.Series(self.n_samples, index=self.sample_gids),
            ph_min=ph[0] if ph is not None else None, ph_max=ph[1] if ph is not None else None,
            ph_outside=ph[3] if ph is not None else None,
        )


def _ph_ranges(values: np.ndarray, keys: list[np.ndarray], sizes: list[int],
               par_uniq: np.ndarray, groups: tuple[np.ndarray, ...]):
    """pH per (section, period): min, max, the worst sample and the samples outside
    6–9, aligned with the item groups (NaN/0 for other items); None without pH.

    The worst sample is the one farthest outside 6–9, or, with every sample inside,
    the one farthest from the middle of the range (7.5): two-sided, never a mean."""
    codes = [i for i, p in enumerate(par_uniq) if p == "pH"]
    if not codes:
        return None
    lo, hi = gb3838.ITEMS["pH"].limits  # type: ignore[misc]
    sec, per, par = keys
    sel = (par == codes[0]) & (sec >= 0) & (per >= 0) & ~np.isnan(values)
    v = values[sel]
    key = (sec[sel] * max(sizes[1], 1) + per[sel]) * max(sizes[2], 1) + par[sel]
    out_of = np.maximum(lo - v, v - hi)  # > 0 outside the range
    badness = np.where(out_of > 0, 10.0 + out_of, np.abs(v - (lo + hi) / 2) / 10.0)
    frame = pd.DataFrame({"k": key, "v": v, "bad": badness, "out": out_of > 0})
    g = frame.sort_values(["k", "bad"], kind="stable").groupby("k")
    agg = pd.DataFrame({"min": g["v"].min(), "max": g["v"].max(), "worst": g["v"].last(),
                        "out": g["out"].sum()})
    sk, pk, qk = groups
    gkey = (sk * max(sizes[1], 1) + pk) * max(sizes[2], 1) + qk
    pos = agg.index.get_indexer(gkey)
    found = pos >= 0
    cols = []
    for name, fill in (("min", np.nan), ("max", np.nan), ("worst", np.nan), ("out", 0)):
        col = np.full(len(gkey), fill, dtype=float)
        col[found] = agg[name].to_numpy(dtype=float)[pos[found]]
        cols.append(col)
    return cols[0], cols[1], cols[2], cols[3].astype(np.int64)


def _multiples_text(exc: np.ndarray) -> np.ndarray:
    """Exceedance multiples as reports write them: one decimal rounded half up
    (0.15 → 0.2), two when that shows 0.0.  Each distinct value is formatted once."""
    out = np.full(exc.shape[0], "", dtype=object)
    ok = ~np.isnan(exc)
    tenths = round_half_up(exc[ok], 1)
    small = np.abs(tenths) < 0.05
    keys = np.where(small, round_half_up(exc[ok], 2) + 1e9, tenths)  # keep the sets apart
    uniq, inv = np.unique(keys, return_inverse=True)
    labels = np.array([f"{u - 1e9:.2f}" if u > 1e8 else f"{u:.1f}" for u in uniq],
                      dtype=object)
    out[ok] = labels[inv.reshape(-1)]
    return out


def pollutants(gid: np.ndarray, qk: np.ndarray, parameters: np.ndarray,
               item_class: np.ndarray, exceedance: np.ndarray, top: int = 3,
               codes: bool = True) -> pd.DataFrame:
    """主要污染指标 per ``gid`` from candidate rows (routine items worse than III);
    ``qk`` indexes the item codes ``parameters``.

    Cyanide and heavy metals first, then worse class, then larger exceedance multiple
    (DO and pH, which have none, last within their class); at most ``top``.  Columns
    ``main_pollutants`` (``氨氮(1.3)、总磷(0.5)``), ``main_pollutants_en``,
    ``main_pollutant_codes`` (list; left out unless ``codes``).
    """
    cols = ["main_pollutants", "main_pollutants_en", "main_pollutant_codes"]
    if len(gid) == 0:
        return pd.DataFrame(columns=cols if codes else cols[:2],
                            index=pd.Index([], name="gid", dtype=np.int64))
    prio = np.array([p in gb3838.PRIORITY_ITEMS for p in parameters], dtype=bool)[qk]
    exc_key = np.where(np.isnan(exceedance), -np.inf, exceedance)
    order = np.lexsort((-exc_key, -item_class.astype(np.int64), ~prio, gid))
    g, q, e = gid[order], qk[order], exceedance[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    first = np.flatnonzero(starts)
    rank = np.arange(len(g)) - first[np.cumsum(starts) - 1]
    keep = rank < top
    g, q, e, rank = g[keep], q[keep], e[keep], rank[keep]
    starts = np.r_[True, g[1:] != g[:-1]]
    groups, pos = g[starts], np.cumsum(starts) - 1  # g is sorted
    mult = _multiples_text(e)
    has = mult != ""
    p = np.asarray(parameters, dtype=object)[q]
    zh = np.array([_NAME_ZH.get(c, str(c)) for c in parameters], dtype=object)[q]
    en = np.array([_SHORT_EN.get(c, str(c)) for c in parameters], dtype=object)[q]
    zh = np.where(has, zh + "(" + mult + ")", zh)
    en = np.where(has, en + " (" + mult + ")", en)
    grids = {}
    for name, txt in (("zh", zh), ("en", en), ("code", p)):
        grid = np.full((len(groups), top), None, dtype=object)
        grid[pos, rank] = txt
        grids[name] = grid
    out_zh, out_en = grids["zh"][:, 0].copy(), grids["en"][:, 0].copy()
    for k in range(1, top):
        more = np.not_equal(grids["zh"][:, k], None)
        out_zh[more] = out_zh[more] + "、" + grids["zh"][more, k]
        out_en[more] = out_en[more] + ", " + grids["en"][more, k]
    out = pd.DataFrame({"main_pollutants": out_zh, "main_pollutants_en": out_en},
                       index=pd.Index(groups, name="gid"))
    if codes:
        out["main_pollutant_codes"] = [[c for c in row if c is not None]
                                       for row in grids["code"].tolist()]
    return out


def main_pollutants(items: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """:func:`pollutants` of a frame with ``gid, parameter, item_class, exceedance, routine``."""
    cls = items["item_class"].fillna(0).astype(int).to_numpy()
    cand = items["routine"].astype(bool).to_numpy() & (cls > 3)
    qk, uniques = factorize(items["parameter"].astype(str)[cand])
    return pollutants(items["gid"].to_numpy(np.int64)[cand], qk, uniques, cls[cand],
                      items["exceedance"].to_numpy(float)[cand], top)


def section_classes(items: Items, codes: bool = True) -> pd.DataFrame:
    """Per ``gid``: ``water_class`` (worst routine item; NA if none), ``n_items``,
    ``n_samples`` and the main pollutants (with their codes if ``codes``)."""
    gid = items.gid
    if len(gid) == 0:
        return pd.DataFrame(columns=["water_class", "n_items", "n_samples"],
                            index=pd.Index([], name="gid", dtype=np.int64))
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])  # gid is sorted
    ev = items.routine & (items.item_class > 0)
    worst = np.maximum.reduceat(np.where(ev, items.item_class, 0), starts)
    out = pd.DataFrame({
        "water_class": pd.array(np.where(worst > 0, worst, None), dtype="Int64"),
        "n_items": np.add.reduceat(ev.astype(np.int64), starts),
    }, index=pd.Index(gid[starts], name="gid"))
    out["n_samples"] = items.samples.reindex(out.index, fill_value=0).to_numpy()
    cand = items.routine & (items.item_class > 3)
    pol = pollutants(gid[cand], items.qk[cand], items.parameters, items.item_class[cand],
                     items.exceedance[cand], codes=codes)
    return out.join(pol)


def separate_items(items: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid``: TN (lakes and reservoirs only) and FC, value and class."""
    out = []
    for code, lake_only in (("TN", True), ("FC", False)):
        sel = items["parameter"].astype(str).eq(code).to_numpy()
        if lake_only:
            sel &= items["lake"].to_numpy()
        sub = items.loc[sel, ["gid", "value", "item_class"]].set_index("gid")
        key = code.lower()
        out.append(pd.DataFrame({
            f"{key}_value": sub["value"],
            f"{key}_class": sub["item_class"].where(sub["item_class"] > 0).astype("Int64"),
        }))
    return pd.concat(out, axis=1)
