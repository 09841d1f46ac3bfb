"""Trophic state of lakes and reservoirs: the comprehensive trophic level index TLI(Σ).

China National Environmental Monitoring Centre, 《湖泊（水库）富营养化评价方法及分级技术规定》
(总站生字〔2001〕090号), adopted by 《地表水环境质量评价办法（试行）》(环办〔2011〕22号):

* TLI(Σ) = Σ W_j · TLI(j), with chlorophyll a the base parameter and the weights
  W_j = r_ij² / Σ r_ij² normalised over the parameters evaluated (here: the ones
  measured in the period), r_ij the correlation with chla in 26 Chinese lakes
  (金相灿 et al., 《中国湖泊环境》): chla 1, TP 0.84, TN 0.82, SD −0.83, CODMn 0.83.
* TLI(chla) = 10 (2.5 + 1.086 ln chla)     chla in mg/m³ (= µg/L)
  TLI(TP)   = 10 (9.436 + 1.624 ln TP)     mg/L
  TLI(TN)   = 10 (5.453 + 1.694 ln TN)     mg/L
  TLI(SD)   = 10 (5.118 − 1.94 ln SD)      m
  TLI(CODMn) = 10 (0.109 + 2.661 ln CODMn) mg/L
* Grades: TLI < 30 贫营养; 30 ≤ TLI ≤ 50 中营养; 50 < TLI ≤ 60 轻度富营养;
  60 < TLI ≤ 70 中度富营养; TLI > 70 重度富营养.

Each parameter's value is its period mean (the same means as the single-factor class,
non-detects included as chosen).  A value ≤ 0 has no logarithm and is left out.  TLI(Σ)
is rounded half up to two decimals and graded as shown.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

#: r_ij of each parameter with chlorophyll a (the rule's table).
CORRELATION: dict[str, float] = {"chla": 1.0, "TP": 0.84, "TN": 0.82, "SD": -0.83,
                                 "CODMn": 0.83}
TROPHIC_PARAMETERS: tuple[str, ...] = tuple(CORRELATION)
#: (a, b) of TLI(j) = 10 (a + b ln x).
_COEFFICIENTS: dict[str, tuple[float, float]] = {
    "chla": (2.5, 1.086), "TP": (9.436, 1.624), "TN": (5.453, 1.694),
    "SD": (5.118, -1.94), "CODMn": (0.109, 2.661),
}
#: (upper bound, inclusive?, zh, en), best first.
GRADES: tuple[tuple[float, bool, str, str], ...] = (
    (30.0, False, "贫营养", "oligotrophic"),
    (50.0, True, "中营养", "mesotrophic"),
    (60.0, True, "轻度富营养", "light eutrophic"),
    (70.0, True, "中度富营养", "moderately eutrophic"),
    (math.inf, True, "重度富营养", "hypereutrophic"),
)
#: Map colours of the grades (zh → hex), one palette for the QGIS maps and the HTML.
TROPHIC_COLOURS: dict[str, str] = {
    "贫营养": "#1a9850", "中营养": "#91cf60", "轻度富营养": "#fdae61",
    "中度富营养": "#f46d43", "重度富营养": "#a50026",
}
#: Columns added to the section results (None/NaN for rivers and lakes without data).
TROPHIC_COLUMNS = ("tli", "trophic_state", "trophic_state_en", "tli_parameters")


def weights(parameters: list[str] | tuple[str, ...]) -> dict[str, float]:
    """W_j = r_ij² / Σ r_ij² over ``parameters`` (those of :data:`TROPHIC_PARAMETERS`)."""
    r2 = {p: CORRELATION[p] ** 2 for p in parameters if p in CORRELATION}
    total = sum(r2.values())
    return {p: v / total for p, v in r2.items()} if total else {}


def tli_single(parameter: str, value: float) -> float | None:
    """TLI(j) of one parameter's value; None when missing or ≤ 0 (no logarithm)."""
    if parameter not in _COEFFICIENTS or value is None or not np.isfinite(value) or value <= 0:
        return None
    a, b = _COEFFICIENTS[parameter]
    return 10.0 * (a + b * math.log(float(value)))


def _round2(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def tli(values: dict[str, float]) -> tuple[float | None, list[str]]:
    """TLI(Σ) (two decimals, half up) of ``values`` (parameter → period mean) and the
    parameters used, in the rule's order; (None, []) when none can be used."""
    parts = {p: tli_single(p, values[p]) for p in TROPHIC_PARAMETERS if p in values}
    used = [p for p, t in parts.items() if t is not None]
    if not used:
        return None, []
    w = weights(used)
    return _round2(sum(w[p] * parts[p] for p in used)), used  # type: ignore[operator]


def grade(value: float | None) -> tuple[str | None, str | None]:
    """(zh, en) trophic state of a TLI(Σ); (None, None) when missing."""
    if value is None or not np.isfinite(value):
        return None, None
    for bound, inclusive, zh, en in GRADES:
        if value < bound or (inclusive and value <= bound):
            return zh, en
    return GRADES[-1][2], GRADES[-1][3]  # not reached: the last bound is infinite


def trophic_states(items: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid`` of lake/reservoir rows: :data:`TROPHIC_COLUMNS`.

    ``items`` as ``Items.frame()``: ``gid, parameter, value, lake``; rivers get no row.
    ``tli_parameters`` lists the codes used, e.g. ``chla,TP,TN,SD,CODMn``.
    """
    sel = items["lake"].astype(bool) & items["parameter"].astype(str).isin(TROPHIC_PARAMETERS)
    sub = items.loc[sel, ["gid", "parameter", "value"]]
    rows = {}
    for gid, grp in sub.groupby("gid", sort=True):
        value, used = tli(dict(zip(grp["parameter"].astype(str), grp["value"].astype(float))))
        if value is None:
            continue
        zh, en = grade(value)
        rows[int(gid)] = (value, zh, en, ",".join(used))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(TROPHIC_COLUMNS))
    out.index = pd.Index(out.index.to_numpy(dtype=np.int64), name="gid")
    out["tli"] = out["tli"].astype(float)
    return out
