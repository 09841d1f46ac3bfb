"""The overview: every source and section of the database on one map.

Sources are clustered per type and styled per type from ``core.symbology``;
the data is embedded column-wise and markers are made in a loop in the page,
which keeps a Chongqing-scale overview (≈ 40,000 sources) small and fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from .escaping import esc
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
from .panels import fact, legend_html, synthetic_note

SIMPLIFY_DEG = 0.0005  # ≈ 50 m: invisible at overview scales, much smaller files
AREA_SIMPLIFY_DEG = 0.001  # ≈ 100 m for areas: under a pixel at the overview's zooms
MAX_RIVERS = 1000  # the longest rivers (Chongqing has 36,000, mostly brooks)


def _class_counts(ctx: ExportContext) -> str:
    if not len(ctx.results):
        return "—"
    counts = ctx.results["water_class"].value_counts()
    parts = []
    for c in WATER_CLASSES:
        n = int(counts.get(c.value, 0))
        if n:
            dark = " psm-badge-dark" if c.value == 4 else ""
            parts.append(f'<span class="psm-badge{dark}" style="background:{c.colour}">'
                         f'{esc(c.roman)} {n}</span>')
    return " ".join(parts) or "—"


def _header(ctx: ExportContext, counts: dict[str, int]) -> str:
    lang = ctx.lang
    from ..symbology import SOURCE_SYMBOLS

    src = " · ".join(
        f"{esc(SOURCE_SYMBOLS[n].label_en if lang == 'en' else SOURCE_SYMBOLS[n].label_zh)} "
        f"{counts.get(n, 0):,}" for n in SOURCE_LAYERS if n in SOURCE_SYMBOLS)
    facts = [
        fact(t("database", lang), esc(ctx.database_label)),
        fact(t("period", lang), esc(ctx.period_label) or "—"),
        fact(t("sections", lang), f"{counts.get('sections', 0):,} &nbsp;{_class_counts(ctx)}"),
        fact(t("sources_legend", lang), src),
    ]
    return (f'<header class="psm-header"><div class="psm-title-row"><h1>'
            f'{esc(t("overview_title", lang))}</h1></div><dl class="psm-facts">{"".join(facts)}'
            f'</dl>{synthetic_note(ctx)}</header>')


def overview_page(ctx: ExportContext) -> str:
    """The HTML of the overview page."""
    lang = ctx.lang
    L = ctx.layers  # noqa: N806 - a short alias
    payload = base_payload(lang, ctx.origin)
    payload["bases"] = base_layers(ctx.basemap, ctx.offline, lang, ctx.tianditu_key)
    rivers, min_km = ctx.longest(L["rivers"], MAX_RIVERS)
    # the background reuses the control units' geometry (no second copy in the file)
    payload["background"] = [dict(background_layers(ctx, L["rivers"].iloc[0:0],
                                                    L["control_units"].iloc[0:0])[0],
                                  geomFrom="control_units")]
    payload["vectors"] = [
        control_unit_layer(ctx, L["control_units"], simplify=AREA_SIMPLIFY_DEG),
        drinking_layer(ctx, L["drinking_water_areas"], show=False, simplify=AREA_SIMPLIFY_DEG),
        vector_layer(ctx, "rivers", with_min_length(t("rivers", lang), min_km, lang), rivers,
                     "line", river_style(1.8, 0.85), simplify=SIMPLIFY_DEG, table="rivers",
                     fields=("code", "water_system", "length_km", "source", "mouth"),
                     swatch=line_swatch(RIVER_COLOUR, 2)),
    ]
    payload["points"] = [source_layer(ctx, name, L[name], cluster=True)
                         for name in SOURCE_LAYERS if name in L]
    secs, sx, sy = ctx.points("sections")
    payload["sections"] = section_layer(ctx, secs)
    boxes = [box_of_points(sx, sy), tuple(L["control_units"].total_bounds)]
    boxes += [box_of_points(*ctx.points(name)[1:]) for name in SOURCE_LAYERS]
    payload["bounds"] = bounds_of(boxes, ctx.transform)
    counts = {p["id"]: p["n"] for p in payload["points"]}
    counts["sections"] = len(secs)
    lines = [
        (line_swatch(RIVER_COLOUR, 2), t("rivers", lang)),
        (area_swatch(CONTROL_UNIT_OUTLINE, CONTROL_UNIT_OUTLINE, 0.1), t("control_units", lang)),
        (area_swatch(DRINKING_WATER_FILL, DRINKING_WATER_OUTLINE, 0.7), t("drinking_areas", lang)),
    ]
    return render_page(title=t("overview_title", lang), lang=lang, payload=payload,
                       header_html=_header(ctx, counts), legend_html=legend_html(
                           lang, SOURCE_LAYERS, lines), offline=ctx.offline)


def export_overview(db_or_ctx: Any, out_dir: str | Path,
                    options: HtmlExportOptions | None = None, *,
                    filename: str = "overview.html", **changes: Any) -> Path:
    """Write the overview page into ``out_dir``; return its path (``options`` and the
    keyword ``changes`` as for ``export_all``)."""
    ctx = db_or_ctx if isinstance(db_or_ctx, ExportContext) else ExportContext(
        db_or_ctx, options, **changes)
    out = check_output_dir(out_dir, database=ctx.database_file)
    return write_page(out / filename, overview_page(ctx), ctx.database_file)



