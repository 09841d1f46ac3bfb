"""Monthly water quality at every section, from the loads routed to it.

Concentrations are a background (per section, seasonal) plus the routed point and
farm loads divided by the month's flow, with noise.  CODMn and BOD5 follow COD; DO
follows temperature and the organic and ammonia loads.  Values under the method's
detection limit are stored as ``value`` NaN, ``below_detection`` True and the
``detection_limit`` (how the importer stores ``0.02L``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .routing import ROUTED, T_A_TO_G_S

ROUTINE = ("pH", "DO", "CODMn", "COD", "BOD5", "NH3N", "TP", "Cu", "Zn", "F", "Se", "As",
           "Hg", "Cd", "Cr6", "Pb", "CN", "VPhen", "Oil", "LAS", "S2")
UNITS = {"pH": None, "WT": "℃"}
DETECTION_LIMIT = {
    "COD": 4.0, "CODMn": 0.5, "BOD5": 0.5, "NH3N": 0.025, "TP": 0.01, "TN": 0.05,
    "Cu": 0.001, "Zn": 0.05, "F": 0.05, "Se": 0.0004, "As": 0.0003, "Hg": 0.00004,
    "Cd": 0.0001, "Cr6": 0.004, "Pb": 0.001, "CN": 0.004, "VPhen": 0.0003, "Oil": 0.01,
    "LAS": 0.05, "S2": 0.005,
}
BACKGROUND = {
    "COD": 8.0, "NH3N": 0.12, "TP": 0.05, "TN": 0.9, "Cu": 0.0015, "Zn": 0.01, "F": 0.25,
    "Se": 0.0003, "As": 0.0012, "Hg": 0.00002, "Cd": 0.00005, "Cr6": 0.002, "Pb": 0.0006,
    "CN": 0.001, "VPhen": 0.0003, "Oil": 0.015, "LAS": 0.03, "S2": 0.004,
}
# GB 3838 class limits (I..V) of the items that decide classes here (calibration only)
LIMITS = {
    "COD": (15, 15, 20, 30, 40), "CODMn": (2, 4, 6, 10, 15), "BOD5": (3, 3, 4, 6, 10),
    "NH3N": (0.15, 0.5, 1.0, 1.5, 2.0), "TP": (0.02, 0.1, 0.2, 0.3, 0.4),
    "TP_lake": (0.01, 0.025, 0.05, 0.1, 0.2),
}
DO_LIMITS = (7.5, 6, 5, 3, 2)
_WET = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.3, 1.3, 1.25, 1.15, 1.0, 0.9, 0.8])
_COLD = np.array([1.3, 1.3, 1.15, 1.0, 0.9, 0.85, 0.8, 0.8, 0.9, 1.0, 1.15, 1.3])


@dataclass
class Series:
    """Concentrations per section x month for each item (before non-detects)."""

    values: dict[str, np.ndarray]
    lake: np.ndarray


def item_class(item: str, value: np.ndarray, lake: np.ndarray | None = None) -> np.ndarray:
    """GB 3838 class 1..6 of ``value`` for the calibration items."""
    if item == "DO":
        return _do_class(value)
    if item == "TP" and lake is not None:
        river = _class(value, LIMITS["TP"])
        lk = _class(value, LIMITS["TP_lake"])
        return np.where(lake[:, None] if value.ndim == 2 else lake, lk, river)
    return _class(value, LIMITS[item])


def _class(value: np.ndarray, limits) -> np.ndarray:
    cls = np.full(value.shape, 6)
    for k in range(4, -1, -1):
        cls = np.where(value <= limits[k], k + 1, cls)
    return cls


def _do_class(value: np.ndarray) -> np.ndarray:
    cls = np.full(value.shape, 6)
    for k in range(4, -1, -1):
        cls = np.where(value >= DO_LIMITS[k], k + 1, cls)
    return cls


def concentrations(background: np.ndarray, point: np.ndarray, farm: np.ndarray,
                   extra: np.ndarray, flow: np.ndarray, months: np.ndarray, lake: np.ndarray,
                   noise_seed: int) -> Series:
    """All items per section (rows) and month (columns).

    ``background`` (sections x routed), ``point`` and ``farm`` (sections x routed, t/a)
    and ``extra`` (sections x months x routed, t/a: sudden changes).  The noise comes
    from ``noise_seed`` alone, so two calls differ only by their loads.
    """
    rng = np.random.default_rng(noise_seed)
    m = months % 12
    n_s, n_t = flow.shape
    values: dict[str, np.ndarray] = {}
    farm_season = _WET[m] ** 1.5
    for k, item in enumerate(ROUTED):
        season = _COLD[m] if item in ("NH3N", "TN") else _WET[m]
        bg = background[:, k:k + 1] * season[None, :]
        load = point[:, k:k + 1] + farm[:, k:k + 1] * farm_season[None, :] + extra[:, :, k]
        conc = bg + T_A_TO_G_S * load / flow
        if item == "TP":
            conc = np.where(lake[:, None], conc * 0.45, conc)
        values[item] = conc * rng.lognormal(0, 0.25, (n_s, n_t))
    cod = values["COD"]
    values["CODMn"] = cod * 0.28 * rng.lognormal(0, 0.1, (n_s, n_t))
    values["BOD5"] = cod * 0.2 * rng.lognormal(0, 0.15, (n_s, n_t))
    wt = 18.0 - 8.5 * np.cos(2 * np.pi * (m - 0.5) / 12.0)
    wt = wt[None, :] + rng.normal(0, 1.0, (n_s, n_t)) + np.where(lake, 1.0, 0.0)[:, None]
    values["WT"] = wt
    sat = 14.62 - 0.3898 * wt + 0.006969 * wt ** 2 - 0.00005897 * wt ** 3
    do = (sat * (0.93 + 0.04 * rng.standard_normal((n_s, n_t)))
          - 0.5 * np.maximum(values["BOD5"] - 2.0, 0)
          - 0.8 * np.maximum(values["NH3N"] - 0.5, 0))
    values["DO"] = np.clip(do, 0.8, sat * 1.15)
    ph = 7.9 + 0.2 * rng.standard_normal((n_s, n_t)) + np.where(lake, 0.15, 0.0)[:, None]
    values["pH"] = np.clip(ph, 6.4, 8.9)
    return Series(values, lake)


def worst_class(series: Series, months: np.ndarray) -> np.ndarray:
    """Per section, the worst yearly class over the calibration items (yearly means)."""
    years = months // 12
    worst = np.ones(series.values["COD"].shape[0], np.int64)
    for y in np.unique(years):
        sel = years == y
        for item in ("COD", "CODMn", "BOD5", "NH3N", "TP", "DO"):
            mean = series.values[item][:, sel].mean(axis=1)
            worst = np.maximum(worst, item_class(item, mean, series.lake))
    return worst


def to_frame(series: Series, codes: list[str], dates: np.ndarray) -> pd.DataFrame:
    """Long table: one row per section, date and item (TN only at lakes)."""
    frames = []
    n_s, n_t = series.values["COD"].shape
    codes_arr = np.asarray(codes, dtype=object)
    items = list(ROUTINE) + ["WT"]
    for item in items + ["TN"]:
        vals = series.values[item]
        rows = np.arange(n_s) if item != "TN" else np.flatnonzero(series.lake)
        if not len(rows):
            continue
        v = _round(vals[rows].ravel())
        dl = DETECTION_LIMIT.get(item)
        below = v < dl if dl is not None else np.zeros(v.shape, bool)
        frames.append(pd.DataFrame({
            "section_code": np.repeat(codes_arr[rows], n_t),
            "sampled_on": np.tile(dates, len(rows)),
            "parameter": item,
            "value": np.where(below, np.nan, v),
            "below_detection": below,
            "detection_limit": np.where(below, dl if dl is not None else np.nan, np.nan),
            "unit": UNITS.get(item, "mg/L"),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["section_code", "sampled_on", "parameter"], kind="stable",
                           ignore_index=True)


def _round(v: np.ndarray, digits: int = 3) -> np.ndarray:
    """Round to ``digits`` significant figures (as laboratories report)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.abs(v)))
    mag = np.where(np.isfinite(mag), mag, 0)
    scale = 10.0 ** (digits - 1 - mag)
    return np.round(v * scale) / scale
