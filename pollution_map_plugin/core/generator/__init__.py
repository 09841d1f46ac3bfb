"""Synthetic, deterministic demo databases: ``generate()`` in memory, ``build_database()``.

>>> tables = generate("demo", seed=1)          # dict: table name -> (Geo)DataFrame
>>> db = build_database("demo.gpkg", "demo")   # or a PostgreSQL DSN; returns the open db

Scales: ``demo`` (one city, fast, for tests) and ``chongqing`` (the size of a real
municipal deployment).  All data is synthetic and the database metadata says so.
"""

from .build import GENERATOR, NOTICE_EN, NOTICE_ZH, build_database, generate, metadata
from .config import SCALES, get_scale

__all__ = ["GENERATOR", "NOTICE_EN", "NOTICE_ZH", "SCALES", "build_database", "generate",
           "get_scale", "metadata"]
