"""The panel's assessment summary: the method's change words with their figures, trends,
lakes' trophic state, drinking-water areas out of compliance, districts; text from the
data shown as plain text; a double click on a section row asks to zoom to it."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from pollution_map_plugin.qgis_desktop.assessment_summary import AssessmentSummary, summary_groups

NASTY = "<b>河</b>&amp;[% env('HOME') %]"


def _data():
    group_change = pd.DataFrame([
        {"by": "river", "group": NASTY, "delta_g": 25.0, "delta_d": 0.0,
         "delta_g_minus_d": 25.0, "change_method_zh": "明显好转",
         "change_method_en": "clearly improved"},
        {"by": "all", "group": "全部断面", "delta_g": 5.0, "delta_d": -2.5,
         "delta_g_minus_d": 7.5, "change_method_zh": "无明显变化",
         "change_method_en": "no significant change"},
    ])
    change = pd.DataFrame([
        {"section_code": "S1", "name": "甲断面", "level_before": "轻度污染", "level_after": "良好",
         "change_method": "better", "change_method_zh": "有所好转",
         "change_method_en": "slightly improved"},
        {"section_code": "S2", "name": "乙断面", "level_before": "优", "level_after": "优",
         "change_method": "no_change", "change_method_zh": "无明显变化",
         "change_method_en": "no significant change"},
    ])
    trends = pd.DataFrame([
        {"section_code": "S1", "name": "甲断面", "parameter": "NH3N", "significant": True,
         "rs": -0.9, "n": 6, "trend_zh": "显著下降", "trend_en": "significant fall"},
        {"section_code": "S2", "name": "乙断面", "parameter": "TP", "significant": False,
         "rs": 0.1, "n": 6, "trend_zh": "无显著变化趋势", "trend_en": "no significant trend"},
    ])
    drinking = pd.DataFrame([
        {"area_code": "DW1", "area_name": "水源地", "zone_level_zh": "一级", "section_code": "S3",
         "section_name": "取水口", "roman": "III", "required_class": 2, "required_roman": "II",
         "complies": False,
         "failing_items_text": "总磷 0.15"},
        {"area_code": "DW2", "area_name": "好水源", "zone_level_zh": "二级", "section_code": "S4",
         "section_name": "乙取水口", "roman": "II", "required_class": 3, "complies": True,
         "failing_items_text": ""},
    ])
    sections = pd.DataFrame([
        {"section_code": "L1", "name": "某湖", "tli": 55.04, "trophic_state": "轻度富营养",
         "trophic_state_en": "light eutrophic"},
        {"section_code": "S1", "name": "甲断面", "tli": float("nan"), "trophic_state": None,
         "trophic_state_en": None},
    ])
    districts = SimpleNamespace(table=pd.DataFrame([
        {"district": "渝中区", "sections": 4, "meeting_target": 3, "share_meeting_target": 0.75},
    ]))
    bundle = SimpleNamespace(group_change=group_change, change=change, trends=trends,
                             drinking_water=drinking)
    return SimpleNamespace(bundle=bundle, sections=sections, districts=districts,
                           change_label="2024 → 2025")


def test_the_summary_says_what_the_method_says(qgis_app) -> None:
    groups = {g.title: g.rows for g in summary_groups(_data())}
    titles = list(groups)
    change = groups[titles[0]]
    assert "2024 → 2025" in titles[0]
    # the whole area first, then the river; the words and the figures behind them
    assert change[0].texts[1].startswith(("无明显变化", "no significant change"))
    assert "+7.5" in change[0].texts[1] and "-2.5" in change[0].texts[1]
    assert change[1].texts == (NASTY, change[1].texts[1]) and "+25.0" in change[1].texts[1]
    moved = next(rows for t, rows in groups.items() if "(1)" in t and rows[0].section_code == "S1")
    assert "轻度污染 → 良好" in moved[0].texts[1]  # S2 did not change: not listed
    trend = next(rows for t, rows in groups.items() if "1 of 2" in t)
    assert len(trend) == 1 and "-0.90" in trend[0].texts[1] and "N = 6" in trend[0].texts[1]
    lakes = next(rows for t, rows in groups.items() if "trophic" in t.lower() or "营养" in t)
    assert [r.section_code for r in lakes] == ["L1"] and "TLI 55.0" in lakes[0].texts[1]
    drinking = next(rows for t, rows in groups.items() if "(1)" in t and rows[0].section_code
                    == "S3")
    assert "水源地" in drinking[0].texts[0] and "III" in drinking[0].texts[1]
    assert "II;" in drinking[0].texts[1] or "II；" in drinking[0].texts[1]
    assert "总磷 0.15" in drinking[0].texts[1]
    district = groups[titles[-1]]
    assert district[0].texts[0] == "渝中区" and "75%" in district[0].texts[1]


def test_without_new_results_the_summary_shows_what_there_is(qgis_app) -> None:
    data = SimpleNamespace(bundle=SimpleNamespace(), sections=pd.DataFrame(),
                           districts=None, change_label="")
    assert summary_groups(data) == []


def test_the_widget_shows_plain_text_and_zooms_on_double_click(qgis_app, qtbot) -> None:
    widget = AssessmentSummary()
    qtbot.addWidget(widget)
    widget.set_data(_data())
    shown = widget.items()
    assert len(shown) == 6
    assert shown[0][1][1][0] == NASTY  # verbatim: no markup interpreted, nothing dropped
    chosen = []
    widget.sectionChosen.connect(chosen.append)
    lake_group = widget.tree.topLevelItem(3)
    widget.tree.itemDoubleClicked.emit(lake_group.child(0), 0)
    widget.tree.itemDoubleClicked.emit(lake_group, 0)  # a group row names no section
    assert chosen == ["L1"]
    widget.set_data(None)
    assert len(widget.items()) == 1 and widget.items()[0][1] == []
