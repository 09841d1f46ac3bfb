"""``render-maps``: the five thematic maps of a database as PNG and PDF (headless QGIS).

QGIS is imported and started only when the command runs, so every other command
works without QGIS.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add ``render-maps`` to ``subparsers``."""
    p = subparsers.add_parser(
        "render-maps",
        help="render the five thematic maps to PNG and PDF (headless QGIS)",
        description="Load DB (a .gpkg or a PostgreSQL DSN) into a headless QGIS, assess "
                    "the period and export the watershed, section, pollution, "
                    "problem-water-body and change maps as A4 PNG and PDF.",
    )
    p.add_argument("db", help="GeoPackage path or PostgreSQL connection string")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--period", help="assessment period, e.g. 2024, 2024-Q3 (default: latest "
                                    "year with data)")
    p.add_argument("--compare", nargs=2, metavar=("P1", "P2"),
                   help="the two periods of the change map (default: the year before)")
    p.add_argument("--dpi", type=int, default=150, help="PNG resolution (default 150)")
    p.add_argument("--density", action="store_true",
                   help="add the pollution-load density (heatmap) to the pollution map")
    p.add_argument("--project", metavar="QGZ",
                   help="a QGIS project where DB is loaded: print from its saved map "
                        "layouts (your title, logo and footer are kept; the file is not "
                        "changed)")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)
    a = subparsers.add_parser(
        "render-atlas",
        help="render the one-river atlas (一河一策图册): one PDF per river and an index",
        description="Load DB into a headless QGIS and print, per river, a cover with the "
                    "dossier facts, the five maps zoomed to its catchment and its tables "
                    "(QGIS atlas), one PDF per river plus index.html and index.csv.",
    )
    a.add_argument("db", help="GeoPackage path or PostgreSQL connection string")
    a.add_argument("--out", required=True, help="output folder")
    a.add_argument("--rivers", nargs="*", metavar="RIVER",
                   help="river codes or names (default: the key rivers; 'all': every river)")
    a.add_argument("--period", help="assessment period (default: latest year with data)")
    a.add_argument("--dpi", type=int, default=150, help="resolution (default 150)")
    a.add_argument("--png", action="store_true", help="also a PNG of every page")
    a.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    a.set_defaults(func=run_atlas)
    t = subparsers.add_parser(
        "render-year",
        help="a river's year of monthly section classes: 12 PNG frames and a GIF",
        description="Draw the sections of one river by their monthly class, month by "
                    "month of YEAR (the Temporal Controller's view), as PNG frames and an "
                    "animated GIF (Pillow).")
    t.add_argument("db", help="GeoPackage path or PostgreSQL connection string")
    t.add_argument("--river", required=True, help="river code or name")
    t.add_argument("--year", type=int, required=True, help="the year, e.g. 2025")
    t.add_argument("--out", required=True, help="output folder")
    t.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    t.set_defaults(func=run_year)


def run(args: argparse.Namespace) -> int:
    """Start headless QGIS, render, list the written files."""
    from pollution_map_plugin.core.output_paths import check_output_dir

    check_output_dir(args.out, database=args.db)  # before QGIS starts: nothing written
    from pollution_map_plugin.qgis_desktop.render import render_maps, start_headless_qgis

    app = start_headless_qgis()
    files = render_maps(args.db, args.out, args.period,
                        tuple(args.compare) if args.compare else None, args.dpi, args.density,
                        project_file=args.project)
    for path in files:
        print(path)
    sys.stdout.flush()
    del app  # QGIS tears down at interpreter exit
    return 0 if files else 1


def run_atlas(args: argparse.Namespace) -> int:
    """Start headless QGIS, render the atlas, list the written files."""
    from pollution_map_plugin.core.output_paths import check_output_dir

    check_output_dir(args.out, database=args.db)
    from pollution_map_plugin.qgis_desktop.render import render_atlas, start_headless_qgis

    rivers = args.rivers or "key"
    if rivers == ["all"]:
        rivers = "all"
    app = start_headless_qgis()
    files = render_atlas(args.db, args.out, rivers, args.period, args.dpi, args.png)
    for path in files:
        print(path)
    sys.stdout.flush()
    del app
    return 0 if files else 1


def run_year(args: argparse.Namespace) -> int:
    """Start headless QGIS, draw the river's year, list the written files."""
    from pollution_map_plugin.core.output_paths import check_output_dir

    check_output_dir(args.out, database=args.db)
    from pollution_map_plugin.qgis_desktop.render import render_river_year, start_headless_qgis

    app = start_headless_qgis()
    files = render_river_year(args.db, args.out, args.river, args.year)
    for path in files:
        print(path)
    sys.stdout.flush()
    del app
    return 0 if files else 1
