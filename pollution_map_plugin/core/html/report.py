"""One river's report (一河一策): header, map and the side panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..output_paths import check_output_dir
from ..symbology import CONTROL_UNIT_OUTLINE, DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE
from .basemaps import base_layers
from .context import ExportContext, RiverSelection
from .escaping import esc, safe_filename, text
from .export_options import HtmlExportOptions
from .layer_encoding import bounds_of, box_of_points
from .page import base_payload, render_page, write_page
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
from .panels import (
    chiefs_html,
    fact,
    label_badge,
    legend_html,
    number,
    problems_html,
    projects_html,
    quality_rows,
    share_text,
    synthetic_note,
    table_html,
    warnings_html,
)

REPORT_SOURCES = ("outfalls", "enterprises", "sewage_plants", "livestock_farms")
HIGHLIGHT = "#08519c"
SIMPLIFY_DEG = 0.0003  # ≈ 30 m: invisible at a river's scale
TRIBUTARY = "#4ba3d9"


def report_filename(code: Any, name: Any) -> str:
    """The report's file name: ``<code>_<name>.html``, safe on Windows and Linux."""
    return safe_filename(f"{text(code)}_{text(name)}")


def _header(ctx: ExportContext, sel: RiverSelection) -> str:
    r, lang = sel.river, ctx.lang
    title = t("report_title", lang, river=text(r["name"]))
    g = sel.group
    label_zh = g["label_zh"] if g is not None else None
    length = r.get("length_km")
    facts = [
        fact(t("water_system", lang), esc(r.get("water_system"))),
        fact(t("length", lang), f"{number(length, 1)} {esc(t('km', lang))}"
             if pd.notna(length) else "—"),
        fact(t("source_mouth", lang), f"{esc(r.get('source')) or '—'} → "
                                      f"{esc(r.get('mouth')) or '—'}"),
        fact(t("period", lang), esc(ctx.period_label) or "—"),
        fact(t("overall", lang), label_badge(label_zh, lang)),
        fact(t("share_meeting", lang), esc(share_text(g))),
        fact(t("chiefs", lang), chiefs_html(ctx.river_chiefs(r["code"]), lang)),
    ]
    return (f'<header class="psm-header"><div class="psm-title-row"><h1>{esc(title)}</h1>'
            f'<span class="psm-sub">{esc(r["code"])}</span></div>'
            f'<dl class="psm-facts">{"".join(facts)}</dl>{synthetic_note(ctx)}</header>')


def _sources_summary(ctx: ExportContext, sel: RiverSelection) -> str:
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
        rows.append([esc(sym.label_en if ctx.lang == "en" else sym.label_zh), f"{n:,}",
                     esc(" · ".join(loads) + (" t/a" if loads else ""))])
    return table_html([t("sources_summary", ctx.lang), t("count", ctx.lang),
                       t("loads", ctx.lang)], rows, ctx.lang, "psm-sources")


def _panel(ctx: ExportContext, sel: RiverSelection, secs) -> str:
    lang = ctx.lang
    unlocated = sel.sections.loc[~sel.sections.index.isin(secs.index)]
    rows, attrs = quality_rows(ctx, secs, unlocated)
    warn = ctx.section_warnings(sel.sections["code"])
    probs, projs = ctx.problems(sel.river["code"]), ctx.projects(sel.river["code"])
    parts = [
        f'<h2>{esc(t("quality_table", lang))} <span class="psm-n">({len(rows)})</span></h2>',
        table_html([t("section", lang), t("class", lang), t("target", lang), t("meets", lang),
                    t("main_pollutants", lang)], rows, lang, "psm-quality", attrs),
        f'<h2>{esc(t("problems", lang))} <span class="psm-n">({len(probs)})</span></h2>',
        problems_html(probs, lang),
        f'<h2>{esc(t("warnings", lang))} <span class="psm-n">({len(warn)})</span></h2>',
        warnings_html(warn, lang) if len(warn) else table_html([], [], lang),
        f'<h2>{esc(t("projects", lang))} <span class="psm-n">({len(projs)})</span></h2>',
        projects_html(projs, lang),
        f'<h2>{esc(t("sources_summary", lang))}</h2>', _sources_summary(ctx, sel),
    ]
    return f'<aside class="psm-panel">{"".join(parts)}</aside>'


def river_page(ctx: ExportContext, code: str) -> tuple[str, RiverSelection]:
    """The HTML of river ``code``'s report and its selection."""
    sel = ctx.select(code)
    lang = ctx.lang
    river_frame = ctx.layers["rivers"].loc[ctx.layers["rivers"]["code"].astype(str) == str(code)]
    secs, sx, sy = ctx.points("sections", sel.sections)
    payload = base_payload(lang, ctx.origin)
    payload["bases"] = base_layers(ctx.basemap, ctx.offline, lang, ctx.tianditu_key)
    ws = sel.river.get("water_system")
    rivers = ctx.layers["rivers"]
    bg_rivers, _ = ctx.longest(rivers.loc[rivers["water_system"] == ws] if pd.notna(ws)
                               else rivers)
    payload["background"] = background_layers(ctx, bg_rivers, sel.control_units, SIMPLIFY_DEG)
    tribs, min_km = ctx.longest(sel.tributaries)
    fields = ("code", "water_system", "length_km", "source", "mouth")
    payload["vectors"] = [
        control_unit_layer(ctx, sel.control_units, simplify=SIMPLIFY_DEG),
        drinking_layer(ctx, sel.drinking_water_areas, simplify=SIMPLIFY_DEG),
        vector_layer(ctx, "tributaries", with_min_length(t("tributaries", lang), min_km, lang),
                     tribs, "line", river_style(2.2, 0.85, TRIBUTARY), table="rivers",
                     fields=fields, swatch=line_swatch(TRIBUTARY, 2), simplify=SIMPLIFY_DEG),
        vector_layer(ctx, "river", t("this_river", lang), river_frame, "line",
                     river_style(5, 0.95, HIGHLIGHT), table="rivers", fields=fields,
                     swatch=line_swatch(HIGHLIGHT, 4), simplify=SIMPLIFY_DEG),
    ]
    payload["points"] = [source_layer(ctx, name, sel.sources[name], cluster=True)
                         for name in REPORT_SOURCES]
    payload["sections"] = section_layer(ctx, secs)
    geom = sel.river.geometry
    river_box = geom.bounds if geom is not None and not geom.is_empty else None
    payload["bounds"] = bounds_of([river_box, box_of_points(sx, sy)], ctx.transform)
    legend_lines = [
        (line_swatch(HIGHLIGHT, 4), t("this_river", lang)),
        (line_swatch(TRIBUTARY, 2), t("tributaries", lang)),
        (area_swatch(CONTROL_UNIT_OUTLINE, CONTROL_UNIT_OUTLINE, 0.1), t("control_units", lang)),
        (area_swatch(DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE, 0.7), t("drinking_areas", lang)),
    ]
    html = render_page(
        title=t("report_title", lang, river=text(sel.river["name"])), lang=lang, payload=payload,
        header_html=_header(ctx, sel), panel_html=_panel(ctx, sel, secs),
        legend_html=legend_html(lang, REPORT_SOURCES, legend_lines), offline=ctx.offline,
    )
    return html, sel


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
