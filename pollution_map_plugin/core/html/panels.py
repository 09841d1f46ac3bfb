"""Server-side HTML of the pages: header, side panel, legend.  Every value is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..schema import CHIEF_LEVELS
from ..symbology import (
    CLASS_BY_VALUE,
    LABEL_COLOURS,
    LABEL_EN,
    NO_DATA_COLOUR,
    SECTION_LEVEL_LABELS,
    SECTION_LEVEL_SHAPES,
    SOURCE_SYMBOLS,
    WATER_CLASSES,
    class_colour,
    class_roman,
)
from .escaping import esc, text
from .page_strings import (
    CHIEF_LEVEL_LABELS,
    PROBLEM_STATUS_LABELS,
    WARNING_KIND_LABELS,
    field_label,
    label,
    t,
)
from .symbols import MISSED_TARGET_STROKE, shape_svg

MAX_ROWS = 200
DARK_TEXT_CLASSES = {4}  # yellow needs dark text


def number(v: Any, digits: int = 1) -> str:
    """A number for display ('' when missing)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return esc(v)
    if pd.isna(f):
        return ""
    return f"{f:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{f:,.0f}"


def class_badge(value: Any, lang: str, short: bool = False) -> str:
    """A coloured badge 'III · 良好' for a class (1..6), or 'no data'; ``short`` keeps only
    the Roman numeral in English (the label goes into the tooltip)."""
    try:
        v = int(value) if value is not None and not pd.isna(value) else None
    except (TypeError, ValueError):
        v = None
    c = CLASS_BY_VALUE.get(v) if v else None
    if c is None:
        return f'<span class="psm-badge" style="background:{NO_DATA_COLOUR}">' \
               f'{esc(t("no_data", lang))}</span>'
    dark = " psm-badge-dark" if v in DARK_TEXT_CLASSES else ""
    lbl = c.label_en if lang == "en" else c.label_zh
    text_ = esc(c.roman) if short and lang == "en" else f"{esc(c.roman)} · {esc(lbl)}"
    return f'<span class="psm-badge{dark}" style="background:{c.colour}" ' \
           f'title="{esc(lbl)}">{text_}</span>'


def label_badge(label_zh: Any, lang: str) -> str:
    """A badge for a river/watershed label (优 … 重度污染)."""
    if not isinstance(label_zh, str) or label_zh not in LABEL_COLOURS:
        return class_badge(None, lang)
    dark = " psm-badge-dark" if label_zh == "轻度污染" else ""
    shown = LABEL_EN[label_zh] if lang == "en" else label_zh
    return f'<span class="psm-badge{dark}" style="background:{LABEL_COLOURS[label_zh]}">' \
           f'{esc(shown)}</span>'


def share_text(group: pd.Series | None) -> str:
    if group is None:
        return "—"
    share = group.get("share_meeting_target")
    if share is None or pd.isna(share):
        return "—"
    return f"{float(share) * 100:.0f}% ({int(group['n_meeting_target'])}/" \
           f"{int(group['n_with_target'])})"


def fact(name: str, value_html: str) -> str:
    return f'<div class="psm-fact"><dt>{esc(name)}</dt><dd>{value_html}</dd></div>'


def chiefs_html(chiefs: pd.DataFrame, lang: str) -> str:
    if chiefs is None or chiefs.empty:
        return esc(t("none", lang))
    order = {lvl: i for i, lvl in enumerate(CHIEF_LEVELS)}
    rows = chiefs.assign(_o=chiefs["level"].map(order).fillna(99)).sort_values("_o")
    parts = []
    for _, r in rows.iterrows():
        post = esc(r.get("post"))
        post = (f" ({post})" if lang == "en" else f"（{post}）") if post else ""
        level = esc(label(CHIEF_LEVEL_LABELS, r["level"], lang))
        parts.append(f'<span class="psm-chief"><b>{level}</b> {esc(r["name"])}{post}</span>')
    return " ".join(parts)


