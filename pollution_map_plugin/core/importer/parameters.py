"""Water-quality parameters, units and measured values as monitoring stations write them.

* ``parameter_code("氨氮")`` → ``"NH3N"``: the 24 item codes of GB 3838-2002 Table 1
  (and water temperature) from Chinese names, chemical notation or the codes, and
  the two measured-only parameters of the lakes' trophic state: chlorophyll a
  (``chla``: 叶绿素a, 叶绿素α, Chl-a; mg/m³ = µg/L, mg/L × 1000) and transparency
  (``SD``: 透明度, Secchi depth; m, cm × 0.01); and GB 3838 Table 2's supplementary
  items of drinking-water sources (硫酸盐 ``SO4``, 氯化物 ``Cl``, 硝酸盐氮 ``NO3N``,
  铁 ``Fe``, 锰 ``Mn``, mg/L).  They are stored, never part of a class.
* ``unit_factor("NH3N", "µg/L")`` → ``0.001``: the factor to the item's standard unit
  (``STANDARD_UNITS``); an empty unit means the standard unit.
* ``parse_value("0.02L")`` → ``Measured(nan, True, 0.02)``: ``0.02L``, ``ND``,
  ``未检出``, ``<0.02``, ``ND(0.02)`` are below detection (value NaN, never zero).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from ..gb3838 import ITEMS
from .cell_parsers import number_text

# code: (Chinese name, other spellings)
PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pH": ("pH", ("ph值", "酸碱度")),
    "DO": ("溶解氧", ("do", "溶氧")),
    "CODMn": ("高锰酸盐指数", ("codmn", "cod_mn", "cod-mn", "imn", "高锰酸钾指数")),
    "COD": ("化学需氧量", ("cod", "codcr", "cod_cr", "cod-cr", "化学耗氧量")),
    "BOD5": ("五日生化需氧量", ("bod5", "bod", "bod_5", "生化需氧量")),
    "NH3N": ("氨氮", ("nh3n", "nh3-n", "nh3_n", "nh4-n", "nh4+-n", "氨氮(nh3-n)")),
    "TP": ("总磷", ("tp", "总磷(以p计)")),
    "TN": ("总氮", ("tn", "总氮(以n计)", "总氮(湖、库,以n计)")),
    "Cu": ("铜", ("cu", "总铜")),
    "Zn": ("锌", ("zn", "总锌")),
    "F": ("氟化物", ("f", "f-", "氟化物(以f-计)", "氟")),
    "Se": ("硒", ("se", "总硒")),
    "As": ("砷", ("as", "总砷")),
    "Hg": ("汞", ("hg", "总汞")),
    "Cd": ("镉", ("cd", "总镉")),
    "Cr6": ("六价铬", ("cr6", "cr6+", "cr(vi)", "cr(ⅵ)", "铬(六价)")),
    "Pb": ("铅", ("pb", "总铅")),
    "CN": ("氰化物", ("cn", "cn-", "总氰化物")),
    "VPhen": ("挥发酚", ("vphen", "挥发性酚", "挥发酚类")),
    "Oil": ("石油类", ("oil", "油类")),
    "LAS": ("阴离子表面活性剂", ("las",)),
    "S2": ("硫化物", ("s2", "s2-")),
    "FC": ("粪大肠菌群", ("fc", "粪大肠菌群数", "粪大肠杆菌")),
    "WT": ("水温", ("wt", "温度", "watertemperature")),
    # not in GB 3838: measured for the trophic state of lakes and reservoirs
    "chla": ("叶绿素a", ("叶绿素α", "叶绿素", "chl-a", "chl.a", "chl_a", "chlorophyll-a",
                      "叶绿素a(chla)", "叶绿素a(chl-a)")),
    "SD": ("透明度", ("sd", "secchidepth", "transparency", "透明度(sd)", "塞氏盘透明度")),
    # GB 3838 Table 2: supplementary items of centralised drinking-water sources
    "SO4": ("硫酸盐", ("so4", "so42-", "so4(2-)", "硫酸根", "硫酸盐(以so42-计)", "sulfate",
                    "sulphate")),
    "Cl": ("氯化物", ("cl", "cl-", "氯化物(以cl-计)", "氯离子", "chloride")),
    "NO3N": ("硝酸盐氮", ("no3n", "no3-n", "no3_n", "硝酸盐(以n计)", "硝酸盐氮(以n计)",
                      "nitrate", "nitrate-n")),
    "Fe": ("铁", ("fe", "总铁", "iron")),
    "Mn": ("锰", ("mn", "总锰", "manganese")),
}
PARAMETER_CODES = tuple(PARAMETERS)

#: The unit every value is stored in, per item, as in ``core.gb3838`` ("" for pH).
STANDARD_UNITS: dict[str, str] = {code: ITEMS[code].unit for code in PARAMETERS}

_CONCENTRATION = {
    "mg/l": 1.0, "毫克/升": 1.0, "mg/dm3": 1.0, "g/m3": 1.0, "ppm": 1.0,
    "μg/l": 1e-3, "ug/l": 1e-3, "微克/升": 1e-3, "mcg/l": 1e-3, "ppb": 1e-3,
    "ng/l": 1e-6, "纳克/升": 1e-6,
}
_DIMENSIONLESS = {"": 1.0, "无量纲": 1.0, "无": 1.0, "-": 1.0, "/": 1.0, "ph": 1.0,
                  "dimensionless": 1.0, "ph单位": 1.0}
_COUNTS = {"个/l": 1.0, "mpn/l": 1.0, "cfu/l": 1.0,
           "个/100ml": 10.0, "mpn/100ml": 10.0, "cfu/100ml": 10.0,
           "个/ml": 1000.0, "mpn/ml": 1000.0, "cfu/ml": 1000.0}
# chlorophyll a in mg/m³ (= µg/L); transparency in m
_CHLOROPHYLL = {"mg/m3": 1.0, "μg/l": 1.0, "ug/l": 1.0, "微克/升": 1.0, "mcg/l": 1.0,
                "毫克/立方米": 1.0, "mg/l": 1000.0, "毫克/升": 1000.0, "ng/l": 1e-3}
_LENGTH = {"m": 1.0, "米": 1.0, "cm": 0.01, "厘米": 0.01}
_TEMPERATURE = {"℃": 1.0, "°c": 1.0, "c": 1.0, "摄氏度": 1.0, "度": 1.0, "oc": 1.0}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).lower())


_LOOKUP: dict[str, str] = {}
for _code, (_zh, _others) in PARAMETERS.items():
    for _name in (_code, _zh, *_others, ITEMS[_code].name_zh, ITEMS[_code].short_en,
                  ITEMS[_code].name_en):
        _LOOKUP[_key(_name)] = _code


def parameter_code(name) -> str | None:
    """The item code for a Chinese/English name or code, or None if unknown."""
    if name is None:
        return None
    key = _key(name)
    if key in _LOOKUP:
        return _LOOKUP[key]
    stripped = re.sub(r"[(\[（【].*?[)\]）】]$", "", key).strip()  # 氟化物(以F-计)
    return _LOOKUP.get(stripped)


def unit_factor(code: str, unit) -> float:
    """Factor from ``unit`` to the standard unit of item ``code``; ValueError if unknown."""
    key = _key(unit or "").replace("µ", "μ").replace("·", "")
    if code == "pH":
        table = _DIMENSIONLESS
    elif code == "FC":
        table = {**_COUNTS, "": 1.0}
    elif code == "WT":
        table = {**_TEMPERATURE, "": 1.0}
    elif code == "chla":
        table = {**_CHLOROPHYLL, "": 1.0}
    elif code == "SD":
        table = {**_LENGTH, "": 1.0}
    else:
        table = {**_CONCENTRATION, "": 1.0}
    if key not in table:
        shown = STANDARD_UNITS[code] or "no unit"
        raise ValueError(f"unknown unit {unit!r} for {code} (expected e.g. {shown})")
    return table[key]


@dataclass(frozen=True)
class Measured:
    """A parsed value: NaN with ``below_detection`` when not detected."""

    value: float
    below_detection: bool
    detection_limit: float

    def scaled(self, factor: float) -> Measured:
        return Measured(self.value * factor, self.below_detection, self.detection_limit * factor)


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_L_RE = re.compile(rf"^({_NUMBER})\s*L$", re.IGNORECASE)
_LT_RE = re.compile(rf"^(?:<|＜|≤|<=)\s*({_NUMBER})$")
_ND_RE = re.compile(
    rf"^(?:ND|N\.D\.|未检出|低于检出限|未检测到)\s*(?:[(\[]\s*({_NUMBER})\s*[)\]])?$", re.IGNORECASE
)
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")


def parse_value(raw) -> Measured:
    """Parse a measured value; ValueError with a reason for anything else.

    Numbers and numeric text are values; ``0.02L`` / ``<0.02`` / ``ND`` /
    ``ND(0.02)`` / ``未检出`` are below detection with the limit when given.
    """
    if isinstance(raw, bool) or raw is None:
        raise ValueError("missing value")
    if isinstance(raw, (int, float)):
        if not math.isfinite(float(raw)):
            raise ValueError("missing value")
        return Measured(float(raw), False, math.nan)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        raise ValueError("missing value")
    text = number_text(text)  # 0,025 → 0.025; an ambiguous 1,234 raises
    if _NUMBER_RE.match(text):
        return Measured(float(text), False, math.nan)
    for pattern in (_L_RE, _LT_RE):
        match = pattern.match(text)
        if match:
            limit = float(match.group(1))
            if limit <= 0:
                raise ValueError(f"detection limit must be positive: {raw!r}")
            return Measured(math.nan, True, limit)
    match = _ND_RE.match(text)
    if match:
        limit = float(match.group(1)) if match.group(1) else math.nan
        return Measured(math.nan, True, limit)
    raise ValueError(f"not a value: {raw!r} (expected a number, 0.02L, <0.02, ND or 未检出)")
