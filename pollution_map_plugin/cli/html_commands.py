"""``export-html``: river-chief reports, the overview and the index as HTML files."""

from __future__ import annotations

import argparse
import sys
import time

BASEMAPS = ("osm", "tianditu", "gaode", "none")


def register(subparsers) -> None:
    """Add ``export-html`` to ``subparsers``."""
    p = subparsers.add_parser(
        "export-html",
        help="write the river reports (一河一策), the overview and an index as HTML",
        description=(
            "Write HTML maps from a database: one report per river, overview.html and "
            "index.html (--all, the default), or a single river's report (--river). "
            "Scripts and styles are inlined, so the pages open without internet; with "
            "--offline a tile basemap is offered but not loaded at start."),
    )
    p.add_argument("db", help="database: a .gpkg file or a PostgreSQL DSN")
    p.add_argument("--out", required=True, help="output folder")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--river", action="append", metavar="CODE|NAME",
                       help="only this river's report, by code or name (repeatable)")
    which.add_argument("--all", action="store_true",
                       help="every key river (none flagged: every river with sections or "
                            "sources), the overview and the index (default)")
    which.add_argument("--every-river", action="store_true",
                       help="like --all, with a report for every river, not only key rivers")
    p.add_argument("--offline", action="store_true",
                   help="no request to any other host at start (default basemap: none)")
    p.add_argument("--basemap", choices=BASEMAPS, default=None,
                   help="osm, tianditu (needs a key), gaode (data shifted to GCJ-02) or none "
                        "(water systems as the background); default osm, or none offline")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="page language")
    p.add_argument("--period", default=None,
                   help="assessment period, e.g. 2024, 2024-Q3, 2024-06 (default: latest year)")
    p.add_argument("--tianditu-key", default=None, metavar="KEY",
                   help="Tianditu key (or the TIANDITU_KEY environment variable)")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export and print where the files are."""
    from ..core.db import open_database
    from ..core.html import ExportContext, HtmlExportOptions, export_all, export_river_report
    from ..core.output_paths import check_output_dir

    start = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        if not args.quiet:
            print(f"[{fraction * 100:3.0f}%] {message}", file=sys.stderr, flush=True)

    failed: dict[str, str] = {}
    with open_database(args.db) as db:
        check_output_dir(args.out, database=db)  # before reading: nothing written
        options = HtmlExportOptions(
            period=args.period, lang=args.lang, basemap=args.basemap, offline=args.offline,
            tianditu_key=args.tianditu_key, rivers="all" if args.every_river else None)
        ctx = ExportContext(db, options)
        if args.river:
            paths = [export_river_report(ctx, code, args.out)
                     for code in ctx.river_codes(args.river)]  # codes or names
            for path in paths:
                print(path)
        else:
            result = export_all(ctx, args.out, progress=progress)
            failed = result.failed
            print(f"index:    {result.index}")
            print(f"overview: {result.overview}")
            print(f"reports:  {len(result.reports)} in {result.out_dir}")
    for page, reason in failed.items():
        print(f"error: {page} was not written: {reason}", file=sys.stderr)
    if failed:
        print(f"error: the export is incomplete ({len(failed)} page(s) missing, listed in "
              "index.html)", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"done in {time.perf_counter() - start:.1f} s (basemap {ctx.basemap}, "
              f"{'offline' if args.offline else 'online'}, {args.lang})", file=sys.stderr)
    return 0
