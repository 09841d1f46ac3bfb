"""``import-network`` (river lines → rivers and reaches) and ``link`` (points → reaches)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _pair(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LON,LAT, not {text!r}") from None
    return x, y


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected W,S,E,N, not {text!r}") from None
    if not (w < e and s < n):
        raise argparse.ArgumentTypeError("the box needs W < E and S < N")
    return w, s, e, n


def _tolerance(text: str) -> tuple[str, float]:
    name, _, value = text.partition("=")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected TABLE=METRES, not {text!r}") from None


def register(subparsers) -> None:
    """Add ``import-network`` and ``link``."""
    p = subparsers.add_parser(
        "import-network", help="build rivers and reaches from river line files",
        description=(
            "Read river lines (Shapefile, GeoPackage, GeoJSON, any OGR line layer; several "
            "files at once), snap line ends within the tolerance, split at junctions, merge "
            "pseudo-nodes, group reaches into rivers by name, find the outlet of each part "
            "and orient every reach downstream, then write the rivers and reaches tables in "
            "one transaction. Every input feature is reported as used, merged or dropped."))
    p.add_argument("db", help="database: a .gpkg file or a PostgreSQL DSN")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="line files; FILE|layer=NAME picks one layer")
    p.add_argument("--crs", help="CRS of files without one (default: lon/lat EPSG:4490)")
    p.add_argument("--name-field", help="field with the river names (default: detected)")
    p.add_argument("--outlet", action="append", type=_pair, default=[], metavar="LON,LAT",
                   help="an outlet (repeatable; default: found from the network)")
    p.add_argument("--tolerance", type=float, default=20.0, metavar="M",
                   help="line ends this close (metres) are one node (default 20)")
    p.add_argument("--bbox", type=_bbox, metavar="W,S,E,N", help="cut the lines to this box")
    p.add_argument("--bank-width", type=float, default=1000.0, metavar="M",
                   help="same-named lines side by side this close are two banks of one "
                        "river: one is kept (default 1000; 0: keep both)")
    p.add_argument("--replace", action="store_true",
                   help="replace the rivers and reaches already in the database")
    p.add_argument("--report", metavar="CSV",
                   help="write the per-feature report (default: next to the database)")
    p.add_argument("--no-link", action="store_true",
                   help="do not link sections and sources to the new reaches")
    p.set_defaults(func=run_import)

    p = subparsers.add_parser(
        "link", help="link sections, outfalls and sources to their nearest reach",
        description=(
            "Give every section, outfall, sewage plant, enterprise, farm, petrol station and "
            "park its reach (code in the data, its outfall's, a river name in its name, or "
            "the nearest within the tolerance), record method and distance, fill river_code "
            "where empty and list what is too far or disagrees."))
    p.add_argument("db", help="database: a .gpkg file or a PostgreSQL DSN")
    p.add_argument("--tolerance", action="append", type=_tolerance, default=[],
                   metavar="TABLE=M", help="metres for one table, e.g. sections=500")
    p.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    p.add_argument("--report", metavar="CSV", help="write every record's link as CSV")
    p.set_defaults(func=run_link)


def _open_current(target: str):
    from ..core.db import open_database
    from ..core.schema import SCHEMA_VERSION

    db = open_database(target)
    if db.schema_version() < SCHEMA_VERSION:
        applied = db.migrate()
        print(f"{db.describe()}: migrated to schema version {applied[-1]}", file=sys.stderr)
    return db


def run_import(args: argparse.Namespace) -> int:
    from ..core.db import is_postgres_target
    from ..core.network.network_import import NetworkImportOptions, import_network

    opts = NetworkImportOptions(list(args.files), crs=args.crs, name_field=args.name_field,
                                outlets=list(args.outlet), tolerance_m=args.tolerance,
                                bbox=args.bbox, replace=args.replace,
                                bank_width_m=args.bank_width)
    with _open_current(args.db) as db:
        result = import_network(db, opts)
        print("\n".join(result.report_lines()))
        report = args.report or (None if is_postgres_target(args.db) else
                                 str(Path(args.db).with_suffix("")) + "_network_report.csv")
        if report:
            result.write_report(report)
            print(f"per-feature report: {report}")
        if not args.no_link:
            _print_link(db, None, None)
    return 0


def _print_link(db, options, report_path) -> None:
    from ..core.linking import link

    rep = link(db, options)
    print("links:")
    print("\n".join(rep.report_lines()) or "(no sections, outfalls or sources to link)")
    if report_path:
        rep.rows.to_csv(report_path, index=False, encoding="utf-8-sig")
        print(f"link report: {report_path}")


def run_link(args: argparse.Namespace) -> int:
    from ..core.linking import DEFAULT_TOLERANCES_M, LinkOptions

    bad = [t for t, _ in args.tolerance if t not in DEFAULT_TOLERANCES_M]
    if bad:
        raise ValueError(f"unknown table(s) {', '.join(bad)}; tables: "
                         f"{', '.join(DEFAULT_TOLERANCES_M)}")
    opts = LinkOptions(tolerances_m=dict(args.tolerance), dry_run=args.dry_run)
    with _open_current(args.db) as db:
        _print_link(db, opts, args.report)
    return 0
