"""The database contract on GeoPackage (QGIS-free).

tests/integration/test_db_postgis.py imports these tests and runs them on PostGIS
by overriding the ``db_target`` and ``run_sql`` fixtures.
"""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import (
    LINKS,
    MIGRATIONS,
    DatabaseError,
    MigrationError,
    SchemaError,
    create_database,
    migration,
    open_database,
)
from pollution_map_plugin.core.db.targets import is_postgres_target, scrub, split_schema

DATA_TABLES = [t for t in schema.TABLES if t.name not in ("db_metadata", "schema_version")]
_LINK_TARGET = {(lk.table, lk.column): lk.targets[0][0] for lk in LINKS}
_DTYPES = {"text": object, "integer": "Int64", "real": float, "date": "datetime64[ns]"}


# --- fixtures (overridden by the PostGIS module) -----------------------------------


@pytest.fixture
def db_target(tmp_path):
    """A target where no database exists yet."""
    return str(tmp_path / "test.gpkg")


@pytest.fixture
def run_sql():
    """Run raw SQL on a database's own connection (to break it on purpose)."""

    def run(db, sql: str) -> None:
        db._conn.execute(sql)

    return run


@pytest.fixture
def db(db_target):
    database = create_database(db_target)
    yield database
    database.close()


# --- sample data ---------------------------------------------------------------------


def code(table: str, i: int) -> str:
    return f"{table[:3].upper()}{i:03d}"


def _value(table: schema.Table, col: schema.Column, i: int):
    if (table.name, col.name) in _LINK_TARGET:
        return code(_LINK_TARGET[table.name, col.name], i)
    if col.name == "code":
        return code(table.name, i)
    if col.choices:
        return col.choices[i % len(col.choices)]
    if col.type == "text":
        return f"{col.zh}·{i}'\"; --"
    if col.type == "integer":
        return i + 1
    if col.type == "real":
        return 1.5 * i + 0.1
    if col.type == "date":
        return pd.Timestamp(2020, 1, 15) + pd.Timedelta(days=31 * (i % 300))
    return i % 2 == 0


def _geometry(kind: str, i: int):
    x, y = 106.0 + i * 0.1, 29.5 + i * 0.01
    line = LineString([(x, y), (x + 0.05, y + 0.02), (x + 0.1, y)])
    square = Polygon([(x, y), (x + 0.1, y), (x + 0.1, y + 0.1), (x, y + 0.1)])
    return {"POINT": Point(x, y), "LINESTRING": line, "MULTILINESTRING": MultiLineString([line]),
            "MULTIPOLYGON": MultiPolygon([square])}[kind]


def sample(table: schema.Table, n: int = 3, nulls: bool = True) -> pd.DataFrame:
    """``n`` rows of every column, linked consistently; row 2 has NULLs where allowed."""
    data = {}
    for col in table.columns:
        values = [_value(table, col, i) for i in range(n)]
        if nulls and n > 2 and col.nullable and col.name not in table.natural_key:
            values[2] = None
        data[col.name] = values
    frame = pd.DataFrame(data)
    if table.is_spatial:
        return gpd.GeoDataFrame(frame, geometry=[_geometry(table.geometry, i) for i in range(n)],
                                crs="EPSG:4490")
    return frame


