"""One river's report (一河一策): header, map and the side panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium
import pandas as pd

from ..output_paths import check_output_dir
from ..symbology import CONTROL_UNIT_OUTLINE, DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE
from .basemaps import base_layers
from .context import ExportContext, RiverSelection
from .escaping import safe_filename, text
from .export_options import HtmlExportOptions
from .layer_encoding import bounds_of, box_of_points
from .page import add_controls, add_layers, base_config, new_map, render_map, write_page
from .page_layers import (
    area_swatch,
    background_layers,
    control_unit_layer,
    drinking_layer,
    line_swatch,
    river_style,
    section_layer,
    source_layer,
    vector_layer,
)
from .page_strings import t, with_min_length
from .page_templates import footer_html, label_info, render
from .panels import (
    chiefs,
    legend_html,
    number,
    problems_table,
    projects_table,
    quality_table,
    share_text,
    sources_table,
    table,
    warnings_table,
)
from .report_charts import river_share, section_series
from .report_extras import report_extras

REPORT_SOURCES = ("outfalls", "enterprises", "sewage_plants", "livestock_farms")
HIGHLIGHT = "#08519c"
SIMPLIFY_DEG = 0.0003  # ≈ 30 m: invisible at a river's scale
TRIBUTARY = "#4ba3d9"


def report_filename(code: Any, name: Any) -> str:
    """The report's file name: ``<code>_<name>.html``, safe on Windows and Linux."""
    return safe_filename(f"{text(code)}_{text(name)}")


def _header(ctx: ExportContext, sel: RiverSelection):
    r, lang = sel.river, ctx.lang
    g = sel.group
    length = r.get("length_km")
    facts = [
        {"name": t("water_system", lang), "text": text(r.get("water_system"))},
        {"name": t("length", lang), "text": f"{number(length, 1)} {t('km', lang)}"
         if pd.notna(length) else "—"},
        {"name": t("source_mouth", lang),
         "text": f"{text(r.get('source')) or '—'} → {text(r.get('mouth')) or '—'}"},
        {"name": t("overall", lang),
         "label_badge": label_info(g["label_zh"] if g is not None else None, lang)},
        {"name": t("share_meeting", lang), "text": share_text(g)},
        {"name": t("chiefs", lang), "chiefs": chiefs(ctx.river_chiefs(r["code"]), lang)},
    ]
    return render("header.html.j2", lang, title=t("report_title", lang, river=text(r["name"])),
                  code=text(r["code"]), period=ctx.period_label, facts=facts,
                  synthetic=ctx.synthetic)


def _sources_summary(sel: RiverSelection, lang: str) -> dict:
    from ..symbology import SOURCE_SYMBOLS

    rows = []
    for name in REPORT_SOURCES:
        frame = sel.sources.get(name)
        n = 0 if frame is None else len(frame)
        sym = SOURCE_SYMBOLS[name]
        loads = []
        for col, lbl in (("cod_t_a", "COD"), ("nh3n_t_a", "NH₃-N"), ("tp_t_a", "TP")):
            if frame is not None and col in frame and n:
                loads.append(f"{lbl} {number(pd.to_numeric(frame[col], errors='coerce').sum(), 1)}")
        rows.append({"cells": [sym.label_en if lang == "en" else sym.label_zh,
                               {"text": f"{n:,}", "sort": n},
                               " · ".join(loads) + (" t/a" if loads else "")]})
    return table("summary", [t("sources_summary", lang), t("count", lang), t("loads", lang)],
                 rows, lang, cls="psm-sources")


def _panel(ctx: ExportContext, sel: RiverSelection, secs, located: dict, share) -> str:
    lang = ctx.lang
    code = text(sel.river["code"])
    unlocated = sel.sections.loc[~sel.sections.index.isin(secs.index)]
    feature_of = {c: i for i, c in enumerate(secs["code"].astype(str))}
    warn = ctx.section_warnings(sel.sections["code"])
    probs, projs = ctx.problems(sel.river["code"]), ctx.projects(sel.river["code"])
    stem = safe_filename(code, suffix="")
    blocks = [
        (t("quality_table", lang), quality_table(ctx, secs, unlocated, f"{stem}_sections"), None),
        (t("problems", lang), problems_table(probs, lang, f"{stem}_problems"), None),
        (t("warnings", lang), warnings_table(warn, lang, feature_of, f"{stem}_warnings"),
         "warnings"),
        *report_extras(ctx, sel, secs),
        (t("projects", lang), projects_table(projs, lang, f"{stem}_projects"), None),
        (t("sources_summary", lang), _sources_summary(sel, lang), None),
        (t("sources_table", lang), sources_table(ctx, located, lang, f"{stem}_sources"), None),
    ]
    return render("panel.html.j2", lang, blocks=blocks, share=share)


