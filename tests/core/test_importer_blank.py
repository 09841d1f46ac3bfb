"""Re-imports with blank cells: stored values kept unless ``--blank clear``, always
reported; rejects files of list.csv and list.xlsx kept apart."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.identifiers import credit_code_check_char
from pollution_map_plugin.core.importer import ImportOptions, import_file

HEADER = "企业名称,统一社会信用代码,行业,经度,纬度,化学需氧量排放量,区县\n"


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


A, B = _code("91500112MA5U0E001"), _code("91500112MA5U0E002")


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    gpkg = tmp_path / "blank.gpkg"
    create_database(gpkg).close()
    full = tmp_path / "full.csv"
    full.write_text(HEADER + f"一厂,{A},化工,106.5,29.6,12.5,渝北区\n"
                             f"二厂,{B},造纸,106.6,29.7,3,江北区\n", encoding="utf-8")
    with open_database(gpkg) as db:
        assert import_file(db, "enterprises", full).inserted == 2
    return gpkg


def _blanks(tmp_path: Path) -> Path:
    path = tmp_path / "blanks.csv"
    path.write_text(HEADER + f"一厂,{A},,106.5,29.6,,渝北区\n"
                             f"二厂,{B},造纸,106.6,29.7,3,\n", encoding="utf-8")
    return path


def _row(gpkg: Path, code: str) -> dict:
    with open_database(gpkg) as db:
        frame = db.read_table("enterprises").set_index("code")
    return frame.loc[code].to_dict()


def test_blank_cells_keep_stored_values_by_default(stored: Path, tmp_path: Path) -> None:
    with open_database(stored) as db:
        report = import_file(db, "enterprises", _blanks(tmp_path))
    assert report.blank_cells == {"industry": 1, "cod_t_a": 1, "district": 1}
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert "3 stored value(s) kept" in report.summary()
    assert "--blank clear" in report.summary()
    row = _row(stored, A)
    assert row["industry"] == "化工" and row["cod_t_a"] == 12.5
    assert _row(stored, B)["district"] == "江北区"


def test_blank_clear_erases_and_says_so(stored: Path, tmp_path: Path) -> None:
    with open_database(stored) as db:
        report = import_file(db, "enterprises", _blanks(tmp_path), ImportOptions(blank="clear"))
    assert report.updated == 2
    assert "3 stored value(s) cleared" in report.summary()
    row = _row(stored, A)
    assert row["industry"] is None and row["cod_t_a"] != row["cod_t_a"]  # NULL / NaN
    assert _row(stored, B)["district"] is None


def test_cli_blank_option(stored: Path, tmp_path: Path, capsys) -> None:
    source = _blanks(tmp_path)
    assert main(["import", str(stored), "--layer", "enterprises", str(source)]) == 0
    assert "stored value(s) kept" in capsys.readouterr().out
    assert _row(stored, A)["industry"] == "化工"
    assert main(["import", str(stored), "--layer", "enterprises", str(source),
                 "--blank", "clear"]) == 0
    assert "stored value(s) cleared" in capsys.readouterr().out
    assert _row(stored, A)["industry"] is None
    with pytest.raises(SystemExit):
        main(["import", str(stored), "--layer", "enterprises", str(source), "--blank", "maybe"])
    with pytest.raises(ValueError, match="blank must be one of"):
        ImportOptions(blank="maybe")


def test_clean_xlsx_import_keeps_the_csv_rejects_report(stored: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(HEADER + f"一厂,{A},化工,106.5,29.6,-1,渝北区\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["二厂", B, "造纸", 106.6, 29.7, 3, "江北区"])
    xlsx_path = tmp_path / "list.xlsx"
    book.save(xlsx_path)
    with open_database(stored) as db:
        first = import_file(db, "enterprises", csv_path)
        second = import_file(db, "enterprises", xlsx_path)
    assert first.rejected == 1 and Path(first.rejects_path).exists()
    assert second.rejected == 0 and second.rejects_path is None
    assert Path(first.rejects_path).exists()  # list.xlsx's clean import left it alone
    assert Path(first.rejects_path).name == "list.csv.rejects.csv"
