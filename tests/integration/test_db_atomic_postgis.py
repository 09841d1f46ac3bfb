"""PostGIS: creating a database is all or nothing, odd schema names work, ``info`` on a
schema that is not there fails clearly, HTML pages show no user, host or port."""

from __future__ import annotations

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.html import export_all
from pollution_map_plugin.synthetic_data import build_database
from tests.fixtures.postgis import PASSWORD, USER

TABLES = [t.name for t in schema.TABLES if t.name not in ("db_metadata", "schema_version")]


class _Interrupt:
    """A frame stand-in whose length check is a Ctrl-C (projects are written last)."""

    def __len__(self) -> int:
        raise KeyboardInterrupt


def small(demo_dataset: dict) -> dict:
    return {k: v.iloc[:0] if k == "measurements" else v for k, v in demo_dataset.items()}


def test_an_interrupted_build_keeps_the_previous_tables(postgis_db_dsn, demo_dataset):
    data = small(demo_dataset)
    build_database(postgis_db_dsn, data=data).close()
    with open_database(postgis_db_dsn) as db:
        before = db.counts()
    with pytest.raises(KeyboardInterrupt):
        build_database(postgis_db_dsn, overwrite=True, data={**data, "projects": _Interrupt()})
    with open_database(postgis_db_dsn) as db:
        assert db.counts() == before and db.metadata()["synthetic"] == "yes"


def test_an_interrupted_first_build_leaves_nothing_behind(postgis_db_dsn, demo_dataset):
    target = postgis_db_dsn + "&schema=fresh"
    with pytest.raises(KeyboardInterrupt):
        build_database(target, data={**small(demo_dataset), "projects": _Interrupt()})
    with open_database(target, check=False) as db:
        assert db.counts() == {}  # no schema-only leftovers blocking a re-run
    build_database(target, data=small(demo_dataset)).close()
    with open_database(target) as db:
        assert db.validate() == []


def test_a_schema_name_with_percent_signs(postgis_db_dsn, capsys):
    target = postgis_db_dsn + "&schema=we%25ird%25s%25%25"  # URL-encoded "we%ird%s%%"
    assert main(["create-db", target]) == 0
    assert "schema we%ird%s%%" in capsys.readouterr().out
    assert main(["info", target]) == 0
    with open_database(target) as db:
        assert db.schema == "we%ird%s%%" and db.validate() != []  # empty, and says so
        assert db.count("sections") == 0
    assert main(["create-db", "--overwrite", target]) == 0


def test_info_on_a_missing_schema_fails_clearly(postgis_db_dsn, capsys):
    assert main(["info", postgis_db_dsn + "&schema=nowhere"]) == 1
    err = capsys.readouterr().err
    assert "schema 'nowhere' does not exist" in err and PASSWORD not in err


def test_html_pages_show_the_database_name_not_user_host_or_port(
        postgis_db_dsn, demo_db_path, tmp_path):
    with open_database(demo_db_path) as src, create_database(postgis_db_dsn) as dst:
        with dst.transaction():
            for name in TABLES:
                decl = schema.table(name)
                frame = src.read_layer(name) if decl.is_spatial else src.read_table(name)
                dst.write(name, frame.iloc[:0] if name == "measurements" else frame)
            dst.set_metadata({**src.metadata(), "title": None})
        info = dst.connection_info()
        result = export_all(dst, tmp_path, rivers=[src.read_layer("rivers")["code"][0]])
    dbname = postgis_db_dsn.rsplit("/", 1)[1].split("?")[0]
    assert all(dbname in p.read_text(encoding="utf-8") for p in (result.index, result.overview))
    for page in result.files:
        html = page.read_text(encoding="utf-8")
        for leak in (USER, PASSWORD, f"127.0.0.1:{info['port']}", f"@{info['host']}"):
            assert leak not in html, (page.name, leak)
    with open_database(postgis_db_dsn) as db:
        db.set_metadata({"title": "某市污染源数据库"})
        result = export_all(db, tmp_path / "titled", rivers=[])
    assert "某市污染源数据库" in result.index.read_text(encoding="utf-8")
