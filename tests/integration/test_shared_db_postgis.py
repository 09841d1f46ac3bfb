"""A shared PostGIS database (issue 17): a partitioned measurement store, the automatic
stream imported incrementally, roles with row-level security and the audit trail —
against the throwaway server of tests/fixtures/postgis.py."""

from __future__ import annotations

import uuid

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from pollution_map_plugin.core.db import DatabaseError, create_database, open_database
from pollution_map_plugin.core.db import postgis_roles as roles
from pollution_map_plugin.core.db import postgis_store as store
from pollution_map_plugin.core.db.targets import has_password
from tests.fixtures.postgis import fresh_schema


@pytest.fixture
def target(postgis_dsn, postgis_server):
    with fresh_schema(postgis_dsn, postgis_server, "s_") as target:
        yield target


def _m(rows):
    return pd.DataFrame(rows, columns=["section_code", "sampled_on", "parameter", "value"])


# --- the measurement store -------------------------------------------------------------


def test_measurements_are_partitioned_by_year_as_data_arrives(target):
    with create_database(target) as db:
        assert store.is_partitioned(db) and store.partitions(db) == []
        db.write("measurements", _m([("A", "2024-01-05", "COD", 1.0),
                                     ("A", "2025-03-01", "COD", 2.0)]))
        assert store.partitions(db) == ["measurements_y2024", "measurements_y2025"]
        with db.transaction():  # inside a transaction: the partition comes from a side
            db.write("measurements", _m([("B", "2026-02-01", "COD", 3.0)]), mode="upsert")
        assert store.partitions(db)[-1] == "measurements_y2026"
        with pytest.raises(DatabaseError):  # the natural key still holds across the store
            db.write("measurements", _m([("A", "2025-03-01", "COD", 9.0)]))
        got = db.read_table("measurements", dates=("2025-01-01", "2026-01-01"))
        assert got["value"].tolist() == [2.0]
        assert db.measurement_months() == ["2024-01", "2025-03", "2026-02"]
        assert not [m for m in db.validate() if "natural key" in m or "missing" in m]
        indexes = db.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND "
                             "tablename = 'measurements'", [db.schema], fetch=True)
        assert any("(section_code, parameter, sampled_on)" in r[0] for r in indexes)


def test_an_older_database_is_partitioned_in_place(target):
    from pollution_map_plugin.core import schema
    from pollution_map_plugin.core.db.postgis import _create_table

    with create_database(target) as db:
        db.execute(f'DROP TABLE "{db.schema}".measurements')
        _create_table(db, schema.table("measurements"), partitioned=False)
        db.write("measurements", _m([("A", "2023-06-01", "COD", 1.0),
                                     ("B", "2025-06-01", "TP", 0.1)]))
        fids = db.execute(f'SELECT fid FROM "{db.schema}".measurements ORDER BY fid',
                          fetch=True)
        assert not store.is_partitioned(db)
        assert store.partition_measurements(db) == 2
        assert store.is_partitioned(db) and store.partition_measurements(db) == 0
        assert store.partitions(db) == ["measurements_y2023", "measurements_y2025"]
        assert db.execute(f'SELECT fid FROM "{db.schema}".measurements ORDER BY fid',
                          fetch=True) == fids
        db.write("measurements", _m([("C", "2025-07-01", "COD", 5.0)]))  # fids go on
        assert db.count("measurements") == 3


def _readings(rows):
    return pd.DataFrame(rows, columns=["section_code", "read_at", "parameter", "value",
                                       "below_detection", "detection_limit"])


