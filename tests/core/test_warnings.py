"""Exceedance, critical and sudden-change warnings at the latest sample of each section."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.assessment import (
    WARNING_COLUMNS,
    WarningSettings,
    find_warnings,
    to_json,
)


def frame(rows):
    recs = []
    for sec, day, par, val, *nd in rows:
        recs.append({"section_code": sec, "sampled_on": pd.Timestamp(day), "parameter": par,
                     "value": val, "below_detection": bool(nd),
                     "detection_limit": nd[0] if nd else np.nan})
    return pd.DataFrame(recs)


SECS = pd.DataFrame({
    "code": ["A", "B", "L", "N"], "name": ["甲断面", "乙断面", "湖心", "无目标"],
    "water_body_type": ["river", "river", "lake", "river"], "target_class": [3, 2, 3, None],
})


def kinds(w, sec=None, par=None):
    sel = w
    if sec:
        sel = sel[sel["section_code"] == sec]
    if par:
        sel = sel[sel["parameter"] == par]
    return sorted(sel["kind"])


def test_exceedance_and_critical_at_the_latest_sample():
    m = frame([
        ("A", "2025-09-01", "NH3N", 3.0),  # old sample: ignored
        ("A", "2025-10-01", "NH3N", 1.2),  # III limit 1.0 → exceedance
        ("A", "2025-10-01", "TP", 0.19),  # 95 % of 0.2 → critical
        ("A", "2025-10-01", "COD", 17.0),  # 85 % of 20 → nothing
        ("A", "2025-10-01", "DO", 5.4),  # limit/value = 0.926 → critical (mirror rule)
        ("A", "2025-10-01", "pH", 9.5),  # out of range → exceedance, limit text 6–9
        ("B", "2025-10-03", "NH3N", 0.5),  # II limit 0.5 exactly: meets, ratio 1.0 → critical
        ("L", "2025-10-02", "TP", 0.06),  # lake III 0.05 → exceedance
        ("N", "2025-10-02", "NH3N", 5.0),  # no target: nothing by default
    ])
    w = find_warnings(m, SECS)
    assert list(w.columns) == list(WARNING_COLUMNS)
    assert kinds(w, "A", "NH3N") == ["exceedance"]
    assert kinds(w, "A", "TP") == ["critical"] and kinds(w, "A", "COD") == []
    assert kinds(w, "A", "DO") == ["critical"] and kinds(w, "A", "pH") == ["exceedance"]
    assert kinds(w, "B") == ["critical"] and kinds(w, "L") == ["exceedance"]
    assert kinds(w, "N") == []
    row = w[(w.section_code == "A") & (w.parameter == "NH3N")].iloc[0]
    assert (row.value, row.limit, row.target_class, row.item_class) == (1.2, 1.0, 3, 4)
    assert row.sampled_on == date(2025, 10, 1) and row.section_name == "甲断面"
    assert "氨氮" in row.message_zh and "III" in row.message_zh and "≤1" in row.message_zh
    assert "Ammonia nitrogen" in row.message_en
    ph = w[(w.section_code == "A") & (w.parameter == "pH")].iloc[0]
    assert ph.limit_text == "6–9" and np.isnan(ph.limit)
    assert w[w.parameter == "DO"].iloc[0].ratio == pytest.approx(5 / 5.4)
    # sorted: exceedances first
    assert w["kind"].iloc[0] == "exceedance" and w["kind"].iloc[-1] == "critical"


def test_thresholds_are_settings():
    m = frame([("A", "2025-10-01", "COD", 17.0), ("N", "2025-10-02", "NH3N", 5.0)])
    assert find_warnings(m, SECS).empty
    w = find_warnings(m, SECS, WarningSettings(critical_share=0.8, default_target_class=3))
    assert kinds(w, "A") == ["critical"] and kinds(w, "N") == ["exceedance"]
    w2 = find_warnings(m, SECS, WarningSettings(default_target_class=3, kinds=("critical",)))
    assert kinds(w2) == []
    with pytest.raises(ValueError):
        WarningSettings(critical_share=1.5)
    with pytest.raises(ValueError):
        WarningSettings(kinds=("flood",))


def test_sudden_change_by_class_jump():
    m = frame([("A", "2025-09-01", "NH3N", 0.3), ("A", "2025-10-01", "NH3N", 0.8),  # II → III
               ("B", "2025-09-01", "COD", 14), ("B", "2025-10-01", "COD", 25)])  # I → IV
    w = find_warnings(m, SECS)
    assert kinds(w, "A") == []
    assert kinds(w, "B") == ["exceedance", "sudden_change"]
    s = w[w.kind == "sudden_change"].iloc[0]
    assert (s.previous_value, s.previous_class, s.item_class) == (14, 1, 4)
    assert s.previous_sampled_on == date(2025, 9, 1) and "突变" in s.message_zh
    assert kinds(find_warnings(m, SECS, WarningSettings(class_jump=4)), "B") == ["exceedance"]


def test_sudden_change_by_variability():
    days = pd.date_range("2024-10-01", periods=12, freq="MS")
    base = [0.30, 0.32, 0.31, 0.29, 0.30, 0.33, 0.31, 0.30, 0.28, 0.31, 0.30]
    rows = [("A", d, "NH3N", v) for d, v in zip(days, base)]
    rows.append(("A", days[-1], "NH3N", 0.45))  # still class II, far outside the noise
    rows += [("A", d, "DO", v) for d, v in zip(days, [8.0, 8.2, 7.9, 8.1, 8.0, 7.8, 8.1,
                                                         8.0, 7.9, 8.2, 8.0, 9.5])]
    w = find_warnings(frame(rows), SECS)
    assert kinds(w, "A", "NH3N") == ["sudden_change"]
    assert w.iloc[0].baseline == pytest.approx(np.mean(base))
    assert kinds(w, "A", "DO") == []  # DO went up: better, not a warning
    assert kinds(find_warnings(frame(rows), SECS, WarningSettings(variability_k=20))) == []
    # too short a history: no variability rule
    short = find_warnings(frame(rows), SECS, WarningSettings(window=3, min_history=4))
    assert kinds(short, "A", "NH3N") == []


def test_non_detects_never_warn_and_as_of():
    m = frame([("A", "2025-10-01", "CN", np.nan, 0.5),  # DL/2 = 0.25 > 0.2, but not detected
               ("A", "2025-11-01", "NH3N", 2.0), ("A", "2025-10-01", "NH3N", 0.2)])
    assert find_warnings(m, SECS, as_of="2025-10-31").empty
    w = find_warnings(m, SECS)
    assert kinds(w) == ["exceedance", "sudden_change"]
    assert w.iloc[0].sampled_on == date(2025, 11, 1)


def test_same_day_samples_are_averaged_and_json():
    m = frame([("A", "2025-10-01", "NH3N", 0.8), ("A", "2025-10-01", "NH3N", 1.4)])
    w = find_warnings(m, SECS)
    assert len(w) == 1 and w.iloc[0].value == pytest.approx(1.1)
    assert '"kind": "exceedance"' in to_json(w)
    assert find_warnings(m.iloc[0:0], SECS).empty
