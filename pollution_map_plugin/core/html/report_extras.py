"""The assessment's other findings in a river report, from the assessment service's
bundle: the change against the period before (per section, and the river's ΔG, ΔD,
ΔG−ΔD), the trophic state of lakes and reservoirs, drinking-water source areas out
of compliance, and the sources behind each failing section (the tracing service)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from .escaping import text
from .page_strings import t
from .page_templates import render
from .panels import number, table


def _num(v: Any, digits: int = 1, signed: bool = False) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "—"
    if pd.isna(f):
        return "—"
    return f"{f:+.{digits}f}" if signed else f"{f:.{digits}f}"


def change_block(ctx: Any, sel: Any) -> Markup | None:
    """The change against the period before: the river's words with ΔG, ΔD, ΔG−ΔD and
    each section's class before and after with the method's words."""
    b = ctx.bundle
    if b is None or b.change is None or not len(b.change):
        return None
    lang = ctx.lang
    codes = set(sel.sections["code"].astype(str))
    ch = b.change.loc[b.change["section_code"].astype(str).isin(codes)]
    if not len(ch):
        return None
    words = "change_method_en" if lang == "en" else "change_method_zh"
    rows = [{"cells": [text(r.get("name") or r.get("section_code")),
                       text(r.get("roman_before")) or "—", text(r.get("roman_after")) or "—",
                       text(r.get(words) or r.get("change_en" if lang == "en" else "change_zh"))]}
            for r in ch.to_dict("records")]
    summary = ""
    gc = getattr(b, "group_change", None)
    if gc is not None and len(gc):
        g = gc.loc[(gc["by"] == "river") & (gc["group"].astype(str) == str(sel.river["code"]))]
        if len(g):
            r = g.iloc[0]
            summary = t("change_summary", lang, words=text(r.get(words)) or "—",
                        dg=_num(r.get("delta_g"), signed=True),
                        dd=_num(r.get("delta_d"), signed=True),
                        gd=_num(r.get("delta_g_minus_d"), signed=True))
    before, after = b.compare if b.compare else ("", "")
    tab = table("change", [t("section", lang), text(before), text(after), t("change", lang)],
                rows, lang, file=f"{text(sel.river['code'])}_change")
    return render("extra_block.html.j2", lang, title=t("change_title", lang, before=before,
                                                       after=after),
                  summary=summary, tab=tab)


def trophic_block(ctx: Any, sel: Any) -> Markup | None:
    """Lakes and reservoirs: TLI(Σ) and trophic state (and TN, reported apart)."""
    res = ctx.results
    if not len(res) or "tli" not in res:
        return None
    codes = sel.sections["code"].astype(str)
    r = res.loc[res.index.isin(set(codes))]
    r = r.loc[pd.to_numeric(r["tli"], errors="coerce").notna()]
    if not len(r):
        return None
    lang = ctx.lang
    state = "trophic_state_en" if lang == "en" and "trophic_state_en" in r else "trophic_state"
    rows = [{"cells": [text(x.get("name") or x.get("section_code")),
                       {"text": number(x.get("tli"), 2), "sort": x.get("tli")},
                       text(x.get(state)), text(x.get("tli_parameters")),
                       f"{number(x.get('tn_value'), 2)}" if "tn_value" in r else ""]}
            for x in r.to_dict("records")]
    tab = table("trophic", [t("section", lang), "TLI(Σ)", t("trophic_state", lang),
                            t("tli_items", lang), "TN (mg/L)"], rows, lang,
                file=f"{text(sel.river['code'])}_trophic")
    return render("extra_block.html.j2", lang, title=t("trophic_title", lang), summary="",
                  tab=tab)


def drinking_block(ctx: Any, sel: Any) -> Markup | None:
    """Drinking-water source areas of the river whose sections miss the required class."""
    b = ctx.bundle
    dw = getattr(b, "drinking_water", None) if b is not None else None
    if dw is None or not len(dw):
        return None
    lang = ctx.lang
    codes = set(sel.sections["code"].astype(str))
    areas = set(sel.drinking_water_areas["code"].astype(str)) \
        if "code" in sel.drinking_water_areas else set()
    d = dw.loc[dw["section_code"].astype(str).isin(codes) | dw["area_code"].astype(str).isin(areas)]
    if not len(d):
        return None
    rows = []
    for r in d.to_dict("records"):
        ok = r.get("complies")
        verdict = t("no_data", lang) if ok is None or pd.isna(ok) else t("yes" if ok else "no",
                                                                       lang)
        zone = r.get("zone_level_zh") if lang == "zh" else r.get("zone_level")
        rows.append({"cells": [
            text(r.get("area_name") or r.get("area_code")), text(zone),
            text(r.get("section_name") or r.get("section_code")), text(r.get("roman")),
            {"text": verdict, "span": "psm-miss" if ok is False else ""},
            text(r.get("failing_items_text"))]})
    tab = table("drinking", [t("drinking_areas", lang), t("zone", lang), t("section", lang),
                             t("class", lang), t("complies", lang), t("failing_target", lang)],
                rows, lang, file=f"{text(sel.river['code'])}_drinking")
    return render("extra_block.html.j2", lang, title=t("drinking_title", lang), summary="",
                  tab=tab)


def trace_block(ctx: Any, sel: Any) -> Markup | None:
    """The main sources behind each failing section, with their shares (the tracing
    service); None when the service is not available here."""
    fn = ctx.trace_sources() if hasattr(ctx, "trace_sources") else None
    if fn is None:
        return None
    rows = fn(sel)
    if not rows:
        return None
    lang = ctx.lang
    tab = table("trace", [t("section", lang), t("source", lang), t("kind", lang),
                          t("share", lang)], rows, lang,
                file=f"{text(sel.river['code'])}_trace")
    return render("extra_block.html.j2", lang, title=t("trace_title", lang), summary="",
                  tab=tab)


def report_extras(ctx: Any, sel: Any, secs: Any) -> list[Markup]:  # noqa: ARG001
    """Every block that has something to say, in reading order."""
    blocks = [trace_block(ctx, sel), change_block(ctx, sel), trophic_block(ctx, sel),
              drinking_block(ctx, sel)]
    return [b for b in blocks if b is not None]
