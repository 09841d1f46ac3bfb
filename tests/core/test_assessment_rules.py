"""Boundary tests of the method's rules (issue 12.5 and "Tests"): each would turn red if
a threshold or an ordering in the rule changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.assessment import assess, assess_sections
from pollution_map_plugin.core.assessment.assessment_basics import (
    multiple_value,
    round_half_up,
)
from pollution_map_plugin.core.assessment.engine import UnknownWaterBodyType

DAY = "2025-06-01"


def frame(rows):
    recs = [{"section_code": s, "sampled_on": pd.Timestamp(d), "parameter": p, "value": v,
             "below_detection": False, "detection_limit": np.nan} for s, d, p, v in rows]
    return pd.DataFrame(recs)


def sections(codes, river="R", wbt="river", target=3):
    wbts = wbt if isinstance(wbt, list) else [wbt] * len(codes)
    return pd.DataFrame({"code": codes, "name": codes, "river_code": river,
                         "water_body_type": wbts, "target_class": target})


NH3N_FOR_CLASS = {1: 0.1, 2: 0.4, 3: 0.9, 4: 1.4, 5: 1.9, 6: 3.0}


def river_of(classes):
    codes = [f"S{i}" for i in range(len(classes))]
    m = frame([(c, DAY, "NH3N", NH3N_FOR_CLASS[k]) for c, k in zip(codes, classes)])
    return assess(m, sections(codes), "2025").groups("river").iloc[0]


# ---- the 5-section rule ----------------------------------------------------------

@pytest.mark.parametrize(("classes", "method", "label", "water_class"), [
    # 4 sections: NH3N mean (0.1 + 0.1 + 3 + 3) / 4 = 1.55 → V (shares would say 重度)
    ([1, 1, 6, 6], "mean_items", "中度污染", 5),
    # 5: I–III 60 %, 劣V 40 % → 重度污染 (the mean 1.26 would be IV)
    ([1, 1, 1, 6, 6], "class_share", "重度污染", None),
    # 6: I–III 67 %, 劣V 33 % → 中度污染 (the mean 1.07 would be IV)
    ([1, 1, 1, 1, 6, 6], "class_share", "中度污染", None),
])
def test_five_section_rule_at_4_5_6(classes, method, label, water_class):
    g = river_of(classes)
    assert (g.method, g.label_zh, g.n_sections) == (method, label, len(classes))
    assert (None if pd.isna(g.water_class) else int(g.water_class)) == water_class


def test_rivers_labelled_good_list_no_main_pollutants():
    assert river_of([1] * 9 + [4]).label_zh == "优"
    assert river_of([1] * 9 + [4]).main_pollutants == ""
    g = river_of([1] * 8 + [4, 4])
    assert g.label_zh == "良好" and g.main_pollutants == "" and g.main_pollutants_en == ""
    g = river_of([1] * 7 + [4, 4, 4])
    assert g.label_zh == "轻度污染" and g.main_pollutants == "氨氮(30%)"
    # small groups: a mean of class III is 良好, no main pollutant
    g = river_of([3, 3, 4])  # mean (0.9 + 0.9 + 1.4) / 3 = 1.07 → IV
    assert g.label_zh == "轻度污染" and g.main_pollutants.startswith("氨氮(")
    assert river_of([3, 3, 3]).main_pollutants == ""


def test_main_pollutants_at_river_level_by_share_then_priority():
    rows = [("S0", DAY, "NH3N", 1.4), ("S0", DAY, "TP", 0.35), ("S0", DAY, "Pb", 0.06),
            ("S1", DAY, "NH3N", 1.4), ("S1", DAY, "TP", 0.35),
            ("S2", DAY, "NH3N", 1.4), ("S2", DAY, "Pb", 0.06), ("S2", DAY, "COD", 25)]
    rows += [(f"S{i}", DAY, "NH3N", 0.4) for i in (3, 4, 5)]
    codes = [f"S{i}" for i in range(6)]
    g = assess(frame(rows), sections(codes), "2025").groups("river").iloc[0]
    assert g.method == "class_share" and g.label_zh == "轻度污染"
    # 氨氮 in 3 of 6 sections; 铅 and 总磷 in 2 (a heavy metal first on a tie, though
    # 总磷's multiple 0.75 is larger than 铅's 0.2); COD (1 of 6) is fourth: left out
    assert g.main_pollutants == "氨氮(50%)、铅(33%)、总磷(33%)"


# ---- lakes -----------------------------------------------------------------------

def test_lake_limits_in_small_groups_and_mixed_groups_kept_apart():
    m = frame([("L1", DAY, "TP", 0.06), ("L2", DAY, "TP", 0.04)])
    g = assess(m, sections(["L1", "L2"], wbt="lake"), "2025").groups("river").iloc[0]
    assert g.water_class == 3  # lake TP mean 0.05 = lake III (river limits: II)
    # a river section (TP 0.15, river II) and a lake point (TP 0.06, lake IV): apart,
    # the worst of the two; together they were 0.105, river III
    m = frame([("R1", DAY, "TP", 0.15), ("L1", DAY, "TP", 0.06)])
    secs = sections(["R1", "L1"], wbt=["river", "lake"])
    g = assess(m, secs, "2025").groups("river").iloc[0]
    assert g.method == "mean_items" and g.water_class == 4
    assert g.main_pollutants == "总磷(0.2)"  # (0.06 − 0.05) / 0.05, once


def test_a_group_of_lake_points_is_graded_by_the_lake_rule_however_many():
    values = [0.01, 0.01, 0.01, 0.2, 0.2]  # mean 0.086: lake IV
    codes = [f"L{i}" for i in range(5)]
    m = frame([(c, DAY, "TP", v) for c, v in zip(codes, values)])
    g = assess(m, sections(codes, wbt="lake"), "2025").groups("river").iloc[0]
    assert g.method == "mean_items" and g.water_class == 4 and g.label_zh == "轻度污染"
    # the same values on river sections: the class-share rule
    g = assess(m, sections(codes), "2025").groups("river").iloc[0]
    assert g.method == "class_share"


def test_unknown_water_body_types_warn_and_count_as_river():
    m = frame([("X", DAY, "TP", 0.06), ("Y", DAY, "TP", 0.06)])
    secs = sections(["X", "Y"], wbt=["湖", "库"])
    with pytest.warns(UnknownWaterBodyType, match="2 section.*库, 湖"):
        out = assess_sections(m, secs, "2025")
    assert list(out["water_class"]) == [2, 2]  # river TP limits
    assert gb3838.unknown_water_body_types(["river", "lake", "水库", None, " 河流 "]) == []


# ---- pH --------------------------------------------------------------------------

@pytest.mark.parametrize(("samples", "cls", "outside"), [
    ([5.5, 8.5], 6, 1),  # the mean 7.0 would be class I
    ([6.5, 9.5], 6, 1),  # two-sided: above 9 too
    ([6.0, 9.0], 1, 0),  # the limits themselves are inside
    ([5.9, 9.1], 6, 2),
])
def test_ph_is_never_averaged(samples, cls, outside):
    m = frame([("S", f"2025-0{i + 1}-01", "pH", v) for i, v in enumerate(samples)])
    r = assess_sections(m, sections(["S"]), "2025").iloc[0]
    assert r.water_class == cls and r.ph_outside == outside
    assert (r.ph_min, r.ph_max) == (min(samples), max(samples))


# ---- failing items and multiples --------------------------------------------------

def test_failing_items_name_target_and_class_iii_exceedance_apart():
    m = frame([("S", DAY, "NH3N", 0.8), ("S", DAY, "DO", 5.5), ("S", DAY, "TP", 0.25)])
    r = assess_sections(m, sections(["S"], target=2), "2025").iloc[0]
    items = {f["parameter"]: f for f in r.failing_items}
    # NH3N 0.8 misses target II (0.5) but is within III: no 超标倍数, never −0.2
    assert items["NH3N"]["exceedance"] is None
    assert items["NH3N"]["target_exceedance"] == 0.6  # (0.8 − 0.5) / 0.5
    # DO is a minimum: 5.5 below 6 is (6 − 5.5) / 6 = 0.083 → 0.1 beyond the target
    assert items["DO"]["target_exceedance"] == 0.1 and items["DO"]["exceedance"] is None
    # TP 0.25 is above III: both, each against its own limit
    assert items["TP"]["exceedance"] == 0.3  # (0.25 − 0.2) / 0.2 = 0.25, half up
    assert items["TP"]["target_exceedance"] == 1.5  # (0.25 − 0.1) / 0.1
    assert all(f["target_exceedance"] > 0 for f in r.failing_items)


def test_multiples_round_half_up_to_one_decimal():
    assert list(round_half_up([0.15, 0.55, 0.25, 0.149, -0.25, 1.05], 1)) == [
        0.2, 0.6, 0.3, 0.1, -0.3, 1.1]
    assert (multiple_value(0.04), multiple_value(0.045), multiple_value(None)) == (
        0.04, 0.05, None)
    m = frame([("A", DAY, "NH3N", 1.15), ("B", DAY, "NH3N", 1.55)])
    out = assess_sections(m, sections(["A", "B"]), "2025").set_index("section_code")
    assert out.loc["A", "main_pollutants"] == "氨氮(0.2)"  # 0.1499… in binary
    assert out.loc["B", "main_pollutants"] == "氨氮(0.6)"


def test_copper_and_zinc_exceeding_come_first():
    base = [("S", DAY, "NH3N", 2.5), ("S", DAY, "TP", 0.5), ("S", DAY, "COD", 45)]
    for extra, code in (("Zn", 2.0), ("Cu", 1.5)):
        rows = base + [("S", DAY, extra, code)]
        r = assess_sections(frame(rows), sections(["S"]), "2025").iloc[0]
        assert r.main_pollutant_codes[0] == extra, extra
    # not exceeding Class III: not a main pollutant at all
    r = assess_sections(frame(base + [("S", DAY, "Zn", 1.0)]), sections(["S"]), "2025").iloc[0]
    assert "Zn" not in r.main_pollutant_codes