def build_river_map(db_or_ctx: Any, river_code: str, options: HtmlExportOptions | None = None,
                    **changes: Any) -> folium.Map:
    """River ``river_code``'s report (一河一策) as a ``folium.Map``: the river, its
    tributaries, control units, drinking-water areas, sections and the sources
    discharging to it, with the header, side panel and controls.  Extend it with folium
    calls and ``save()`` it (offline).  ``m.psm_selection`` holds what was selected."""
    ctx = db_or_ctx if isinstance(db_or_ctx, ExportContext) else ExportContext(
        db_or_ctx, options, **changes)
    sel = ctx.select(river_code)
    code = str(sel.river["code"])
    lang = ctx.lang
    river_frame = ctx.layers["rivers"].loc[ctx.layers["rivers"]["code"].astype(str) == code]
    secs, sx, sy = ctx.points("sections", sel.sections)
    ws = sel.river.get("water_system")
    rivers = ctx.layers["rivers"]
    bg_rivers, _ = ctx.longest(rivers.loc[rivers["water_system"] == ws] if pd.notna(ws)
                               else rivers)
    background = background_layers(ctx, bg_rivers, sel.control_units, SIMPLIFY_DEG)
    tribs, min_km = ctx.longest(sel.tributaries)
    fields = ("code", "water_system", "length_km", "source", "mouth")
    vectors = [
        control_unit_layer(ctx, sel.control_units, simplify=SIMPLIFY_DEG),
        drinking_layer(ctx, sel.drinking_water_areas, simplify=SIMPLIFY_DEG),
        vector_layer(ctx, "tributaries", with_min_length(t("tributaries", lang), min_km, lang),
                     tribs, "line", river_style(2.2, 0.85, TRIBUTARY), table="rivers",
                     fields=fields, swatch=line_swatch(TRIBUTARY, 2), simplify=SIMPLIFY_DEG),
        vector_layer(ctx, "river", t("this_river", lang), river_frame, "line",
                     river_style(5, 0.95, HIGHLIGHT), table="rivers", fields=fields,
                     swatch=line_swatch(HIGHLIGHT, 4), simplify=SIMPLIFY_DEG),
    ]
    points = [source_layer(ctx, name, sel.sources[name], cluster=True)
              for name in REPORT_SOURCES]
    located = {name: ctx.points(name, sel.sources[name])[0] for name in REPORT_SOURCES}
    sections = section_layer(ctx, secs)
    sections["timeline"] = ctx.timeline(secs["code"].astype(str).tolist())
    sections["quality"]["series"] = section_series(ctx, secs)
    geom = sel.river.geometry
    river_box = geom.bounds if geom is not None and not geom.is_empty else None
    config = base_config(lang, ctx.origin, bounds_of([river_box, box_of_points(sx, sy)],
                                                     ctx.transform))
    share = river_share(ctx, sel.sections)
    config["share"] = share
    parts = _header(ctx, sel) + _panel(ctx, sel, secs, located, share) + footer_html(lang)
    m = new_map(title=t("report_title", lang, river=text(sel.river["name"])), lang=lang,
                config=config, parts_html=parts, with_panel=True)
    add_layers(m, bases=base_layers(ctx.basemap, ctx.offline, lang, ctx.tianditu_key),
               background=background, vectors=vectors, points=points, sections=sections)
    legend_lines = [
        (line_swatch(HIGHLIGHT, 4), t("this_river", lang)),
        (line_swatch(TRIBUTARY, 2), t("tributaries", lang)),
        (area_swatch(CONTROL_UNIT_OUTLINE, CONTROL_UNIT_OUTLINE, 0.1), t("control_units", lang)),
        (area_swatch(DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE, 0.7), t("drinking_areas", lang)),
    ]
    add_controls(m, legend_html=legend_html(lang, REPORT_SOURCES, legend_lines),
                 districts=ctx.districts(), period=ctx.period_label)
    m.psm_selection = sel
    m.psm_context = ctx
    return m


def river_page(ctx: ExportContext, code: str) -> tuple[str, RiverSelection]:
    """The HTML of river ``code``'s report and its selection."""
    m = build_river_map(ctx, code)
    return render_map(m, offline=ctx.offline), m.psm_selection


def export_river_report(db_or_ctx: Any, river_code: str, out_dir: str | Path,
                        options: HtmlExportOptions | None = None, *,
                        filename: str | None = None, **changes: Any) -> Path:
    """Write river ``river_code``'s report into ``out_dir``; return the file's path.

    ``db_or_ctx`` is a ``core.db`` database or an :class:`ExportContext` (to reuse
    one loaded database for many reports).
    """
    ctx = db_or_ctx if isinstance(db_or_ctx, ExportContext) else ExportContext(
        db_or_ctx, options, **changes)
    out = check_output_dir(out_dir, database=ctx.database_file)
    html, sel = river_page(ctx, river_code)
    name = filename or report_filename(sel.river["code"], sel.river["name"])
    return write_page(out / safe_filename(Path(name).stem), html, ctx.database_file)
