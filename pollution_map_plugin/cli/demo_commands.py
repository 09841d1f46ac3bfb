"""``demo-db``: build a synthetic demo database (GeoPackage or PostGIS)."""

from __future__ import annotations

import argparse
import sys
import time

from ..synthetic_data import NOTICE_EN, NOTICE_ZH, SCALES
from ..synthetic_data.config import STORE_SCALES


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
    p.add_argument("--scale", choices=sorted(SCALES) + sorted(STORE_SCALES), default="demo",
                   help="demo: one city, small (default); chongqing: a municipality's size; "
                        "nation: the national network's sections and measurements only "
                        "(PostGIS; ~13 M rows for ten years, ~15 min here)")
    p.add_argument("--years", type=int, default=None,
                   help="nation: only the last N years of monthly samples (default all ten)")
    p.add_argument("--reading-days", type=int, default=7,
                   help="nation: days of 4-hourly automatic readings (default 7)")
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
    if args.scale in STORE_SCALES:
        return _run_store(args, start)
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
    return _summary(counts)


def _run_store(args: argparse.Namespace, start: float) -> int:
    """``--scale nation``: the measurement store of ``synthetic_data.national_store``."""
    from ..core.db import is_postgres_target
    from ..synthetic_data import national_store

    if not is_postgres_target(args.out):
        print("error: --scale nation builds a shared PostGIS database; give a PostgreSQL "
              "DSN", file=sys.stderr)
        return 2
    try:
        scale = national_store.scale_of(args.years, STORE_SCALES[args.scale])
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    db = national_store.build_store(args.out, scale, seed=args.seed, overwrite=args.overwrite,
                                    reading_days=args.reading_days)
    try:
        counts = {name: db.count(name) for name in ("sections", "measurements")}
        where = db.describe()
    finally:
        db.close()
    print(f"built {where} (scale {args.scale}, {scale.n_years} years, seed {args.seed}) "
          f"in {time.perf_counter() - start:.1f} s")
    return _summary(counts)


def _summary(counts: dict[str, int]) -> int:
    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>9,}")
    print(f"SYNTHETIC DATA: {NOTICE_EN}")
    print(f"虚构数据：{NOTICE_ZH}")
    return 0
