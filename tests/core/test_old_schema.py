"""A database of schema version 1 (built with the version-1 column list, as the
previous release wrote it): reading never fails, writers migrate or refuse, and the
jobs that only read (assess, render-maps' data, export-html) work on it."""

from __future__ import annotations

import shutil
import sqlite3

import pandas as pd
import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import SchemaError, open_current, open_database
from pollution_map_plugin.core.db.migrations import added_columns, added_tables, tables_at

NEW = {(t, c.name) for t, cols in added_columns(2).items() for c in cols}


@pytest.fixture
def v1(tmp_path, v1_demo_gpkg):
    path = tmp_path / "v1.gpkg"
    shutil.copy(v1_demo_gpkg, path)
    return path


def _columns(path, table: str) -> list[str]:
    with sqlite3.connect(path) as con:
        return [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]


def test_the_fixture_is_a_real_version_1_file(v1):
    assert tables_at(3) == schema.TABLES
    assert "districts" not in {t.name for t in tables_at(2)}
    assert "link_method" not in _columns(v1, "sections")
    assert "river_code" in _columns(v1, "sections")  # version 1 had it on sections
    assert "river_code" not in _columns(v1, "enterprises")
    with open_database(v1) as db:
        assert db.schema_version() == 1
        assert db.count("sections") > 0


def test_reading_a_version_1_database_gives_the_new_columns_empty(v1, demo_dataset):
    with open_database(v1) as db:
        later = {name for v in range(2, schema.SCHEMA_VERSION + 1) for name in added_tables(v)}
        for table in schema.TABLES:
            if table.name in later:  # a whole table a later version added is absent
                assert table.name not in db._tables()
                continue
            frame = (db.read_layer if table.is_spatial else db.read_table)(table.name)
            assert list(frame.columns[:len(table.columns)]) == table.column_names
            for col in (c for c in table.columns if (table.name, c.name) in NEW):
                assert frame[col.name].isna().all(), (table.name, col.name)
        sections = db.read_layer("sections")
        assert len(sections) == len(demo_dataset["sections"])
        assert sections["link_distance_m"].dtype == float
        assert sections["link_method"].dtype == object
        assert sections["river_code"].notna().all()  # a version-1 column keeps its values
        only_new = db.read_table("enterprises", ["link_distance_m", "reach_code"])
        assert len(only_new) == len(demo_dataset["enterprises"])
        assert list(only_new.columns) == ["link_distance_m", "reach_code"]
        assert db.read_layer("outfalls", ["link_method"]).geometry.notna().all()


def test_a_writer_refuses_with_the_migrate_command_and_writes_nothing(v1):
    row = pd.DataFrame({"code": ["S_NEW"], "name": ["新断面"]})
    with open_database(v1) as db:
        before = db.count("sections")
        with pytest.raises(SchemaError, match=r"version 1.*migrate"):
            db.write("sections", row, mode="upsert")
        assert db.count("sections") == before
        db.set_metadata({"note": "bookkeeping tables are writable"})
    assert "link_method" not in _columns(v1, "sections")


def test_import_migrates_explicitly_and_says_so(v1, tmp_path, capsys):
    csv = tmp_path / "sections.csv"
    csv.write_text("断面编码,断面名称,断面级别,水体类型,经度,纬度\n"
                   "S_NEW,新断面,国控,河流,106.55,29.56\n", encoding="utf-8")
    with open_database(v1) as db, pytest.raises(SchemaError, match="migrate"):
        from pollution_map_plugin.core.importer import import_file

        import_file(db, "sections", csv)
    assert main(["import", str(v1), "--layer", "sections", str(csv)]) == 0
    err = capsys.readouterr().err
    assert "migrated from schema version 1 to 3" in err and "link_method" in err
    with open_database(v1) as db:
        assert db.schema_version() == 3 and "S_NEW" in set(db.read_table("sections")["code"])
        assert not [m for m in db.validate() if "missing column" in m or "older" in m]


def test_open_current_on_a_current_database_says_nothing(tmp_path, demo_db_path):
    messages: list[str] = []
    with open_current(demo_db_path, log=messages.append) as db:
        assert db.schema_version() == schema.SCHEMA_VERSION
    assert messages == []


def test_a_failed_migration_leaves_version_1_readable(v1, monkeypatch):
    from pollution_map_plugin.core.db import backend as base

    with open_database(v1) as db:
        real = base.Database._record_version

        def boom(self, version):
            raise RuntimeError("disk full")

        monkeypatch.setattr(base.Database, "_record_version", boom)
        with pytest.raises(RuntimeError):
            db.migrate()
        monkeypatch.setattr(base.Database, "_record_version", real)
        assert db.schema_version() == 1
        assert db.read_layer("sections")["link_method"].isna().all()
        with pytest.raises(SchemaError):
            db.write("sections", pd.DataFrame({"code": ["X"], "name": ["x"]}), "upsert")


def test_assess_and_export_html_work_on_version_1(v1, tmp_path, capsys):
    assert main(["assess", str(v1), "--period", "2025"]) == 0
    out = tmp_path / "html"
    assert main(["export-html", str(v1), "--out", str(out), "--all", "--offline"]) == 0
    assert (out / "index.html").exists() and len(list(out.glob("*.html"))) > 2
    with open_database(v1) as db:
        assert db.schema_version() == 1  # reading jobs never migrate
