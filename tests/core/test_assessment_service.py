"""The assessment service: one request, one bundle, one set of defaults for every
front end (CLI, Processing, the panel, the HTML export)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from pollution_map_plugin.core.assessment.periods import parse_period
from pollution_map_plugin.core.assessment.service import (
    AssessmentRequest,
    assess_frames,
    default_comparison,
    run_assessment,
)
from pollution_map_plugin.core.db import open_database


@pytest.fixture(scope="module")
def bundle(demo_db_path):
    with open_database(demo_db_path) as db:
        return run_assessment(db, AssessmentRequest(history="year"))


def test_defaults_latest_year_compared_with_the_year_before(bundle):
    assert bundle.period_label == bundle.years[-1] == "2025"
    assert bundle.compare == ("2024", "2025")
    assert len(bundle.change) == len(bundle.sections) > 0
    assert bundle.warnings is not None and len(bundle.warnings) > 0
    assert bundle.stretches is not None and set(bundle.stretches["section_code"]) <= set(
        bundle.sections.loc[bundle.sections["meets_target"].eq(False).fillna(False),
                            "section_code"])
    assert bundle.synthetic and bundle.months[0] == "2023-01"
    # the history runs up to the period's end
    assert pd.to_numeric(bundle.history["period"].astype(str).str[:4]).max() == 2025


@pytest.mark.parametrize(("label", "years", "months", "expected"), [
    ("2025", ["2024", "2025"], [], ("2024", "2025")),
    ("2025", ["2025"], [], None),  # no year before
    ("2025-Q3", [], ["2024-08", "2025-08"], ("2024-Q3", "2025-Q3")),  # 同比
    ("2025-Q3", [], ["2024-12", "2025-08"], None),  # nothing in 2024-Q3
    ("2025-07", [], ["2024-07", "2025-07"], ("2024-07", "2025-07")),
    ("2025-01-01/2025-06-30", ["2024", "2025"], ["2024-03", "2025-03"], None),
])
def test_default_comparison(label, years, months, expected):
    assert default_comparison(parse_period(label), years, months) == expected


def test_a_period_without_comparison_and_an_explicit_one(demo_db_path):
    with open_database(demo_db_path) as db:
        none = run_assessment(db, AssessmentRequest(period="2024", compare_default=False))
        explicit = run_assessment(db, AssessmentRequest(period="2025",
                                                        compare=("2023", None)))
    assert none.period_label == "2024" and none.change is None and none.compare is None
    assert explicit.compare == ("2023", "2025")


def test_warnings_are_those_known_at_the_end_of_the_period(demo_db_path):
    with open_database(demo_db_path) as db:
        early = run_assessment(db, AssessmentRequest(period="2023"))
    dates = pd.to_datetime(early.warnings["sampled_on"])
    assert len(dates) and dates.max() <= pd.Timestamp("2023-12-31")


def test_cancel_returns_none(demo_db_path):
    with open_database(demo_db_path) as db:
        assert run_assessment(db, AssessmentRequest(), step=lambda v: v >= 40) is None


def test_no_measurements_gives_an_empty_bundle(demo_dataset):
    frames = {"measurements": demo_dataset["measurements"].iloc[:0],
              "sections": demo_dataset["sections"]}
    empty = assess_frames(frames, AssessmentRequest())
    assert empty.assessment is None and empty.period is None and empty.years == []


def test_the_cli_and_the_html_export_agree_with_the_service(demo_db_path, bundle):
    from pollution_map_plugin.core.html.context import ExportContext

    run = subprocess.run([sys.executable, "-m", "pollution_map_plugin", "assess",
                          str(demo_db_path), "--format", "json"],
                         capture_output=True, text=True, check=True)
    cli = pd.DataFrame(json.loads(run.stdout))
    mine = bundle.sections.set_index("section_code")["water_class"]
    theirs = cli.set_index("section_code")["water_class"]
    assert (mine.astype("Float64").fillna(0) == theirs.reindex(mine.index)
            .astype("Float64").fillna(0)).all()
    with open_database(demo_db_path) as db:
        ctx = ExportContext(db)
    assert ctx.period_label == bundle.period_label
    assert len(ctx.warnings) == len(bundle.warnings)


def test_group_change_trends_and_drinking_water_in_the_bundle(demo_db_path):
    from pollution_map_plugin.core.assessment import compare_groups

    with open_database(demo_db_path) as db:
        b = run_assessment(db, AssessmentRequest(trend="year"))
        plain = run_assessment(db, AssessmentRequest())
    assert set(b.group_change["by"]) == {"river", "all"}
    whole = b.group_change.loc[b.group_change["by"] == "all"].iloc[0]
    assert whole["delta_g_minus_d"] == pytest.approx(whole["delta_g"] - whole["delta_d"])
    want = compare_groups(_assess(demo_db_path, "2024"), _assess(demo_db_path, "2025"),
                          "all").iloc[0]
    assert whole["change_method_zh"] == want["change_method_zh"]
    # trends over every year up to the period's end (the demo: 2023–2025, N = 3 < 5)
    assert len(b.trends) > 0 and set(b.trends["n"]) <= {1, 2, 3}
    assert set(b.trends["trend_zh"]) == {"无显著变化趋势"}
    assert set(b.group_trends["by"]) == {"river", "all"}
    assert plain.trends is None and plain.group_trends is None  # only when asked
    # drinking-water zones: the demo's first zones with a section inside are assessed
    assert len(b.drinking_water) > 0 and b.drinking_water["required_class"].isin([2, 3]).all()
    assert (b.drinking_noncompliant["complies"] == False).all()  # noqa: E712
    with pytest.raises(ValueError, match="trend must be one of"):
        AssessmentRequest(trend="week")


def _assess(path, period):
    from pollution_map_plugin.core.assessment import assess_database

    with open_database(path) as db:
        return assess_database(db, period)
