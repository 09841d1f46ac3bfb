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
