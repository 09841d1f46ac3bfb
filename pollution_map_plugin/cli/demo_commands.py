"""``demo-db``: build a synthetic demo database (GeoPackage or PostGIS)."""

from __future__ import annotations

import argparse
import sys
import time

from ..synthetic_data import NOTICE_EN, NOTICE_ZH, SCALES


def register(subparsers) -> None:
    """Add the ``demo-db`` sub-command."""
    p = subparsers.add_parser(
        "demo-db",
        help="build a synthetic demo database (demo or Chongqing size)",
        description="Generate a deterministic, synthetic, hydrologically consistent "
                    "pollution-source database and write it to OUT (a .gpkg path or a "
                    "PostgreSQL DSN). The data is fictitious and its metadata says so.",
    )
    p.add_argument("out", metavar="OUT", help="GeoPackage path or PostgreSQL DSN")
    p.add_argument("--scale", choices=sorted(SCALES), default="demo",
                   help="demo: one city, small (default); chongqing: a municipality's size")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing GeoPackage or the plugin's tables in PostGIS")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.db import gpkg_path, is_postgres_target
    from ..synthetic_data import build_database, generate

    if not is_postgres_target(args.out) and gpkg_path(args.out).exists() and not args.overwrite:
        print(f"error: {args.out} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    start = time.perf_counter()
    tables = generate(args.scale, seed=args.seed)
    generated = time.perf_counter() - start
    db = build_database(args.out, args.scale, seed=args.seed, overwrite=args.overwrite,
                        data=tables)
    try:
        counts = db.counts()
        where = db.describe()
    finally:
        db.close()
    total = time.perf_counter() - start
    print(f"built {where} (scale {args.scale}, seed {args.seed}) "
          f"in {total:.1f} s ({generated:.1f} s generating)")
    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>9,}")
    print(f"SYNTHETIC DATA: {NOTICE_EN}")
    print(f"虚构数据：{NOTICE_ZH}")
    return 0
