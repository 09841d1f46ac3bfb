"""Section, group, change, problem and history assessment against hand-worked answers."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.assessment import (
    SECTION_COLUMNS,
    Period,
    assess,
    assess_groups,
    assess_sections,
    class_history,
    compare_assessments,
    compare_periods,
    effective_values,
    flat,
    parse_period,
    problem_water_bodies,
    share_label,
    to_json,
    to_records,
)


def frame(rows, nd=None):
    """Measurements from (section, date, parameter, value[, detection_limit]) tuples."""
    recs = []
    for r in rows:
        sec, day, par, val = r[:4]
        dl = r[4] if len(r) > 4 else np.nan
        recs.append({"section_code": sec, "sampled_on": pd.Timestamp(day), "parameter": par,
                     "value": val, "below_detection": not np.isnan(dl), "detection_limit": dl,
                     "unit": gb3838.ITEMS[par].unit})
    return pd.DataFrame(recs)


def sections(*rows):
    cols = ["code", "name", "river_code", "reach_code", "water_body_type", "target_class",
            "district", "control_unit_code"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


# ---- periods ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("2025年", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
    ("2025q1", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1"),
    ("2025年第四季度", date(2025, 10, 1), date(2025, 12, 31), "2025-Q4"),
    ("2025-10", date(2025, 10, 1), date(2025, 10, 31), "2025-10"),
    ("2024-2", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
    ("2025/10", date(2025, 10, 1), date(2025, 10, 31), "2025-10"),
    ("2025年10月", date(2025, 10, 1), date(2025, 10, 31), "2025-10"),
    ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "2025-H1"),
    ("2025下半年", date(2025, 7, 1), date(2025, 12, 31), "2025-H2"),
    ("2025-10-08", date(2025, 10, 8), date(2025, 10, 8), "2025-10-08"),
    ("2025年10月8日", date(2025, 10, 8), date(2025, 10, 8), "2025-10-08"),
    ("2025-01-01/2025-06-30", date(2025, 1, 1), date(2025, 6, 30), "2025-01-01/2025-06-30"),
    ("2024-10/2025-03", date(2024, 10, 1), date(2025, 3, 31), "2024-10-01/2025-03-31"),
    ("2023..2024", date(2023, 1, 1), date(2024, 12, 31), "2023-01-01/2024-12-31"),
])
def test_parse_period(text, start, end, label):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("text", ["", "25", "2025-13", "2025-Q5", "2025-02-30",
                                  "2025-06-30/2025-01-01", "last year"])
def test_bad_periods_are_clear_errors(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_period_mask_previous_and_year_before():
    p = parse_period("2025-Q1")
    dates = pd.Series(pd.to_datetime(["2024-12-31 23:00", "2025-01-01 00:00", "2025-03-31 18:30",
                                      "2025-04-01 00:00", None]))
    assert p.mask(dates).tolist() == [False, True, True, False, False]
    assert p.previous().label == "2024-Q4" and p.year_before().label == "2024-Q1"
    assert Period.month(2025, 1).previous().label == "2024-12"
    assert parse_period("2025-01-10/2025-01-19").previous().label == "2024-12-31/2025-01-09"


# ---- non-detects -----------------------------------------------------------------

def test_non_detect_options():
    m = frame([("A", "2025-01-01", "NH3N", np.nan, 0.05), ("A", "2025-01-01", "TP", 0.1),
               ("A", "2025-01-01", "CN", 0.004, np.nan)])
    m.loc[2, "below_detection"] = True  # "0.004L" with the limit only in value
    np.testing.assert_allclose(effective_values(m), [0.025, 0.1, 0.002])
    np.testing.assert_allclose(effective_values(m, "limit"), [0.05, 0.1, 0.004])
    np.testing.assert_allclose(effective_values(m, "zero"), [0.0, 0.1, 0.0])
    with pytest.raises(ValueError, match="non_detect"):
        effective_values(m, "drop")
    # a non-detect without any limit is not evaluated, never zero
    m2 = frame([("A", "2025-01-01", "NH3N", np.nan)])
    m2["below_detection"] = True
    assert np.isnan(effective_values(m2)[0])


def test_non_detects_change_the_class_as_configured():
    # NH3N "1.6L" and 0.2: half → (0.8 + 0.2)/2 = 0.5 II; limit → 0.9 III; zero → 0.1 I
    m = frame([("A", "2025-01-05", "NH3N", np.nan, 1.6), ("A", "2025-02-05", "NH3N", 0.2)])
    half = assess_sections(m, None, "2025").iloc[0]
    lim = assess_sections(m, None, "2025", non_detect="limit").iloc[0]
    zero = assess_sections(m, None, "2025", non_detect="zero").iloc[0]
    assert (half.water_class, lim.water_class, zero.water_class) == (2, 3, 1)


# ---- one section -----------------------------------------------------------------

def test_section_class_is_the_worst_item_of_period_means():
    m = frame([
        ("S1", "2025-01-10", "NH3N", 0.8), ("S1", "2025-02-10", "NH3N", 1.4),  # 1.1 → IV
        ("S1", "2025-01-10", "DO", 8.0), ("S1", "2025-02-10", "DO", 6.0),  # 7.0 → II
        ("S1", "2025-01-10", "TP", 0.05),  # II
        ("S1", "2025-01-10", "WT", 30.0),  # no class
        ("S1", "2024-12-31", "NH3N", 9.9),  # outside the period
    ])
    r = assess_sections(m, sections(("S1", "一号", "R1", "R1-1", "river", 3, "D", "CU")),
                        "2025").iloc[0]
    assert r.water_class == 4 and r.roman == "IV" and r.label_zh == "轻度污染"
    assert r.n_items == 3 and r.n_samples == 2
    assert not r.meets_target and r.target_roman == "III"
    assert r.failing_items_text == "氨氮 1.1 (≤1)"
    assert r.failing_items[0]["limit"] == 1.0 and r.failing_items[0]["parameter"] == "NH3N"
    assert r.main_pollutants == "氨氮(0.1)" and r.main_pollutant_codes == ["NH3N"]
    assert r.exceedance == {"NH3N": pytest.approx(0.1)}
    assert list(assess_sections(m, None, "2025").columns) == list(SECTION_COLUMNS)


def test_missing_items_are_not_evaluated_and_empty_sections_are_kept():
    m = frame([("S1", "2025-03-01", "COD", 12.0)])
    secs = sections(("S1", "a", "R", None, "river", 2, None, None),
                    ("S2", "b", "R", None, "river", 2, None, None))
    out = assess_sections(m, secs, "2025").set_index("section_code")
    assert out.loc["S1", "water_class"] == 1 and out.loc["S1", "n_items"] == 1
    assert out.loc["S1", "meets_target"]
    assert pd.isna(out.loc["S2", "water_class"]) and out.loc["S2", "n_samples"] == 0
    assert pd.isna(out.loc["S2", "meets_target"]) and out.loc["S2", "roman"] == "—"
    # a section in the data but not in the layer is reported too
    out2 = assess_sections(frame([("X9", "2025-03-01", "DO", 1.0)]), secs, "2025")
    assert out2.set_index("section_code").loc["X9", "water_class"] == 6


def test_lake_tp_and_tn_reported_separately():
    m = frame([("L", "2025-05-01", "TP", 0.08), ("L", "2025-05-01", "TN", 3.0),
               ("L", "2025-05-01", "FC", 30000), ("R", "2025-05-01", "TP", 0.08),
               ("R", "2025-05-01", "TN", 3.0)])
    secs = sections(("L", "湖", None, None, "lake", 3, None, None),
                    ("R", "河", None, None, "river", 3, None, None))
    out = assess_sections(m, secs, "2025").set_index("section_code")
    assert out.loc["L", "water_class"] == 4  # lake TP 0.08 → IV; TN 劣V is not in the class
    assert out.loc["L", "tn_class"] == 6 and out.loc["L", "tn_value"] == 3.0
    assert out.loc["L", "fc_class"] == 5 and out.loc["L", "n_items"] == 1
    assert out.loc["R", "water_class"] == 2 and pd.isna(out.loc["R", "tn_class"])


def test_main_pollutants_ranked_by_the_method():
    m = frame([
        ("S", "2025-01-01", "NH3N", 2.6),  # 劣V, 1.6
        ("S", "2025-01-01", "TP", 0.5),  # 劣V, 1.5
        ("S", "2025-01-01", "COD", 35),  # V, 0.75
        ("S", "2025-01-01", "BOD5", 5),  # IV, 0.25
        ("S", "2025-01-01", "CODMn", 7),  # IV
    ])
    r = assess_sections(m, None, "2025").iloc[0]
    assert r.main_pollutants == "氨氮(1.6)、总磷(1.5)、化学需氧量(0.8)"
    assert r.main_pollutants_en == "NH3-N (1.6), TP (1.5), COD (0.8)"
    # an exceeding heavy metal or cyanide comes first, even in a better class
    m2 = pd.concat([m, frame([("S", "2025-01-01", "Pb", 0.06)])])
    r2 = assess_sections(m2, None, "2025").iloc[0]
    assert r2.main_pollutant_codes == ["Pb", "NH3N", "TP"]
    # DO has no multiple; within a class it follows the items that have one
    m3 = frame([("S", "2025-01-01", "DO", 4.0), ("S", "2025-01-01", "COD", 25)])
    # (25 − 20)/20 = 0.25 → 0.3: half up, not to even
    assert assess_sections(m3, None, "2025").iloc[0].main_pollutants == "化学需氧量(0.3)、溶解氧"
    # no main pollutant when the section is III or better
    m4 = frame([("S", "2025-01-01", "COD", 20)])
    assert assess_sections(m4, None, "2025").iloc[0].main_pollutants == ""


# ---- groups ----------------------------------------------------------------------

@pytest.mark.parametrize(("i_iii", "bad", "label"), [
    (0.9, 0.0, "优"), (0.95, 0.0, "优"), (0.89, 0.0, "良好"), (0.75, 0.1, "良好"),
    (0.74, 0.19, "轻度污染"), (0.5, 0.2, "中度污染"), (0.5, 0.39, "中度污染"),
    (0.4, 0.4, "重度污染"),
])
def test_share_rule(i_iii, bad, label):
    assert share_label(i_iii, bad) == label


def _group_case(classes_values):
    """Sections on river R whose NH3N values give the wanted classes."""
    value_for = {1: 0.1, 2: 0.4, 3: 0.9, 4: 1.4, 5: 1.9, 6: 3.0}
    rows, secs = [], []
    for i, c in enumerate(classes_values):
        code = f"S{i}"
        rows.append((code, "2025-06-01", "NH3N", value_for[c]))
        secs.append((code, code, "R", f"R-{i // 2}", "river", 3, "D1", "CU1"))
    return frame(rows), sections(*secs)


def test_groups_by_class_share_with_five_or_more_sections():
    # 10 sections: 7 in I-III (70 %), 2 劣V (20 %) → 中度污染
    m, secs = _group_case([1, 2, 3, 3, 3, 3, 3, 4, 6, 6])
    g = assess(m, secs, "2025").groups("river").iloc[0]
    assert g.method == "class_share" and g.label_zh == "中度污染" and pd.isna(g.water_class)
    assert [g[f"n_class_{k}"] for k in range(1, 7)] == [1, 1, 5, 1, 0, 2]
    assert g.share_i_iii == pytest.approx(0.7) and g.share_meeting_target == pytest.approx(0.7)
    assert g.n_meeting_target == 7 and g.n_with_target == 10
    assert g.main_pollutants == "氨氮(30%)"


def test_groups_average_items_below_five_sections():
    # NH3N 0.1 and 3.0 → mean 1.55 → V, although one section is I and one 劣V
    m, secs = _group_case([1, 6])
    a = assess(m, secs, "2025")
    g = assess_groups(a, "district").iloc[0]
    assert g.method == "mean_items" and g.water_class == 5 and g.label_zh == "中度污染"
    assert g.group == "D1" and g.main_pollutants == "氨氮(0.6)"
    assert set(a.groups("control_unit")["group"]) == {"CU1"}
    assert assess_groups(a, "section") is a.sections
    with pytest.raises(ValueError, match="by must be"):
        a.groups("province")


def test_water_system_comes_from_rivers():
    m, secs = _group_case([2, 3])
    rivers = pd.DataFrame({"code": ["R"], "water_system": ["嘉陵江"]})
    g = assess(m, secs, "2025", rivers=rivers).groups("water_system")
    assert g["group"].tolist() == ["嘉陵江"] and g.iloc[0].water_class == 3


# ---- change, problems, history ----------------------------------------------------

def test_change_between_periods():
    m = frame([("A", "2024-06-01", "NH3N", 1.9), ("A", "2025-06-01", "NH3N", 0.4),
               ("B", "2024-06-01", "NH3N", 0.4), ("B", "2025-06-01", "NH3N", 0.45),
               ("C", "2024-06-01", "NH3N", 0.4), ("C", "2025-06-01", "NH3N", 1.2),
               ("D", "2025-06-01", "NH3N", 1.2)])
    out = compare_periods(m, None, "2024", "2025").set_index("section_code")
    assert out.loc["A", ["class_before", "class_after", "class_delta", "class_steps"]].tolist() \
        == [5, 2, -3, 3]
    assert out.loc["A", "change"] == "improved" and out.loc["A", "change_zh"] == "好转"
    assert out.loc["B", "change"] == "unchanged" and out.loc["B", "class_steps"] == 0
    assert out.loc["C", "change"] == "worsened" and out.loc["C", "class_delta"] == 2
    assert out.loc["D", "change"] is None and pd.isna(out.loc["D", "class_before"])
    same = compare_assessments(assess(m, None, "2024"), assess(m, None, "2025").sections)
    pd.testing.assert_frame_equal(same, out.reset_index())


def test_problem_water_bodies():
    m = frame([("A", "2025-06-01", "NH3N", 1.9), ("A", "2025-06-01", "TP", 0.35),
               ("B", "2025-06-01", "COD", 25), ("C", "2025-06-01", "COD", 10),
               ("D", "2025-06-01", "DO", 1.0)])
    secs = sections(("A", "a", "R1", "R1-1", "river", 3, None, None),
                    ("B", "b", "R1", "R1-2", "river", 3, None, None),
                    ("C", "c", "R1", "R1-2", "river", 3, None, None),
                    ("D", "d", "R2", "R2-1", "river", None, None, None))
    a = assess(m, secs, "2025")
    s = problem_water_bodies(a, "section")
    assert s["section_code"].tolist() == ["A", "B"]  # worst first; D has no target
    assert s.iloc[0].failing_parameters == ["NH3N", "TP"]
    r = a.problems("river").iloc[0]
    assert (r.code, r.n_sections, r.n_failing, r.section_codes) == ("R1", 3, 2, ["A", "B"])
    assert r.reach_codes == ["R1-1", "R1-2"] and r.failing_items_zh == "化学需氧量、氨氮、总磷"
    assert r.worst_roman == "V"
    reaches = problem_water_bodies(a.sections, "reach")
    assert reaches["code"].tolist() == ["R1-1", "R1-2"]
    assert reaches.set_index("code").loc["R1-2", "n_sections"] == 2


def test_class_history_agrees_with_period_assessment():
    rng = np.random.default_rng(7)
    rows = []
    for sec in ("A", "B", "C"):
        for day in pd.date_range("2023-01-01", "2025-12-15", freq="MS"):
            for par in ("NH3N", "TP", "DO", "COD"):
                rows.append((sec, day, par, float(rng.lognormal(0, 0.6)) * {
                    "NH3N": 0.8, "TP": 0.15, "DO": 6, "COD": 18}[par]))
    m = frame(rows)
    for freq, label in (("year", "2024"), ("quarter", "2024-Q2"), ("month", "2025-07")):
        h = class_history(m, None, freq)
        a = assess_sections(m, None, label).set_index("section_code")
        got = h.loc[h["period"] == label].set_index("section_code")
        assert got["water_class"].tolist() == a.loc[got.index, "water_class"].tolist()
        assert got["main_pollutants"].tolist() == a.loc[got.index, "main_pollutants"].tolist()
    years = class_history(m, None, "year")
    assert years["period"].tolist() == ["2023", "2024", "2025"] * 3
    assert years["start"].iloc[0] == date(2023, 1, 1) and years["n_samples"].iloc[0] == 12


def test_json_and_flat_output():
    m = frame([("A", "2025-06-01", "NH3N", 1.9)])
    a = assess(m, sections(("A", "甲", "R", None, "river", 3, None, None)), "2025")
    recs = json.loads(to_json(a.sections))
    assert recs[0]["water_class"] == 5 and recs[0]["level"] is None
    assert recs[0]["failing_items"][0]["name_zh"] == "氨氮"
    assert to_records(a.items)[0]["item_class"] == 5
    f = flat(a.sections)
    assert f.loc[0, "main_pollutant_codes"] == "NH3N"
    assert json.loads(f.loc[0, "failing_items"])[0]["limit"] == 1.0


# ---- property: the engine equals a naive implementation of the method ------------

def _naive(rows, lake):
    sums = defaultdict(list)
    for sec, _day, par, val in rows:
        sums[(sec, par)].append(val)
    worst = {}
    for (sec, par), vals in sums.items():
        if par not in gb3838.ROUTINE_ITEMS:
            continue
        c = gb3838.classify_value(par, sum(vals) / len(vals), "lake" if lake[sec] else "river")
        worst[sec] = max(worst.get(sec, 0), c)
    return worst


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]),
                          st.dates(date(2025, 1, 1), date(2025, 12, 31)),
                          st.sampled_from(["NH3N", "TP", "DO", "pH", "Hg", "TN", "COD"]),
                          st.floats(0, 20, allow_nan=False)), min_size=1, max_size=60),
       st.booleans())
def test_period_class_is_the_worst_item(rows, a_is_lake):
    lake = {"A": a_is_lake, "B": False, "C": True}
    m = frame([(s, d.isoformat(), p, v) for s, d, p, v in rows])
    secs = sections(*[(k, k, None, None, "lake" if v else "river", None, None, None)
                      for k, v in lake.items()])
    out = assess_sections(m, secs, "2025").set_index("section_code")["water_class"]
    want = _naive(rows, lake)
    for sec in ("A", "B", "C"):
        assert (None if pd.isna(out[sec]) else int(out[sec])) == want.get(sec)
