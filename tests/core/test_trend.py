"""Spearman trend by the method: critical values at N = 5, 6 and 10, too few periods,
ties, directions of quality, the worked example of docs/usage.md and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.assessment.trend import (
    CRITICAL_VALUES,
    critical_value,
    group_trends,
    parse_periods,
    section_trends,
    spearman,
    split_period,
    trend_test,
)

USAGE = Path(__file__).resolve().parents[2] / "docs" / "usage.md"


def test_critical_values_of_the_table() -> None:
    assert critical_value(5) == 0.900 and critical_value(10) == 0.564
    assert critical_value(6) == 0.829 and critical_value(20) == 0.377
    assert critical_value(5, 0.01) == 1.000 and critical_value(10, 0.01) == 0.746
    assert critical_value(4) is None and critical_value(2) is None
    assert critical_value(11) == 0.535  # between 10 and 12: interpolated
    assert critical_value(25) == round(1.645 / 24 ** 0.5, 3) == 0.336
    # the table's last rows are z/√(N−1) to three decimals
    for n in (14, 16, 18, 20):
        assert CRITICAL_VALUES[n][0] == round(1.645 / (n - 1) ** 0.5, 3)
        assert CRITICAL_VALUES[n][1] == round(2.326 / (n - 1) ** 0.5, 3)
    with pytest.raises(ValueError, match="alpha"):
        critical_value(8, 0.1)


def _series(ranks: list[int]) -> list[float]:
    """Values whose ranks in time order are ``ranks``."""
    return [float(r) * 0.1 for r in ranks]


def test_n5_at_the_critical_value() -> None:
    at = trend_test(_series([1, 2, 3, 5, 4]))          # Σd² = 2: r_s = 0.900
    assert (at["rs"], at["critical_value"], at["significant"]) == (0.9, 0.9, True)
    assert at["trend"] == "significant_rise" and at["quality"] == "worse"
    below = trend_test(_series([2, 1, 3, 5, 4]))       # Σd² = 4: r_s = 0.800
    assert below["rs"] == 0.8 and not below["significant"]
    assert below["trend_zh"] == "无显著变化趋势" and below["quality"] is None
    fall = trend_test(_series([5, 4, 3, 1, 2]))
    assert fall["rs"] == -0.9 and fall["trend"] == "significant_fall"
    assert fall["quality"] == "better" and fall["quality_zh"] == "好转"


def test_n10_at_the_critical_value() -> None:
    at = _series([7, 2, 3, 4, 5, 6, 1, 8, 9, 10])       # Σd² = 72: r_s = 0.5636 → 0.564
    assert spearman(at) == pytest.approx(1 - 6 * 72 / 990)
    assert trend_test(at)["rs"] == 0.564 and trend_test(at)["significant"]
    below = _series([7, 2, 3, 4, 5, 6, 1, 9, 8, 10])    # Σd² = 74: r_s = 0.552
    assert trend_test(below)["rs"] == 0.552 and not trend_test(below)["significant"]


def test_n6_rounded_like_the_table() -> None:
    out = trend_test(_series([2, 1, 4, 3, 6, 5]))       # Σd² = 6: r_s = 0.8286 → 0.829
    assert out["rs"] == 0.829 and out["critical_value"] == 0.829 and out["significant"]


def test_too_few_periods() -> None:
    out = trend_test([0.1, 0.2, 0.3, 0.4])
    assert out["rs"] == 1.0 and out["n"] == 4 and out["critical_value"] is None
    assert not out["significant"] and out["trend"] == "no_significant_trend"
    assert "N = 4 < 5" in out["note"]
    assert trend_test([0.1, np.nan, 0.2, 0.3, 0.4])["n"] == 4  # a period without a value


def test_ties_and_flat_series() -> None:
    flat = trend_test([0.5] * 14)
    assert flat["rs"] == 0.0 and not flat["significant"]  # the bare formula gives 0.5
    assert spearman([1, 1, 2, 2, 3, 3]) == pytest.approx(np.corrcoef(
        [1.5, 1.5, 3.5, 3.5, 5.5, 5.5], range(6))[0, 1])


def test_directions_of_quality() -> None:
    rising = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert trend_test(rising, rising_is_better=True)["quality"] == "better"   # DO, SD, share
    assert trend_test(rising, rising_is_better=False)["quality"] == "worse"
    assert trend_test(rising, rising_is_better=None)["quality"] is None       # pH


def test_worked_example_matches_the_guide() -> None:
    nh3n = [0.82, 0.75, 0.79, 0.61, 0.58, 0.49]
    out = trend_test(nh3n)
    assert (out["n"], out["rs"], out["critical_value"]) == (6, -0.943, 0.829)
    assert out["trend_zh"] == "显著下降" and out["quality_zh"] == "好转"
    assert trend_test(nh3n, 0.01)["significant"]  # 0.943 ≥ 0.943
    text = " ".join(USAGE.read_text(encoding="utf-8").split(
        "## Evaluation rules: trophic state, change, trend", 1)[1].split())
    for figure in ("0.82, 0.75, 0.79, 0.61, 0.58, 0.49", "Σd² = 68", "−0.943", "0.829",
                   "显著下降", "0.900", "0.564"):
        assert figure in text, figure


def test_split_and_parse_periods() -> None:
    assert [p.label for p in split_period("2019..2021")] == ["2019", "2020", "2021"]
    assert [p.label for p in split_period("2024-11..2025-02", "month")] == [
        "2024-11", "2024-12", "2025-01", "2025-02"]
    assert [p.label for p in split_period("2024", "quarter")] == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    no_dates = pd.Series([], dtype="datetime64[ns]")
    assert [p.label for p in parse_periods("2021,2019,2020", no_dates)] == [
        "2019", "2020", "2021"]
    dates = pd.Series(pd.to_datetime(["2020-03-01", "2022-05-01"]))
    assert [p.label for p in parse_periods(None, dates)] == ["2020", "2021", "2022"]


def _measurements(values: dict[tuple[str, str], list[float]], years: list[int]) -> pd.DataFrame:
    rows = []
    for (sec, par), vals in values.items():
        for year, v in zip(years, vals):
            if v is not None:
                rows.append({"section_code": sec, "sampled_on": pd.Timestamp(f"{year}-06-01"),
                             "parameter": par, "value": v, "below_detection": False,
                             "detection_limit": np.nan, "unit": gb3838.ITEMS[par].unit})
    return pd.DataFrame(rows)


YEARS = [2020, 2021, 2022, 2023, 2024, 2025]


def test_section_and_group_trends() -> None:
    m = _measurements({
        ("A", "NH3N"): [0.82, 0.75, 0.79, 0.61, 0.58, 0.49],
        ("A", "DO"): [5.0, 5.5, 6.0, 6.5, 7.0, 7.6],
        ("B", "NH3N"): [2.5, 2.4, 0.9, 0.8, 0.6, 0.4],     # 劣V, 劣V, III, III, III, II
        ("D", "NH3N"): [2.5, 2.5, 2.5, 2.5, 0.9, 0.8],     # 劣V × 4, III, III
        ("C", "NH3N"): [0.4, None, None, 0.4, 0.4, 0.4],
    }, YEARS)
    secs = pd.DataFrame({"code": ["A", "B", "C", "D"], "name": ["a", "b", "c", "d"],
                         "river_code": ["R1", "R1", "R2", "R1"]})
    periods = split_period("2020..2025")
    out = section_trends(m, secs, periods).set_index(["section_code", "parameter"])
    assert out.loc[("A", "NH3N"), "rs"] == -0.943 and out.loc[("A", "NH3N"), "quality"] == "better"
    assert out.loc[("A", "DO"), "trend"] == "significant_rise"
    assert out.loc[("A", "DO"), "quality"] == "better"  # more oxygen is better
    assert out.loc[("C", "NH3N"), "n"] == 4 and not out.loc[("C", "NH3N"), "significant"]
    only = section_trends(m, secs, periods, items=["DO"])
    assert only["parameter"].tolist() == ["DO"]
    groups = group_trends(m, secs, periods, "river").set_index("group")
    assert groups.loc["R1", "values"] == [33.333, 33.333, 66.667, 66.667, 100.0, 100.0]
    assert groups.loc["R1", "rs"] == round(spearman([1, 1, 2, 2, 3, 3]), 3) == 0.956
    assert groups.loc["R1", "trend"] == "significant_rise" and groups.loc["R1", "quality"] \
        == "better"
    assert groups.loc["R2", "n"] == 4 and groups.loc["R2", "trend"] == "no_significant_trend"
    whole = group_trends(m, secs, periods, "all")
    assert whole["group"].tolist() == ["全部断面"] and whole["n_sections_max"].iloc[0] == 4
    assert whole["n_sections_min"].iloc[0] == 3  # C has no value in 2021 and 2022


def test_trend_cli(demo_db_path, capsys, tmp_path) -> None:
    code = main(["trend", str(demo_db_path), "--item", "NH3N", "--freq", "quarter",
                 "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and rows and {r["parameter"] for r in rows} == {"NH3N"}
    assert all(r["n"] >= 5 and r["critical_value"] == critical_value(r["n"]) for r in rows)
    out = tmp_path / "trend.csv"
    code = main(["trend", str(demo_db_path), "--by", "all", "--periods", "2023..2025",
                 "--out", str(out)])
    assert code == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert frame["n"].tolist() == [3] and frame["trend"].tolist() == ["no_significant_trend"]
    assert main(["trend", str(demo_db_path), "--item", "XX"]) == 1
    assert "unknown item" in capsys.readouterr().err
    code = main(["change", str(demo_db_path), "--before", "2024", "--after", "2025",
                 "--by", "river", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and rows and all("delta_g_minus_d" in r for r in rows)