def test_automatic_readings_are_imported_incrementally(target):
    day = [("A", f"2025-03-02 {h:02d}:00", "NH3N", v, nd, dl)
           for h, v, nd, dl in ((0, 1.0, False, None), (4, 2.0, False, None),
                                (8, None, True, 0.2))]
    with create_database(target) as db:
        first = store.import_readings(db, _readings(day[:2] + [
            ("B", "2025-03-02 08:00", "NH3N", None, True, 0.1),
            ("B", "2025-03-02 12:00", "NH3N", None, True, 0.3),
            ("C", "2025-03-02 16:00", "TP", 0.05, False, None)]))
        assert (first.read, first.new, first.days) == (5, 5, 3)
        again = store.import_readings(db, _readings(day[:2]))
        assert (again.new, again.days) == (0, 0) and "nothing changed" in again.summary()
        m = db.read_table("measurements").set_index("section_code")
        assert m.loc["A", "value"] == pytest.approx(1.5) and not m.loc["A", "below_detection"]
        # all non-detects: a non-detect with the highest limit; one reading: as read
        assert m.loc["B", "below_detection"] and m.loc["B", "detection_limit"] == 0.3
        assert pd.isna(m.loc["B", "value"]) and m.loc["C", "value"] == 0.05
        later = store.import_readings(db, _readings(day))  # one more reading of A's day
        assert (later.new, later.days) == (1, 1)
        value = db.read_table("measurements").set_index("section_code").loc["A", "value"]
        assert value == pytest.approx((1.0 + 2.0 + 0.1) / 3)  # ND as half its limit
        assert db.count("measurements") == 3
        with pytest.raises(ValueError, match="without a time"):
            store.import_readings(db, _readings([("A", "not a time", "NH3N", 1, False, None)]))


def test_the_readings_command(target, tmp_path, capsys):
    from pollution_map_plugin.cli.main import main

    create_database(target).close()
    path = tmp_path / "readings.csv"
    _readings([("A", "2025-03-02 00:00", "COD", 10.0, False, None),
               ("A", "2025-03-02 04:00", "COD", 12.0, False, None)]).to_csv(path, index=False)
    assert main(["import-readings", str(path), target]) == 0
    assert main(["import-readings", str(path), target]) == 0
    out, err = capsys.readouterr()
    assert "2 new" in out and "none new" in out and "password" in err
    assert "pm-Secret" not in out + err
    assert has_password(target) and not has_password("service=water")


# --- roles, row-level security, audit --------------------------------------------------


@pytest.fixture
def shared(target, postgis_server, postgis_dsn):
    """A database with two districts' sections and enterprises, roles set up, and four
    login users: an editor of 甲区, a municipal editor and a reader."""
    postgis_server.admin_sql('ALTER ROLE "pm_user" CREATEROLE')
    tag = uuid.uuid4().hex[:6]
    users = {k: f"u_{k}_{tag}" for k in ("ed_a", "muni", "reader")}
    for user in users.values():
        postgis_server.admin_sql(f'CREATE ROLE "{user}" LOGIN PASSWORD \'pw-{user}\'')
    with create_database(target) as db:
        pts = [Point(106, 29), Point(107, 29)]
        db.write("sections", gpd.GeoDataFrame(
            {"code": ["S1", "S2"], "name": ["甲", "乙"], "level": "national",
             "water_body_type": "river", "district": ["甲区", "乙区"]}, geometry=pts, crs=4490))
        db.write("enterprises", gpd.GeoDataFrame(
            {"code": ["E1", "E2"], "name": ["x", "y"], "district": ["甲区", "乙区"]},
            geometry=pts, crs=4490))
        assert set(roles.setup_roles(db)) <= set(roles.ROLES.values())
        roles.setup_roles(db)  # idempotent
        roles.add_member(db, users["ed_a"], "district-editor", "甲区")
        roles.add_member(db, users["muni"], "municipal-editor")
        roles.add_member(db, users["reader"], "reader")
    host = target.split("@")[1].split("/")[0]
    dbname = postgis_dsn.rsplit("/", 1)[1].split("?")[0]
    schema_name = target.rsplit("schema=", 1)[1]

    def connect(key):
        user = users[key]
        return open_database(f"postgresql://{user}:pw-{user}@{host}/{dbname}"
                             f"?sslmode=disable&schema={schema_name}")

    yield target, connect, users
    for user in users.values():
        postgis_server.admin_sql(f'DROP OWNED BY "{user}"', dbname=dbname)
        postgis_server.admin_sql(f'DROP ROLE IF EXISTS "{user}"')


