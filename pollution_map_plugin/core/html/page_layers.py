"""Layer payloads for the page's JavaScript: sources, sections, lines and areas.

Styles come from ``core.symbology``; field labels from ``core.schema``.
Layer labels for Leaflet's layer control are HTML (Leaflet writes them with
innerHTML), so they are built here from escaped text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import gb3838
from ..symbology import (
    CONTROL_UNIT_OUTLINE,
    DRINKING_WATER_FILL,
    DRINKING_WATER_OUTLINE,
    RIVER_COLOUR,
    SECTION_LEVEL_SHAPES,
    SOURCE_SYMBOLS,
)
from .escaping import esc
from .layer_encoding import encode_props, quantized
from .page_strings import CODED_VALUES, field_label, label, t, table_label
from .symbols import SECTION_PX, SOURCE_PX, shape_svg, source_symbol_uri

LOADS = ("wastewater_t_a", "cod_t_a", "nh3n_t_a", "tp_t_a")
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprises": ("code", "industry", "category", "status", "permit_no", *LOADS,
                    "outfall", "park_code", "district"),
    "sewage_plants": ("code", "capacity_m3_d", "standard", *LOADS, "outfall", "district"),
    "outfalls": ("code", "type", "owner_code", "river", "reach_code", "discharge_m3_d",
                 "approval_status", "district"),
    "livestock_farms": ("code", "species", "head_count", *LOADS[1:], "district"),
    "petrol_stations": ("code", "district"),
}
SECTION_FIELDS = ("code", "level", "river", "control_unit_code", "water_body_type", "district",
                  "n_samples")
# derived columns → the schema column whose label they take
DERIVED = {"outfall": "outfall_code", "river": "river_code"}
EXTRA_LABELS = {"n_samples": ("样品数", "Samples")}


def label_html(text: str, swatch: str = "", count: int | None = None) -> str:
    """A layer-control label: an optional symbol, the escaped text, the count."""
    n = f' <span class="psm-n">({count:,})</span>' if count is not None else ""
    return f'<span class="psm-lc">{swatch}{esc(text)}{n}</span>'


def line_swatch(colour: str, width: int = 3, dash: str = "") -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg class="psm-sw-svg" width="18" height="12" viewBox="0 0 18 12"><line x1="1" '
            f'y1="6" x2="17" y2="6" stroke="{colour}" stroke-width="{width}"{d}/></svg>')


def area_swatch(fill: str, stroke: str, opacity: float = 0.5) -> str:
    return (f'<svg class="psm-sw-svg" width="18" height="12" viewBox="0 0 18 12"><rect x="1" '
            f'y="1" width="16" height="10" fill="{fill}" fill-opacity="{opacity}" '
            f'stroke="{stroke}"/></svg>')


def _translate(table: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Coded columns (type, status, level …) as their labels."""
    out = frame
    for (tab, col), mapping in CODED_VALUES.items():
        if tab == table and col in frame.columns:
            if out is frame:
                out = frame.copy()
            out[col] = frame[col].map(lambda v, m=mapping: label(m, v, lang) if pd.notna(v)
                                      else None)
    return out


def _fields(table: str, cols: tuple[str, ...], lang: str) -> list[list[str]]:
    out = []
    for c in cols:
        if c in EXTRA_LABELS:
            out.append([c, EXTRA_LABELS[c][1 if lang == "en" else 0], ""])
            continue
        schema_col = DERIVED.get(c, c)
        text = field_label(table, schema_col, lang, unit=False)
        try:
            from ..schema import table as schema_table

            unit = schema_table(table).column(schema_col).unit
        except KeyError:
            unit = ""
        out.append([c, text, unit])
    return out


def _with_name(codes: pd.Series, names: pd.Series) -> list:
    out = []
    for c in codes:
        if c is None or (isinstance(c, float) and pd.isna(c)):
            out.append(None)
            continue
        n = names.get(str(c))
        out.append(f"{n} ({c})" if isinstance(n, str) and n else str(c))
    return out


