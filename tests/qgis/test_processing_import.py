"""The "import_table" Processing algorithm, run through processing.run with real QGIS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.importer import IMPORTABLE_TABLES, read_rejects
from pollution_map_plugin.processing_provider import import_algorithms
from pollution_map_plugin.processing_provider.import_algorithms import ImportTable

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def test_tables_match_the_core() -> None:
    assert import_algorithms.TABLES == IMPORTABLE_TABLES
    assert len(import_algorithms.ALGORITHMS) == 1
    assert import_algorithms.ALGORITHMS[0] is ImportTable
    assert ImportTable().name() == "import_table"


def test_import_table_runs(qgis_processing, tmp_path: Path) -> None:
    import processing

    db_path = tmp_path / "p.gpkg"
    create_database(db_path).close()
    source = tmp_path / "outfalls.csv"
    shutil.copy(CORPUS / "outfalls_gcj02.csv", source)
    rejects = tmp_path / "rejects.csv"
    params = {
        "DATABASE": str(db_path), "TABLE": IMPORTABLE_TABLES.index("outfalls"),
        "INPUT": str(source), "CRS": 2, "ENCODING": 0, "REJECTS": str(rejects),
    }
    results = processing.run(ImportTable(), params)
    assert (results["ROWS_READ"], results["ACCEPTED"], results["REJECTED"]) == (6, 4, 2)
    assert results["INSERTED"] == 4
    assert results["REJECTS"] == str(rejects)
    assert len(read_rejects(rejects)) == 2
    again = processing.run(ImportTable(), params)
    assert (again["INSERTED"], again["UPDATED"], again["UNCHANGED"]) == (0, 0, 4)
    with open_database(db_path) as db:
        assert len(db.read_layer("outfalls")) == 4


def test_import_table_fatal_error(qgis_processing, tmp_path: Path) -> None:
    import processing

    db_path = tmp_path / "p.gpkg"
    create_database(db_path).close()
    params = {"DATABASE": str(db_path), "TABLE": 0,
              "INPUT": str(CORPUS / "fatal_no_name.csv"), "MAPPING": "备注"}
    with pytest.raises(QgsProcessingException, match="header=column"):
        processing.run(ImportTable(), params)
    params["MAPPING"] = ""
    with pytest.raises(QgsProcessingException, match="名称"):
        processing.run(ImportTable(), params)


def test_import_table_blank_choice_and_big5(qgis_processing, tmp_path: Path) -> None:
    import processing

    db_path = tmp_path / "p.gpkg"
    create_database(db_path).close()
    source = tmp_path / "big5.csv"
    shutil.copy(CORPUS / "enterprises_big5.csv", source)
    mapping = ("企業名稱=name; 統一社會信用代碼=code; 經度=lon; 緯度=lat; 行業=industry; "
               "類別=; 狀態=")
    params = {"DATABASE": str(db_path), "TABLE": 0, "INPUT": str(source), "MAPPING": mapping,
              "REJECTS": str(tmp_path / "rejects.csv")}
    with pytest.raises(QgsProcessingException, match="give --encoding"):
        processing.run(ImportTable(), params)
    params["ENCODING"] = import_algorithms.ENCODINGS.index("big5")
    assert processing.run(ImportTable(), params)["INSERTED"] == 3
    blank = tmp_path / "blank.csv"
    text = source.read_bytes().decode("cp950").replace("電鍍,", ",", 1)
    blank.write_bytes(text.encode("cp950"))
    params["INPUT"] = str(blank)
    kept = processing.run(ImportTable(), params)
    assert kept["UNCHANGED"] == 3 and "1 stored value(s) kept" in kept["SUMMARY"]
    params["BLANK"] = 1
    cleared = processing.run(ImportTable(), params)
    assert cleared["UPDATED"] == 1 and "cleared" in cleared["SUMMARY"]
    with open_database(db_path) as db:
        industries = db.read_table("enterprises", ["industry"])["industry"]
    assert industries.isna().sum() == 1


def test_import_table_monitoring_release(qgis_processing, tmp_path: Path) -> None:
    import processing

    db_path = tmp_path / "p.gpkg"
    create_database(db_path).close()
    source = tmp_path / "release_hubei.xlsx"
    shutil.copy(CORPUS / "release_hubei.xlsx", source)
    params = {"DATABASE": str(db_path), "TABLE": IMPORTABLE_TABLES.index("measurements"),
              "INPUT": str(source), "CREATE_SECTIONS": True}
    with pytest.raises(QgsProcessingException, match="year"):
        processing.run(ImportTable(), params)
    params.update({"YEAR": 2025, "WATER_BODY": 1,
                   "CLASS_REPORT": str(tmp_path / "classes.csv")})
    results = processing.run(ImportTable(), params)
    assert (results["ACCEPTED"], results["SECTIONS_CREATED"]) == (3, 3)
    with open_database(db_path) as db:
        sections = db.read_layer("sections")
    assert set(sections["water_body_type"]) == {"river"}  # the guess overridden
    assert sections.geometry.isna().all()