def synthetic_note(ctx: Any) -> str:
    if not ctx.synthetic:
        return ""
    return f'<p class="psm-synthetic" role="note">{esc(t("synthetic", ctx.lang))}</p>'


def table_html(headers: Iterable[str], rows: list[list[str]], lang: str, cls: str = "",
               row_attrs: list[str] | None = None, total: int | None = None) -> str:
    """A table from already-escaped cells; '无' when empty; a note when cut."""
    if not rows:
        return f'<p class="psm-empty">{esc(t("none", lang))}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        attrs = row_attrs[i] if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    more = ""
    if total is not None and total > len(rows):
        more = f'<p class="psm-more">{esc(t("more_rows", lang, n=total - len(rows)))}</p>'
    return (f'<div class="psm-table-wrap"><table class="psm-table {cls}"><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table></div>{more}')


def problems_html(problems: pd.DataFrame, lang: str) -> str:
    rows = []
    p = problems.sort_values("deadline", na_position="last") if "deadline" in problems else problems
    for _, r in p.head(MAX_ROWS).iterrows():
        status = str(r.get("status") or "")
        rows.append([
            f'<span class="psm-desc">{esc(r.get("description"))}</span>'
            f'<span class="psm-sub">{esc(r.get("location"))} · {esc(r.get("code"))}</span>',
            f'<span class="psm-status psm-status-{esc(status)}">'
            f'{esc(label(PROBLEM_STATUS_LABELS, status, lang))}</span>',
            esc(r.get("deadline")), esc(r.get("responsible")),
        ])
    heads = [field_label("problems", "description", lang)] + [
        t(k, lang) for k in ("status", "deadline", "responsible")]
    return table_html(heads, rows, lang, "psm-problems", total=len(problems))


def warnings_html(warnings: pd.DataFrame, lang: str) -> str:
    rows = []
    for _, r in warnings.head(MAX_ROWS).iterrows():
        unit = text(r.get("unit"))
        rows.append([
            esc(r.get("section_name") or r.get("section_code")),
            esc(r.get("name_zh") if lang == "zh" else r.get("parameter")),
            f"{number(r.get('value'), 3)} {esc(unit)}".strip(),
            esc(r.get("limit_text")), esc(r.get("sampled_on")),
            f'<span class="psm-kind psm-kind-{esc(r.get("kind"))}">'
            f'{esc(label(WARNING_KIND_LABELS, r.get("kind"), lang))}</span>',
        ])
    heads = [t(k, lang) for k in ("section", "parameter", "value", "limit", "date", "kind")]
    return table_html(heads, rows, lang, "psm-warnings", total=len(warnings))


def projects_html(projects: pd.DataFrame, lang: str) -> str:
    rows = []
    for _, r in projects.head(MAX_ROWS).iterrows():
        try:
            pct = max(0.0, min(100.0, float(r.get("progress"))))
        except (TypeError, ValueError):
            pct = float("nan")
        bar = "" if pd.isna(pct) else (
            f'<div class="psm-bar" role="progressbar" aria-valuenow="{pct:.0f}" '
            f'aria-valuemin="0" aria-valuemax="100"><span style="width:{pct:.0f}%"></span></div>'
            f'<span class="psm-pct">{pct:.0f}%</span>')
        rows.append([f'{esc(r.get("measure"))}<span class="psm-sub">{esc(r.get("code"))}</span>',
                     bar, esc(r.get("deadline"))])
    heads = [t("projects", lang), t("progress", lang), t("deadline", lang)]
    return table_html(heads, rows, lang, "psm-projects", total=len(projects))


def _meets_text(r, lang: str) -> tuple[str, bool]:
    """(text, is a miss) of a section's result row: yes / no / no target / no data."""
    if r is None:
        return t("no_data", lang), False
    status = r.get("status") if hasattr(r, "get") else None
    meets = r["meets_target"]
    if status == "no_data" or pd.isna(r["water_class"]):
        return t("no_data", lang), False
    if status == "no_target" or meets is None or pd.isna(meets):
        return t("no_target", lang), False
    return t("yes" if meets else "no", lang), not bool(meets)


