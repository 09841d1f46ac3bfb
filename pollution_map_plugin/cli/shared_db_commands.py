"""Sub-commands of a shared PostGIS database: ``db-roles``, ``db-audit``,
``db-partition``, ``db-rollup`` and ``import-readings``.

TARGET as for ``create-db``: a DSN, ``service=NAME`` (a ``pg_service.conf`` entry) or
a DSN without password (libpq takes it from ``PGPASSWORD`` or ``~/.pgpass``).  A
password written into TARGET works but is discouraged (it lands in the shell's
history): these commands say so on standard error, and never print it.
"""

from __future__ import annotations

import argparse
import sys

from .db_commands import TARGET_HELP

ROLE_CHOICES = ("reader", "district-editor", "municipal-editor", "administrator")


def register(subparsers) -> None:
    """Add the shared-database sub-commands to ``subparsers``."""
    p = subparsers.add_parser(
        "db-roles", help="roles, district rows and the audit trail of a shared PostGIS database",
        description="--setup creates the four roles (reader, district editor, municipal "
                    "editor, administrator), row-level security and the audit triggers; "
                    "--member USER --role ROLE [--district D] makes an existing login user a "
                    "member; --whoami shows the connected user's role.")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--setup", action="store_true", help="create roles, policies and audit")
    p.add_argument("--member", metavar="USER", help="an existing PostgreSQL login user")
    p.add_argument("--role", choices=ROLE_CHOICES)
    p.add_argument("--district", help="the district a district editor edits")
    p.add_argument("--whoami", action="store_true", help="the connected user's role")
    p.set_defaults(func=run_roles)

    p = subparsers.add_parser("db-audit", help="the latest entries of the audit trail")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--table", help="only this table")
    p.set_defaults(func=run_audit)

    p = subparsers.add_parser(
        "db-partition", help="partition the measurements by year (a database made before)",
        description="Convert the measurements table of an older PostGIS database into "
                    "yearly partitions (one transaction; readers wait meanwhile).")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.set_defaults(func=run_partition)

    p = subparsers.add_parser(
        "db-rollup", help="compute the monthly rollup of the measurements (what is not yet)",
        description="Create the monthly rollup the period means are read from (per "
                    "section, item and month) if missing, and recompute the months written "
                    "since (imports by this command's user do it themselves; a district "
                    "editor's imports and edits in QGIS leave their months to this command; "
                    "meanwhile those months are read from the rows).")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.set_defaults(func=run_rollup)

    p = subparsers.add_parser(
        "import-readings", help="append automatic-station readings (only new ones)",
        description="Append the readings of a CSV (section_code, read_at, parameter, value"
                    "[, below_detection, detection_limit, unit]) not stored yet and write "
                    "the daily means of the days they fall on.  Re-running is a no-op.")
    p.add_argument("file", help="CSV of readings (UTF-8)")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    p.add_argument("--lock-wait", type=float, default=30.0,
                   help="seconds to wait for another writer before giving up (busy)")
    p.set_defaults(func=run_import_readings)


def _warn_password(target: str) -> None:
    from ..core.db.targets import has_password

    if has_password(target):
        print("note: TARGET contains a password; prefer service=NAME, ~/.pgpass or "
              "PGPASSWORD (see docs/shared-database.md)", file=sys.stderr)


def _open(target: str):
    from ..core.db import open_database

    _warn_password(target)
    db = open_database(target)
    if db.kind != "postgis":
        db.close()
        raise SystemExit("this command needs a PostGIS database (a GeoPackage is one "
                         "user's file: whoever can write the file edits it)")
    return db


def run_roles(args: argparse.Namespace) -> int:
    from ..core.db.postgis_roles import add_member, connected_role, setup_roles

    with _open(args.target) as db:
        if args.setup:
            created = setup_roles(db)
            print(f"{db.describe()}: roles, row-level security and audit set up"
                  + (f" (created {', '.join(created)})" if created else ""))
        if args.member:
            if not args.role:
                raise SystemExit("--member needs --role")
            add_member(db, args.member, args.role, args.district)
            print(f"{args.member}: {args.role}" + (f" of {args.district}"
                                                   if args.district else ""))
        if args.whoami or not (args.setup or args.member):
            info = connected_role(db)
            editable = sorted(t for t, v in info.editable.items() if v != "none")
            print(f"{info.user}: {info.label()}")
            print("  may edit: " + (", ".join(editable) if editable else "nothing")
                  + (f" (rows of {info.district} only)" if info.district else ""))
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from ..core.db.postgis_roles import audit_trail

    with _open(args.target) as db:
        for e in audit_trail(db, args.limit, args.table):
            key = ", ".join(f"{k}={v}" for k, v in (e["key"] or {}).items())
            changed = ""
            if e["old"] and e["new"]:
                diff = sorted(k for k in e["new"] if e["old"].get(k) != e["new"].get(k))
                changed = "; " + ", ".join(f"{k}: {e['old'].get(k)!r} → {e['new'].get(k)!r}"
                                           for k in diff if k not in ("geom",))
            note = f" ({e['note']})" if e["note"] else ""
            print(f"{e['at']:%Y-%m-%d %H:%M:%S} {e['who']} {e['action']} {e['table']} "
                  f"{key}{changed}{note}")
    return 0


def run_partition(args: argparse.Namespace) -> int:
    from ..core.db.postgis_store import partition_measurements, partitions

    with _open(args.target) as db:
        moved = partition_measurements(db)
        parts = partitions(db)
        print(f"{db.describe()}: " + (f"{moved} rows moved into {len(parts)} partition(s)"
                                      if moved else f"already partitioned ({len(parts)})"))
    return 0


def run_rollup(args: argparse.Namespace) -> int:
    from ..core.db.postgis_rollup import dirty_months, refresh_rollup

    with _open(args.target) as db:
        done = refresh_rollup(db)
        left = len(dirty_months(db))
        print(f"{db.describe()}: {done} month(s) of the rollup recomputed"
              + (f", {left} written meanwhile (run again)" if left else ""))
    return 0


def run_import_readings(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..core.db.postgis_store import import_readings

    frame = pd.read_csv(args.file, dtype={"section_code": str, "parameter": str},
                        encoding="utf-8-sig")
    with _open(args.target) as db:
        result = import_readings(db, frame, lock_wait_s=args.lock_wait)
        print(f"{db.describe()}: {result.summary()}")
    return 0
