"""Per-item loads of every source: given (measured or permitted) or estimated.

The coefficients live in one settings file, ``trace_coefficients.json`` next to this
module; :func:`load_trace_settings` reads it and lays a user file (or a dict) over it,
key by key.  Their sources are documented in the user guide (``docs/usage.md``,
"Tracing sources per exceeding item").

Where a load comes from (``BASIS``):

* ``measured`` / ``permitted`` — the source's own COD, NH3-N or TP load (t/a).  Which of
  the two a table holds is its ``load_basis`` column where present (measured/permitted,
  实测/许可), else the settings' ``given_load_basis``;
* ``estimated`` — from the source's type and size:
  sewage plants capacity (m³/d) × 365 × the effluent limit of their discharge standard
  grade (GB 18918-2002); livestock farms head count × pig equivalents per head × the
  per-pig excretion × the share reaching water; enterprises wastewater (t/a, else the
  median of their industry in the data, else a default) × the GB 8978-1996 grade-1
  limit, for the items their industry can emit; petrol stations petroleum only (a
  nominal load); outfalls without listed dischargers discharge × a concentration by
  outfall type.  Outfalls with dischargers only carry their dischargers' loads: they
  get none of their own, so nothing counts twice;
* ``proxy`` — CODMn, BOD5 and DO from the COD and NH3-N loads (``proxies``); the basis
  then says ``proxy``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_SETTINGS_PATH = Path(__file__).with_name("trace_coefficients.json")
#: Basis codes of a load, by index.
BASIS = ("none", "measured", "permitted", "estimated", "proxy")
_BASIS_WORDS = {"measured": 1, "实测": 1, "监测": 1, "permitted": 2, "许可": 2,
                "estimated": 3, "估算": 3}
#: Item → the source table's load column.
GIVEN = {"COD": "cod_t_a", "NH3N": "nh3n_t_a", "TP": "tp_t_a"}
#: Source-type groups of the shares.
SOURCE_GROUPS = ("industry", "sewage", "livestock", "other")


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


@dataclass(frozen=True)
class TraceSettings:
    """The coefficients of an item-matched trace (see the module docstring)."""

    data: dict = field(repr=False)
    origin: str = str(DEFAULT_SETTINGS_PATH)

    @property
    def short_list_share(self) -> float:
        return float(self.data["short_list_share"])

    @property
    def velocity_m_s(self) -> float:
        return float(self.data["decay"]["velocity_m_s"])

    def k_per_day(self, item: str) -> float:
        return float(self.data["decay"]["k_per_day"].get(item, 0.0))

    def decay_per_km(self, item: str) -> float:
        """First-order decay per km of network: k (1/d) / (velocity (m/s) × 86.4 km/d)."""
        return self.k_per_day(item) / (self.velocity_m_s * 86.4)

    def items(self) -> list[str]:
        """Every item a load can be modelled for."""
        d = self.data
        out = list(GIVEN) + list(d["proxies"]) + list(d["industrial_effluent_mg_l"])
        return list(dict.fromkeys(out))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", json.dumps(self.data, sort_keys=True,
                                                    ensure_ascii=False))

    def fingerprint(self) -> str:
        """The coefficients as canonical JSON (equal settings, equal text)."""
        return self._key  # type: ignore[attr-defined]


def load_trace_settings(path: str | Path | None = None,
                        overrides: dict | None = None) -> TraceSettings:
    """The default coefficients with a user JSON file and/or a dict laid over them.

    Bad files or values raise ValueError naming the file and the key.
    """
    data = json.loads(DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8"))
    origin = str(DEFAULT_SETTINGS_PATH)
    if path is not None:
        p = Path(path)
        try:
            user = json.loads(p.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ValueError(f"cannot read the trace settings file {p}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"the trace settings file {p} is not valid JSON: {exc}") from None
        if not isinstance(user, dict):
            raise ValueError(f"the trace settings file {p} must hold a JSON object")
        data, origin = _merge(data, user), f"{origin} + {p}"
    if overrides:
        data, origin = _merge(data, overrides), f"{origin} + parameters"
    _check(data, origin)
    return TraceSettings(data, origin)


def _check(d: dict, origin: str) -> None:
    def number(value: Any, key: str, positive: bool = False) -> None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        if not ok or (positive and not value > 0):
            raise ValueError(f"trace settings ({origin}): {key} must be a number "
                             f"{'> 0' if positive else '>= 0'}, not {value!r}")

    number(d["decay"]["velocity_m_s"], "decay.velocity_m_s", positive=True)
    for item, k in d["decay"]["k_per_day"].items():
        number(k, f"decay.k_per_day.{item}")
    share = d["short_list_share"]
    number(share, "short_list_share", positive=True)
    if share > 1:
        raise ValueError(f"trace settings ({origin}): short_list_share must be <= 1")
    if str(d["given_load_basis"]) not in ("measured", "permitted"):
        raise ValueError(f"trace settings ({origin}): given_load_basis must be "
                         "'measured' or 'permitted'")
    for key in ("livestock_share_to_water", "enterprise_default_wastewater_t_a",
                "petrol_station_oil_t_a"):
        number(d[key], key)


# ------------------------------------------------------------------ estimates
@dataclass
class ItemLoads:
    """One item's load (t/a, NaN: the source cannot emit it) and basis of every source."""

    item: str
    load: np.ndarray
    basis: np.ndarray  # int8 index into BASIS


