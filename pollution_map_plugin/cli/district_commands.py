"""``districts``: import district (区县) polygons and print statistics by district.

    python -m pollution_map_plugin districts import DB 区县.shp [--name-field F]
        [--code-field F] [--crs EPSG:4547]
    python -m pollution_map_plugin districts stats DB [--period 2025]
        [--format table|csv|json] [--out FILE] [--by attribute]
"""

from __future__ import annotations

import argparse
import json
import sys

STATS_COLUMNS = ["district_code", "district", "sections", "class_1", "class_2", "class_3",
                 "class_4", "class_5", "class_6", "no_data", "share_meeting_target",
                 "n_enterprises", "n_sewage_plants", "n_livestock_farms", "n_outfalls",
                 "n_petrol_stations", "cod_t_a", "nh3n_t_a", "tp_t_a"]


def register(subparsers) -> None:
    """Add ``districts import`` and ``districts stats``."""
    p = subparsers.add_parser(
        "districts", help="district (区县) polygons: import, statistics by district",
        description="Import district polygons from any polygon file, or print the "
                    "statistics by district: sections by class, the share meeting their "
                    "target, and sources by type with their COD, NH3-N and TP loads.")
    sub = p.add_subparsers(dest="districts_command", metavar="ACTION")
    sub.required = True
    imp = sub.add_parser("import", help="replace the districts with a polygon file's")
    imp.add_argument("db", help="GeoPackage path or PostgreSQL connection string")
    imp.add_argument("file", help="Shapefile, GeoPackage (path|layer=name), GeoJSON …")
    imp.add_argument("--name-field", help="field holding the district name")
    imp.add_argument("--code-field", help="field holding the division code")
    imp.add_argument("--crs", help="CRS of a file without projection (e.g. EPSG:4547)")
    imp.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    imp.set_defaults(func=run_import)
    st = sub.add_parser("stats", help="statistics by district")
    st.add_argument("db", help="GeoPackage path or PostgreSQL connection string")
    st.add_argument("--period", help="assessment period (default: latest year with data)")
    st.add_argument("--format", choices=("table", "csv", "json"), default="table")
    st.add_argument("--out", help="write to this file instead of the screen")
    st.add_argument("--by", choices=("polygon", "attribute"), default="polygon",
                    help="place points by district polygon (default) or by their "
                         "district attribute")
    st.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    st.set_defaults(func=run_stats)


def run_import(args: argparse.Namespace) -> int:
    from ..core.db import open_current
    from ..core.district_import import DistrictImportOptions, import_districts

    options = DistrictImportOptions(args.file, args.name_field, args.code_field, args.crs)
    with open_current(args.db, log=lambda m: print(m, file=sys.stderr)) as db:
        report = import_districts(db, options)
    print(report.summary())
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from ..core.atomic_files import write_text_atomic
    from ..core.db import open_database
    from ..core.district_stats import DistrictStatsRequest, district_statistics
    from ..core.output_paths import check_output

    check_output(args.out, database=args.db)
    request = DistrictStatsRequest(period=args.period, by_polygon=args.by == "polygon")
    with open_database(args.db) as db:
        stats = district_statistics(db, request)
    table = stats.table
    if args.format == "json":
        text = json.dumps({"period": stats.period, "placed_by": stats.placed_by,
                           "districts": json.loads(table.to_json(orient="records",
                                                                 force_ascii=False))},
                          ensure_ascii=False, indent=1) + "\n"
    elif args.format == "csv":
        text = table.to_csv(index=False)
    else:
        shown = table[STATS_COLUMNS].copy()
        shown["share_meeting_target"] = shown["share_meeting_target"].map(
            lambda v: "—" if v != v else f"{v:.0%}")
        for c in ("cod_t_a", "nh3n_t_a", "tp_t_a"):
            shown[c] = shown[c].round(1)
        text = (f"period {stats.period or '—'} · points placed by {stats.placed_by}\n"
                + shown.to_string(index=False) + "\n")
    if stats.disagreements:
        print("points whose district attribute differs from their polygon: "
              + ", ".join(f"{k} {v}" for k, v in stats.disagreements.items()), file=sys.stderr)
    if args.out:
        write_text_atomic(args.out, text, encoding="utf-8-sig" if args.format == "csv"
                          else "utf-8")
        print(f"wrote {len(table)} row(s) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
