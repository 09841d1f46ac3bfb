"""Processing algorithms refuse outputs onto the database, its sidecars or the input,
and never put a password into their Python command (the Processing history)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException

from pollution_map_plugin.processing_provider.algorithm_base import split_authcfg
from pollution_map_plugin.processing_provider.analysis_algorithms import (
    AssessSectionsAlgorithm,
    TraceUpstreamAlgorithm,
)
from pollution_map_plugin.processing_provider.database_algorithms import ValidateDatabase
from pollution_map_plugin.processing_provider.html_algorithms import ExportHtml
from pollution_map_plugin.processing_provider.import_algorithms import ImportTable
from pollution_map_plugin.processing_provider.maps_algorithms import RenderMaps

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def db(tmp_path, demo_db_path) -> Path:
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_db_path, path)
    return path


def test_import_rejects_onto_the_database_or_the_input(qgis_processing, db, tmp_path):
    import processing

    source = tmp_path / "outfalls.csv"
    shutil.copy(CORPUS / "outfalls_gcj02.csv", source)
    before_db, before_src = db.read_bytes(), source.read_bytes()
    for rejects in (db, Path(str(db) + "-wal"), source):
        params = {"DATABASE": str(db), "TABLE": 1, "INPUT": str(source), "CRS": 2,
                  "ENCODING": 0, "REJECTS": str(rejects)}
        with pytest.raises(QgsProcessingException, match="refusing"):
            processing.run(ImportTable(), params)
    assert db.read_bytes() == before_db and source.read_bytes() == before_src
    assert not Path(str(db) + "-wal").exists()


@pytest.mark.parametrize("alg, params", [
    (ExportHtml, {"OUTPUT": "{db}"}),
    (RenderMaps, {"OUTPUT": "{db}"}),
    (AssessSectionsAlgorithm, {"OUTPUT": "{db}"}),
    (AssessSectionsAlgorithm, {"OUTPUT": "ogr:dbname='{db}' table=\"assessed\" (geom)"}),
    (TraceUpstreamAlgorithm, {"SECTION": "NOPE", "OUTPUT_REACHES": "memory:",  # before work
                              "OUTPUT_SOURCES": "{db}"}),
], ids=["html", "maps", "sink", "sink-ogr-uri", "trace-second-sink"])
def test_outputs_onto_the_database_are_refused(qgis_processing, db, alg, params):
    import processing

    before = db.read_bytes()
    full = {"DATABASE": str(db), **{k: v.replace("{db}", str(db)) for k, v in params.items()}}
    with pytest.raises(QgsProcessingException, match="refusing"):
        processing.run(alg(), full)
    assert db.read_bytes() == before


def test_the_python_command_masks_a_password(qgis_processing):
    alg = ValidateDatabase()
    alg.initAlgorithm()
    command = alg.asPythonCommand(
        {"DATABASE": "host=h dbname=d user=u password=Canary-9x"}, QgsProcessingContext())
    assert "Canary-9x" not in command and "password=***" in command
    assert "dbname=d" in command


def test_split_authcfg():
    assert split_authcfg("host=h dbname=d authcfg=ab12cd3 sslmode=disable") == \
        ("host=h dbname=d sslmode=disable", "ab12cd3")
    assert split_authcfg("postgresql://h:5432/d?authcfg=ab12cd3&sslmode=disable") == \
        ("postgresql://h:5432/d?sslmode=disable", "ab12cd3")
    assert split_authcfg("service=x") == ("service=x", "")


@pytest.mark.parametrize("alg, name", [
    (ValidateDatabase, "DATABASE"), (AssessSectionsAlgorithm, "DSN"), (ExportHtml, "DSN"),
    (ImportTable, "DATABASE"), (RenderMaps, "DATABASE")])
def test_the_dialog_log_masks_a_password(qgis_processing, alg, name):
    """The Processing dialog logs valueAsPythonString of every parameter."""
    created = alg().create()  # as the dialog gets it
    definition = created.parameterDefinition(name)
    shown = definition.valueAsPythonString("host=h dbname=d password=Canary-9x",
                                           QgsProcessingContext())
    assert "Canary-9x" not in shown and "dbname=d" in shown
    assert definition.type() in ("file", "string")
