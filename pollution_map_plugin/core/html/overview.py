"""The overview: every source and section of the database on one map.

Sources are clustered per type and styled per type from ``core.symbology``;
the data is embedded column-wise and markers are made in a loop in the page,
which keeps a Chongqing-scale overview (≈ 40,000 sources) small and fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from ..output_paths import check_output_dir
from ..schema import SOURCE_LAYERS
from ..symbology import (
    CONTROL_UNIT_OUTLINE,
    DRINKING_WATER_FILL,
    DRINKING_WATER_OUTLINE,
    RIVER_COLOUR,
    WATER_CLASSES,
)
from .basemaps import base_layers
from .context import ExportContext
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
from .page_templates import footer_html, render
from .panels import (
    districts_table,
    legend_html,
    problems_table,
    quality_table,
    warnings_table,
)

SIMPLIFY_DEG = 0.0005  # ≈ 50 m: invisible at overview scales, much smaller files
AREA_SIMPLIFY_DEG = 0.001  # ≈ 100 m for areas: under a pixel at the overview's zooms
MAX_RIVERS = 1000  # the longest rivers (Chongqing has 36,000, mostly brooks)


def _class_counts(ctx: ExportContext) -> list[dict]:
    if not len(ctx.results):
        return []
    counts = ctx.results["water_class"].value_counts()
    out = []
    for c in WATER_CLASSES:
        n = int(counts.get(c.value, 0))
        if n:
            out.append({"roman": c.roman, "colour": c.colour, "dark": c.value == 4, "n": n})
    return out


def _header(ctx: ExportContext, counts: dict[str, int]):
    lang = ctx.lang
    from ..symbology import SOURCE_SYMBOLS

    src = " · ".join(
        f"{SOURCE_SYMBOLS[n].label_en if lang == 'en' else SOURCE_SYMBOLS[n].label_zh} "
        f"{counts.get(n, 0):,}" for n in SOURCE_LAYERS if n in SOURCE_SYMBOLS)
    facts = [
        {"name": t("database", lang), "text": ctx.database_label},
        {"name": t("sections", lang), "text": f"{counts.get('sections', 0):,}",
         "badges": _class_counts(ctx)},
        {"name": t("sources_legend", lang), "text": src},
    ]
    return render("header.html.j2", lang, title=t("overview_title", lang), code="",
                  period=ctx.period_label, facts=facts, synthetic=ctx.synthetic)


def _panel(ctx: ExportContext, secs) -> str:
    lang = ctx.lang
    feature_of = {c: i for i, c in enumerate(secs["code"].astype(str))}
    problems = ctx.tables["problems"]
    return render("panel.html.j2", lang, blocks=[
        (t("quality_table", lang), quality_table(ctx, secs, file="overview_sections"), None),
        (t("by_district", lang), districts_table(ctx.district_table(), lang,
                                                 file="overview_districts"), None),
        (t("warnings", lang), warnings_table(ctx.warnings, lang, feature_of,
                                             file="overview_warnings"), "warnings"),
        (t("problems", lang), problems_table(problems, lang, file="overview_problems"), None),
    ], share=None)


def build_overview_map(db_or_ctx: Any, options: HtmlExportOptions | None = None,
                       **changes: Any) -> folium.Map:
    """The overview as a ``folium.Map``: every source and section of the database, the
    rivers, control units and drinking-water areas, with the page's controls.  Extend it
    with folium calls and ``save()`` it (offline)."""
    ctx = db_or_ctx if isinstance(db_or_ctx, ExportContext) else ExportContext(
        db_or_ctx, options, **changes)
    lang = ctx.lang
    L = ctx.layers  # noqa: N806 - a short alias
    rivers, min_km = ctx.longest(L["rivers"], MAX_RIVERS)
    vectors = [
        control_unit_layer(ctx, L["control_units"], simplify=AREA_SIMPLIFY_DEG),
        drinking_layer(ctx, L["drinking_water_areas"], show=False, simplify=AREA_SIMPLIFY_DEG),
        vector_layer(ctx, "rivers", with_min_length(t("rivers", lang), min_km, lang), rivers,
                     "line", river_style(1.8, 0.85), simplify=SIMPLIFY_DEG, table="rivers",
                     fields=("code", "water_system", "length_km", "source", "mouth"),
                     swatch=line_swatch(RIVER_COLOUR, 2)),
    ]
    # the background reuses the control units' geometry (no second copy in the file)
    bg = background_layers(ctx, L["rivers"].iloc[0:0], L["control_units"].iloc[0:0])[0]
    bg.pop("geom", None)
    background = [dict(bg, geomFrom="control_units")]
    points = [source_layer(ctx, name, L[name], cluster=True)
              for name in SOURCE_LAYERS if name in L]
    secs, sx, sy = ctx.points("sections")
    sections = section_layer(ctx, secs)
    sections["timeline"] = ctx.timeline(secs["code"].astype(str).tolist())
    boxes = [box_of_points(sx, sy), tuple(L["control_units"].total_bounds)]
    boxes += [box_of_points(*ctx.points(name)[1:]) for name in SOURCE_LAYERS]
    config = base_config(lang, ctx.origin, bounds_of(boxes, ctx.transform))
    counts = {p["id"]: p["n"] for p in points}
    counts["sections"] = len(secs)
    parts = _header(ctx, counts) + _panel(ctx, secs) + footer_html(lang)
    m = new_map(title=t("overview_title", lang), lang=lang, config=config, parts_html=parts,
                with_panel=True)
    add_layers(m, bases=base_layers(ctx.basemap, ctx.offline, lang, ctx.tianditu_key),
               background=background, vectors=vectors, points=points, sections=sections)
    lines = [
        (line_swatch(RIVER_COLOUR, 2), t("rivers", lang)),
        (area_swatch(CONTROL_UNIT_OUTLINE, CONTROL_UNIT_OUTLINE, 0.1), t("control_units", lang)),
        (area_swatch(DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE, 0.7), t("drinking_areas", lang)),
    ]
    add_controls(m, legend_html=legend_html(lang, SOURCE_LAYERS, lines),
                 districts=ctx.districts(), period=ctx.period_label)
    m.psm_context = ctx
    return m


def overview_page(ctx: ExportContext) -> str:
    """The HTML of the overview page."""
    return render_map(build_overview_map(ctx), offline=ctx.offline)


def export_overview(db_or_ctx: Any, out_dir: str | Path,
                    options: HtmlExportOptions | None = None, *,
                    filename: str = "overview.html", **changes: Any) -> Path:
    """Write the overview page into ``out_dir``; return its path (``options`` and the
    keyword ``changes`` as for ``export_all``)."""
    ctx = db_or_ctx if isinstance(db_or_ctx, ExportContext) else ExportContext(
        db_or_ctx, options, **changes)
    out = check_output_dir(out_dir, database=ctx.database_file)
    return write_page(out / filename, overview_page(ctx), ctx.database_file)