def quality_rows(ctx: Any, secs: pd.DataFrame,
                 unlocated: pd.DataFrame | None = None) -> tuple[list[list[str]], list[str]]:
    """Rows of the section table (in the order of the map's section layer), then the
    sections without coordinates ("not located", not on the map)."""
    rows, attrs = [], []
    res = ctx.results
    frames = [(secs, True)] + ([(unlocated, False)] if unlocated is not None else [])
    i = 0
    for frame, on_map in frames:
        for code, name, tc in zip(frame["code"].astype(str), frame["name"],
                                  frame["target_class"]):
            r = res.loc[code] if len(res) and code in res.index else None
            wc = r["water_class"] if r is not None else None
            main = (r["main_pollutants_en" if ctx.lang == "en" else "main_pollutants"]
                    if r is not None else "")
            meets_txt, miss = _meets_text(r, ctx.lang)
            where = "" if on_map else (f'<span class="psm-sub">'
                                       f'{esc(t("not_located", ctx.lang))}</span>')
            rows.append([
                f'<span class="{"psm-link" if on_map else ""}">{esc(name)}</span>{where}',
                class_badge(wc, ctx.lang, short=True),
                esc(class_roman(int(tc)) if pd.notna(tc) else "—"),
                f'<span class="{"psm-miss" if miss else ""}">{esc(meets_txt)}</span>',
                esc(main),
            ])
            attrs.append(f' data-psm-section="{i}" tabindex="0"' if on_map else "")
            i += on_map
    return rows, attrs


def legend_html(lang: str, sources: Iterable[str], lines: list[tuple[str, str]]) -> str:
    """The legend (a <template> the page's JS puts in a map control)."""
    rows = [f'<div class="psm-lg-title">{esc(t("class", lang))}</div>']
    for c in WATER_CLASSES:
        lbl = c.label_en if lang == "en" else c.label_zh
        rows.append(f'<div class="psm-lg-row"><span class="psm-sw" style="background:{c.colour}">'
                    f'</span>{esc(c.roman)} {esc(lbl)}</div>')
    rows.append(f'<div class="psm-lg-row"><span class="psm-sw" style="background:'
                f'{NO_DATA_COLOUR}"></span>{esc(t("no_data", lang))}</div>')
    rows.append(f'<div class="psm-lg-title">{esc(t("section_levels", lang))}</div>')
    for level, shape in SECTION_LEVEL_SHAPES.items():
        zh, en = SECTION_LEVEL_LABELS[level]
        name = esc(en if lang == "en" else zh)
        rows.append(f'<div class="psm-lg-row"><span class="psm-sw-svg">'
                    f'{shape_svg(shape, class_colour(3), 14)}</span>{name}</div>')
    rows.append(f'<div class="psm-lg-row"><span class="psm-sw-svg">'
                f'{shape_svg("circle", class_colour(5), 14, MISSED_TARGET_STROKE, 2.6)}</span>'
                f'{esc(t("misses_target", lang))}</div>')
    srcs = [s for s in sources if s in SOURCE_SYMBOLS]
    if srcs:
        rows.append(f'<div class="psm-lg-title">{esc(t("sources_legend", lang))}</div>')
        for s in srcs:
            sym = SOURCE_SYMBOLS[s]
            rows.append(f'<div class="psm-lg-row"><span class="psm-sw-svg">'
                        f'{shape_svg(sym.shape, sym.colour, 14)}</span>'
                        f'{esc(sym.label_en if lang == "en" else sym.label_zh)}</div>')
    for swatch, name in lines:
        rows.append(f'<div class="psm-lg-row">{swatch}{esc(name)}</div>')
    return (f'<template id="psm-legend-tpl"><details open><summary>{esc(t("legend", lang))}'
            f'</summary><div class="psm-lg-body">{"".join(rows)}</div></details></template>')
