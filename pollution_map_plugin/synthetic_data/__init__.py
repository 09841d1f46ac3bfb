"""Synthetic, deterministic demo databases: ``generate()`` in memory, ``build_database()``.

>>> tables = generate("demo", seed=1)          # dict: table name -> (Geo)DataFrame
>>> db = build_database("demo.gpkg", "demo")   # or a PostgreSQL DSN; returns the open db

Scales (:mod:`.config`): ``demo`` — one city around 106.5°E 29.5°N, 8 rivers, ~210
reaches, 40 sections, a few hundred sources, 3 years of monthly data, built in seconds;
``chongqing`` — a municipality across 105.3–110.2°E 28.2–32.2°N with the counts of a
real deployment (~106,000 reaches, 420 sections, 7,200 enterprises, 30,500 farms,
10 years ≈ 1.1 M measurements).  The same seed gives the same data; all of it is
fictitious and the database metadata (``synthetic=yes``, a notice in Chinese and
English) says so.

How it is made, module by module:

* :mod:`.terrain` — a lon/lat grid over the outline; fractal-noise relief with valleys
  along the imposed big rivers (:mod:`.stems`, meandering courses of e.g. 长江 and
  嘉陵江 that enter with their outside catchment), pit-filled by a priority flood from
  the outlet and drained by D8 steepest descent, without crossing diagonals.
* :mod:`.network` — channels above a drained-area threshold; the river continues up the
  bigger donor at each confluence (one river per channel head); reaches between nodes
  (heads, confluences, outlet, splits), first vertex upstream, geodesic lengths,
  Strahler orders, water systems from the big river each drains to.
* :mod:`.sections` — sections on reach vertices by level (national on the biggest
  rivers, entry/exit sections), lakes/reservoirs on tributaries; control units cut the
  drainage tree at sections into units of similar area, polygons from the grid cells.
* :mod:`.sources`, :mod:`.outfalls`, :mod:`.places` — parks, sewage plants,
  enterprises (valid credit codes), farms, petrol stations near rivers; outfalls 20–60
  m off the reach their discharger drains to; drinking-water protection areas.
* :mod:`.routing`, :mod:`.measurements`, :mod:`.quality` — yearly loads routed down
  the network with decay, divided by a seasonal flow, plus background and noise; targets
  no better than the baseline; hotspot dischargers planted upstream of some sections so
  they miss their target; a few sudden discharges in the last months.  Non-detects are
  stored as ``value`` NaN, ``below_detection`` True and ``detection_limit``.
* :mod:`.governance` — river chiefs (anonymised names), problems naming the planted
  causes, projects, for every key river.
"""

from .config import SCALES, get_scale
from .generate import GENERATOR, NOTICE_EN, NOTICE_ZH, build_database, generate, metadata

__all__ = ["GENERATOR", "NOTICE_EN", "NOTICE_ZH", "SCALES", "build_database", "generate",
           "get_scale", "metadata"]