def test_a_district_editor_changes_only_their_district_and_is_audited(shared):
    target, connect, users = shared
    with connect("ed_a") as ed:
        info = roles.connected_role(ed)
        assert (info.role, info.district) == ("district-editor", "甲区")
        assert info.may_edit("enterprises") and info.editable["enterprises"] == "district"
        assert len(ed.read_layer("enterprises")) == 2  # reads the other district too
        ed.write("enterprises", pd.DataFrame({"code": ["E1", "E2"], "name": ["x2", "y2"]}),
                 mode="upsert")
        ed.write("measurements", _m([("S1", "2025-01-01", "COD", 1.0),
                                     ("S2", "2025-01-01", "COD", 2.0)]))
    with open_database(target) as db:
        names = db.read_table("enterprises", ["code", "name"]).set_index("code")["name"]
        assert names.to_dict() == {"E1": "x2", "E2": "y"}  # E2 (乙区) refused
        assert db.read_table("measurements")["section_code"].tolist() == ["S1"]
        trail = roles.audit_trail(db)
        refused = [e for e in trail if e["action"] == "refused UPDATE"]
        assert len(refused) == 1 and refused[0]["key"] == {"code": "E2"}
        assert refused[0]["who"] == users["ed_a"] and "乙区" in refused[0]["note"]
        assert refused[0]["new"]["name"] == "y2" and refused[0]["old"]["name"] == "y"
        done = [e for e in trail if e["action"] == "UPDATE" and e["key"] == {"code": "E1"}]
        assert done and done[0]["old"]["name"] == "x" and done[0]["new"]["name"] == "x2"
        assert [e for e in trail if e["action"] == "refused INSERT"
                and e["table"] == "measurements"]
        bulk = [e for e in trail if e["action"] == "INSERT (bulk)"]
        assert bulk and bulk[0]["new"]["rows"] == 1


def test_moving_a_row_into_ones_district_is_refused(shared):
    target, connect, _ = shared
    with connect("ed_a") as ed:
        ed.write("enterprises", pd.DataFrame({"code": ["E2"], "district": ["甲区"]}),
                 mode="upsert")
    with open_database(target) as db:
        row = db.read_table("enterprises", ["code", "district"]).set_index("code")
        assert row.loc["E2", "district"] == "乙区"


def test_the_municipal_editor_edits_all_and_a_reader_nothing(shared):
    target, connect, _ = shared
    with connect("muni") as muni:
        assert roles.connected_role(muni).role == "municipal-editor"
        muni.write("enterprises", pd.DataFrame({"code": ["E2"], "name": ["y3"]}),
                   mode="upsert")
    with connect("reader") as reader:
        info = roles.connected_role(reader)
        assert info.role == "reader" and not info.can_edit
        with pytest.raises(DatabaseError, match="permission denied"):
            reader.write("enterprises", pd.DataFrame({"code": ["E1"], "name": ["z"]}),
                         mode="upsert")
        with pytest.raises(DatabaseError, match="permission denied"):
            reader.execute(f'DELETE FROM "{reader.schema}".pm_audit')
    with open_database(target) as db:
        names = db.read_table("enterprises", ["code", "name"]).set_index("code")["name"]
        assert names["E2"] == "y3" and names["E1"] == "x"


def test_problems_belong_to_the_district_that_wrote_them(shared):
    target, connect, _ = shared
    with connect("ed_a") as ed:
        ed.write("problems", pd.DataFrame({"code": ["P1"], "river_code": ["R"],
                                           "description": ["a"]}))
    with connect("muni") as muni:
        muni.write("problems", pd.DataFrame({"code": ["P2"], "river_code": ["R"],
                                             "description": ["b"]}))
    with connect("ed_a") as ed:
        ed.write("problems", pd.DataFrame({"code": ["P1", "P2"], "description": ["a2", "b2"]}),
                 mode="upsert")
    with open_database(target) as db:
        got = db.execute(f'SELECT code, description, owner_district FROM "{db.schema}".problems '
                         "ORDER BY code", fetch=True)
        assert got == [("P1", "a2", "甲区"), ("P2", "b", None)]


def test_the_roles_command(shared, capsys):
    from pollution_map_plugin.cli.main import main

    target, _, users = shared
    assert main(["db-roles", target, "--whoami"]) == 0
    assert main(["db-audit", target, "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "may edit" in out and "pm-Secret" not in out
    assert main(["db-roles", target, "--member", users["reader"], "--role",
                 "district-editor"]) != 0
    assert "a district editor needs --district" in capsys.readouterr().err
