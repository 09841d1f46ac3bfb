"""import-network and link on a real PostGIS server, and the migration 1 → 2 there."""

from __future__ import annotations

import geopandas as gpd
import pytest
from psycopg2 import sql
from shapely.geometry import Point

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.linking import link
from pollution_map_plugin.core.network.network_import import NetworkImportOptions, import_network
from tests.core.test_network_import import D, tributary, trunk, write_lines
from tests.fixtures.postgis import fresh_schema


@pytest.fixture
def pg_target(postgis_dsn, postgis_server):
    with fresh_schema(postgis_dsn, postgis_server, "n_") as target:
        yield target


def test_import_network_and_link_on_postgis(pg_target, tmp_path):
    lines = trunk() + [tributary(106.0 + D)]
    lines[3] = ("主河", lines[3][1][::-1])
    path = write_lines(tmp_path / "n.geojson", lines)
    with create_database(pg_target) as db:
        res = import_network(db, NetworkImportOptions([str(path)]))
        assert len(res.reversed) == 1
        db.write("enterprises", gpd.GeoDataFrame(
            [{"code": "E1", "name": "企业"}], geometry=[Point(106.025, 30.002)], crs=4490))
        rep = link(db)
        assert rep.rows.set_index("code").at["E1", "method"] == "spatial"
    with open_database(pg_target) as db:
        reaches = db.read_layer("reaches")
        assert len(reaches) == 3 and all(g.coords[-1][0] >= g.coords[0][0] - 0.006
                                         for g in reaches.geometry)
        ent = db.read_layer("enterprises").iloc[0]
        assert ent["link_method"] == "spatial" and ent["river_code"] == res.rivers["code"][0]
        assert not [m for m in db.validate() if "unknown" in m]


def test_migration_1_to_2_on_postgis(pg_target):
    with create_database(pg_target) as db:
        with db._conn.cursor() as cur:
            cur.execute(sql.SQL("SET search_path TO {}, public").format(
                sql.Identifier(db.schema)))
            for t, cols in (("sections", schema.LINK), ("outfalls", schema.LINK),
                            *((t, schema.WATER_LINK) for t in (
                                "enterprises", "sewage_plants", "livestock_farms",
                                "petrol_stations", "industrial_parks"))):
                for c in cols:
                    cur.execute(sql.SQL("ALTER TABLE {} DROP COLUMN {}").format(
                        sql.Identifier(t), sql.Identifier(c.name)))
            cur.execute("UPDATE schema_version SET version = 1")
        db._conn.commit()
    with open_database(pg_target) as db:
        assert db.schema_version() == 1
        assert db.migrate() == [2, 3]  # to the current version: v2 columns, then districts
        assert "link_method" in db.read_layer("sections").columns
        assert not [m for m in db.validate() if "missing column" in m or "older" in m]
