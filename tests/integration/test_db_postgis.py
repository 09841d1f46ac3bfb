"""The database contract on PostGIS: every test of test_db_gpkg.py, run against a
throwaway PostgreSQL server, plus PostGIS specifics (credentials, schemas, SQL)."""

from __future__ import annotations

import pandas as pd
import pytest
from psycopg2 import sql

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import DatabaseError, create_database, open_database
from tests.core.test_db_gpkg import *  # noqa: F403 - the shared contract tests
from tests.core.test_db_gpkg import fill, sample, snapshot
from tests.fixtures.postgis import PASSWORD, fresh_schema

GPKG_ONLY = ("test_gpkg_", "test_open_refuses_what_is_not", "test_targets_")


@pytest.fixture
def db_target(postgis_dsn, postgis_server):
    """A fresh schema of the session database: cheaper than a database per test, and
    it exercises the schema= option throughout."""
    with fresh_schema(postgis_dsn, postgis_server, "t_") as target:
        yield target


@pytest.fixture
def run_sql():
    def run(db, query: str) -> None:
        with db._conn.cursor() as cur:
            cur.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(db.schema)))
            cur.execute(query)

    return run


# The GeoPackage-only tests imported above do not apply here.
for _name in [n for n in list(globals()) if n.startswith(GPKG_ONLY)]:
    del globals()[_name]


def test_no_password_in_description_or_info(db):
    assert db.kind == "postgis"
    info = db.connection_info()
    assert PASSWORD not in repr(info) and "password" not in info
    assert info["user"] == "pm_user" and info["schema"] == db.schema
    assert db.schema.startswith("t_") and info["host"] == "127.0.0.1"
    assert info["dbname"].startswith("pm_test_") and info["port"]
    assert PASSWORD not in db.describe() and PASSWORD not in repr(db)


def test_no_password_in_errors(db_target):
    wrong = db_target.replace(PASSWORD, PASSWORD + "x")
    with pytest.raises(DatabaseError) as caught:
        open_database(wrong)
    assert PASSWORD not in str(caught.value) and caught.value.__cause__ is None
    assert "authentication failed" in str(caught.value)
    broken = f"host=127.0.0.1 password={PASSWORD} port=notanumber dbname"
    with pytest.raises(DatabaseError) as caught:
        open_database(broken)
    assert PASSWORD not in str(caught.value)


def test_a_named_schema(postgis_db_dsn):
    db_target = postgis_db_dsn
    with create_database(db_target + "&schema=water") as water:
        assert water.schema == "water" and water.connection_info()["schema"] == "water"
        fill(water)
        assert water.validate() == []
    with open_database(db_target.replace("?", "?schema=water&")) as again:
        assert again.count("rivers") == 3
    with pytest.raises(Exception, match="schema_version"):
        open_database(db_target)  # public holds nothing


def test_key_value_dsn_and_sql_injection_safety(db_target, postgis_server):
    dbname = db_target.rsplit("/", 1)[1].split("?")[0]
    schema_name = db_target.rsplit("schema=", 1)[1]
    dsn = (f"host=127.0.0.1 port={postgis_server.port} dbname={dbname} user=pm_user "
           f"password={PASSWORD} sslmode=disable schema={schema_name}")
    with create_database(dsn) as db:
        evil = sample(schema.table("rivers"), 1)
        evil["name"] = "x'); DROP TABLE rivers; --"
        evil["code"] = 'R"1'
        db.write("rivers", evil)
        assert db.read_table("rivers")["name"].tolist() == ["x'); DROP TABLE rivers; --"]
        assert db.read_table("rivers")["code"].tolist() == ['R"1']


def test_empty_strings_and_nulls_stay_apart(db):
    frame = sample(schema.table("problems"), 2, nulls=False)
    frame["location"] = ["", None]
    frame["responsible"] = ["\\N", "a,b\n\"c\""]
    db.write("problems", frame)
    got = db.read_table("problems")
    assert got["location"].tolist() == ["", None]
    assert got["responsible"].tolist()[1] == "a,b\n\"c\""


def test_geometry_columns_and_indexes(db, run_sql):
    rows = db._exec("SELECT f_table_name, type, srid FROM geometry_columns "
                    "WHERE f_table_schema = %s", [db.schema], fetch=True)
    got = {r[0]: (r[1], r[2]) for r in rows}
    for table in schema.SPATIAL_TABLES:
        assert got[table.name] == (table.geometry, 4490)
    indexes = {r[0] for r in db._exec("SELECT indexdef FROM pg_indexes "
                                      "WHERE schemaname = %s", [db.schema], fetch=True)}
    assert any("USING gist (geom)" in i and "sections" in i for i in indexes)
    assert any("UNIQUE" in i and "(section_code, sampled_on, parameter)" in i for i in indexes)


def test_snapshot_survives_reconnect(db, db_target):
    fill(db)
    before = snapshot(db)
    db.close()
    with open_database(db_target) as again:
        assert snapshot(again) == before
        assert isinstance(again.read_table("measurements"), pd.DataFrame)


def test_service_from_pg_service_conf(db_target, postgis_server, tmp_path, monkeypatch):
    dbname = db_target.rsplit("/", 1)[1].split("?")[0]
    conf = tmp_path / "pg_service.conf"
    conf.write_text(f"[pmtest]\nhost=127.0.0.1\nport={postgis_server.port}\ndbname={dbname}\n"
                    f"user=pm_user\npassword={PASSWORD}\nsslmode=disable\n")
    monkeypatch.setenv("PGSERVICEFILE", str(conf))
    schema_name = db_target.rsplit("schema=", 1)[1]
    with create_database(f"service=pmtest schema={schema_name}") as db:
        info = db.connection_info()
        assert info["service"] == "pmtest" and info["dbname"] == dbname
        assert PASSWORD not in repr(info) and PASSWORD not in db.describe()
        assert "service pmtest" in db.describe()