def source_layer(ctx: Any, name: str, frame, *, cluster: bool = True, show: bool = True) -> dict:
    """A source layer: symbol, coordinates and popup fields."""
    sym = SOURCE_SYMBOLS[name]
    frame, x, y = ctx.points(name, frame)
    data = _translate(name, pd.DataFrame(frame.drop(columns=frame.geometry.name)), ctx.lang)
    if "outfall_code" in data:
        data["outfall"] = _with_name(data["outfall_code"], ctx.names("outfalls"))
    if "river_code" in data:
        data["river"] = _with_name(data["river_code"], ctx.names("rivers"))
    cols = SOURCE_FIELDS.get(name, ("code",))
    x, y = xy_lists(ctx, x, y)
    text = sym.label_en if ctx.lang == "en" else sym.label_zh
    swatch = f'<span class="psm-sw-svg">{shape_svg(sym.shape, sym.colour, 14)}</span>'
    return {
        "id": name, "label": text, "labelHtml": label_html(text, swatch, len(frame)),
        "colour": sym.colour, "symbol": source_symbol_uri(name), "size": SOURCE_PX,
        "cluster": cluster, "show": show,
        "n": len(frame), "x": x, "y": y,
        "props": encode_props(data, ("name", *cols)), "fields": _fields(name, cols, ctx.lang),
    }


def xy_lists(ctx: Any, x, y) -> tuple[list, list]:
    """Coordinates in 1e-5-degree steps from the page origin, shifted by the basemap's
    transform (GCJ-02 for Gaode) if any."""
    if ctx.transform is not None and len(x):
        x, y = ctx.transform(x, y)
    return quantized(x, ctx.origin[0]).tolist(), quantized(y, ctx.origin[1]).tolist()


def _failing_rows(items: Any, lang: str) -> list:
    if not isinstance(items, list):
        return []
    rows = []
    for it in items:
        name = it.get("name_en" if lang == "en" else "name_zh") or it.get("parameter")
        rows.append([name, it.get("value"), it.get("unit") or "", it.get("limit_text") or "",
                     it.get("exceedance")])
    return rows


def _ph_texts(lo: list, hi: list, outside: list, lang: str) -> list[str]:
    """'pH 5.5～8.5（1 个样品超出 6～9）' per section ('' without a pH range)."""
    out = []
    for a, b, n in zip(lo, hi, outside):
        if a is None or b is None:
            out.append("")
            continue
        s = t("ph_range", lang, lo=f"{float(a):g}", hi=f"{float(b):g}")
        if n:
            s += t("ph_outside", lang, n=int(n))
        out.append(s)
    return out


def section_layer(ctx: Any, secs, *, show: bool = True, layer_id: str = "sections") -> dict:
    """Sections: coordinates, class, target, history and failing items."""
    secs, x, y = ctx.points("sections", secs)
    codes = secs["code"].astype(str).tolist()
    res = ctx.results.reindex(codes) if len(ctx.results) else pd.DataFrame(index=codes)

    def col(name: str, default: Any = None) -> list:
        if name in res:
            return [None if (not isinstance(v, (list, dict)) and pd.isna(v)) else v
                    for v in res[name].tolist()]
        return [default] * len(codes)

    cls = [int(v) if v is not None else 0 for v in col("water_class")]
    target = pd.to_numeric(secs["target_class"], errors="coerce").tolist()
    target = [int(v) if pd.notna(v) and 1 <= v <= 6 else None for v in target]
    meets = [None if v is None else int(bool(v)) for v in col("meets_target")]
    main = col("main_pollutants_en" if ctx.lang == "en" else "main_pollutants", "")
    data = _translate("sections", pd.DataFrame(secs.drop(columns=secs.geometry.name)), ctx.lang)
    data["river"] = _with_name(data["river_code"], ctx.names("rivers"))
    data["n_samples"] = col("n_samples", 0)
    raw_level = secs["level"].astype(str).tolist()
    x, y = xy_lists(ctx, x, y)
    text = t("sections", ctx.lang)
    swatch = f'<span class="psm-sw-svg">{shape_svg("star", "#2ca02c", 14)}</span>'
    props = encode_props(data, ("name", *SECTION_FIELDS))
    props["level"] = raw_level  # the JS picks the icon by level; the label goes in "level_text"
    props["level_text"] = encode_props(data, ("level",)).get("level", [])
    fields = [["level_text" if f[0] == "level" else f[0], f[1], f[2]]
              for f in _fields("sections", SECTION_FIELDS, ctx.lang)]
    return {
        "id": layer_id, "label": text, "labelHtml": label_html(text, swatch, len(secs)),
        "show": show, "n": len(secs), "x": x, "y": y, "props": props, "fields": fields,
        "quality": {
            "cls": cls, "target": target, "meets": meets, "main": [m or "" for m in main],
            "hist": [ctx.history.get(c, []) for c in codes],
            "fail": [_failing_rows(v, ctx.lang) for v in col("failing_items", [])],
            "ph": _ph_texts(col("ph_min"), col("ph_max"), col("ph_outside"), ctx.lang),
        },
    }


