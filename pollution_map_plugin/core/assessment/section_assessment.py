"""Section assessment for a period, and the class history of every section."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import gb3838
from .assessment_basics import class_labels, multiple_value
from .engine import (
    GroupStats,
    build_items,
    section_attributes,
    section_classes,
    separate_items,
)
from .measurement_values import check_non_detect
from .periods import Period, parse_period, period_keys
from .trophic import TROPHIC_COLUMNS, trophic_states

_NAME_ZH = {c: it.name_zh for c, it in gb3838.ITEMS.items()}
_NAME_EN = {c: it.name_en for c, it in gb3838.ITEMS.items()}
_UNIT = {c: it.unit for c, it in gb3838.ITEMS.items()}

#: Columns of :func:`assess_sections`, in order.
SECTION_COLUMNS = (
    "section_code", "name", "level", "river_code", "reach_code", "control_unit_code",
    "district", "water_system", "water_body_type", "period", "n_samples", "n_items",
    "water_class", "roman", "label_zh", "label_en", "target_class", "target_roman",
    "meets_target", "n_failing", "failing_items", "failing_items_text",
    "main_pollutants", "main_pollutants_en", "main_pollutant_codes", "exceedance",
    "tn_value", "tn_class", "fc_value", "fc_class", *TROPHIC_COLUMNS, "status", "located",
    "ph_min", "ph_max", "ph_outside",
)
#: ``status`` of a section's result: only ``misses_target`` is a miss.
STATUS_LABELS = {
    "meets_target": ("达标", "meets target"),
    "misses_target": ("未达标", "misses target"),
    "no_target": ("无水质目标", "no target"),
    "no_data": ("无数据", "no data"),
}
NOT_LOCATED_LABEL = ("未定位", "not located")
#: Columns of :attr:`Assessment.items`.
ITEM_COLUMNS = (
    "section_code", "period", "parameter", "name_zh", "unit", "value", "n_values",
    "water_body_type", "item_class", "roman", "exceedance", "routine", "target_class",
    "target_limit", "fails_target",
)


def section_status(water_class: pd.Series, target_class: pd.Series) -> np.ndarray:
    """``no_data`` (no class), ``no_target``, ``meets_target`` or ``misses_target``."""
    wc = pd.to_numeric(pd.Series(water_class), errors="coerce").astype("float64").to_numpy()
    tc = pd.to_numeric(pd.Series(target_class), errors="coerce").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        meets = wc <= tc
    return np.select([np.isnan(wc), np.isnan(tc), meets],
                     ["no_data", "no_target", "meets_target"], "misses_target").astype(object)


def _located(sections) -> pd.Series:
    """section code → has a point (NA where the sections carry no geometry column)."""
    if sections is None or "code" not in getattr(sections, "columns", ()):
        return pd.Series(dtype="boolean")
    geom_name = getattr(sections, "_geometry_column_name", None)
    if geom_name is None or geom_name not in sections.columns:
        return pd.Series(dtype="boolean")
    ok = [g is not None and not getattr(g, "is_empty", True) for g in sections[geom_name]]
    s = pd.Series(ok, index=sections["code"].astype(str).to_numpy())
    return s[~s.index.duplicated()]


@dataclass
class Assessment:
    """The result of :func:`assess`: the period, one row per section, one per item."""

    period: Period
    sections: pd.DataFrame
    items: pd.DataFrame
    non_detect: str = "half"

    def groups(self, by: str = "river") -> pd.DataFrame:
        """Aggregate by river, control unit, water system or district (:mod:`.aggregate`)."""
        from .aggregate import assess_groups

        return assess_groups(self, by)

    def problems(self, level: str = "section") -> pd.DataFrame:
        """Sections, reaches or rivers that miss their targets (:mod:`.problem_bodies`)."""
        from .problem_bodies import problem_water_bodies

        return problem_water_bodies(self.sections, level)


def _failing(items: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid``: ``failing_items`` (list of dicts), text and count."""
    f = items.loc[items["fails_target"].fillna(False).astype(bool)]
    cols = ["failing_items", "failing_items_text", "n_failing"]
    if f.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="gid"))
    f = f.sort_values(["gid", "item_class", "exceedance"], ascending=[True, False, False])
    rule = f["parameter"].astype(str).map(lambda p: gb3838.ITEMS[p].rule).to_numpy()
    lim_t = f["target_limit"].to_numpy(dtype=float)
    val = f["value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # beyond the target limit: (C − L)/L; DO, a minimum: (L − C)/L; pH: none
        target_exc = np.where(rule == "ge", (lim_t - val) / lim_t, (val - lim_t) / lim_t)
    recs, texts = [], []
    for p, v, cls, tc, lim, exc, lake, texc in zip(
        f["parameter"].astype(str), f["value"], f["item_class"], f["target_class"],
        f["target_limit"], f["exceedance"], f["lake"], target_exc,
    ):
        wbt = "lake" if lake else "river"
        recs.append({
            "parameter": p, "name_zh": _NAME_ZH[p], "name_en": _NAME_EN[p],
            "value": float(v), "unit": _UNIT[p], "item_class": int(cls),
            "target_class": int(tc), "limit": None if np.isnan(lim) else float(lim),
            "limit_text": gb3838.format_limit(p, int(tc), wbt),
            # 超标倍数 of the method: (C − C_III)/C_III, only above Class III
            "exceedance": multiple_value(exc) if exc > 0 else None,
            # how far beyond the target limit (always > 0 for a failing item)
            "target_exceedance": multiple_value(texc) if texc > 0 else None,
        })
        texts.append(f"{_NAME_ZH[p]} {v:.4g} ({gb3838.format_limit(p, int(tc), wbt)})")
    by_gid: dict[int, tuple[list, list]] = {}
    for gid, rec, txt in zip(f["gid"].tolist(), recs, texts):
        entry = by_gid.setdefault(gid, ([], []))
        entry[0].append(rec)
        entry[1].append(txt)
    return pd.DataFrame({
        "failing_items": [r for r, _ in by_gid.values()],
        "failing_items_text": ["、".join(t) for _, t in by_gid.values()],
        "n_failing": [len(r) for r, _ in by_gid.values()],
    }, index=pd.Index(list(by_gid), name="gid", dtype=np.int64))


def _ph(items: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid``: the period's pH range and the samples outside 6–9."""
    ph = items.loc[items["parameter"].astype(str).eq("pH"), ["gid", "ph_min", "ph_max",
                                                             "ph_outside"]]
    return ph.set_index("gid")


def _exceedance(items: pd.DataFrame) -> pd.Series:
    e = items.loc[items["routine"] & (items["exceedance"] > 0), ["gid", "parameter", "exceedance"]]
    if e.empty:
        return pd.Series(dtype=object, name="exceedance")
    by_gid: dict[int, dict[str, float]] = {}
    for gid, par, exc in zip(e["gid"].tolist(), e["parameter"].astype(str).tolist(),
                             e["exceedance"].round(3).tolist()):
        by_gid.setdefault(gid, {})[par] = exc
    return pd.Series(list(by_gid.values()), index=pd.Index(list(by_gid), name="gid",
                                                           dtype=np.int64), name="exceedance",
                     dtype=object)


def _run(measurements, attrs, codes, periods, non_detect, details):
    if isinstance(measurements, GroupStats):  # aggregated by the database
        items = measurements.items(attrs)
    else:
        items = build_items(measurements, attrs, codes, len(periods), non_detect)
    groups = section_classes(items, codes=details)
    frame = None
    if details:
        frame = items.frame()
        groups = groups.join(_failing(frame)).join(_exceedance(frame)).join(
            separate_items(frame)).join(trophic_states(frame)).join(_ph(frame))
    return items, frame, groups


def _finish_items(items: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    labels = np.array([p.label for p in periods], dtype=object)
    par = items["parameter"].astype(str)
    tc = items["target_class"].to_numpy(dtype=float)
    out = items.assign(
        period=labels[items["period_idx"].to_numpy()] if len(items) else [],
        parameter=par,
        name_zh=par.map(_NAME_ZH),
        unit=par.map(_UNIT),
        water_body_type=np.where(items["lake"], "lake", "river"),
        item_class=items["item_class"].where(items["item_class"] > 0).astype("Int64"),
        target_class=pd.array(np.where(np.isnan(tc), None, tc), dtype="Int64"),
        fails_target=pd.array(np.where(np.isnan(tc), None, items["fails_target"]),
                              dtype="boolean"),
    )
    out["roman"] = class_labels(out["item_class"])["roman"]
    return out[list(ITEM_COLUMNS)].reset_index(drop=True)


def assess(
    measurements: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    period: Period | str | None = None,
    *,
    rivers: pd.DataFrame | None = None,
    control_units: pd.DataFrame | None = None,
    non_detect: str = "half",
) -> Assessment:
    """Assess every section over ``period`` (default: the latest year with data).

    ``measurements`` as ``db.read_table("measurements")``; ``sections`` as
    ``db.read_layer("sections")`` (every section gets a row, no data → class NA);
    ``rivers``/``control_units`` only supply ``water_system``.
    """
    from .periods import latest_period

    check_non_detect(non_detect)
    if isinstance(measurements, GroupStats):  # aggregated by the database
        period = measurements.periods[0]
        attrs = section_attributes(sections, rivers, control_units)
        m, codes = measurements, None
    else:
        period = parse_period(period) if period is not None else latest_period(
            measurements["sampled_on"])
        attrs = section_attributes(sections, rivers, control_units)
        inside = period.mask(measurements["sampled_on"])
        m, codes = measurements, np.where(inside, 0, -1)
        if inside.mean() < 0.5:  # a small part: copying it is cheaper than carrying all rows
            m, codes = measurements.loc[inside], np.zeros(int(inside.sum()), dtype=np.int64)
    items, frame, groups = _run(m, attrs, codes, [period], non_detect, True)
    groups["section_code"] = items.sections[groups.index.to_numpy(dtype=np.int64)]
    df = attrs.merge(groups, on="section_code", how="outer")
    df["period"] = period.label
    df["water_body_type"] = df["water_body_type"].fillna("river")
    for col in ("n_samples", "n_items", "n_failing"):
        # to_numeric first: fillna on the merge's object column is deprecated in pandas 2.2
        df[col] = pd.to_numeric(df[col]).fillna(0).astype(int) if col in df else 0
    df = pd.concat([df, class_labels(df["water_class"])], axis=1)
    df["target_roman"] = class_labels(df["target_class"])["roman"]
    met = df["water_class"] <= df["target_class"]
    df["meets_target"] = met.astype("boolean")
    df["status"] = section_status(df["water_class"], df["target_class"])
    df["located"] = df["section_code"].map(_located(sections)).astype("boolean")
    for col in ("failing_items", "main_pollutant_codes"):
        df[col] = [v if isinstance(v, list) else [] for v in df.get(col, [None] * len(df))]
    df["exceedance"] = [v if isinstance(v, dict) else {} for v in df.get("exceedance",
                                                                         [None] * len(df))]
    for col in ("failing_items_text", "main_pollutants", "main_pollutants_en"):
        df[col] = df[col].fillna("") if col in df else ""
    for col in ("tn_value", "fc_value"):
        if col not in df:
            df[col] = np.nan
    for col in ("tn_class", "fc_class"):
        df[col] = df[col].astype("Int64") if col in df else pd.array([None] * len(df), "Int64")
    df["tli"] = pd.to_numeric(df["tli"]).astype(float) if "tli" in df else np.nan
    for col in ("ph_min", "ph_max"):
        df[col] = pd.to_numeric(df[col]).astype(float) if col in df else np.nan
    df["ph_outside"] = (pd.to_numeric(df["ph_outside"]).astype("Int64") if "ph_outside" in df
                        else pd.array([None] * len(df), "Int64"))
    for col in TROPHIC_COLUMNS[1:]:  # None for rivers and lakes without the parameters
        df[col] = df[col].astype(object).where(df[col].notna(), None) if col in df else None
    df = df[list(SECTION_COLUMNS)].sort_values("section_code", kind="stable")
    return Assessment(period, df.reset_index(drop=True), _finish_items(frame, [period]),
                      non_detect)


def assess_sections(
    measurements: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    period: Period | str | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """One row per section for ``period``; columns :data:`SECTION_COLUMNS`.

    ``water_class`` Int64 1..6 (NA: no routine item evaluated); ``meets_target``
    boolean (NA without class or target); ``failing_items`` a list of dicts
    (parameter, name_zh, value, unit, item_class, target_class, limit, limit_text,
    ``exceedance`` — the method's 超标倍数 (C − C_III)/C_III, None unless above III —
    and ``target_exceedance`` beyond the target limit, both one decimal half up);
    ``exceedance`` a dict parameter → (C − C_III)/C_III of the routine items above
    Class III; ``ph_min``/``ph_max``/``ph_outside`` the period's pH range and samples
    outside 6–9 (pH's class is its worst sample, never a mean); ``tn_*`` only for lakes
    and reservoirs, as are ``tli`` (TLI(Σ), :mod:`.trophic`), ``trophic_state``
    (贫营养 … 重度富营养), ``trophic_state_en`` and ``tli_parameters`` (the codes used).
    """
    return assess(measurements, sections, period, **kwargs).sections  # type: ignore[arg-type]


#: Columns of :func:`class_history`.
HISTORY_COLUMNS = (
    "section_code", "period", "start", "end", "n_samples", "n_items", "water_class",
    "roman", "label_zh", "label_en", "target_class", "meets_target", "main_pollutants",
)


def class_history(
    measurements: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    freq: str = "year",
    *,
    period: Period | str | None = None,
    non_detect: str = "half",
) -> pd.DataFrame:
    """The class of every section per year, quarter or month (``freq``).

    Optionally limited to ``period``.  One row per (section, period) with data,
    sorted by section and time; columns :data:`HISTORY_COLUMNS` (``start``/``end``
    are dates).
    """
    check_non_detect(non_detect)
    m = measurements
    attrs = section_attributes(sections)
    if isinstance(m, GroupStats):  # aggregated by the database, per period of ``freq``
        codes, periods = None, list(m.periods)
    else:
        if period is not None:
            m = m.loc[parse_period(period).mask(m["sampled_on"])]
        codes, periods = period_keys(m["sampled_on"], freq)
    items, _, groups = _run(m, attrs, codes, periods, non_detect, False)
    if groups.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    gid = groups.index.to_numpy(dtype=np.int64)
    pidx = gid % items.n_periods
    df = pd.DataFrame({
        "section_code": items.sections[gid // items.n_periods],
        "period": np.array([p.label for p in periods], dtype=object)[pidx],
        "start": np.array([p.start for p in periods], dtype=object)[pidx],
        "end": np.array([p.end for p in periods], dtype=object)[pidx],
        "n_samples": groups["n_samples"].to_numpy(),
        "n_items": groups["n_items"].to_numpy(),
        "water_class": groups["water_class"].to_numpy(),
        "main_pollutants": groups["main_pollutants"].fillna("").to_numpy(),
        "_p": pidx,
    })
    df = pd.concat([df, class_labels(df["water_class"])], axis=1)
    target = pd.Series(attrs["target_class"].to_numpy(), index=attrs["section_code"].to_numpy())
    df["target_class"] = df["section_code"].map(target).astype("Int64")
    df["meets_target"] = (df["water_class"] <= df["target_class"]).astype("boolean")
    df = df.sort_values(["section_code", "_p"], kind="stable")
    return df[list(HISTORY_COLUMNS)].reset_index(drop=True)
