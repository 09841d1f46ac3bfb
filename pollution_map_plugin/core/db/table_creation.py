"""Adding a whole table of the schema to an existing database (for migrations).

``Database.add_table(table)`` creates ``table`` empty, inside the caller's transaction:
in PostGIS with the same DDL as ``create-db``; in a GeoPackage with plain SQL (the
table, its ``gpkg_contents`` and ``gpkg_geometry_columns`` rows and the natural-key
index), since GDAL cannot open the file while the migration's transaction holds it.
A table added this way has no R-tree; QGIS and GDAL read it all the same (the tables
added so far are small: 40 district polygons).
"""

from __future__ import annotations

import datetime as _dt

from .. import schema
from ..schema import Table
from .gpkg_sql import Sql, column_type, compose


def create_gpkg_table(db, table: Table) -> None:
    """Create ``table`` in the GeoPackage ``db`` (inside its open transaction)."""
    defs = [compose("{} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", schema.PRIMARY_KEY)]
    if table.is_spatial:
        defs.append(compose("{} " + table.geometry, schema.GEOMETRY_COLUMN))
    for col in table.columns:
        null = Sql(" NOT NULL") if not col.nullable else Sql("")
        defs.append(Sql(compose("{} ", col.name) + column_type(col.type) + null))
    db.execute(Sql(compose("CREATE TABLE {} (", table.name) + ", ".join(defs) + ")"))
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
    kind = "features" if table.is_spatial else "attributes"
    srs = schema.DEFAULT_SRID if table.is_spatial else None
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
             "last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)",
             (table.name, kind, table.name, f"{table.zh} {table.en}", now, srs))
    if table.is_spatial:
        db.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                 "geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)",
                 (table.name, schema.GEOMETRY_COLUMN, table.geometry, schema.DEFAULT_SRID))
    db.execute(compose("CREATE UNIQUE INDEX {} ON {} ({})", f"ux_{table.name}_key",
                     table.name, list(table.natural_key)))
