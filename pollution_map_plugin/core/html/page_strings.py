"""The pages' strings in Chinese (default) and English: a small table, no Qt.

Field labels come from ``core.schema`` (``Column.zh`` / ``Column.en``) and
symbol labels from ``core.symbology``; this table holds the rest.
"""

from __future__ import annotations

from ..schema import table

LANGUAGES = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # page titles
    "report_title": ("一河一策 · {river}", "One river, one policy · {river}"),
    "overview_title": ("污染源与水质总览", "Pollution sources and water quality: overview"),
    "index_title": ("河长制 · 一河一策报告", "River-chief reports (one river, one policy)"),
    "app_name": ("污染源地图", "Pollution Source Map"),
    # header
    "water_system": ("水系", "Water system"),
    "length": ("长度", "Length"),
    "source_mouth": ("源头 → 河口", "Source → mouth"),
    "chiefs": ("河长", "River chiefs"),
    "period": ("评价时段", "Period"),
    "overall": ("总体水质", "Overall quality"),
    "share_meeting": ("断面达标率", "Sections meeting target"),
    "sections_count": ("断面数", "Sections"),
    "synthetic": ("演示数据：合成生成，不代表真实情况", "Demo data: synthetic, not real"),
    "generated": ("生成于", "Generated"),
    "database": ("数据库", "Database"),
    "km": ("公里", "km"),
    # side panel
    "quality_table": ("断面水质", "Water quality by section"),
    "problems": ("问题清单", "Problems"),
    "warnings": ("预警", "Warnings"),
    "projects": ("治理项目", "Remediation projects"),
    "sources_summary": ("入河污染源", "Sources discharging to the river"),
    "none": ("无", "None"),
    "count": ("数量", "Count"),
    "loads": ("负荷", "Loads"),
    "progress": ("进度", "Progress"),
    "deadline": ("期限", "Deadline"),
    "section": ("断面", "Section"),
    "parameter": ("项目", "Item"),
    "value": ("监测值", "Value"),
    "limit": ("限值", "Limit"),
    "date": ("日期", "Date"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "responsible": ("责任单位", "Responsible"),
    "more_rows": ("另有 {n} 条未列出", "{n} more not listed"),
    # quality
    "class": ("水质类别", "Class"),
    "target": ("目标", "Target"),
    "meets": ("达标", "Meets target"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "no_data": ("无数据", "No data"),
    "no_target": ("无水质目标", "No target"),
    "not_located": ("未定位", "Not located"),
    "main_pollutants": ("主要污染指标", "Main pollutants"),
    "failing": ("超标项目（超标倍数）", "Items exceeding Class III (multiple)"),
    "failing_target": ("未达目标项目", "Items missing the target"),
    "history": ("历年水质类别", "Class by year"),
    "misses_target": ("未达标（粗黑边）", "Misses target (thick dark outline)"),
    # layers
    "this_river": ("本河流", "This river"),
    "tributaries": ("支流", "Tributaries"),
    "rivers": ("河流", "Rivers"),
    "longer_than": ("{label}（≥ {km} 公里）", "{label} (≥ {km} km)"),
    "control_units": ("控制单元", "Control units"),
    "drinking_areas": ("饮用水水源保护区", "Drinking-water source areas"),
    "sections": ("监测断面", "Monitoring sections"),
    "background": ("无底图（水系）", "No basemap (water systems)"),
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "tianditu": ("天地图", "Tianditu"),
    "gaode": ("高德地图（GCJ-02）", "Gaode / Amap (GCJ-02)"),
    "legend": ("图例", "Legend"),
    "fullscreen": ("全屏", "Full screen"),
    "exit_fullscreen": ("退出全屏", "Exit full screen"),
    "sources_legend": ("污染源", "Pollution sources"),
    "section_levels": ("断面级别", "Section level"),
    # index
    "overview_link": ("总览图（全部污染源与断面）", "Overview map (every source and section)"),
    "reports": ("各河流报告", "River reports"),
    "river": ("河流", "River"),
    "open": ("打开", "Open"),
    "missing_pages": ("以下 {n} 个页面未能生成，本次导出不完整",
                      "{n} page(s) could not be written: this export is incomplete"),
    "page_missing": ("未生成", "missing"),
    # tools: search, filters, time, tables, charts, licences
    "search_placeholder": ("搜索断面、河流、企业、排污口、污水厂（名称或编码）",
                           "Find a section, river, enterprise, outfall, plant (name or code)"),
    "filters": ("筛选", "Filters"),
    "all": ("全部", "All"),
    "misses_target_short": ("仅未达标断面", "Only sections missing target"),
    "district": ("区县", "District"),
    "load_item": ("负荷指标", "Load item"),
    "load_above": ("负荷不低于（吨/年）", "Load at least (t/a)"),
    "play": ("播放", "Play"),
    "pause": ("暂停", "Pause"),
    "time_step": ("时间步长", "Time step"),
    "freq_year": ("年", "Years"),
    "freq_quarter": ("季度", "Quarters"),
    "freq_month": ("月", "Months"),
    "filter_rows": ("筛选表格…", "Filter rows…"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "licences": ("许可证", "Licences"),
    "licences_title": ("本页所含第三方软件的许可证", "Licences of the software in this page"),
    "cluster_of": ("{n} 个污染源，按 Enter 展开", "{n} sources, Enter to open"),
    "sources_table": ("污染源清单", "Sources"),
    "share_chart": ("历年断面水质类别比例（Ⅰ～Ⅲ类 / 劣Ⅴ类）",
                    "Share of sections by year (I–III / worse than V)"),
    "share_good": ("Ⅰ～Ⅲ类", "I–III"),
    "share_bad": ("劣Ⅴ类", "Worse than V"),
    "items_chart": ("各监测项目历年均值", "Yearly means by item"),
    "trend": ("变化趋势", "Trend"),
    "non_detect": ("未检出（按检出限一半计）", "Not detected (half the detection limit)"),
    "target_limit": ("目标限值", "Target limit"),
    "item": ("项目", "Item"),
    "change": ("变化", "Change"),
    "change_title": ("水质变化（{before} → {after}）", "Change ({before} → {after})"),
    "change_summary": ("河流总体：{words}（ΔG {dg}，ΔD {dd}，ΔG−ΔD {gd} 个百分点）",
                       "River: {words} (ΔG {dg}, ΔD {dd}, ΔG−ΔD {gd} percentage points)"),
    "trophic_title": ("湖库营养状态", "Trophic state of lakes and reservoirs"),
    "trophic_state": ("营养状态", "Trophic state"),
    "tli_items": ("参评项目", "Items"),
    "drinking_title": ("饮用水水源保护区水质达标", "Drinking-water source areas"),
    "zone": ("级别", "Zone"),
    "complies": ("达标", "Complies"),
    "trace_title": ("未达标断面的主要污染来源", "Main sources behind failing sections"),
    "source": ("污染源", "Source"),
    "share": ("贡献占比", "Share"),
    "trace_short_list": ("前 {n} 个污染源占模拟负荷的 80%", "{n} sources make 80 % of the load"),
    "trace_note": ("按主要超标项目上溯追踪，贡献占比为模拟入河负荷（一级衰减）的份额。",
                   "Traced upstream for the main failing item; shares of the modelled load "
                   "reaching the section (first-order decay)."),
    "no_flow_direction": ("流向未定", "flow direction unknown"),
    "no_section": ("无监测断面", "no monitoring section"),
    "by_district": ("按区县统计", "By district"),
    "ph_range": ("pH {lo}～{hi}", "pH {lo}–{hi}"),
    "ph_outside": ("（{n} 个样品超出 6～9）", " ({n} samples outside 6–9)"),
    "beyond_lake": ("经湖库", "through a lake"),
    "browser_too_old": ("此浏览器版本过旧，无法显示地图：请使用 Chrome / Edge 80、Firefox 113、"
                        "Safari 16.4 或更新版本。",
                        "This browser is too old to show the map: use Chrome / Edge 80, "
                        "Firefox 113, Safari 16.4 or newer."),
}

CHIEF_LEVEL_LABELS = {
    "province": ("省级河长", "Provincial chief"),
    "city": ("市级河长", "City chief"),
    "county": ("区县级河长", "County chief"),
    "township": ("乡镇级河长", "Township chief"),
    "village": ("村级河长", "Village chief"),
}
PROBLEM_STATUS_LABELS = {
    "open": ("未整改", "Open"),
    "in_progress": ("整改中", "In progress"),
    "resolved": ("已整改", "Resolved"),
}
WARNING_KIND_LABELS = {
    "exceedance": ("超标", "Exceedance"),
    "critical": ("临界", "Near the limit"),
    "near_limit": ("临界", "Near the limit"),
    "sudden_change": ("突变", "Sudden change"),
    "jump": ("突变", "Sudden change"),
    "target": ("未达目标", "Misses target"),
}
LEVEL_LABELS = {
    "first": ("一级保护区", "First-level zone"),
    "second": ("二级保护区", "Second-level zone"),
    "quasi": ("准保护区", "Quasi-protection zone"),
}


def with_min_length(text: str, km: float | None, lang: str) -> str:
    """A layer label noting that only rivers of ``km`` or longer are drawn."""
    if km is None:
        return text
    return t("longer_than", lang, label=text, km=f"{km:.1f}".rstrip("0").rstrip("."))


def check_lang(lang: str) -> str:
    """``lang`` if supported ('zh' or 'en'); ValueError otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    s = _pick(STRINGS[key], lang)
    return s.format(**values) if values else s


def label(mapping: dict[str, tuple[str, str]], key: object, lang: str = "zh") -> str:
    """The label of coded value ``key`` in ``mapping``; the value itself when unknown."""
    pair = mapping.get(str(key)) if key is not None else None
    return _pick(pair, lang) if pair else ("" if key is None else str(key))


def field_label(table_name: str, column: str, lang: str = "zh", unit: bool = True) -> str:
    """A schema field's label (with its unit in brackets when it has one)."""
    try:
        col = table(table_name).column(column)
    except KeyError:
        return column
    text = col.en if lang == "en" else col.zh
    return f"{text} ({col.unit})" if unit and col.unit else text


def table_label(table_name: str, lang: str = "zh") -> str:
    """A schema table's label."""
    tab = table(table_name)
    return tab.en if lang == "en" else tab.zh


def js_strings(lang: str) -> dict[str, str]:
    """The strings the page's JavaScript needs."""
    keys = ("class", "target", "meets", "yes", "no", "no_data", "no_target", "main_pollutants",
            "failing", "history", "legend", "section")
    return {k: t(k, lang) for k in keys}

CODED_VALUES: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("outfalls", "type"): {
        "industrial": ("工业排污口", "Industrial"),
        "sewage_plant": ("污水处理厂排污口", "Sewage plant"),
        "agricultural": ("农业排口", "Agricultural"),
        "other": ("其他", "Other"),
    },
    ("outfalls", "approval_status"): {
        "approved": ("已审批", "Approved"),
        "pending": ("审批中", "Pending"),
        "unapproved": ("未审批", "Not approved"),
    },
    ("enterprises", "category"): {
        "key": ("重点排污单位", "Key discharger"),
        "general": ("一般企业", "General"),
        "scattered": ("散乱污企业", "Scattered and polluting"),
    },
    ("enterprises", "status"): {
        "operating": ("生产中", "Operating"),
        "rectifying": ("整改中", "Rectifying"),
        "closed": ("已关停", "Closed"),
        "relocated": ("已搬迁", "Relocated"),
    },
    ("sections", "level"): {
        "national": ("国控", "National"),
        "municipal": ("市控", "Municipal"),
        "control": ("控制断面", "Control"),
    },
    ("sections", "water_body_type"): {
        "river": ("河流", "River"),
        "lake": ("湖库", "Lake/reservoir"),
    },
    ("drinking_water_areas", "level"): LEVEL_LABELS,
}
