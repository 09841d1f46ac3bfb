"""Which sheet is read and why, ``--sheet``, and the encoding given on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import ImportFileError, parse_file

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def test_hidden_sheet_only_when_named() -> None:
    book = CORPUS / "enterprises_workbook.xlsx"
    default = parse_file(book, "enterprises")
    assert "隐藏表里的旧厂" not in set(default.frame["name"])
    hidden = parse_file(book, "enterprises", sheet="旧名录")
    assert list(hidden.frame["name"]) == ["隐藏表里的旧厂"]
    note = next(w for w in hidden.warnings if w.startswith("sheets:"))
    assert "旧名录 (hidden)" in note and "(--sheet)" in note


def test_no_usable_sheet_lists_them_and_asks_for_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["只有说明文字"])
    book.create_sheet("统计").append(["合计", 12])
    path = tmp_path / "no_list.xlsx"
    book.save(path)
    with pytest.raises(ImportFileError) as info:
        parse_file(path, "enterprises")
    message = str(info.value)
    assert "'说明'" in message and "'统计'" in message and "--sheet" in message


def test_formula_in_an_ignored_column_does_not_reject_the_row() -> None:
    result = parse_file(CORPUS / "enterprises_workbook.xlsx", "enterprises")
    rejected_lines = {r.line for r in result.rejects}
    assert 4 not in rejected_lines  # =LEN(A4) sits in 备注, which is not imported
    assert rejected_lines == {6}
    assert "化学需氧量排放量" in result.rejects[0].reason


def test_cli_big5_needs_the_encoding(tmp_path: Path, capsys) -> None:
    gpkg = tmp_path / "big5.gpkg"
    create_database(gpkg).close()
    source = tmp_path / "big5.csv"
    shutil.copy(CORPUS / "enterprises_big5.csv", source)
    mapping = ["--map", "企業名稱=name", "--map", "統一社會信用代碼=code", "--map", "經度=lon",
               "--map", "緯度=lat", "--map", "類別=", "--map", "狀態="]
    assert main(["import", str(gpkg), "--layer", "enterprises", str(source), *mapping]) == 1
    err = capsys.readouterr().err
    assert "give --encoding" in err and "big5" in err
    assert main(["import", str(gpkg), "--layer", "enterprises", str(source), *mapping,
                 "--encoding", "big5"]) == 0
    with open_database(gpkg) as db:
        names = set(db.read_table("enterprises", ["name"])["name"])
    assert "臺灣範例電鍍廠" in names
