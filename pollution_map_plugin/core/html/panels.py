"""What the pages' header, side panel and legend show, as plain values for the Jinja2
templates (``templates/*.html.j2``, autoescaped): no HTML is built here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..schema import CHIEF_LEVELS
from ..symbology import (
    SECTION_LEVEL_LABELS,
    SECTION_LEVEL_SHAPES,
    SOURCE_SYMBOLS,
    WATER_CLASSES,
    class_colour,
    class_roman,
)
from .escaping import text
from .page_strings import (
    CHIEF_LEVEL_LABELS,
    PROBLEM_STATUS_LABELS,
    WARNING_KIND_LABELS,
    field_label,
    label,
    t,
)
from .page_templates import class_info, render, svg
from .symbols import MISSED_TARGET_STROKE, shape_svg

MAX_ROWS = 2000  # per table (warnings of every period of a river: a few hundred)
OPEN_STATUSES = {"open", "in_progress", "overdue"}


def number(v: Any, digits: int = 1) -> str:
    """A number for display ('' when missing)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return text(v)
    if pd.isna(f):
        return ""
    return f"{f:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{f:,.0f}"


def share_text(group: pd.Series | None) -> str:
    if group is None:
        return "—"
    share = group.get("share_meeting_target")
    if share is None or pd.isna(share):
        return "—"
    return f"{float(share) * 100:.0f}% ({int(group['n_meeting_target'])}/" \
           f"{int(group['n_with_target'])})"


def chiefs(frame: pd.DataFrame, lang: str) -> list[dict]:
    """River chiefs, province first: level, name and post."""
    if frame is None or frame.empty:
        return []
    order = {lvl: i for i, lvl in enumerate(CHIEF_LEVELS)}
    rows = frame.assign(_o=frame["level"].map(order).fillna(99)).sort_values("_o")
    out = []
    for _, r in rows.iterrows():
        post = text(r.get("post"))
        post = (f" ({post})" if lang == "en" else f"（{post}）") if post else ""
        out.append({"level": label(CHIEF_LEVEL_LABELS, r["level"], lang),
                    "name": text(r["name"]), "post": post})
    return out


def table(name: str, headers: list[str], rows: list[dict], lang: str, cls: str = "",
          total: int | None = None, file: str = "") -> dict:
    """A table for ``macros.html.j2``: rows of ``{"cells": [...], "attrs": {...}}``."""
    more = t("more_rows", lang, n=(total or 0) - len(rows)) if total else ""
    return {"name": name, "headers": headers, "rows": rows, "cls": cls or f"psm-{name}",
            "total": total, "more": more, "file": file or name}


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


def quality_table(ctx: Any, secs: pd.DataFrame, unlocated: pd.DataFrame | None = None,
                  file: str = "sections") -> dict:
    """The sections (in the order of the map's section layer, each row linked to its
    marker), then the sections without coordinates ("not located")."""
    rows = []
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
            info = class_info(wc, ctx.lang)
            rows.append({
                "cells": [
                    {"text": text(name), "span": "psm-link" if on_map else "",
                     "sub": code if on_map else f"{code} · {t('not_located', ctx.lang)}"},
                    {"badge": info, "sort": info["value"] if info else 99,
                     "csv": info["roman"] if info else t("no_data", ctx.lang),
                     "cls": "psm-cls-cell"},
                    class_roman(int(tc)) if pd.notna(tc) else "—",
                    {"text": meets_txt, "span": "psm-miss" if miss else "",
                     "cls": "psm-meets-cell"},
                    text(main)],
                "attrs": {"data-psm-feature": f"sections:{i}", "tabindex": "0"}
                if on_map else {}})
            i += on_map
    heads = [t(k, ctx.lang) for k in ("section", "class", "target", "meets", "main_pollutants")]
    return table("quality", heads, rows, ctx.lang, file=file)


def problems_table(problems: pd.DataFrame, lang: str, file: str = "problems") -> dict:
    p = problems.sort_values("deadline", na_position="last") if "deadline" in problems \
        else problems
    rows = []
    for _, r in p.head(MAX_ROWS).iterrows():
        status = str(r.get("status") or "")
        deadline = text(r.get("deadline"))[:10]
        rows.append({"cells": [
            {"text": text(r.get("description")), "span": "psm-desc",
             "sub": " · ".join(x for x in (text(r.get("location")), text(r.get("code"))) if x)},
            {"text": label(PROBLEM_STATUS_LABELS, status, lang),
             "span": f"psm-status psm-status-{status}"},
            deadline, text(r.get("responsible"))],
            "attrs": {"data-psm-deadline": deadline,
                      "data-psm-open": "1" if status in OPEN_STATUSES else "0"}})
    heads = [field_label("problems", "description", lang)] + [
        t(k, lang) for k in ("status", "deadline", "responsible")]
    return table("problems", heads, rows, lang, total=len(problems), file=file)


def warnings_table(warnings: pd.DataFrame, lang: str, feature_of: dict | None = None,
                   file: str = "warnings") -> dict:
    """Warnings, each row dated (the time slider shows the period's) and linked to its
    section's marker when ``feature_of`` (section code → index) has it."""
    rows = []
    if warnings is not None and len(warnings):
        w = warnings.sort_values("sampled_on", ascending=False, kind="stable")
        for _, r in w.head(MAX_ROWS).iterrows():
            unit = text(r.get("unit"))
            date = text(r.get("sampled_on"))[:10]
            attrs = {"data-psm-date": date}
            code = text(r.get("section_code"))
            if feature_of and code in feature_of:
                attrs.update({"data-psm-feature": f"sections:{feature_of[code]}",
                              "tabindex": "0"})
            rows.append({"cells": [
                text(r.get("section_name") or r.get("section_code")),
                text(r.get("name_zh") if lang == "zh" else r.get("parameter")),
                {"text": f"{number(r.get('value'), 3)} {unit}".strip(),
                 "sort": number(r.get("value"), 6).replace(",", "")},
                text(r.get("limit_text")), date,
                {"text": label(WARNING_KIND_LABELS, r.get("kind"), lang),
                 "span": f"psm-kind psm-kind-{text(r.get('kind'))}"}],
                "attrs": attrs})
    heads = [t(k, lang) for k in ("section", "parameter", "value", "limit", "date", "kind")]
    total = 0 if warnings is None else len(warnings)
    return table("warnings", heads, rows, lang, total=total, file=file)


