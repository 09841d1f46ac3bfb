"""Several readings of one station, item and day (the release every 4 h) → the daily
mean, listed with how many readings and non-detects; nothing rejected as a duplicate."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.importer import ImportOptions, import_file, parse_file
from pollution_map_plugin.core.importer.daily import time_of_day

HEADER = ["省份", "流域", "断面名称", "监测时间", "水质类别", "水温(℃)", "pH(无量纲)",
          "氨氮(mg/L)", "总磷(mg/L)", "站点情况"]
HOURS = ("00:00", "04:00", "08:00", "12:00", "16:00", "20:00")
OPTIONS = ImportOptions(year=2025, create_sections=True)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _scrape(hours=HOURS, days=("02-04", "02-05")) -> list[list[str]]:
    """Two stations every 4 h: 甲 detected throughout (NH3N 0.1, 0.2, … by hour), 乙 with TP
    below detection at night only and NH3N below detection all day."""
    rows = []
    for day in days:
        for i, hour in enumerate(hours):
            rows.append(["重庆市", "长江流域", "甲站", f"{day} {hour}", "Ⅱ", "12", "7.5",
                         f"{0.1 * (i + 1):.1f}", "0.05", "正常"])
            tp = "0.01L" if hour in ("00:00", "04:00") else "0.08"
            rows.append(["重庆市", "长江流域", "乙站", f"{day} {hour}", "Ⅱ", "12", "7.5",
                         "0.025L" if i % 2 else "0.02L", tp, "正常"])
    return rows


@pytest.fixture
def db(tmp_path: Path):
    with create_database(tmp_path / "d.gpkg") as database:
        yield database


def _stored(db) -> dict[tuple, dict]:
    frame = db.read_table("measurements")
    return {(r.section_code, r.sampled_on.date() if hasattr(r.sampled_on, "date")
             else r.sampled_on, r.parameter): r._asdict() for r in frame.itertuples()}


def test_time_of_day() -> None:
    assert time_of_day("02-04 08:00") == "08:00"
    assert time_of_day("2025-02-04 8:05:00") == "08:05"
    assert time_of_day("2月4日 20时00") == "20:00"
    assert time_of_day(dt.datetime(2025, 2, 4, 16, 0)) == "16:00"
    assert time_of_day("2025-02-04") is None and time_of_day(dt.datetime(2025, 2, 4)) is None
    assert time_of_day("20250204") is None and time_of_day(None) is None


def test_readings_of_a_day_become_its_mean(db, tmp_path: Path) -> None:
    source = _write(tmp_path / "scrape.csv", _scrape())
    report = import_file(db, "measurements", source, OPTIONS)
    assert (report.rows_read, report.accepted, report.rejected) == (24, 24, 0)
    stored = _stored(db)
    day = dt.date(2025, 2, 4)
    assert len(stored) == 2 * 2 * 4  # stations × days × items (WT, pH, NH3N, TP)
    assert stored[("50-甲站", day, "NH3N")]["value"] == pytest.approx(0.35)  # mean of 0.1…0.6
    assert not stored[("50-甲站", day, "NH3N")]["below_detection"]
    # TP of 乙: 2 non-detects (0.01L → 0.005) and 4 × 0.08 → (0.01 + 0.32) / 6
    tp = stored[("50-乙站", day, "TP")]
    assert tp["value"] == pytest.approx(0.33 / 6) and not tp["below_detection"]
    # NH3N of 乙: every reading below detection → a non-detect day, the highest limit
    nh3n = stored[("50-乙站", day, "NH3N")]
    assert nh3n["below_detection"] and math.isnan(nh3n["value"])
    assert nh3n["detection_limit"] == pytest.approx(0.025)
    note = next(w for w in report.warnings if w.startswith("readings of the same day"))
    assert "96 readings into 16 daily mean(s)" in note
    assert "half their detection limit" in note and "only when all its readings were" in note
    with open(report.daily_report_path, encoding="utf-8-sig", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert len(listed) == 16 and {r["读数 readings"] for r in listed} == {"6"}
    row = next(r for r in listed if r["断面编码 section_code"] == "50-乙站"
               and r["日期 day"] == "2025-02-04" and r["项目 parameter"].endswith("TP"))
    assert row["未检出 non_detects"] == "2" and "2 non-detect(s) as half" in row["说明 note"]
    row = next(r for r in listed if r["断面编码 section_code"] == "50-乙站"
               and r["项目 parameter"].endswith("NH3N"))
    assert "all non-detects" in row["说明 note"] and row["日均值 daily_mean"] == "ND (0.025)"


def test_reimport_is_idempotent_and_more_readings_update_the_mean(db, tmp_path: Path) -> None:
    first = _write(tmp_path / "early.csv", _scrape(hours=HOURS[:3], days=("02-04",)))
    import_file(db, "measurements", first, OPTIONS)
    again = import_file(db, "measurements", first, OPTIONS)
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 0)
    assert _stored(db)[("50-甲站", dt.date(2025, 2, 4), "NH3N")]["value"] == pytest.approx(0.2)
    whole = _write(tmp_path / "whole.csv", _scrape(days=("02-04",)))
    more = import_file(db, "measurements", whole, OPTIONS)
    assert more.inserted == 0 and more.updated == 2  # 甲's NH3N, 乙's TP (now some detected)
    assert _stored(db)[("50-甲站", dt.date(2025, 2, 4), "NH3N")]["value"] == pytest.approx(0.35)
    assert any("replaces a value stored for that day" in w for w in more.warnings)


def test_the_same_reading_twice_is_a_duplicate(tmp_path: Path) -> None:
    rows = _scrape(hours=HOURS[:2], days=("02-04",))
    source = _write(tmp_path / "twice.csv", [*rows, rows[0]])
    result = parse_file(source, "measurements", OPTIONS)
    assert (result.rows_read, result.accepted, result.rejected) == (5, 4, 1)
    assert "duplicate reading" in result.rejects[0].reason
    assert "first on line 2" in result.rejects[0].reason


def test_a_day_given_without_a_time_is_not_mixed_with_readings(tmp_path: Path) -> None:
    rows = _scrape(hours=HOURS[:2], days=("02-04",))
    plain = ["重庆市", "长江流域", "甲站", "2025-02-04", "Ⅱ", "12", "7.5", "0.9", "0.05", "正常"]
    result = parse_file(_write(tmp_path / "mixed.csv", [*rows, plain]), "measurements",
                        OPTIONS)
    assert result.rejected == 1 and "readings with a time of day" in result.rejects[0].reason


def test_means_do_not_depend_on_the_chunks(db, tmp_path: Path) -> None:
    source = _write(tmp_path / "scrape.csv", _scrape())
    import_file(db, "measurements", source, ImportOptions.of(OPTIONS, chunk_rows=5))
    small = _stored(db)
    again = import_file(db, "measurements", source, OPTIONS)
    assert (again.inserted, again.updated) == (0, 0)
    assert small[("50-甲站", dt.date(2025, 2, 5), "NH3N")]["value"] == pytest.approx(0.35)