def expected(table: schema.Table, frame: pd.DataFrame) -> pd.DataFrame:
    """What reading ``frame`` back must give, dtype for dtype."""
    out = {}
    for col in table.columns:
        values = list(frame[col.name])
        if col.type == "boolean":
            dtype = "boolean" if any(v is None for v in values) else bool
        else:
            dtype = _DTYPES[col.type]
        out[col.name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(out)


def linked_to_first(table: schema.Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every link column naming row 0 of its target."""
    frame = frame.copy()
    for col in table.column_names:
        if (table.name, col) in _LINK_TARGET:
            frame[col] = code(_LINK_TARGET[table.name, col], 0)
    return frame


def fill(db, n: int = 3) -> None:
    for table in DATA_TABLES:
        db.write(table.name, sample(table, n))


def snapshot(db) -> dict:
    """Every table's content, comparable with ==."""
    snap = {}
    for table in schema.TABLES:
        frame = db.read_table(table.name)
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        if table.is_spatial:
            geoms = db.read_layer(table.name, []).geometry
            for row, geom in zip(rows, geoms):
                row["wkt"] = None if geom is None else geom.wkt
        snap[table.name] = rows
    return snap


# --- creating and opening ----------------------------------------------------------


EMPTY = ("the database is empty: no rows in any layer or table (an interrupted build? "
         "rebuild it, or import data)")


def test_create_gives_an_empty_valid_database(db, db_target):
    assert db.kind in ("gpkg", "postgis")
    assert db.validate() == [EMPTY]  # sound, but says that it holds nothing
    assert db.schema_version() == schema.SCHEMA_VERSION
    assert "created_at" in db.metadata()
    counts = db.counts()
    assert set(counts) == {t.name for t in schema.TABLES}
    assert counts["schema_version"] == 1 and counts["enterprises"] == 0
    db.close()
    with open_database(db_target) as again:
        assert again.validate() == [EMPTY]


def test_create_refuses_to_overwrite_unless_asked(db, db_target):
    db.write("rivers", sample(schema.table("rivers")))
    db.close()
    with pytest.raises(FileExistsError):
        create_database(db_target)
    with create_database(db_target, overwrite=True) as fresh:
        assert fresh.count("rivers") == 0
        assert fresh.validate() == [EMPTY]


def test_closed_database_refuses_work(db):
    db.close()
    db.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        db.read_table("rivers")


# --- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_round_trip_of_every_table(db, table):
    frame = sample(table)
    assert db.write(table.name, frame) == 3
    got = db.read_table(table.name)
    pd.testing.assert_frame_equal(got, expected(table, frame))
    if table.is_spatial:
        layer = db.read_layer(table.name)
        assert isinstance(layer, gpd.GeoDataFrame)
        assert layer.geometry.name == "geometry" and layer.crs.to_epsg() == 4490
        assert list(layer.columns) == table.column_names + ["geometry"]
        assert layer.geom_type.str.upper().tolist() == [table.geometry] * 3
        for a, b in zip(layer.geometry, frame.geometry):
            assert a.equals_exact(b, 1e-12)
        pd.testing.assert_frame_equal(pd.DataFrame(layer.drop(columns="geometry")),
                                      expected(table, frame))


def test_empty_reads_have_the_right_dtypes(db):
    frame = db.read_table("measurements")
    assert len(frame) == 0
    assert str(frame["sampled_on"].dtype) == "datetime64[ns]"
    assert frame["value"].dtype == float
    layer = db.read_layer("sections", ["code", "target_class"])
    assert list(layer.columns) == ["code", "target_class", "geometry"]
    assert str(layer["target_class"].dtype) == "Int64" and layer.crs.to_epsg() == 4490


def test_column_selection_and_errors(db):
    db.write("sections", sample(schema.table("sections")))
    assert list(db.read_table("sections", ["name", "code"]).columns) == ["name", "code"]
    with pytest.raises(KeyError):
        db.read_table("sections", ["nope"])
    with pytest.raises(KeyError):
        db.read_table("no_such_table")
    with pytest.raises(ValueError, match="without geometry"):
        db.read_layer("measurements")


def test_geometries_are_coerced_and_reprojected(db):
    square = Polygon([(106, 29), (106.1, 29), (106.1, 29.1), (106, 29.1)])
    units = gpd.GeoDataFrame({"code": ["U1"], "name": ["单元"]}, geometry=[square],
                             crs="EPSG:4490")
    db.write("control_units", units)
    assert db.read_layer("control_units").geom_type.tolist() == ["MultiPolygon"]
    mercator = gpd.GeoDataFrame({"code": ["P1"], "name": ["站"]}, geometry=[Point(106, 29)],
                                crs="EPSG:4490").to_crs(3857)
    db.write("petrol_stations", mercator)
    back = db.read_layer("petrol_stations").geometry[0]
    assert abs(back.x - 106) < 1e-7 and abs(back.y - 29) < 1e-7
    wrong = gpd.GeoDataFrame({"code": ["P2"], "name": ["x"]}, geometry=[square], crs=4490)
    with pytest.raises(ValueError, match="Polygon"):
        db.write("petrol_stations", wrong)
    assert db.count("petrol_stations") == 1


def test_bad_frames_are_refused_and_nothing_is_written(db):
    table = schema.table("enterprises")
    good = sample(table)
    bad = good.astype({"cod_t_a": object})  # a text among numbers (pandas 2.1+ warns on it)
    bad.loc[1, "cod_t_a"] = "lots"
    with pytest.raises(ValueError, match="cod_t_a"):
        db.write("enterprises", bad)
    with pytest.raises(ValueError, match="unknown column"):
        db.write("enterprises", good.assign(colour="red"))
    with pytest.raises(ValueError, match="duplicate natural key"):
        db.write("enterprises", pd.concat([good, good]))
    with pytest.raises(ValueError, match="missing required"):
        db.write("enterprises", good.drop(columns="name"))
    with pytest.raises(ValueError, match="mode"):
        db.write("enterprises", good, mode="merge")
    assert db.count("enterprises") == 0


# --- modes -----------------------------------------------------------------------------


def test_append_of_an_existing_key_fails_and_changes_nothing(db):
    table = schema.table("outfalls")
    db.write("outfalls", sample(table))
    before = snapshot(db)
    more = sample(table, 5).iloc[2:]  # OUT002 exists already, OUT003/4 are new
    with pytest.raises(DatabaseError):
        db.write("outfalls", more)
    assert snapshot(db) == before


def test_bulk_append_clashing_with_an_existing_key_fails_and_changes_nothing(db):
    """Big appends rebuild the key index after loading: a clash must still fail."""
    n = 12_000
    frame = pd.DataFrame({
        "section_code": [f"S{i % 400:03d}" for i in range(n)],
        "sampled_on": pd.Timestamp("2015-01-01") + pd.to_timedelta(np.arange(n) // 400, "D"),
        "parameter": "COD", "value": 1.0})
    db.write("measurements", frame.iloc[[5]])
    before = snapshot(db)
    with pytest.raises(DatabaseError):
        db.write("measurements", frame)
    assert snapshot(db) == before
    db.write("measurements", frame.drop(index=5))
    assert db.count("measurements") == n
    assert db.validate() == [f"measurements.section_code: {n} row(s) refer to 400 unknown "
                             "sections.code, e.g. 'S000', 'S001', 'S002'",
                             "no monitoring sections: the sections layer is empty"]


def test_upsert_is_idempotent_and_updates_only_given_columns(db):
    table = schema.table("measurements")
    frame = sample(table, 6)
    db.write("measurements", frame, mode="upsert")
    first = snapshot(db)
    db.write("measurements", frame, mode="upsert")
    assert snapshot(db) == first
    assert db.count("measurements") == 6
    change = frame.iloc[[1]][["section_code", "sampled_on", "parameter", "value"]].copy()
    change["value"] = 99.5
    db.write("measurements", change, mode="upsert")
    got = db.read_table("measurements")
    assert got["value"].tolist()[1] == 99.5
    assert got["unit"].tolist() == expected(table, frame)["unit"].tolist()
    pd.testing.assert_frame_equal(got.drop(index=1), expected(table, frame).drop(index=1))


def test_upsert_of_layers_updates_geometry(db):
    table = schema.table("sections")
    db.write("sections", sample(table))
    moved = sample(table).iloc[[0]].copy()
    moved["name"] = "新名称"
    moved = moved.set_geometry([Point(108, 31)], crs=4490)
    db.write("sections", moved, mode="upsert")
    layer = db.read_layer("sections")
    assert len(layer) == 3 and layer["name"][0] == "新名称"
    assert layer.geometry[0].equals(Point(108, 31))
    attrs = pd.DataFrame({"code": ["SEC001"], "target_class": [5]})
    db.write("sections", attrs, mode="upsert")
    layer = db.read_layer("sections")
    assert layer["target_class"][1] == 5 and layer["name"][1] == sample(table)["name"][1]
    assert layer.geometry[1].equals(_geometry("POINT", 1))


def test_replace_keeps_only_the_new_rows(db):
    table = schema.table("livestock_farms")
    db.write("livestock_farms", sample(table, 5))
    db.write("livestock_farms", sample(table, 2), mode="replace")
    assert db.read_table("livestock_farms", ["code"])["code"].tolist() == ["LIV000", "LIV001"]


# --- transactions ------------------------------------------------------------------


def test_a_failed_transaction_leaves_the_database_exactly_as_before(db):
    fill(db)
    before = snapshot(db)
    with pytest.raises(RuntimeError), db.transaction():
        db.write("enterprises", sample(schema.table("enterprises"), 6).iloc[3:])
        db.write("measurements", sample(schema.table("measurements")), mode="replace")
        db.write("rivers", sample(schema.table("rivers"), 4), mode="upsert")
        db.set_metadata({"synthetic": "yes", "created_at": None})
        raise RuntimeError("interrupted")
    assert snapshot(db) == before
    assert not db.in_transaction


def test_nested_transactions_join_the_outer_one(db):
    rivers = sample(schema.table("rivers"), 4)
    with db.transaction():
        db.write("rivers", rivers.iloc[:1])
        with db.transaction():
            db.write("rivers", rivers.iloc[1:2])
        with pytest.raises(RuntimeError), db.transaction():
            db.write("rivers", rivers.iloc[2:3])
            raise RuntimeError("inner")
        db.write("rivers", rivers.iloc[3:])
    assert db.read_table("rivers")["code"].tolist() == ["RIV000", "RIV001", "RIV003"]
    with pytest.raises(RuntimeError), db.transaction():
        with db.transaction():
            db.write("petrol_stations", sample(schema.table("petrol_stations")))
        raise RuntimeError("outer")
    assert db.count("petrol_stations") == 0


# --- metadata, versions, migrations -----------------------------------------------------


def test_metadata(db):
    db.set_metadata({"synthetic": "yes", "seed": 42})
    db.set_metadata({"seed": 43, "crs": None})
    meta = db.metadata()
    assert meta["synthetic"] == "yes" and meta["seed"] == "43" and "crs" not in meta


def test_migration_registry(db, monkeypatch):
    v = schema.SCHEMA_VERSION
    assert db.migrate() == []
    monkeypatch.setitem(MIGRATIONS, v, MIGRATIONS.get(v))
    MIGRATIONS.pop(v)
    with pytest.raises(MigrationError, match="no migration"):
        db.migrate(target=v + 1)

    @migration(v, v + 1, "measurements: add column method")
    def _add_method(database):
        database.add_column("measurements",
                            schema.Column("method", "text", "方法", "Method"))

    assert db.migrate(target=v + 1) == [v + 1]
    assert db.schema_version() == v + 1
    assert any("newer" in m for m in db.validate())
    with pytest.raises(MigrationError, match="newer"):
        db.migrate()


def test_a_failed_migration_changes_nothing(db, monkeypatch):
    v = schema.SCHEMA_VERSION
    monkeypatch.setitem(MIGRATIONS, v, MIGRATIONS.get(v))
    MIGRATIONS.pop(v)

    @migration(v, v + 1, "broken")
    def _broken(database):
        database.set_metadata({"half": "done"})
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        db.migrate(target=v + 1)
    assert db.schema_version() == v and "half" not in db.metadata()


# --- validation -------------------------------------------------------------------------


def test_validate_reports_broken_links_and_bad_codes(db):
    fill(db)
    assert db.validate() == []
    outfalls = linked_to_first(schema.table("outfalls"), sample(schema.table("outfalls"), 5))
    outfalls = outfalls.iloc[3:].copy()
    outfalls["reach_code"] = ["NOPE1", "NOPE1"]
    outfalls["type"] = ["industrial", "leaky"]
    db.write("outfalls", outfalls)
    m = sample(schema.table("measurements"), 4).iloc[3:].copy()  # links to SEC003
    m["section_code"] = "GHOST"
    db.write("measurements", m)
    messages = db.validate()
    assert len(messages) == 3, messages
    text = "\n".join(messages)
    assert "outfalls.reach_code: 2 row(s) refer to 1 unknown reaches.code, e.g. 'NOPE1'" in text
    assert "measurements.section_code: 1 row(s) refer to 1 unknown sections.code" in text
    assert "outfalls.type: 1 row(s) with values outside" in text and "'leaky'" in text


def test_owner_code_may_name_an_enterprise_or_a_plant(db):
    fill(db)
    outfalls = linked_to_first(schema.table("outfalls"), sample(schema.table("outfalls"), 6))
    outfalls = outfalls.iloc[3:].copy()
    outfalls["owner_code"] = [code("enterprises", 0), code("sewage_plants", 1), "ZZZ"]
    db.write("outfalls", outfalls)
    assert db.validate() == [
        "outfalls.owner_code: 1 row(s) refer to 1 unknown enterprises.code or "
        "sewage_plants.code, e.g. 'ZZZ'"]


def test_validate_reports_missing_tables_and_columns(db, db_target, run_sql):
    run_sql(db, "DROP TABLE problems")
    run_sql(db, "ALTER TABLE projects DROP COLUMN progress")
    messages = db.validate()
    assert "missing table problems (问题清单)" in messages
    assert "projects: missing column(s) progress" in messages
    db.close()
    with pytest.raises(SchemaError, match="problems"):
        open_database(db_target)
    open_database(db_target, check=False).close()


def test_open_refuses_what_is_not_a_plugin_database(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_database(tmp_path / "missing.gpkg")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(SchemaError):
        open_database(junk)
    with pytest.raises(ValueError, match="not a database target"):
        open_database(tmp_path / "data.csv")


# --- GeoPackage specifics -----------------------------------------------------------


def test_gpkg_is_valid_for_gdal_after_writes(tmp_path):
    from osgeo import ogr

    path = tmp_path / "valid.gpkg"
    with create_database(path) as gdb:
        fill(gdb, 5)
        gdb.write("sections", sample(schema.table("sections"), 2), mode="replace")
        info = gdb.connection_info()
        assert info == {"kind": "gpkg", "path": str(path.resolve())}
        assert str(path) in gdb.describe()
    ds = ogr.Open(str(path))
    layer = ds.GetLayerByName("sections")
    assert layer.GetFeatureCount() == 2 and layer.GetGeomType() == ogr.wkbPoint
    extent = layer.GetExtent()
    assert extent[0] == pytest.approx(106.0) and extent[1] == pytest.approx(106.1)
    layer.SetSpatialFilterRect(106.05, 29.0, 106.2, 30.0)
    assert [f.GetField("code") for f in layer] == ["SEC001"]
    reaches = ds.GetLayerByName("reaches")
    assert reaches.GetFeatureCount() == 5
    assert ds.GetLayerByName("measurements").GetGeomType() == ogr.wkbNone
    ds = None
    con = sqlite3.connect(path)
    kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert kinds["measurements"] == "attributes" and kinds["sections"] == "features"
    assert con.execute("SELECT count(*) FROM rtree_reaches_geom").fetchone()[0] == 5
    assert con.execute("SELECT srs_id FROM gpkg_spatial_ref_sys WHERE srs_id = 4490").fetchone()
    con.close()
    validator = pytest.importorskip("osgeo_utils.samples.validate_gpkg")
    validator.check(str(path))  # raises on an invalid GeoPackage


def test_gpkg_reads_what_gdal_wrote(tmp_path):
    """Blobs with envelopes and big-endian headers written by GDAL decode correctly."""
    from osgeo import ogr

    path = tmp_path / "ogr.gpkg"
    create_database(path).close()
    ds = ogr.Open(str(path), update=1)
    layer = ds.GetLayerByName("rivers")
    feature = ogr.Feature(layer.GetLayerDefn())
    for name, value in {"code": "R1", "name": "长江", "water_system": "长江"}.items():
        feature.SetField(name, value)
    feature.SetGeometry(ogr.CreateGeometryFromWkt("MULTILINESTRING ((106 29,106.5 29.2))"))
    assert layer.CreateFeature(feature) == 0
    ds = None
    with open_database(path) as gdb:
        river = gdb.read_layer("rivers")
        assert river["name"][0] == "长江"
        assert river.geometry[0].equals(MultiLineString([[(106, 29), (106.5, 29.2)]]))
        assert bool(river["key_river"].isna()[0])


def test_big_tables_round_trip(db):
    n = 20_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "section_code": [f"S{i % 400:03d}" for i in range(n)],
        "sampled_on": pd.Timestamp("2015-01-01") + pd.to_timedelta(np.arange(n) // 400, "D"),
        "parameter": "COD",
        "value": rng.random(n),
        "below_detection": rng.random(n) < 0.1,
    })
    db.write("measurements", frame)
    got = db.read_table("measurements")
    assert got["value"].to_numpy().tolist() == frame["value"].tolist()
    assert (got["sampled_on"] == frame["sampled_on"]).all()
    assert got["below_detection"].dtype == bool


def test_gpkg_fast_and_plain_reads_agree(tmp_path):
    """Big tables are read through GDAL's columnar interface outside transactions and
    with sqlite3 inside them: both must give the same frames, NULLs included."""
    n = 6000
    farms = sample(schema.table("livestock_farms"), n, nulls=False)
    farms.loc[::7, ["species", "head_count", "cod_t_a", "district"]] = None
    m = sample(schema.table("measurements"), n, nulls=False)
    m["sampled_on"] = pd.Timestamp("2015-01-01") + pd.to_timedelta(np.arange(n), "D")
    m["below_detection"] = [None if i % 5 == 0 else i % 3 == 0 for i in range(n)]
    m.loc[::4, ["value", "unit"]] = None
    with create_database(tmp_path / "fast.gpkg") as gdb:
        gdb.write("livestock_farms", farms)
        gdb.write("measurements", m)
        fast_layer = gdb.read_layer("livestock_farms")
        fast_table = gdb.read_table("measurements")
        with gdb.transaction():
            plain_layer = gdb.read_layer("livestock_farms")
            plain_table = gdb.read_table("measurements")
    pd.testing.assert_frame_equal(fast_table, plain_table)
    pd.testing.assert_frame_equal(fast_table, expected(schema.table("measurements"), m))
    assert fast_table["below_detection"].isna().sum() == n // 5
    pd.testing.assert_frame_equal(pd.DataFrame(fast_layer.drop(columns="geometry")),
                                  pd.DataFrame(plain_layer.drop(columns="geometry")))
    assert fast_layer.geometry.equals(plain_layer.geometry)
    assert fast_layer["head_count"].isna().sum() == len(range(0, n, 7))


def test_gpkg_spatial_index_follows_upserts_and_deletes(tmp_path):
    from osgeo import ogr

    path = tmp_path / "rtree.gpkg"
    table = schema.table("sections")
    with create_database(path) as gdb:
        gdb.write("sections", sample(table, 3))
        moved = sample(table, 3).iloc[[0]].set_geometry([Point(110, 35)], crs=4490)
        gdb.write("sections", moved, mode="upsert")
        gdb.write("petrol_stations", sample(schema.table("petrol_stations"), 3))
        gdb.write("petrol_stations", sample(schema.table("petrol_stations"), 1),
                  mode="replace")
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM rtree_petrol_stations_geom").fetchone()[0] == 1
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    con.close()
    assert {"rtree_sections_geom_insert", "rtree_sections_geom_delete",
            "trigger_insert_feature_count_sections"} <= names  # restored after bulk writes
    ds = ogr.Open(str(path))
    layer = ds.GetLayerByName("sections")
    layer.SetSpatialFilterRect(109.9, 34.9, 110.1, 35.1)
    assert [f.GetField("code") for f in layer] == ["SEC000"]
    layer.SetSpatialFilterRect(105.9, 29.4, 106.05, 29.6)
    assert [f.GetField("code") for f in layer] == []
    assert ds.GetLayerByName("petrol_stations").GetFeatureCount() == 1


def test_targets_are_recognised_and_scrubbed(tmp_path):
    assert is_postgres_target("postgresql://u@h/db") and is_postgres_target("service=water")
    assert is_postgres_target("host=h dbname=d") and not is_postgres_target(tmp_path / "a.gpkg")
    assert not is_postgres_target("data/demo.gpkg")
    assert split_schema("postgresql://h/db?sslmode=disable&schema=water") == (
        "postgresql://h/db?sslmode=disable", "water")
    assert split_schema("host=h schema='my water' dbname=d") == ("host=h dbname=d", "my water")
    assert split_schema("service=x") == ("service=x", None)
    text = "postgresql://me:pa55@h/db password=pa55 password='a b' x?password=pa55&y=1"
    clean = scrub(text, ["pa55"])
    assert "pa55" not in clean and "a b" not in clean and "me:***@h" in clean


def test_gpkg_cli_commands(tmp_path, capsys):
    from pollution_map_plugin.cli.main import main

    path = str(tmp_path / "cli.gpkg")
    assert main(["create-db", path]) == 0
    assert main(["create-db", path]) == 1  # exists
    assert "exists" in capsys.readouterr().err
    assert main(["validate", path]) == 1  # empty: said so, not "no problems found"
    assert "the database is empty" in capsys.readouterr().out
    with open_database(path) as gdb:
        fill(gdb)
    assert main(["validate", path]) == 0
    assert "no problems" in capsys.readouterr().out
    with create_database(path, overwrite=True) as gdb:
        gdb.write("measurements", sample(schema.table("measurements"), 2))
    assert main(["validate", path]) == 1
    assert "unknown sections.code" in capsys.readouterr().out
    assert main(["migrate", path]) == 0
    v = schema.SCHEMA_VERSION
    assert f"already at schema version {v}" in capsys.readouterr().out
    assert main(["info", "--json", path]) == 0
    out = capsys.readouterr().out
    assert '"measurements": 2' in out and f'"schema_version": {v}' in out