def _text(a) -> np.ndarray:
    return np.array(["" if v is None or v != v else str(v) for v in a], dtype=object)


def _num(a) -> np.ndarray:
    return np.asarray(a, dtype=float)


def _keyword_class(texts: np.ndarray, keywords: dict[str, list[str]]) -> np.ndarray:
    """The first key whose keywords occur in each text ("" if none)."""
    out = np.full(len(texts), "", dtype=object)
    cache: dict[str, str] = {}
    for i, t in enumerate(texts):
        if t not in cache:
            low = t.lower()
            cache[t] = next((k for k, words in keywords.items()
                             if any(w.lower() in low for w in words)), "")
        out[i] = cache[t]
    return out


def source_groups(layer: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Index into SOURCE_GROUPS of each source (outfalls by their type)."""
    layer, kind = _text(layer), _text(kind)
    g = np.full(len(layer), 3, dtype=np.int8)
    g[layer == "enterprises"] = 0
    g[layer == "sewage_plants"] = 1
    g[layer == "livestock_farms"] = 2
    out = layer == "outfalls"
    g[out & (kind == "industrial")] = 0
    g[out & (kind == "sewage_plant")] = 1
    return g


class LoadModel:
    """Per-item loads of a tracer's source arrays (``columns``), made once per item."""

    def __init__(self, columns: dict[str, np.ndarray], settings: TraceSettings) -> None:
        self.settings = settings
        c = columns
        n = len(c["layer"])
        self.n = n
        self.layer = _text(c["layer"])
        self.kind = _text(c["type"])
        self.group = source_groups(self.layer, self.kind)
        self.carrier = (self.layer == "outfalls") & (_num(c["n_dischargers"]) > 0)
        self._given = {item: _num(c[col]) for item, col in GIVEN.items()}
        self._wastewater = _num(c["wastewater_t_a"])
        self._discharge = _num(c["discharge_m3_d"])
        self._capacity = _num(c.get("capacity_m3_d", np.full(n, np.nan)))
        self._heads = _num(c.get("head_count", np.full(n, np.nan)))
        words = _text(c.get("load_basis", np.full(n, None, dtype=object)))
        default = _BASIS_WORDS[settings.data["given_load_basis"]]
        self._given_basis = np.array([_BASIS_WORDS.get(w.strip().lower(), default)
                                      for w in words], dtype=np.int8)
        self._cache: dict[str, ItemLoads] = {}

    def loads(self, item: str) -> ItemLoads:
        """The ``item`` loads of every source (made on first use)."""
        if item not in self._cache:
            self._cache[item] = self._make(item)
        return self._cache[item]

    def _make(self, item: str) -> ItemLoads:
        d = self.settings.data
        if item in d["proxies"]:
            load = np.zeros(self.n)
            basis = np.zeros(self.n, dtype=np.int8)
            known = np.zeros(self.n, dtype=bool)
            for other, factor in d["proxies"][item].items():
                part = self.loads(other)
                ok = np.isfinite(part.load)
                load[ok] += float(factor) * part.load[ok]
                known |= ok
            basis[known] = BASIS.index("proxy")
            load[~known] = np.nan
            return ItemLoads(item, load, basis)
        load = np.full(self.n, np.nan)
        basis = np.zeros(self.n, dtype=np.int8)
        if item in GIVEN:
            given = self._given[item]
            ok = np.isfinite(given) & ~self.carrier
            load[ok], basis[ok] = given[ok], self._given_basis[ok]
        est = self._estimate(item)
        fill = ~np.isfinite(load) & np.isfinite(est) & ~self.carrier
        load[fill], basis[fill] = est[fill], BASIS.index("estimated")
        return ItemLoads(item, load, basis)

    def _estimate(self, item: str) -> np.ndarray:
        d = self.settings.data
        est = np.full(self.n, np.nan)
        # sewage plants: capacity × effluent limit of the standard grade
        is_plant = self.layer == "sewage_plants"
        if is_plant.any():
            conc = self._grade_conc(self.kind[is_plant], item)
            est[is_plant] = self._capacity[is_plant] * 365.0 * conc / 1e6
        # livestock: heads × pig equivalents × per-pig excretion × share to water
        per_pig = d["livestock_kg_per_pig_year"].get(item)
        is_farm = self.layer == "livestock_farms"
        if per_pig is not None and is_farm.any():
            species = _keyword_class(self.kind[is_farm], d["livestock_species_keywords"])
            eq = np.array([float(d["livestock_pig_equivalents"].get(s, 1.0)) for s in species])
            est[is_farm] = (self._heads[is_farm] * eq * float(per_pig)
                            * float(d["livestock_share_to_water"]) / 1000.0)
        # enterprises: wastewater × GB 8978 grade-1 limit, where the industry emits it
        is_ent = self.layer == "enterprises"
        limit = d["industrial_effluent_mg_l"].get(item)
        if limit is not None and is_ent.any():
            emits = self._industry_emits(item)
            water = self._wastewater.copy()
            water[is_ent] = self._fill_wastewater(is_ent)
            sel = is_ent & emits
            est[sel] = water[sel] * float(limit) / 1e6
        # petrol stations: petroleum only
        if item == "Oil":
            est[self.layer == "petrol_stations"] = float(d["petrol_station_oil_t_a"])
        # outfalls without dischargers: discharge × concentration by type
        lone = (self.layer == "outfalls") & ~self.carrier & np.isfinite(self._discharge)
        if lone.any():
            conc = np.array([self._outfall_conc(k, item) for k in self.kind[lone]])
            est[lone] = self._discharge[lone] * 365.0 * conc / 1e6
        return est

    def _grade_conc(self, standards: np.ndarray, item: str) -> np.ndarray:
        table = self.settings.data["sewage_plant_effluent_mg_l"]
        default = table.get("_default")

        def grade(s: str) -> dict:
            s = s.replace(" ", "").upper().replace("Ⅰ", "I").replace("Ⅳ", "IV")
            for key, val in table.items():
                if key.startswith("_"):
                    continue
                k = key.upper().replace("Ⅰ", "I").replace("Ⅳ", "IV")
                if k and k in s:
                    return val
            return table.get(default, {}) if isinstance(default, str) else {}

        return np.array([float(grade(s).get(item, np.nan)) for s in standards])

    def _outfall_conc(self, kind: str, item: str) -> float:
        d = self.settings.data
        spec = d["outfall_effluent_mg_l"].get(kind, d["outfall_effluent_mg_l"].get("other"))
        if spec == "industrial":
            spec = d["industrial_effluent_mg_l"]
        elif isinstance(spec, str):
            spec = d["sewage_plant_effluent_mg_l"].get(spec, {})
        return float((spec or {}).get(item, np.nan))

    def _industry_emits(self, item: str) -> np.ndarray:
        table = self.settings.data["industry_items"]
        keys = {k: [w for w in k.split("|") if w] for k in table if not k.startswith("_")}
        cls = _keyword_class(self.kind, keys)
        default = set(table.get("_default", []))
        return np.array([item in (table[c] if c else default) for c in cls], dtype=bool)

    def _fill_wastewater(self, is_ent: np.ndarray) -> np.ndarray:
        """Enterprise wastewater (t/a): given, else the median of the same industry text
        in the data, else of all enterprises, else the settings' default."""
        water = self._wastewater[is_ent].copy()
        kinds = self.kind[is_ent]
        known = np.isfinite(water)
        fallback = (float(np.median(water[known])) if known.any() else
                    float(self.settings.data["enterprise_default_wastewater_t_a"]))
        if known.all():
            return water
        med: dict[str, float] = {}
        for k in np.unique(kinds[known]).tolist():
            med[k] = float(np.median(water[known & (kinds == k)]))
        missing = ~known
        water[missing] = [med.get(k, fallback) for k in kinds[missing]]
        return water


def item_code(text: str) -> str:
    """A user's item name (NH3N, NH3-N, 氨氮, nh3_n …) as the GB 3838 code; ValueError."""
    from pollution_map_plugin.core import gb3838

    raw = str(text).strip()
    squeeze = re.sub(r"[\s_\-]", "", raw).lower()
    codes = {c.lower(): c for c in gb3838.ITEMS}
    if squeeze in codes:
        return codes[squeeze]
    if squeeze in _ALIASES:
        return _ALIASES[squeeze]
    for code, it in gb3838.ITEMS.items():
        if raw in (it.name_zh, it.name_en):
            return code
    raise ValueError(f"unknown item {text!r}; use a GB 3838 code such as NH3N, TP, COD, "
                     "CODMn, Oil")


_ALIASES = {
    "nh3n": "NH3N", "nh3": "NH3N", "nh4n": "NH3N", "氨氮": "NH3N", "tp": "TP", "总磷": "TP",
    "cod": "COD", "codcr": "COD", "化学需氧量": "COD", "codmn": "CODMn",
    "高锰酸盐指数": "CODMn", "bod5": "BOD5", "bod": "BOD5", "五日生化需氧量": "BOD5",
    "do": "DO", "溶解氧": "DO", "oil": "Oil", "petroleum": "Oil", "石油类": "Oil",
    "tn": "TN", "总氮": "TN", "cr6": "Cr6", "六价铬": "Cr6", "cd": "Cd", "镉": "Cd",
    "pb": "Pb", "铅": "Pb", "hg": "Hg", "汞": "Hg", "as": "As", "砷": "As", "cu": "Cu",
    "铜": "Cu", "zn": "Zn", "锌": "Zn", "cn": "CN", "氰化物": "CN", "vphen": "VPhen",
    "挥发酚": "VPhen", "f": "F", "氟化物": "F", "s2": "S2", "硫化物": "S2", "las": "LAS",
    "阴离子表面活性剂": "LAS", "se": "Se", "硒": "Se", "ph": "pH",
}
