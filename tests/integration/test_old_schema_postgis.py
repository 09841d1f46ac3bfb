"""A version-1 database on a real PostGIS server (created with the version-1 column
list): reading, assess and export-html work, writers refuse until migrated, QGIS's
postgres provider loads every layer, and ``import`` migrates explicitly."""

from __future__ import annotations

import pandas as pd
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import SchemaError, open_database
from tests.fixtures.old_schema import build_old_database
from tests.fixtures.postgis import stored_rows


@pytest.fixture
def v1_pg(postgis_db_dsn, demo_dataset) -> str:
    build_old_database(postgis_db_dsn, 1, demo_dataset)
    return postgis_db_dsn


def test_version_1_on_postgis_reads_and_refuses_writes(v1_pg, demo_dataset):
    with open_database(v1_pg) as db:
        assert db.schema_version() == 1
        assert "link_method" not in db._columns("sections")
        sections = db.read_layer("sections")
        assert len(sections) == len(demo_dataset["sections"])
        assert sections["link_distance_m"].isna().all()
        assert db.read_table("enterprises", ["reach_code"])["reach_code"].isna().all()
        with pytest.raises(SchemaError, match="migrate"):
            db.write("sections", pd.DataFrame({"code": ["X"], "name": ["x"]}), "upsert")
        assert db.count("sections") == len(demo_dataset["sections"])


def test_assess_and_export_html_on_a_version_1_postgis(v1_pg, tmp_path):
    assert main(["assess", v1_pg, "--period", "2025"]) == 0
    out = tmp_path / "html"
    assert main(["export-html", v1_pg, "--out", str(out), "--all", "--offline"]) == 0
    assert (out / "index.html").exists()
    with open_database(v1_pg) as db:
        assert db.schema_version() == 1


def test_qgis_loads_a_version_1_postgis(qgis_new_project, v1_pg):
    from pollution_map_plugin.qgis_desktop.layer_loading import group_layers, load_database

    with open_database(v1_pg) as db:
        counts = db.counts()
    layers = group_layers(load_database(v1_pg, qgis_new_project))
    assert len(layers) == 15
    for table, layer in layers.items():
        assert layer.isValid(), table
        assert stored_rows(layer) == counts[table], table
    assert layers["sections"].fields().indexOf("link_method") < 0


def test_import_migrates_a_version_1_postgis(v1_pg, tmp_path, capsys):
    csv = tmp_path / "sections.csv"
    csv.write_text("断面编码,断面名称,断面级别,水体类型,经度,纬度\n"
                   "S_NEW,新断面,国控,河流,106.55,29.56\n", encoding="utf-8")
    assert main(["import", v1_pg, "--layer", "sections", str(csv)]) == 0
    assert "migrated from schema version 1 to 3" in capsys.readouterr().err
    with open_database(v1_pg) as db:
        assert db.schema_version() == schema.SCHEMA_VERSION
        assert "link_method" in db._columns("sections")
        assert "S_NEW" in set(db.read_table("sections")["code"])
