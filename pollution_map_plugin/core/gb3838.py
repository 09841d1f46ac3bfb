"""GB 3838-2002 *Environmental quality standards for surface water*, Table 1.

The class limits of the basic items, the 21 items evaluated routinely under the
evaluation method 《地表水环境质量评价办法（试行）》(环办〔2011〕22号), and the
single-value classification, scalar (:func:`classify_value`) and vectorised
(:func:`classify_values`).

Classes are integers 1..6 (6 = 劣V, worse than V); 0 (:data:`NO_CLASS`) in the
vectorised results means "not classified" (missing value, water temperature or an
unknown parameter).  Colours and labels come from :mod:`core.symbology`.

Rules implemented:

* "≤" items: a value equal to a limit takes that class; where adjacent classes share
  a limit (COD 15 for I and II) the value takes the better class.
* DO is "≥": 7.5 or more is I, 6 II, 5 III, 3 IV, 2 V, below 2 劣V.
* pH 6–9 (inclusive) meets every class (the better class: I); outside it is 劣V.
* TP has separate limits for lakes and reservoirs.
* A value within a relative 1e-9 of a limit counts as equal to it, so that a
  period mean such as (0.2 + 0.4) / 2 = 0.30000000000000004 is TP class IV.

Measured parameters outside Table 1 are declared here too (``in_table1`` False, rule
``"none"``: never classified, never part of a class): chlorophyll a (``chla``, mg/m³ =
µg/L) and transparency (``SD``, m), used with TP, TN and CODMn for the trophic state of
lakes and reservoirs (:mod:`core.assessment.trophic`); and the five supplementary items
of Table 2 for centralised drinking-water sources (sulfate 250, chloride 250, nitrate
as N 10, iron 0.3, manganese 0.1 mg/L; :data:`TABLE2_LIMITS`,
:mod:`core.assessment.drinking_water`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .symbology import CLASS_BY_VALUE, class_roman

NO_CLASS = 0
WORSE_THAN_V = 6
REL_TOL = 1e-9
LAKE_TYPES = frozenset({"lake", "reservoir", "湖库", "湖泊", "水库"})
RIVER_TYPES = frozenset({"river", "河流", "河道", "河"})


@dataclass(frozen=True)
class Item:
    """One item of Table 1.  ``limits`` are the class I..V limits (None: no class).

    ``rule`` is ``"le"`` (value ≤ limit), ``"ge"`` (value ≥ limit, DO), ``"range"``
    (pH, inside ``limits[0]..limits[1]`` for every class) or ``"none"`` (WT).
    """

    code: str
    name_zh: str
    name_en: str
    short_en: str
    unit: str
    rule: str
    limits: tuple[float, ...] | None
    lake_limits: tuple[float, ...] | None = None
    in_table1: bool = True
    table2_limit: float | None = None  # Table 2 (centralised drinking-water sources)


_MG = "mg/L"
ITEMS: dict[str, Item] = {
    i.code: i
    for i in (
        Item("WT", "水温", "Water temperature", "WT", "℃", "none", None),
        Item("pH", "pH值", "pH", "pH", "", "range", (6.0, 9.0)),
        Item("DO", "溶解氧", "Dissolved oxygen", "DO", _MG, "ge", (7.5, 6, 5, 3, 2)),
        Item("CODMn", "高锰酸盐指数", "Permanganate index", "CODMn", _MG, "le",
             (2, 4, 6, 10, 15)),
        Item("COD", "化学需氧量", "Chemical oxygen demand", "COD", _MG, "le",
             (15, 15, 20, 30, 40)),
        Item("BOD5", "五日生化需氧量", "Five-day biochemical oxygen demand", "BOD5", _MG,
             "le", (3, 3, 4, 6, 10)),
        Item("NH3N", "氨氮", "Ammonia nitrogen", "NH3-N", _MG, "le", (0.15, 0.5, 1.0, 1.5, 2.0)),
        Item("TP", "总磷", "Total phosphorus", "TP", _MG, "le", (0.02, 0.1, 0.2, 0.3, 0.4),
             lake_limits=(0.01, 0.025, 0.05, 0.1, 0.2)),
        Item("TN", "总氮", "Total nitrogen", "TN", _MG, "le", (0.2, 0.5, 1.0, 1.5, 2.0)),
        Item("Cu", "铜", "Copper", "Cu", _MG, "le", (0.01, 1.0, 1.0, 1.0, 1.0)),
        Item("Zn", "锌", "Zinc", "Zn", _MG, "le", (0.05, 1.0, 1.0, 2.0, 2.0)),
        Item("F", "氟化物", "Fluoride", "F", _MG, "le", (1.0, 1.0, 1.0, 1.5, 1.5)),
        Item("Se", "硒", "Selenium", "Se", _MG, "le", (0.01, 0.01, 0.01, 0.02, 0.02)),
        Item("As", "砷", "Arsenic", "As", _MG, "le", (0.05, 0.05, 0.05, 0.1, 0.1)),
        Item("Hg", "汞", "Mercury", "Hg", _MG, "le", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
        Item("Cd", "镉", "Cadmium", "Cd", _MG, "le", (0.001, 0.005, 0.005, 0.005, 0.01)),
        Item("Cr6", "六价铬", "Chromium (VI)", "Cr(VI)", _MG, "le", (0.01, 0.05, 0.05, 0.05, 0.1)),
        Item("Pb", "铅", "Lead", "Pb", _MG, "le", (0.01, 0.01, 0.05, 0.05, 0.1)),
        Item("CN", "氰化物", "Cyanide", "CN", _MG, "le", (0.005, 0.05, 0.2, 0.2, 0.2)),
        Item("VPhen", "挥发酚", "Volatile phenols", "V-phenol", _MG, "le",
             (0.002, 0.002, 0.005, 0.01, 0.1)),
        Item("Oil", "石油类", "Petroleum", "Oil", _MG, "le", (0.05, 0.05, 0.05, 0.5, 1.0)),
        Item("LAS", "阴离子表面活性剂", "Anionic surfactants", "LAS", _MG, "le",
             (0.2, 0.2, 0.2, 0.3, 0.3)),
        Item("S2", "硫化物", "Sulfide", "S2-", _MG, "le", (0.05, 0.1, 0.2, 0.5, 1.0)),
        Item("FC", "粪大肠菌群", "Fecal coliforms", "FC", "个/L", "le",
             (200, 2000, 10000, 20000, 40000)),
        # measured, not in GB 3838: the trophic state of lakes and reservoirs
        Item("chla", "叶绿素a", "Chlorophyll a", "Chl-a", "mg/m³", "none", None,
             in_table1=False),
        Item("SD", "透明度", "Transparency (Secchi depth)", "SD", "m", "none", None,
             in_table1=False),
        # Table 2: supplementary items of centralised drinking-water sources (one limit)
        Item("SO4", "硫酸盐", "Sulfate (as SO₄²⁻)", "SO4", _MG, "none", None,
             in_table1=False, table2_limit=250.0),
        Item("Cl", "氯化物", "Chloride (as Cl⁻)", "Cl", _MG, "none", None,
             in_table1=False, table2_limit=250.0),
        Item("NO3N", "硝酸盐氮", "Nitrate (as N)", "NO3-N", _MG, "none", None,
             in_table1=False, table2_limit=10.0),
        Item("Fe", "铁", "Iron", "Fe", _MG, "none", None, in_table1=False, table2_limit=0.3),
        Item("Mn", "锰", "Manganese", "Mn", _MG, "none", None, in_table1=False,
             table2_limit=0.1),
    )
}
#: The items of GB 3838-2002 Table 1 (without the measured-only chla and SD).
TABLE1_ITEMS: tuple[str, ...] = tuple(c for c, it in ITEMS.items() if it.in_table1)
#: Measured parameters outside Table 1 (never classified): chla, SD and Table 2.
MEASURED_ONLY: tuple[str, ...] = tuple(c for c, it in ITEMS.items() if not it.in_table1)
#: GB 3838 Table 2, centralised drinking-water sources: code → limit (mg/L).
TABLE2_LIMITS: dict[str, float] = {c: it.table2_limit for c, it in ITEMS.items()
                                   if it.table2_limit is not None}

#: The 21 items evaluated routinely (Table 1 without WT, TN and FC).
ROUTINE_ITEMS: tuple[str, ...] = tuple(c for c in TABLE1_ITEMS if c not in ("WT", "TN", "FC"))
#: Evaluated separately: TN (lakes and reservoirs only) and fecal coliforms.
SEPARATE_ITEMS: tuple[str, ...] = ("TN", "FC")
#: Heavy metals; with cyanide they come first among the main pollutants when exceeding.
HEAVY_METALS: frozenset[str] = frozenset({"Hg", "Cd", "Cr6", "Pb", "As", "Cu", "Zn"})
PRIORITY_ITEMS: frozenset[str] = HEAVY_METALS | {"CN"}
#: No exceedance multiple for these (the method).
NO_EXCEEDANCE: frozenset[str] = frozenset({"WT", "pH", "DO"})


def is_lake(water_body_type: object) -> bool:
    """True for a lake or reservoir (``"lake"``, ``"reservoir"``, 湖库 …)."""
    return isinstance(water_body_type, str) and water_body_type.strip().lower() in LAKE_TYPES


def unknown_water_body_types(values: object) -> list[str]:
    """The distinct water-body types in ``values`` that are neither a river nor a lake
    type (missing values are rivers and not listed), sorted."""
    seen = {str(v).strip() for v in pd.Series(values, dtype=object).dropna().unique()}
    return sorted(v for v in seen if v.lower() not in LAKE_TYPES | RIVER_TYPES)


def item(parameter: str) -> Item:
    """The Table 1 item ``parameter``; ValueError names the known codes."""
    try:
        return ITEMS[parameter]
    except KeyError:
        raise ValueError(
            f"unknown parameter {parameter!r}; known: {', '.join(ITEMS)}"
        ) from None


def limits(parameter: str, water_body_type: str = "river") -> tuple[float, ...] | None:
    """The class I..V limits of ``parameter`` (pH: the range ``(6, 9)``; WT: None)."""
    it = item(parameter)
    if it.lake_limits is not None and is_lake(water_body_type):
        return it.lake_limits
    return it.limits


def class_limit(parameter: str, water_class: int, water_body_type: str = "river") -> float | None:
    """The limit of class ``water_class`` (1..5) for ``parameter``.

    For DO it is the minimum, for pH None (a range, see :func:`limits`), for a class
    outside 1..5 None.
    """
    lim = limits(parameter, water_body_type)
    if lim is None or item(parameter).rule == "range" or not 1 <= int(water_class) <= 5:
        return None
    return float(lim[int(water_class) - 1])


def _nan(value: object) -> bool:
    try:
        return value is None or math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def classify_value(parameter: str, value: float, water_body_type: str = "river") -> int | None:
    """The class (1..6) of one value of ``parameter``; None for a missing value or WT.

    >>> classify_value("COD", 15), classify_value("DO", 7.5), classify_value("pH", 9.1)
    (1, 1, 6)
    """
    it = item(parameter)
    if it.rule == "none" or _nan(value):
        return None
    v = float(value)
    lim = limits(parameter, water_body_type)
    if lim is None:  # every item with a rule has limits; not an assert (gone under -O)
        raise ValueError(f"GB 3838 item {parameter} has no class limits")
    if it.rule == "range":
        lo, hi = lim
        return 1 if lo * (1 - REL_TOL) <= v <= hi * (1 + REL_TOL) else WORSE_THAN_V
    for k, limit in enumerate(lim, start=1):
        if it.rule == "le" and v <= limit * (1 + REL_TOL):
            return k
        if it.rule == "ge" and v >= limit * (1 - REL_TOL):
            return k
    return WORSE_THAN_V


def _lake_mask(water_body_types: object, n: int) -> np.ndarray:
    if water_body_types is None:
        return np.zeros(n, dtype=bool)
    if isinstance(water_body_types, np.ndarray) and water_body_types.dtype == bool:
        return water_body_types
    if isinstance(water_body_types, str) or np.ndim(water_body_types) == 0:
        return np.full(n, is_lake(water_body_types))
    s = pd.Series(np.asarray(water_body_types, dtype=object))
    return s.str.strip().str.lower().isin(LAKE_TYPES).to_numpy()


def encode_parameters(parameters: object, n: int) -> tuple[np.ndarray, list]:
    """Integer codes (−1 = missing) and the distinct item codes of ``parameters``."""
    if isinstance(parameters, str):
        return np.zeros(n, dtype=np.int64), [parameters]
    if not isinstance(parameters, (pd.Series, pd.Categorical, pd.Index)):
        parameters = pd.Series(np.asarray(parameters, dtype=object))
    codes, uniques = pd.factorize(parameters)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _item_of(code: object) -> Item | None:
    return ITEMS.get(code) if isinstance(code, str) else None


def _slices(codes: np.ndarray, lake: np.ndarray, n_uniques: int):
    """Row indices per (item, lake): one stable sort, then contiguous slices."""
    key = codes * 2 + lake.astype(np.int64)
    if 2 * n_uniques + 2 < np.iinfo(np.int16).max:
        key = key.astype(np.int16)  # radix sort
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(2 * n_uniques + 1))
    for g in range(2 * n_uniques):
        if bounds[g + 1] > bounds[g]:
            yield g // 2, bool(g % 2), order[bounds[g]:bounds[g + 1]]


def classify_coded(codes: np.ndarray, uniques: Sequence, values: np.ndarray,
                   lake: np.ndarray) -> np.ndarray:
    """:func:`classify_values` on already encoded parameters (see :func:`encode_parameters`)."""
    v = np.asarray(values, dtype=float)
    out = np.zeros(v.shape[0], dtype=np.int8)
    for k, in_lake, idx in _slices(codes, lake, len(uniques)):
        it = _item_of(uniques[k])
        if it is None or it.rule == "none":
            continue
        lim = np.asarray(it.lake_limits if in_lake and it.lake_limits else it.limits, float)
        x = v[idx]
        if it.rule == "range":
            inside = (x >= lim[0] * (1 - REL_TOL)) & (x <= lim[1] * (1 + REL_TOL))
            out[idx] = np.where(inside, 1, WORSE_THAN_V)
        elif it.rule == "le":
            out[idx] = np.searchsorted(lim * (1 + REL_TOL), x, side="left") + 1
        else:  # "ge": mirror by negation, the limits become ascending
            out[idx] = np.searchsorted(-lim * (1 - REL_TOL), -x, side="left") + 1
    out[np.isnan(v)] = NO_CLASS
    return out


def classify_values(
    parameters: Sequence[str] | np.ndarray | pd.Series | str,
    values: Sequence[float] | np.ndarray | pd.Series,
    water_body_types: Sequence[str] | np.ndarray | pd.Series | str | None = None,
) -> np.ndarray:
    """Vectorised :func:`classify_value`: an ``int8`` array of classes 1..6.

    ``parameters`` and ``water_body_types`` are arrays as long as ``values`` or one
    scalar for all (``water_body_types`` may also be a boolean "is lake" array).
    :data:`NO_CLASS` (0) marks a missing value, WT or an unknown parameter.  One stable
    sort of the rows by item, then one ``numpy.searchsorted`` per item and water body.
    """
    v = np.asarray(values, dtype=float)
    codes, uniques = encode_parameters(parameters, v.shape[0])
    return classify_coded(codes, uniques, v, _lake_mask(water_body_types, v.shape[0]))


def _limit_table(uniques: Sequence, no_exceedance: bool = False) -> np.ndarray:
    """(n_items + 1) × 2 (river, lake) × 7 (class 0..6) limits; NaN where none."""
    table = np.full((len(uniques) + 1, 2, 7), np.nan)
    for k, code in enumerate(uniques):
        it = _item_of(code)
        if it is None or it.rule in ("none", "range") or (no_exceedance and code in NO_EXCEEDANCE):
            continue
        table[k, 0, 1:6] = it.limits
        table[k, 1, 1:6] = it.lake_limits or it.limits
    return table


def class_limits_coded(codes: np.ndarray, uniques: Sequence, water_classes: np.ndarray,
                       lake: np.ndarray, no_exceedance: bool = False) -> np.ndarray:
    """:func:`class_limits_array` on encoded parameters (a single table look-up)."""
    cls = np.asarray(water_classes, dtype=float)
    k = np.where(np.isnan(cls) | (cls < 1) | (cls > 5), 0, cls).astype(np.int64)
    rows = np.where(codes < 0, len(uniques), codes)
    return _limit_table(uniques, no_exceedance)[rows, lake.astype(np.int64), k]


def class_limits_array(
    parameters: object, water_classes: object, water_body_types: object = None
) -> np.ndarray:
    """Vectorised :func:`class_limit`: the limit of each row's class (NaN where none)."""
    cls = np.asarray(water_classes, dtype=float)
    codes, uniques = encode_parameters(parameters, cls.shape[0])
    return class_limits_coded(codes, uniques, cls, _lake_mask(water_body_types, cls.shape[0]))


