"""Districts on PostGIS (issue 14): a version-2 schema migrates to 3 (the districts
table is created in the plugin's schema), takes the demo polygons and gives the same
statistics by district as the GeoPackage."""

from __future__ import annotations

import pandas as pd

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import open_current, open_database
from pollution_map_plugin.core.district_stats import district_statistics
from tests.fixtures.old_schema import build_old_database


def test_version_2_on_postgis_migrates_to_districts(postgis_db_dsn, demo_dataset,
                                                     demo_db_path):
    build_old_database(postgis_db_dsn, 2, demo_dataset)
    with open_database(postgis_db_dsn) as db:
        assert db.schema_version() == 2 and "districts" not in db._tables()
    with open_current(postgis_db_dsn) as db:
        assert db.schema_version() == schema.SCHEMA_VERSION
        with db.transaction():
            db.write("districts", demo_dataset["districts"], mode="replace")
        pg = district_statistics(db).table
    with open_database(demo_db_path) as db:
        gpkg = district_statistics(db).table
    pd.testing.assert_frame_equal(pg, gpkg, check_dtype=False)