def vector_layer(ctx: Any, layer_id: str, text: str, frame, kind: str, style: dict, *,
                 show: bool = True, interactive: bool = True, simplify: float = 0.0,
                 table: str = "", fields: tuple[str, ...] = ("code",), swatch: str = "") -> dict:
    """Lines (``kind='line'``) or areas (``'area'``) with a style and popup fields."""
    frame = frame.loc[frame.geometry.notna().to_numpy()] if len(frame) else frame
    props, flds = {}, []
    if interactive and len(frame):
        data = _translate(table, pd.DataFrame(frame.drop(columns=frame.geometry.name)), ctx.lang)
        props = encode_props(data, ("name", *fields))
        flds = _fields(table, fields, ctx.lang)
    return {
        "id": layer_id, "label": text, "labelHtml": label_html(text, swatch, len(frame)),
        "kind": kind, "style": style, "show": show, "interactive": interactive,
        "geom": ctx.encoded(table, frame, kind, simplify), "props": props, "fields": flds,
    }


def river_style(weight: float, opacity: float = 0.9, colour: str = RIVER_COLOUR) -> dict:
    return {"color": colour, "weight": weight, "opacity": opacity}


CONTROL_UNIT_STYLE = {"color": CONTROL_UNIT_OUTLINE, "weight": 1.2, "opacity": 0.8,
                      "dashArray": "5 4", "fillColor": CONTROL_UNIT_OUTLINE, "fillOpacity": 0.04}
DRINKING_STYLE = {"color": DRINKING_WATER_OUTLINE, "weight": 1, "opacity": 0.9,
                  "fillColor": DRINKING_WATER_FILL, "fillOpacity": 0.55}
BACKGROUND_RIVER = {"color": RIVER_COLOUR, "weight": 1, "opacity": 0.45}
BACKGROUND_UNIT = {"color": "#9e9e9e", "weight": 0.8, "opacity": 0.6, "fillColor": "#f3f1ea",
                   "fillOpacity": 0.6}


def control_unit_layer(ctx: Any, frame, *, show: bool = True, simplify: float = 0.0) -> dict:
    return vector_layer(ctx, "control_units", t("control_units", ctx.lang), frame, "area",
                        CONTROL_UNIT_STYLE, show=show, simplify=simplify, table="control_units",
                        fields=("code", "water_system", "outlet_section_code", "district"),
                        swatch=area_swatch(CONTROL_UNIT_OUTLINE, CONTROL_UNIT_OUTLINE, 0.1))


def drinking_layer(ctx: Any, frame, *, show: bool = True, simplify: float = 0.0) -> dict:
    return vector_layer(ctx, "drinking_water_areas", t("drinking_areas", ctx.lang), frame, "area",
                        DRINKING_STYLE, show=show, simplify=simplify,
                        table="drinking_water_areas",
                        fields=("code", "level", "water_body_type", "river_code", "district"),
                        swatch=area_swatch(DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE, 0.7))


def background_layers(ctx: Any, rivers, units, simplify: float = 0.001) -> list[dict]:
    """The "no basemap" background: control units and rivers, not interactive."""
    return [
        vector_layer(ctx, "bg_units", "", units, "area", BACKGROUND_UNIT, interactive=False,
                     simplify=simplify, table="control_units"),
        vector_layer(ctx, "bg_rivers", "", rivers, "line", BACKGROUND_RIVER, interactive=False,
                     simplify=simplify, table="rivers"),
    ]


def section_icon_sizes() -> dict[str, int]:
    return {level: SECTION_PX[level] for level in SECTION_LEVEL_SHAPES}


def item_name(code: str, lang: str) -> str:
    it = gb3838.ITEMS.get(code)
    if it is None:
        return code
    return it.short_en if lang == "en" else it.name_zh


def layer_title(name: str, lang: str) -> str:
    return table_label(name, lang)