def exceedance_multiple(
    parameter: str, value: float, water_body_type: str = "river"
) -> float | None:
    """超标倍数 (C − C_III) / C_III; None for WT, pH, DO or a missing value.

    Negative when the value is better than Class III (reports show positives only).
    """
    if parameter in NO_EXCEEDANCE or _nan(value):
        return None
    c3 = class_limit(parameter, 3, water_body_type)
    return None if c3 is None else (float(value) - c3) / c3


def exceedance_coded(codes: np.ndarray, uniques: Sequence, values: np.ndarray,
                     lake: np.ndarray) -> np.ndarray:
    """:func:`exceedance_multiples` on encoded parameters."""
    v = np.asarray(values, dtype=float)
    c3 = class_limits_coded(codes, uniques, np.full(v.shape[0], 3.0), lake, no_exceedance=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (v - c3) / c3


def exceedance_multiples(
    parameters: object, values: object, water_body_types: object = None
) -> np.ndarray:
    """Vectorised :func:`exceedance_multiple` (NaN where none)."""
    v = np.asarray(values, dtype=float)
    codes, uniques = encode_parameters(parameters, v.shape[0])
    return exceedance_coded(codes, uniques, v, _lake_mask(water_body_types, v.shape[0]))


def roman(water_class: int | None) -> str:
    """I, II, III, IV, V, 劣V; '—' when unknown."""
    return class_roman(None if water_class is None or _nan(water_class) else int(water_class))


def label_zh(water_class: int | None) -> str | None:
    """The qualitative label 优, 良好, 轻度污染, 中度污染, 重度污染 (None if unknown)."""
    c = None if water_class is None or _nan(water_class) else CLASS_BY_VALUE.get(int(water_class))
    return c.label_zh if c else None


def label_en(water_class: int | None) -> str | None:
    """The English qualitative label (Excellent … Heavily polluted)."""
    c = None if water_class is None or _nan(water_class) else CLASS_BY_VALUE.get(int(water_class))
    return c.label_en if c else None


def format_limit(parameter: str, water_class: int, water_body_type: str = "river") -> str:
    """A limit as reports write it: ``≤1.0``, ``≥5``, ``6–9``."""
    it = item(parameter)
    if it.rule == "range":
        lo, hi = limits(parameter, water_body_type) or (6, 9)
        return f"{lo:g}–{hi:g}"
    lim = class_limit(parameter, water_class, water_body_type)
    if lim is None:
        return ""
    return f"{'≥' if it.rule == 'ge' else '≤'}{lim:g}"
