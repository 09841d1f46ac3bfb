"""XLSX input (generated here with openpyxl): typed cells, sheets, wide measurements."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.identifiers import credit_code_check_char
from pollution_map_plugin.core.importer import (
    Context,
    ImportFileError,
    import_file,
    parse_file,
)
from pollution_map_plugin.core.importer.measurement_import import SectionIndex


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


@pytest.fixture
def enterprises_xlsx(tmp_path: Path) -> Path:
    numeric = next(b for b in (f"9150011200000{i:04d}" for i in range(100))
                   if credit_code_check_char(b).isdigit())
    return _workbook(tmp_path / "企业.xlsx", {
        "说明": [["本工作簿为虚构示例数据"]],
        "企业": [
            ["示范区涉水企业名录（虚构）"],
            ["企业名称", "统一社会信用代码", "经度", "纬度", "类别", "化学需氧量排放量", "备注"],
            ["表格示范厂", _code("91500112MA5U0X001"), 106.55, 29.6, "重点排污单位", 12.5, None],
            ["数字代码厂", int(_code(numeric)), 106.56, 29.61, "一般", 1, None],
            [None, None, None, None, None, None, None],
            ["度分秒厂", _code("91500112MA5U0X003"), "106°33'12.5\"", "29°35'30\"", "散乱污",
             0, "备注"],
            ["负值厂", _code("91500112MA5U0X004"), 106.5, 29.5, "一般", -1, None],
        ],
    })


def test_xlsx_sheet_title_row_and_typed_cells(enterprises_xlsx: Path) -> None:
    result = parse_file(enterprises_xlsx, "enterprises", sheet="企业")
    assert result.encoding == "xlsx"
    assert result.header_line == 2
    assert (result.rows_read, result.accepted, result.rejected) == (4, 2, 2)
    reasons = {r.line: r.reason for r in result.rejects}
    assert "digits lost" in reasons[4]
    assert "must not be below 0" in reasons[7]
    assert any("blank line" in w for w in result.warnings)
    frame = result.frame.set_index("code")
    assert frame.loc[_code("91500112MA5U0X001"), "cod_t_a"] == 12.5


def test_xlsx_default_sheet_and_unknown_sheet(enterprises_xlsx: Path) -> None:
    result = parse_file(enterprises_xlsx, "enterprises")  # the note sheet is passed over
    assert (result.rows_read, result.accepted) == (4, 2)
    note = next(w for w in result.warnings if w.startswith("sheets:"))
    assert "read '企业'" in note and "'说明'" in note
    with pytest.raises(ImportFileError, match="no sheet 'missing'"):
        parse_file(enterprises_xlsx, "enterprises", sheet="missing")


def test_not_really_xlsx(tmp_path: Path) -> None:
    fake = tmp_path / "broken.xlsx"
    fake.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ImportFileError, match="cannot read"):
        parse_file(fake, "enterprises")


def _wide(tmp_path: Path) -> Path:
    return _workbook(tmp_path / "监测.xlsx", {"数据": [
        ["断面名称", "监测日期", "水温", "pH", "溶解氧(mg/L)", "氨氮", "铅(μg/L)", "备注"],
        ["示范断面一", dt.datetime(2025, 10, 8), 18.5, 7.6, 8.1, "0.02L", 3.2, "正常"],
        ["示范断面一", "2025-11", 15.0, 7.4, None, 0.31, "ND", None],
        ["示范断面二", dt.date(2025, 10, 8), 17.0, 7.9, 6.5, "abc", 1.0, None],
        ["示范断面二", "2025年10月8日", None, None, None, None, None, None],
        ["无此断面", "2025-10-08", 17.0, 7.9, 6.5, 0.2, 1.0, None],
        ["示范断面一", "2025/10/8", 18.0, None, None, None, None, "重复"],
    ]})


def test_wide_measurements(tmp_path: Path) -> None:
    sections = SectionIndex.from_pairs([("S001", "示范断面一"), ("S002", "示范断面二")])
    result = parse_file(_wide(tmp_path), "measurements", context=Context(sections))
    reasons = {r.line: r.reason for r in result.rejects}
    assert set(reasons) == {4, 5, 6, 7}
    assert "氨氮: not a value" in reasons[4]
    assert "no measured value" in reasons[5]
    assert "unknown section" in reasons[6]
    assert "duplicate key" in reasons[7] and "first on line 2" in reasons[7]
    # a bad cell loses that value only: line 4 is kept with its other four values
    assert [r.line for r in result.rejects if r.kept] == [4]
    assert reasons[4].startswith("row kept, value(s) lost")
    assert (result.rows_read, result.accepted, result.rejected) == (6, 3, 3)
    frame = result.frame
    assert len(frame) == 5 + 4 + 4  # five items on line 2, four on lines 3 and 4
    line4 = frame[frame["section_code"] == "S002"]
    assert set(line4["parameter"]) == {"WT", "pH", "DO", "Pb"}
    nh3n = frame[(frame["parameter"] == "NH3N") & (frame["sampled_on"] == "2025-10-08")].iloc[0]
    assert bool(nh3n["below_detection"]) and nh3n["detection_limit"] == pytest.approx(0.02)
    assert math.isnan(nh3n["value"])
    pb = frame[(frame["parameter"] == "Pb") & (frame["sampled_on"] == "2025-10-08")].iloc[0]
    assert pb["value"] == pytest.approx(0.0032)
    assert set(frame["sampled_on"].dt.strftime("%Y-%m-%d")) == {"2025-10-08", "2025-11-01"}


def test_wide_measurements_into_database(tmp_path: Path) -> None:
    sections = tmp_path / "sections.csv"
    sections.write_text("断面编码,断面名称,断面级别,水体类型,经度,纬度\n"
                        "S001,示范断面一,国控,河流,106.5,29.6\n"
                        "S002,示范断面二,市控,河流,106.6,29.7\n", encoding="utf-8")
    source = _wide(tmp_path)
    with create_database(tmp_path / "w.gpkg") as db:
        import_file(db, "sections", sections)
        report = import_file(db, "measurements", source)
        again = import_file(db, "measurements", source)
        stored = db.read_table("measurements")
    assert (report.accepted, report.rejected, report.inserted) == (3, 3, 13)
    assert report.kept_with_losses == 1 and "1 accepted with value(s) lost" in report.summary()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 13)
    assert len(stored) == 13
