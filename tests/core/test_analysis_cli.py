"""``assess``, ``warnings`` and ``trace`` on the demo GeoPackage through the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.assessment import (
    WarningSettings,
    assess_database,
    warnings_database,
)
from pollution_map_plugin.core.db import open_database


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_assess_json_matches_the_core(demo_db_path, capsys):
    code, out, _ = run(capsys, "assess", demo_db_path, "--period", "2025", "--format", "json")
    assert code == 0
    rows = {r["section_code"]: r for r in json.loads(out)}
    with open_database(demo_db_path) as db:
        core = assess_database(db, "2025").sections
    assert len(rows) == len(core) > 0
    for r in core.itertuples():
        got = rows[r.section_code]
        assert got["water_class"] == (None if pd.isna(r.water_class) else int(r.water_class))
        assert got["main_pollutants"] == r.main_pollutants and got["period"] == "2025"


def test_assess_views_and_files(demo_db_path, capsys, tmp_path):
    out_csv = tmp_path / "rivers.csv"
    code, _, err = run(capsys, "assess", demo_db_path, "--by", "river", "--format", "csv",
                       "--out", out_csv)
    assert code == 0 and "wrote" in err
    rivers = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert {"group", "method", "label_zh", "share_meeting_target"} <= set(rivers.columns)
    assert set(rivers["method"]) <= {"class_share", "mean_items"}
    code, out, _ = run(capsys, "assess", demo_db_path, "--change-from", "2024", "--format",
                       "json")
    assert code == 0 and {r["period_after"] for r in json.loads(out)} == {"2025"}
    code, out, _ = run(capsys, "assess", demo_db_path, "--history", "year")
    assert code == 0 and "2025" in out
    code, out, _ = run(capsys, "assess", demo_db_path, "--problems", "river", "--format", "json")
    assert code == 0 and all(r["n_failing"] >= 1 for r in json.loads(out))


def test_assess_bad_input_is_a_clear_error(demo_db_path, capsys, tmp_path):
    code, _, err = run(capsys, "assess", demo_db_path, "--period", "2025-13")
    assert code == 1 and "cannot read period" in err
    code, _, err = run(capsys, "assess", tmp_path / "missing.gpkg")
    assert code == 1 and err.startswith("error:")


def test_warnings_thresholds(demo_db_path, capsys):
    code, out, _ = run(capsys, "warnings", demo_db_path, "--format", "json")
    assert code == 0
    default = json.loads(out)
    with open_database(demo_db_path) as db:
        assert len(default) == len(warnings_database(db))
        core_loose = warnings_database(db, WarningSettings(critical_share=0.5))
        core_since = warnings_database(db, WarningSettings(since="2025-01-01"))
    code, out, _ = run(capsys, "warnings", demo_db_path, "--critical-share", "0.5",
                       "--format", "json")
    loose = json.loads(out)

    def critical(rows):
        return sorted((w["section_code"], w["parameter"], str(w["sampled_on"]))
                      for w in rows if w["kind"] == "critical")

    # the CLI's --critical-share reaches the core: the same critical warnings, and more
    # of them than by default (a CLI ignoring the option gives the default's)
    assert critical(loose) == critical(core_loose.to_dict("records"))
    assert len(critical(loose)) > len(critical(default))
    assert all({"section_code", "parameter", "value", "limit", "sampled_on", "kind",
                "message_zh", "message_en"} <= set(w) for w in loose)
    code, out, _ = run(capsys, "warnings", demo_db_path, "--since", "2025-01-01",
                       "--format", "json")
    window = json.loads(out)
    assert len(window) == len(core_since) > len(default)
    assert len({w["sampled_on"] for w in window}) > 1


def test_trace_json(demo_db_path, capsys):
    pytest.importorskip("pollution_map_plugin.core.network")
    with open_database(demo_db_path) as db:
        code_ = str(db.read_table("sections", columns=["code"])["code"].iloc[0])
    code, out, _ = run(capsys, "trace", demo_db_path, "--section", code_, "--mode", "UT",
                       "--distance-km", "15")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["section_code"] == code_ and data["mode"] == "UT"
    code, _, err = run(capsys, "trace", demo_db_path, "--section", "NO-SUCH")
    assert code == 1 and "NO-SUCH" in err


def test_assess_drinking_water_and_trophic_state(demo_db_path, capsys):
    from pollution_map_plugin.core.assessment.service import AssessmentRequest, run_assessment

    code, out, _ = run(capsys, "assess", demo_db_path, "--drinking-water", "failing",
                       "--format", "json")
    assert code == 0
    rows = json.loads(out)
    with open_database(demo_db_path) as db:
        bundle = run_assessment(db, AssessmentRequest())
    want = bundle.drinking_noncompliant
    assert len(rows) == len(want) > 0 and all(r["complies"] is False for r in rows)
    assert {r["section_code"] for r in rows} == set(want["section_code"])
    code, out, _ = run(capsys, "assess", demo_db_path, "--drinking-water", "all",
                       "--format", "json")
    assert len(json.loads(out)) == len(bundle.drinking_water) > len(rows)
    code, out, _ = run(capsys, "assess", demo_db_path)  # the table shows the trophic state
    assert code == 0 and "trophic_state" in out.splitlines()[0]