def projects_table(projects: pd.DataFrame, lang: str, file: str = "projects") -> dict:
    rows = []
    for _, r in projects.head(MAX_ROWS).iterrows():
        try:
            pct = max(0.0, min(100.0, float(r.get("progress"))))
        except (TypeError, ValueError):
            pct = float("nan")
        bar = None if pd.isna(pct) else round(pct)
        rows.append({"cells": [
            {"text": text(r.get("measure")), "sub": text(r.get("code"))},
            {"bar": bar, "sort": "" if bar is None else bar,
             "csv": "" if bar is None else f"{bar}%"},
            text(r.get("deadline"))[:10]]})
    heads = [t("projects", lang), t("progress", lang), t("deadline", lang)]
    return table("projects", heads, rows, lang, total=len(projects), file=file)


LOAD_COLUMNS = (("cod_t_a", "COD"), ("nh3n_t_a", "NH₃-N"), ("tp_t_a", "TP"))


def sources_table(ctx: Any, located: dict[str, pd.DataFrame], lang: str,
                  file: str = "sources") -> dict:
    """Every source on the map, linked to its marker: type, name, code, loads (t/a)."""
    rows = []
    for name, frame in located.items():
        sym = SOURCE_SYMBOLS[name]
        kind = sym.label_en if lang == "en" else sym.label_zh
        loads = {c: pd.to_numeric(frame[c], errors="coerce").tolist() if c in frame
                 else [None] * len(frame) for c, _ in LOAD_COLUMNS}
        dist = frame["district"].tolist() if "district" in frame else [None] * len(frame)
        for i, (code, nm) in enumerate(zip(frame["code"].astype(str), frame["name"])):
            if len(rows) >= MAX_ROWS:
                break
            rows.append({"cells": [kind, {"text": text(nm), "span": "psm-link"}, code,
                                   text(dist[i])]
                         + [{"text": number(loads[c][i], 2),
                             "sort": "" if pd.isna(loads[c][i]) else loads[c][i]}
                            for c, _ in LOAD_COLUMNS],
                         "attrs": {"data-psm-feature": f"{name}:{i}", "tabindex": "0"}})
    total = sum(len(f) for f in located.values())
    heads = [t("kind", lang), field_label("enterprises", "name", lang, unit=False),
             field_label("enterprises", "code", lang, unit=False),
             field_label("enterprises", "district", lang, unit=False)] + [
        f"{lbl} (t/a)" for _, lbl in LOAD_COLUMNS]
    return table("sources", heads, rows, lang, total=total, file=file)


def legend_html(lang: str, sources: Iterable[str], lines: list[tuple[str, str]]):
    """The legend (a <template> the page's JS puts in a map control)."""
    classes = [{"colour": c.colour, "roman": c.roman,
                "label": c.label_en if lang == "en" else c.label_zh} for c in WATER_CLASSES]
    levels = []
    for level, shape in SECTION_LEVEL_SHAPES.items():
        zh, en = SECTION_LEVEL_LABELS[level]
        levels.append({"svg": svg(shape_svg(shape, class_colour(3), 14)),
                       "label": en if lang == "en" else zh})
    levels.append({"svg": svg(shape_svg("circle", class_colour(5), 14, MISSED_TARGET_STROKE,
                                        2.6)), "label": t("misses_target", lang)})
    srcs = [{"svg": svg(shape_svg(SOURCE_SYMBOLS[s].shape, SOURCE_SYMBOLS[s].colour, 14)),
             "label": SOURCE_SYMBOLS[s].label_en if lang == "en" else SOURCE_SYMBOLS[s].label_zh}
            for s in sources if s in SOURCE_SYMBOLS]
    rows = [{"svg": svg(sw), "label": name} for sw, name in lines]
    return render("legend.html.j2", lang, classes=classes, levels=levels, sources=srcs,
                  lines=rows)


def districts_table(stats: pd.DataFrame | None, lang: str, file: str = "districts") -> dict:
    """Statistics by district: sections, share meeting target, sources and loads."""
    rows = []
    if stats is not None:
        for r in stats.to_dict("records"):
            share = r.get("share_meeting_target")
            pct = "" if share is None or pd.isna(share) else f"{float(share) * 100:.0f}%"
            n_src = sum(int(r.get(k) or 0) for k in r if str(k).startswith("n_"))
            rows.append({"cells": [
                text(r.get("district")), {"text": f"{int(r.get('sections') or 0)}",
                                          "sort": int(r.get("sections") or 0)},
                {"text": pct, "sort": "" if not pct else float(share)},
                {"text": f"{n_src:,}", "sort": n_src}]
                + [{"text": number(r.get(c), 1), "sort": "" if pd.isna(r.get(c)) else r.get(c)}
                   for c, _ in LOAD_COLUMNS]})
    heads = [t("district", lang), t("sections", lang), t("share_meeting", lang),
             t("sources_legend", lang)] + [f"{lbl} (t/a)" for _, lbl in LOAD_COLUMNS]
    return table("districts", heads, rows, lang, file=file)
