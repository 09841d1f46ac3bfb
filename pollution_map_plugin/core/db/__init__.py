"""Database back ends: a GeoPackage file (default) or a PostGIS schema, one API.

>>> db = create_database("demo.gpkg")        # or "postgresql://…", "service=name"
>>> db = open_database("demo.gpkg")          # checks the schema is there

A PostgreSQL target may name the schema holding the tables with the plugin's own
``schema=NAME`` option (``postgresql://h/db?schema=water`` or ``… schema=water``);
the default is ``public``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Optional, Union

from .. import schema
from .backend import WRITE_MODES, Database
from .errors import DatabaseError, MigrationError, SchemaError
from .gpkg import GeoPackageDatabase, create_gpkg
from .links import LINKS, Link
from .migrations import MIGRATIONS, Migration, migration
from .targets import gpkg_path, is_postgres_target, scrub

Target = Union[str, "os.PathLike[str]"]

__all__ = [
    "LINKS", "MIGRATIONS", "WRITE_MODES", "Database", "DatabaseError", "GeoPackageDatabase",
    "Link", "Migration", "MigrationError", "SchemaError", "create_database", "gpkg_path",
    "is_postgres_target", "migration", "open_current", "open_database", "scrub",
]


def create_database(target: Target, overwrite: bool = False,
                    populate: Optional[Callable[[Database], None]] = None) -> Database:
    """Create the schema at ``target`` (a ``.gpkg`` path or a PostgreSQL DSN).

    A GeoPackage that exists, or a PostGIS schema that already holds any of the
    tables, is an error unless ``overwrite`` (which replaces them).  ``populate(db)``,
    if given, writes the first rows.  All or nothing: a GeoPackage is built under a
    temporary name and renamed when complete, PostGIS does it in one transaction, so
    an interruption leaves the previous database (or none), never a partial one.
    """
    if is_postgres_target(target):
        from .postgis import create_postgis

        return create_postgis(str(target), overwrite=overwrite, populate=populate)
    return create_gpkg(gpkg_path(target), overwrite=overwrite, populate=populate)


def open_database(target: Target, check: bool = True) -> Database:
    """Open an existing database; with ``check``, SchemaError unless it holds the
    plugin's schema (every table present, a version this plugin can migrate)."""
    if is_postgres_target(target):
        from .postgis import PostGISDatabase

        db: Database = PostGISDatabase(str(target))
    else:
        db = GeoPackageDatabase(gpkg_path(target))
    if check:
        try:
            _check_schema(db)
        except BaseException:
            db.close()
            raise
    return db


def open_current(target: Target, log: Optional[Callable[[str], None]] = None) -> Database:
    """Open ``target`` for writing: a database of an older schema version is migrated
    first (one transaction), and ``log`` is told so with the columns added."""
    db = open_database(target)
    try:
        before = db.schema_version()
        if before < schema.SCHEMA_VERSION:
            from .migrations import added_columns

            applied = db.migrate()
            added = sorted({c.name for v in applied for cols in added_columns(v).values()
                            for c in cols})
            if log is not None:
                log(f"{db.describe()}: migrated from schema version {before} to "
                    f"{applied[-1]} (columns added: {', '.join(added) or 'none'})")
    except BaseException:
        db.close()
        raise
    return db


def _check_schema(db: Database) -> None:
    existing = db.table_names()
    missing = [t.name for t in schema.TABLES if t.name not in existing]
    if "schema_version" in missing:
        raise SchemaError(f"{db.describe()} does not hold the plugin's schema "
                          "(no schema_version table): create it with create-db")
    version = db.schema_version()
    if version > schema.SCHEMA_VERSION:
        raise SchemaError(f"{db.describe()} has schema version {version}, newer than "
                          f"{schema.SCHEMA_VERSION}: update the plugin")
    if missing and version == schema.SCHEMA_VERSION:
        raise SchemaError(f"{db.describe()} lacks table(s) {', '.join(missing)}")
