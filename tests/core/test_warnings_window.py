"""Warnings over every sample in a window, and the robust sudden-change rule (issue 12.4)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.assessment import WarningSettings, find_warnings

SECS = pd.DataFrame({
    "code": ["A", "N"], "name": ["甲断面", "无目标"],
    "water_body_type": ["river", "river"], "target_class": [3, None],
})


def frame(rows):
    recs = []
    for sec, day, par, val, *nd in rows:
        recs.append({"section_code": sec, "sampled_on": pd.Timestamp(day), "parameter": par,
                     "value": val, "below_detection": bool(nd),
                     "detection_limit": nd[0] if nd else np.nan})
    return pd.DataFrame(recs)


def kinds(w, sec=None, par=None):
    sel = w
    if sec:
        sel = sel[sel["section_code"] == sec]
    if par:
        sel = sel[sel["parameter"] == par]
    return sorted(sel["kind"])


def test_latest_sample_per_item_not_per_section():
    # 劣V ammonia on the 1st, only DO sampled on the 2nd: the ammonia still warns
    m = frame([("A", "2025-10-01", "NH3N", 2.5), ("A", "2025-10-02", "DO", 8.0)])
    w = find_warnings(m, SECS)
    assert kinds(w, "A", "NH3N") == ["exceedance"]
    assert w.iloc[0].sampled_on == date(2025, 10, 1)


def test_window_since_covers_every_sample_with_its_date():
    m = frame([("A", "2025-08-31", "NH3N", 1.6), ("A", "2025-09-01", "NH3N", 1.2),
               ("A", "2025-10-01", "NH3N", 1.3), ("A", "2025-11-01", "NH3N", 0.4)])
    assert find_warnings(m, SECS).empty  # default: the latest sample only (0.4)
    w = find_warnings(m, SECS, since="2025-09-01")
    assert list(w["sampled_on"]) == [date(2025, 9, 1), date(2025, 10, 1)]
    assert kinds(w) == ["exceedance", "exceedance"]
    assert "2025-09-01" in w.iloc[0].message_zh and "2025-10-01" in w.iloc[1].message_en
    # the boundary day is inside the window, the day before is not
    w2 = find_warnings(m, SECS, WarningSettings(since="2025-09-02"))
    assert list(w2["sampled_on"]) == [date(2025, 10, 1)]
    w3 = find_warnings(m, SECS, since="2025-08-31")
    assert len(w3[w3.kind == "exceedance"]) == 3
    with pytest.raises(ValueError, match="window start"):
        WarningSettings(since="not a date")


def test_a_one_percent_move_across_a_shared_limit_is_no_sudden_change():
    # COD 15 is class I (I and II share 15), 15.1 class III: "I → III" by 0.7 %
    m = frame([("N", "2025-09-01", "COD", 15.0), ("N", "2025-10-01", "COD", 15.1)])
    assert kinds(find_warnings(m, SECS)) == []
    # the same class jump with a real move fires; the 10 % step is the boundary
    for after, fires in ((16.5, True), (16.4, False), (18.1, True)):
        m = frame([("N", "2025-09-01", "COD", 15.0), ("N", "2025-10-01", "COD", after)])
        assert (kinds(find_warnings(m, SECS)) == ["sudden_change"]) is fires, after
    m = frame([("N", "2025-09-01", "COD", 15.0), ("N", "2025-10-01", "COD", 16.4)])
    w = find_warnings(m, SECS, WarningSettings(min_relative_change=0.05))
    assert kinds(w) == ["sudden_change"]


def test_a_flat_history_keeps_the_k_sigma_rule():
    days = pd.date_range("2025-01-01", periods=7, freq="MS")
    rows = [("N", d, "NH3N", 0.3) for d in days[:-1]]
    w = find_warnings(frame(rows + [("N", days[-1], "NH3N", 0.9)]), SECS)
    assert kinds(w) == ["sudden_change"]  # II → III: one class, so the k·σ rule fired
    row = w.iloc[0]
    assert row.baseline == pytest.approx(0.3) and "0.3" in row.message_zh
    assert kinds(find_warnings(frame(rows + [("N", days[-1], "NH3N", 0.31)]), SECS)) == []
    # DO is a minimum: a fall is worse, a rise is not
    do = [("N", d, "DO", 8.0) for d in days[:-1]]
    assert kinds(find_warnings(frame(do + [("N", days[-1], "DO", 5.5)]), SECS)) == [
        "sudden_change"]
    assert kinds(find_warnings(frame(do + [("N", days[-1], "DO", 11.0)]), SECS)) == []
    # the floor is a setting: a floor of 1.0 × the mean needs z > 3 of 0.3, i.e. > 1.2
    loose = WarningSettings(spread_floor=1.0)
    assert kinds(find_warnings(frame(rows + [("N", days[-1], "NH3N", 0.9)]), SECS,
                               loose)) == []


def test_a_non_detect_before_is_no_sudden_change_and_never_shown():
    # COD < 10 (half: 5, class I) then 25 (class IV): not a sudden change
    m = frame([("A", "2025-09-01", "COD", np.nan, 10.0), ("A", "2025-10-01", "COD", 25.0)])
    w = find_warnings(m, SECS)
    assert kinds(w) == ["exceedance"]
    assert np.isnan(w.iloc[0].previous_value)
    assert "5" not in w.iloc[0].message_zh.replace("25", "")
    # non-detects stay out of the recent mean
    days = pd.date_range("2025-01-01", periods=8, freq="MS")
    rows = [("N", d, "NH3N", np.nan, 0.05) for d in days[:3]]
    rows += [("N", d, "NH3N", 0.3) for d in days[3:7]] + [("N", days[7], "NH3N", 0.9)]
    w = find_warnings(frame(rows), SECS)
    assert kinds(w) == ["sudden_change"] and w.iloc[0].baseline == pytest.approx(0.3)
    # non-detects between measured samples: still out of the mean
    mixed = [("N", d, "NH3N", 0.3) if i % 2 else ("N", d, "NH3N", np.nan, 0.05)
             for i, d in enumerate(days[:7])] + [("N", days[7], "NH3N", 0.28)]
    mixed.append(("N", "2025-09-01", "NH3N", 0.9))
    w = find_warnings(frame(mixed), SECS)
    assert w.iloc[0].baseline == pytest.approx((0.3 * 3 + 0.28) / 4)
    # a day with a detected and a non-detected sample: the detected value, not a mean
    m = frame([("A", "2025-10-01", "NH3N", 1.4), ("A", "2025-10-01", "NH3N", np.nan, 4.0)])
    w = find_warnings(m, SECS)
    assert list(w["value"]) == [1.4]


def test_sections_without_a_target_get_no_exceedance_warning():
    m = frame([("N", "2025-10-01", "NH3N", 5.0), ("A", "2025-10-01", "NH3N", 5.0)])
    w = find_warnings(m, SECS)
    assert kinds(w, "N") == [] and kinds(w, "A") == ["exceedance"]
    assert kinds(find_warnings(m, SECS, WarningSettings(default_target_class=3)), "N") == [
        "exceedance"]
