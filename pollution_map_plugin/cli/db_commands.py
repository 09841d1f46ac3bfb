"""Database sub-commands: ``create-db``, ``validate``, ``migrate``, ``info``.

TARGET is a GeoPackage path, a PostgreSQL DSN (``postgresql://…``, ``host=… dbname=…``)
or ``service=NAME``; ``schema=NAME`` picks the PostGIS schema (default ``public``).
Output never shows a password.
"""

from __future__ import annotations

import argparse
import json

TARGET_HELP = ("GeoPackage path (.gpkg), PostgreSQL DSN or 'service=NAME' "
               "(add 'schema=NAME' for a PostGIS schema other than public)")


def register(subparsers) -> None:
    """Add the database sub-commands to ``subparsers``."""
    p = subparsers.add_parser("create-db", help="create an empty database with the schema",
                              description="Create the plugin's tables (schema version "
                                          "current) in a new GeoPackage or a PostGIS schema.")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing GeoPackage, or the plugin's tables in PostGIS")
    p.set_defaults(func=run_create)

    p = subparsers.add_parser("validate", help="check a database's schema and links",
                              description="Report missing tables and columns, wrong geometry "
                                          "types, unknown codes and broken natural-key links. "
                                          "Exit status 1 when problems are found.")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.set_defaults(func=run_validate)

    p = subparsers.add_parser("migrate", help="bring a database to the current schema version")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.set_defaults(func=run_migrate)

    p = subparsers.add_parser("info", help="rows per table, metadata and schema version")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run_info)


def run_create(args: argparse.Namespace) -> int:
    from ..core.db import create_database

    with create_database(args.target, overwrite=args.overwrite) as db:
        print(f"created {db.describe()} (schema version {db.schema_version()})")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from ..core.db import open_database

    with open_database(args.target, check=False) as db:
        problems = db.validate()
        where = db.describe()
    if not problems:
        print(f"{where}: no problems found")
        return 0
    print(f"{where}: {len(problems)} problem(s)")
    for message in problems:
        print(f"  - {message}")
    return 1


def run_migrate(args: argparse.Namespace) -> int:
    from ..core.db import open_database

    with open_database(args.target, check=False) as db:
        before = db.schema_version()
        applied = db.migrate()
        if applied:
            print(f"{db.describe()}: migrated from version {before} to {applied[-1]}")
        else:
            print(f"{db.describe()}: already at schema version {before}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from ..core.db import SchemaError, open_database

    with open_database(args.target, check=False) as db:
        if not db.counts():  # not "schema version: 0" for a schema that is not there
            where = f"PostGIS schema {db.schema!r}" if db.kind == "postgis" else "it"
            raise SchemaError(f"{db.describe()} holds none of the plugin's tables: {where} "
                              "does not exist or was never created (create-db)")
        info = {"database": db.describe(), "kind": db.kind,
                "schema_version": db.schema_version(), "counts": db.counts(),
                "metadata": db.metadata() if "db_metadata" in db.counts() else {}}
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(info["database"])
    print(f"  schema version: {info['schema_version']}")
    width = max([len(k) for k in info["counts"]] + [5])
    print("  rows:")
    for name, n in info["counts"].items():
        print(f"    {name:<{width}}  {n:>10,}")
    if info["metadata"]:
        print("  metadata:")
        for key, value in sorted(info["metadata"].items()):
            print(f"    {key}: {value}")
    return 0
