"""Change between two periods by the method: section levels and ΔG − ΔD of groups,
at the thresholds, and the worked example of docs/usage.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.assessment import (
    CHANGE_COLUMNS,
    GROUP_CHANGE_COLUMNS,
    change_by_levels,
    change_by_shares,
    compare_assessments,
    compare_groups,
)

USAGE = Path(__file__).resolve().parents[2] / "docs" / "usage.md"


def _secs(classes: list[int | None], period: str, river: str = "R1",
          district: str | None = None) -> pd.DataFrame:
    """A section result frame with just what the comparison reads."""
    n = len(classes)
    return pd.DataFrame({
        "section_code": [f"S{i:02d}" for i in range(n)], "name": [f"s{i}" for i in range(n)],
        "river_code": river, "reach_code": None, "control_unit_code": None,
        "water_system": None, "district": district, "period": period,
        "water_class": pd.array(classes, dtype="Int64"), "meets_target": pd.NA,
        "main_pollutants": "",
    })


@pytest.mark.parametrize(("before", "after", "code", "zh"), [
    (1, 2, "no_clear_change", "无明显变化"),   # I → II: both 优
    (2, 1, "no_clear_change", "无明显变化"),
    (3, 3, "no_clear_change", "无明显变化"),
    (2, 3, "worse", "有所变差"),
    (4, 3, "better", "有所好转"),
    (6, 5, "better", "有所好转"),
    (1, 4, "clearly_worse", "明显变差"),        # 优 → 轻度污染: two levels
    (2, 4, "clearly_worse", "明显变差"),
    (5, 3, "clearly_better", "明显好转"),
    (6, 1, "clearly_better", "明显好转"),
])
def test_section_levels(before: int, after: int, code: str, zh: str) -> None:
    out = compare_assessments(_secs([before], "2024"), _secs([after], "2025")).iloc[0]
    assert out["change_method"] == code and out["change_method_zh"] == zh
    assert out["class_delta"] == after - before  # the class columns are kept as they were


def test_section_without_a_class_has_no_method_change() -> None:
    out = compare_assessments(_secs([None, 3], "2024"), _secs([2, None], "2025"))
    assert list(out.columns) == list(CHANGE_COLUMNS)
    assert out["change_method"].tolist() == [None, None]
    assert out["level_before"].tolist() == [None, "良好"]
    assert out["level_after"].tolist() == ["优", None]


@pytest.mark.parametrize(("value", "code"), [
    (0.0, "no_clear_change"), (10.0, "no_clear_change"), (10.0 + 1e-4, "better"),
    (20.0, "better"), (20.0 + 1e-4, "clearly_better"), (-10.0, "no_clear_change"),
    (-10.0 - 1e-4, "worse"), (-20.0, "worse"), (-20.0 - 1e-4, "clearly_worse"),
    (np.nan, None),
])
def test_share_thresholds(value: float, code: str | None) -> None:
    assert change_by_shares(value) == code


def test_level_thresholds() -> None:
    assert [change_by_levels(x) for x in (-3, -2, -1, 0, 1, 2, 4, None)] == [
        "clearly_better", "clearly_better", "better", "no_clear_change", "worse",
        "clearly_worse", "clearly_worse", None]


@pytest.mark.parametrize(("before", "after", "g_minus_d", "code"), [
    # 10 sections: one section moving from IV to III is ΔG = +10 (70 % − 60 % in floats)
    ([1, 2, 3, 3, 3, 3, 4, 4, 5, 6], [1, 2, 3, 3, 3, 3, 3, 4, 5, 6], 10.0, "no_clear_change"),
    # + one 劣V → V: ΔD = −10, ΔG − ΔD = 20
    ([1, 2, 3, 3, 3, 3, 4, 4, 5, 6], [1, 2, 3, 3, 3, 3, 3, 4, 5, 5], 20.0, "better"),
    # IV → III twice and 劣V → V: 30
    ([1, 2, 3, 3, 3, 3, 4, 4, 5, 6], [1, 2, 3, 3, 3, 3, 3, 3, 5, 5], 30.0, "clearly_better"),
    ([1, 2, 3, 3, 3, 3, 3, 4, 5, 6], [1, 2, 3, 3, 3, 3, 4, 4, 5, 6], -10.0, "no_clear_change"),
    ([1, 2, 3, 3, 3, 3, 3, 4, 5, 5], [1, 2, 3, 3, 3, 3, 4, 4, 5, 6], -20.0, "worse"),
    ([1, 2, 3, 3, 3, 3, 3, 3, 5, 5], [1, 2, 3, 3, 3, 3, 4, 4, 5, 6], -30.0, "clearly_worse"),
])
def test_group_at_the_thresholds(before, after, g_minus_d, code) -> None:
    out = compare_groups(_secs(before, "2024"), _secs(after, "2025"), "river").iloc[0]
    assert out["delta_g_minus_d"] == pytest.approx(g_minus_d)
    assert out["change_method"] == code


def test_group_just_over_ten_with_twenty_sections() -> None:
    base = [3] * 12 + [4] * 6 + [6] * 2          # G 60 %, D 10 %
    moved = [3] * 14 + [4] * 4 + [6] + [5]        # G 70 %, D 5 %: ΔG − ΔD = 15
    out = compare_groups(_secs(base, "2024"), _secs(moved, "2025"), "all").iloc[0]
    assert (out["group"], out["n_sections_before"]) == ("全部断面", 20)
    assert out["delta_g_minus_d"] == pytest.approx(15.0) and out["change_method"] == "better"


def test_worked_example_matches_the_guide() -> None:
    before = _secs([2, 2, 3, 3, 3, 3, 4, 5, 6, 6], "2024")
    after = _secs([2, 2, 2, 3, 3, 3, 3, 3, 4, 6], "2025")
    out = compare_groups(before, after, "river").iloc[0]
    assert list(out.index) == list(GROUP_CHANGE_COLUMNS)
    got = [out[c] for c in ("share_i_iii_before", "share_i_iii_after",
                            "share_worse_than_v_before", "share_worse_than_v_after",
                            "delta_g", "delta_d", "delta_g_minus_d")]
    assert got == pytest.approx([60.0, 80.0, 20.0, 10.0, 20.0, -10.0, 30.0])
    assert out["change_method_zh"] == "明显好转"
    sec = compare_assessments(before, after).set_index("section_code")
    assert sec.loc["S02", "change_method_zh"] == "有所好转"  # III → II: 良好 → 优
    assert sec.loc["S06", "change_method_zh"] == "有所好转"  # IV → III
    assert sec.loc["S07", "change_method_zh"] == "明显好转"  # V → III: two levels
    assert sec.loc["S00", "change_method_zh"] == "无明显变化"
    text = USAGE.read_text(encoding="utf-8").split(
        "## Evaluation rules: trophic state, change, trend", 1)[1]
    for figure in ("60 %", "80 %", "20 %", "10 %", "ΔG = +20", "ΔD = −10",
                   "ΔG − ΔD = +30", "明显好转"):
        assert figure in text, figure


def test_comparable_sections_only_by_default() -> None:
    before = _secs([3, 3, 6, None], "2024")
    after = _secs([3, 3, 6, 6], "2025")           # S03 has no class before
    strict = compare_groups(before, after).iloc[0]
    assert strict["n_sections_after"] == 3 and strict["delta_g_minus_d"] == pytest.approx(0)
    loose = compare_groups(before, after, comparable=False).iloc[0]
    assert loose["n_sections_after"] == 4 and loose["change_method"] == "clearly_worse"


def test_groups_by_district_and_bad_by() -> None:
    b = pd.concat([_secs([3, 3], "2024", district="甲区"), _secs([6, 6], "2024", district="乙区")
                   .assign(section_code=["T1", "T2"])])
    a = pd.concat([_secs([3, 3], "2025", district="甲区"), _secs([3, 6], "2025", district="乙区")
                   .assign(section_code=["T1", "T2"])])
    out = compare_groups(b, a, "district").set_index("group")
    assert out.loc["甲区", "change_method"] == "no_clear_change"
    assert out.loc["乙区", "delta_g_minus_d"] == pytest.approx(100.0)
    with pytest.raises(ValueError, match="by must be one of"):
        compare_groups(b, a, "reach")
