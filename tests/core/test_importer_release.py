"""The monitoring release, key-polluter lists and section lists in their published
layouts (tests/data/import), imported into a real GeoPackage."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import ImportFileError, ImportOptions, import_file
from pollution_map_plugin.core.importer.credit import recover_credit_code
from pollution_map_plugin.core.importer.release import (
    ReleaseTime,
    guess_water_body,
    province_number,
    section_code,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
CREATE = ImportOptions(create_sections=True)


def _lines(path) -> list[str]:
    return Path(path).read_text(encoding="utf-8-sig").splitlines()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("release_chongqing.csv", "release_hubei.xlsx", "sections_unlocated.csv",
                 "enterprises_key_polluters.csv"):
        shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def db(tmp_path: Path):
    with create_database(tmp_path / "r.gpkg") as database:
        yield database


def test_station_codes_are_stable_and_unique_across_provinces() -> None:
    assert section_code("重庆市", "新华") == section_code("重庆", " 新华") == "50-新华"
    assert section_code("湖北省", "新华") == "42-新华"
    assert province_number("广西壮族自治区") == "45" and province_number("新疆维吾尔自治区") == "65"
    with pytest.raises(ValueError, match="unknown province"):
        section_code("火星省", "x")
    assert [guess_water_body(n) for n in ("太湖湖心", "三峡水库", "某某库心", "某库区", "嘉陵江")] \
        == ["lake", "lake", "lake", "lake", "river"]


def test_month_day_times_take_the_year_given_or_the_files() -> None:
    import datetime as dt

    assert ReleaseTime(year=2024).date("02-04 11:00") == dt.date(2024, 2, 4)
    ref = ReleaseTime(reference=dt.date(2025, 1, 2))
    assert ref.date("12-31 20:00") == dt.date(2024, 12, 31)  # the year before the file
    assert ref.date("01-02 08:00") == dt.date(2025, 1, 2)
    assert ReleaseTime().date("2025-02-04") is None  # a full date is not month-day
    with pytest.raises(ValueError, match="--year"):
        ReleaseTime().date("02-04 11:00")


def test_credit_codes_recovered_or_refused() -> None:
    from pollution_map_plugin.core.identifiers import credit_code_check_char

    body = "91500112MA5U0E001"
    code = body + credit_code_check_char(body)
    assert recover_credit_code(code + "（已注销）") == (code, "before junk")
    assert recover_credit_code("", code + "001P") == (code, "from the permit number")
    assert recover_credit_code(code.lower() + "  ") == (code, None)
    wrong = body + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValueError, match="check character"):
        recover_credit_code(wrong, code + "001P")
    assert recover_credit_code(None, None) == (None, None)


def test_release_with_created_sections(db, files: Path) -> None:
    source = files / "release_chongqing.csv"
    report = import_file(db, "measurements", source, CREATE)
    assert (report.rows_read, report.accepted, report.rejected) == (14, 10, 4)
    assert report.kept_with_losses == 3 and report.sections_created == 9
    sections = db.read_layer("sections").set_index("code")
    assert sections.geometry.isna().all()  # created unlocated
    assert sections.loc["50-示范湖湖心", "water_body_type"] == "lake"
    assert sections.loc["50-示范江大桥", "water_body_type"] == "river"
    assert set(sections["level"]) == {"national"}
    stored = db.read_table("measurements")
    kept = stored[stored["section_code"] == "50-示范河口"]
    assert "NH3N" not in set(kept["parameter"]) and {"TP", "CODMn", "DO"} <= set(kept["parameter"])
    lake = stored[stored["section_code"] == "50-示范湖湖心"]
    assert "TN" not in set(lake["parameter"])  # "--": no value, not an error
    assert {"2024-12-31"} == set(stored.loc[stored["section_code"] == "50-跨年断面", "sampled_on"]
                                 .dt.strftime("%Y-%m-%d"))
    classes = list(csv.reader(_lines(report.class_report_path)))
    assert len(classes) == 2 and classes[1][2] == "示范镇" and classes[1][5:7] == ["II", "IV"]
    rejects = list(csv.DictReader(_lines(report.rejects_path)))
    assert [r["行号 line"] for r in rejects] == ["5", "7", "9", "10", "11", "13", "14"]
    daily = stored[(stored["section_code"] == "50-示范江大桥") & (stored["parameter"] == "NH3N")]
    assert len(daily) == 1 and daily["value"].iloc[0] == pytest.approx(0.2)  # (0.15+0.25)/2
    assert report.daily_report_path and "2 readings" in _lines(report.daily_report_path)[1]
    again = import_file(db, "measurements", source, CREATE)
    assert (again.inserted, again.updated, again.sections_created) == (0, 0, 0)
    assert db.count("sections") == 9


def test_second_province_keeps_its_own_stations(db, files: Path) -> None:
    import_file(db, "measurements", files / "release_chongqing.csv", CREATE)
    report = import_file(db, "measurements", files / "release_hubei.xlsx",
                         ImportOptions(create_sections=True, year=2025))
    assert report.sections_created == 3 and report.rejected == 0
    codes = set(db.read_table("sections")["code"])
    assert {"50-新华", "42-新华", "50-示范江大桥", "42-示范江大桥", "42-示范水库库心"} <= codes


def test_unknown_stations_without_create_sections_and_missing_year(db, files: Path) -> None:
    report = import_file(db, "measurements", files / "release_chongqing.csv")
    assert report.accepted == 0 and db.count("measurements") == 0
    reasons = [r["原因 reason"] for r in csv.DictReader(_lines(report.rejects_path))]
    assert any("--create-sections" in r for r in reasons)
    with pytest.raises(ImportFileError, match="--year"):
        import_file(db, "measurements", files / "release_hubei.xlsx", CREATE)
    assert db.count("sections") == 0 and db.count("measurements") == 0


def test_water_body_override_and_name_match(db, files: Path) -> None:
    import_file(db, "sections", files / "sections_unlocated.csv")
    import_file(db, "measurements", files / "release_chongqing.csv",
                ImportOptions(create_sections=True, water_body="river"))
    assert set(db.read_table("sections")["water_body_type"].dropna()) <= {"river", "lake"}
    created = db.read_table("sections").set_index("code")
    assert created.loc["50-示范湖湖心", "water_body_type"] == "river"


def test_sections_without_coordinates_are_stored_and_later_located(db, files: Path) -> None:
    report = import_file(db, "sections", files / "sections_unlocated.csv")
    assert (report.accepted, report.rejected) == (3, 1)
    layer = db.read_layer("sections").set_index("code")
    assert layer.geometry.isna().tolist() == [False, True, True]
    located = files / "located.csv"
    located.write_text("断面编码,断面名称,断面级别,水体类型,经度,纬度\n"
                       "U002,未定位断面,国控,湖库,106.6,29.7\n", encoding="utf-8")
    import_file(db, "sections", located)
    assert db.read_layer("sections").set_index("code").loc["U002"].geometry is not None
    again = import_file(db, "sections", files / "sections_unlocated.csv")  # no coordinates
    assert db.read_layer("sections").set_index("code").loc["U002"].geometry is not None
    assert again.blank_cells.get("geometry") == 1  # U002 keeps its point


def test_key_polluter_list(db, files: Path) -> None:
    report = import_file(db, "enterprises", files / "enterprises_key_polluters.csv",
                         ImportOptions(crs="gcj02"))
    assert (report.accepted, report.rejected) == (7, 3)
    assert any("from the permit number on 2 row(s)" in w for w in report.warnings)
    stored = db.read_layer("enterprises")
    assert stored["code"].str.len().eq(18).all() and len(stored) == 7


def test_cli_release_options_and_summary(files: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "cli.gpkg"
    create_database(target).close()
    report = tmp_path / "classes.csv"
    code = main(["import", str(target), "--layer", "measurements",
                 str(files / "release_hubei.xlsx"), "--year", "2025", "--create-sections",
                 "--water-body", "guess", "--class-report", str(report)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "read 3, accepted 3, rejected 0" in out.out and "sections created: 3" in out.out
    assert "compared with the computed single-factor class on 3 row(s)" in out.err
    with open_database(target) as db:
        assert db.count("sections") == 3
    assert main(["import", str(target), "--layer", "measurements",
                 str(files / "release_hubei.xlsx"), "--create-sections"]) == 1
    assert "--year" in capsys.readouterr().err
