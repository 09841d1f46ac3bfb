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
        if r.get("section_code") is None or (not isinstance(r.get("section_code"), str)
                                             and pd.isna(r.get("section_code"))):
            verdict = t("no_section", lang)
        elif ok is None or pd.isna(ok):
            verdict = t("no_data", lang)
        else:
            verdict = t("yes" if ok else "no", lang)
        zone = r.get("zone_level_en" if lang == "en" else "zone_level_zh") or r.get("zone_level")
        failing = " · ".join(x for x in (text(r.get("failing_items_text")),
                                         text(r.get("supplementary_text"))) if x)
        rows.append({"cells": [
            text(r.get("area_name") or r.get("area_code")),
            f"{text(zone)} (≤ {text(r.get('required_roman'))})" if r.get("required_roman")
            else text(zone),
            text(r.get("section_name") or r.get("section_code")) or "—", text(r.get("roman")),
            {"text": verdict, "span": "psm-miss" if ok is False else ""}, failing]})
    tab = table("drinking", [t("drinking_areas", lang), t("zone", lang), t("section", lang),
                             t("class", lang), t("complies", lang), t("failing_target", lang)],
                rows, lang, file=f"{text(sel.river['code'])}_drinking")
    return render("extra_block.html.j2", lang, title=t("drinking_title", lang), summary="",
                  tab=tab)


BASIS = {"measured": ("实测", "measured"), "permitted": ("许可", "permitted"),
         "estimated": ("估算", "estimated"), "proxy": ("折算", "proxy")}
GROUPS = {"industry": ("工业", "industry"), "sewage": ("污水处理厂", "sewage plants"),
          "livestock": ("畜禽养殖", "livestock"), "other": ("其他", "other")}


def _word(mapping: dict, key: Any, lang: str) -> str:
    pair = mapping.get(str(key))
    return (pair[1] if lang == "en" else pair[0]) if pair else text(key)


def trace_rows(entries: list[dict], lang: str, feature_of: dict,
               source_at: dict | None = None) -> list[dict]:
    """Rows of the trace table from ``SourceAttribution.river_sources`` entries: per
    failing section, its main item, then its largest sources with their shares (a row
    links to the source on the map when ``source_at`` maps (layer, code) → index)."""
    rows = []
    for e in entries:
        item = e.get("item_name_en" if lang == "en" else "item_name_zh") or e.get("item")
        section = f"{text(e.get('section_name') or e.get('section_code'))} ({text(item)})"
        attrs = {}
        if text(e.get("section_code")) in feature_of:
            attrs = {"data-psm-feature": f"sections:{feature_of[text(e['section_code'])]}",
                     "tabindex": "0"}
        if e.get("error"):
            rows.append({"cells": [section, text(e["error"]), "", ""], "attrs": attrs})
            continue
        groups = " · ".join(f"{_word(GROUPS, g['group'], lang)} {g['share']:.0%}"
                            for g in e.get("by_group", []) if g.get("share"))
        short = t("trace_short_list", lang, n=e.get("short_list_n", 0))
        rows.append({"cells": [{"text": section, "sub": f"{groups} · {short}"},
                               "", "", ""], "attrs": attrs})
        for src in e.get("sources", []):
            flags = [t("no_flow_direction", lang)] if src.get("no_flow_direction") else []
            flags += [t("beyond_lake", lang)] if src.get("beyond_lake") else []
            at = (source_at or {}).get((text(src.get("layer")), text(src.get("code"))))
            link = {"data-psm-feature": f"{src.get('layer')}:{at}", "tabindex": "0"} \
                if at is not None else attrs
            rows.append({"cells": [
                "", {"text": text(src.get("name") or src.get("code")),
                     "sub": " · ".join([text(src.get("code")), *flags])},
                f"{_word(GROUPS, src.get('group'), lang)} · {_word(BASIS, src.get('basis'), lang)}",
                {"text": f"{float(src.get('share') or 0):.0%}", "sort": src.get("share") or 0}],
                "attrs": link})
    return rows


def trace_block(ctx: Any, sel: Any, secs: Any) -> Markup | None:
    """The main sources behind each failing section of the river, with their shares
    (the tracing service, ``core.network.source_attribution``)."""
    att = ctx.attribution()
    if att is None:
        return None
    entries = att.river_sources(str(sel.river["code"]), top=5)
    if not entries:
        return None
    lang = ctx.lang
    feature_of = {c: i for i, c in enumerate(secs["code"].astype(str))}
    source_at = {}
    for name, frame in sel.sources.items():
        located = ctx.points(name, frame)[0]
        source_at.update({(name, c): i for i, c in enumerate(located["code"].astype(str))})
    rows = trace_rows(entries, lang, feature_of, source_at)
    tab = table("trace", [t("section", lang), t("source", lang), t("kind", lang),
                          t("share", lang)], rows, lang,
                file=f"{text(sel.river['code'])}_trace")
    return render("extra_block.html.j2", lang, title=t("trace_title", lang),
                  summary=t("trace_note", lang), tab=tab)


def report_extras(ctx: Any, sel: Any, secs: Any) -> list[Markup]:
    """Every block that has something to say, in reading order."""
    blocks = [trace_block(ctx, sel, secs), change_block(ctx, sel), trophic_block(ctx, sel),
              drinking_block(ctx, sel)]
    return [b for b in blocks if b is not None]
