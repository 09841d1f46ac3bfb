"""``import``: load a CSV or XLSX file into a table, with validation and a rejects file.

    python -m pollution_map_plugin import DB --layer enterprises 企业名单.csv \\
        [--crs wgs84|cgcs2000|gcj02|bd09] [--encoding auto|utf-8|gbk|gb18030|big5] \\
        [--map '单位=name' ...] [--rejects PATH] [--sheet NAME] [--blank keep|clear] \\
        [--year YYYY] [--create-sections] [--water-body guess|river|lake] [--class-report PATH]

Prints ``read N, accepted A, rejected R (rejects: path)`` and what blank cells did
to stored values.  Exit code 0 when the
import ran (even with rejected rows), 1 on a fatal error (unreadable file, unknown
table, missing required column, database error), with nothing written.
"""

from __future__ import annotations

import argparse
import sys

from ..core.coords import CRS_NAMES
from ..core.importer import BLANK_CHOICES, IMPORTABLE_TABLES, ImportFileError
from ..core.importer.options import WATER_BODY_CHOICES


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``['单位=name', '备注=']`` → ``{'单位': 'name', '备注': ''}`` (empty: ignore)."""
    mapping: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ImportFileError(f"--map expects 'header=column', not {item!r}")
        header, column = item.rsplit("=", 1)
        if not header.strip():
            raise ImportFileError(f"--map expects 'header=column', not {item!r}")
        mapping[header.strip()] = column.strip()
    return mapping


def run_import(args: argparse.Namespace) -> int:
    """The ``import`` sub-command."""
    from ..core.db import open_current
    from ..core.importer import ImportOptions, import_file
    from ..core.output_paths import check_output

    if args.layer not in IMPORTABLE_TABLES:
        raise ImportFileError(f"cannot import into {args.layer!r}; importable tables: "
                              f"{', '.join(IMPORTABLE_TABLES)}")
    options = ImportOptions(crs=args.crs, encoding=args.encoding,
                            mapping=parse_mapping(args.map) or None, sheet=args.sheet,
                            rejects_path=args.rejects, blank=args.blank, year=args.year,
                            create_sections=args.create_sections, water_body=args.water_body,
                            class_report_path=args.class_report,
                            daily_report_path=args.daily_report)
    # the reports must not overwrite the database, its sidecars or the input
    check_output(args.rejects, database=args.db, inputs=[args.file], what="rejects file")
    check_output(args.class_report, database=args.db, inputs=[args.file],
                 what="class report")
    check_output(args.daily_report, database=args.db, inputs=[args.file],
                 what="daily-mean report")
    with open_current(args.db, log=lambda m: print(m, file=sys.stderr)) as db:
        report = import_file(db, args.layer, args.file, options)
    for note in report.warnings:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    print(f"written: inserted {report.inserted}, updated {report.updated}, "
          f"unchanged {report.unchanged}")
    if report.sections_created:
        print(f"sections created: {report.sections_created} (unlocated)")
    if report.class_report_path:
        print(f"published class disagreements: {report.class_report_path}")
    if report.daily_report_path:
        print(f"readings averaged into daily means: {report.daily_report_path}")
    return 0


def register(subparsers) -> None:
    """Add the ``import`` sub-command."""
    p = subparsers.add_parser(
        "import", help="import a CSV/XLSX file into a table (validated; rejects file)",
        description="Import a CSV or XLSX file into a table of the database. Rows that "
                    "fail validation go to a rejects file with their line and reason; the "
                    "others are upserted on the natural key in one transaction.")
    p.add_argument("db", metavar="DB", help="GeoPackage path or PostgreSQL DSN / service=NAME")
    p.add_argument("file", metavar="FILE", help="CSV (UTF-8, UTF-8 BOM, GBK, GB18030) or XLSX")
    p.add_argument("--layer", "--table", dest="layer", required=True,
                   metavar="TABLE", help=f"target table: {', '.join(IMPORTABLE_TABLES)}")
    p.add_argument("--crs", default="wgs84", choices=CRS_NAMES,
                   help="coordinate system of lon/lat in the file (default wgs84)")
    p.add_argument("--encoding", default="auto",
                   help="auto (default), utf-8, gbk, gb18030, big5 (a doubtful guess is "
                        "refused: then give it)")
    p.add_argument("--map", action="append", metavar="HEADER=COLUMN",
                   help="map a file header to a column (repeatable; empty column ignores it)")
    p.add_argument("--rejects", metavar="PATH",
                   help="rejects file (default: FILE.rejects.csv beside the input, named "
                        "after the whole file name, e.g. list.xlsx.rejects.csv)")
    p.add_argument("--sheet", metavar="NAME",
                   help="XLSX sheet (default: the first visible sheet with the table's "
                        "columns; the sheets are listed)")
    p.add_argument("--blank", default="keep", choices=BLANK_CHOICES,
                   help="a blank cell for a row already stored: keep the stored value "
                        "(default) or clear it; either way reported")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="measurements dated without a year (监测时间 02-04 11:00): the year "
                        "(default: the file's own date, in a title line or the file name)")
    p.add_argument("--create-sections", action="store_true",
                   help="measurements: create unknown stations as unlocated sections coded "
                        "from province and name (50-朱沱)")
    p.add_argument("--water-body", default="guess", choices=WATER_BODY_CHOICES,
                   help="water-body type of created sections: guess from the name (湖, 水库, "
                        "库心, 库区 → lake; default), river or lake")
    p.add_argument("--class-report", metavar="PATH",
                   help="where rows whose published 水质类别 disagrees with the computed class "
                        "are listed (default FILE.classes.csv beside the input)")
    p.add_argument("--daily-report", metavar="PATH",
                   help="where the daily means of several readings of one section and day "
                        "are listed (default FILE.daily.csv beside the input)")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_import)
