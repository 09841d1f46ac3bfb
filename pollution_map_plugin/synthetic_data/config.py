"""The scales of the synthetic demo database: area, rivers entering it, counts.

Coordinates are CGCS2000 longitude/latitude.  Outlines and the courses of the big
rivers are hand-drawn approximations of south-west China (a city around 106.5°E
29.5°N; a municipality spanning 105.3–110.2°E, 28.2–32.2°N); everything else is
generated.  The data is synthetic: no feature describes a real site.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace

import numpy as np

Coords = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Stem:
    """A big river whose course is imposed: it enters the area (or rises in it) and
    joins ``parent`` at its last vertex (the outlet river has no parent)."""

    name: str
    water_system: str
    coords: Coords  # upstream first; the first vertex may lie outside the area
    inflow_km2: float  # catchment area outside the area, upstream of the entry
    parent: str | None = None
    order: int = 4  # Strahler order where it enters (its network outside the area)


@dataclass(frozen=True)
class Scale:
    """Everything that differs between the demo and the Chongqing-size database."""

    name: str
    outline: Coords
    cell_deg: float
    stems: tuple[Stem, ...]
    n_rivers: int | None  # keep only this many (biggest) rivers, or None: keep all
    channel_km2: float | None  # channel threshold area, or None: from channel_cells
    channel_cells: int | None  # target number of channel cells (when channel_km2 is None)
    reach_cells: int  # a reach spans at most this many grid steps
    n_key_rivers: int
    n_districts: int
    sections: tuple[int, int, int]  # national, municipal, control
    lake_share: float
    n_control_units: int
    n_enterprises: int
    n_plants: int
    n_plants_with_outfall: int
    n_farms: int
    n_petrol: int
    n_parks: int
    n_drinking_sources: int  # each gives 1–3 areas (first/second/quasi protection)
    start_year: int
    n_years: int
    failing_share: float  # sections given identifiable upstream hotspots
    n_sudden: int  # sections with a sudden change in the last months
    city: str = "示例市"
    extra_outfalls: int = 0  # agricultural and other outfalls
    notes: dict = field(default_factory=dict, hash=False, compare=False)


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 36) -> Coords:
    """A wobbly ellipse (fixed, not seed-dependent) as an outline."""
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    wobble = 1.0 + 0.08 * np.sin(3 * t + 0.7) + 0.05 * np.cos(5 * t)
    return tuple((float(cx + rx * w * np.cos(a)), float(cy + ry * w * np.sin(a)))
                 for a, w in zip(t, wobble))


YANGTZE = "长江"
DEMO = Scale(
    name="demo",
    outline=_ellipse(106.53, 29.56, 0.36, 0.31),
    cell_deg=0.005,
    stems=(
        Stem("长江", "长江干流", ((106.05, 29.30), (106.30, 29.40), (106.42, 29.47),
                              (106.53, 29.50), (106.59, 29.56), (106.66, 29.60),
                              (106.78, 29.63), (107.00, 29.72)), 695_000.0, order=6),
        Stem("嘉陵江", "嘉陵江", ((106.30, 30.00), (106.40, 29.82), (106.46, 29.68),
                              (106.53, 29.61), (106.59, 29.56)), 156_000.0, "长江", 5),
    ),
    n_rivers=8, channel_km2=3.0, channel_cells=None, reach_cells=3, n_key_rivers=5, n_districts=6,
    sections=(4, 10, 26), lake_share=0.1, n_control_units=6,
    n_enterprises=160, n_plants=18, n_plants_with_outfall=12, n_farms=140, n_petrol=40,
    n_parks=4, n_drinking_sources=6, start_year=2023, n_years=3,
    failing_share=0.2, n_sudden=3, city="示例市", extra_outfalls=12,
)

CHONGQING_OUTLINE: Coords = (
    (105.30, 29.45), (105.45, 29.95), (105.70, 30.40), (106.10, 30.30), (106.40, 30.42),
    (106.75, 30.30), (107.05, 30.55), (107.45, 30.85), (107.85, 31.15), (108.15, 31.55),
    (108.45, 31.95), (108.75, 32.20), (109.15, 31.95), (109.55, 31.70), (110.00, 31.40),
    (110.20, 31.05), (109.80, 30.80), (109.30, 30.55), (108.90, 30.10), (108.80, 29.70),
    (109.20, 29.20), (109.25, 28.60), (108.90, 28.30), (108.45, 28.20), (108.20, 28.55),
    (107.80, 28.90), (107.40, 28.85), (107.10, 28.35), (106.70, 28.20), (106.35, 28.40),
    (106.10, 28.70), (105.80, 28.90), (105.55, 29.15),
)
CHONGQING = Scale(
    name="chongqing",
    outline=CHONGQING_OUTLINE,
    cell_deg=0.004,
    stems=(
        Stem("长江", "长江干流", ((105.60, 28.75), (105.90, 28.95), (106.25, 29.28),
                              (106.45, 29.45), (106.58, 29.56), (106.85, 29.65),
                              (107.08, 29.85), (107.39, 29.70), (107.73, 29.86),
                              (108.04, 30.30), (108.41, 30.81), (108.70, 30.93),
                              (109.10, 30.98), (109.47, 31.02), (109.88, 31.08),
                              (110.40, 31.05)), 695_000.0, order=6),
        Stem("嘉陵江", "嘉陵江", ((106.15, 30.60), (106.27, 30.30), (106.27, 30.00),
                              (106.45, 29.82), (106.42, 29.68), (106.58, 29.56)),
             80_000.0, "长江", 5),
        Stem("涪江", "涪江", ((105.55, 30.55), (105.75, 30.30), (105.95, 30.15),
                            (106.27, 30.00)), 35_000.0, "嘉陵江", 4),
        Stem("渠江", "渠江", ((106.75, 30.60), (106.55, 30.30), (106.40, 30.15),
                            (106.27, 30.10)), 35_000.0, "嘉陵江", 4),
        Stem("乌江", "乌江", ((108.95, 27.95), (108.60, 28.50), (108.35, 28.95),
                            (108.17, 29.29), (107.76, 29.33), (107.55, 29.55),
                            (107.39, 29.70)), 70_000.0, "长江", 5),
        Stem("綦江", "綦江", ((106.55, 27.95), (106.65, 28.45), (106.65, 28.95),
                            (106.45, 29.10), (106.25, 29.28)), 2_000.0, "长江", 3),
    ),
    n_rivers=None, channel_km2=None, channel_cells=170_000, reach_cells=2, n_key_rivers=37,
    n_districts=40,
    sections=(42, 105, 273), lake_share=0.08, n_control_units=42,
    n_enterprises=7_200, n_plants=2_100, n_plants_with_outfall=760, n_farms=30_500,
    n_petrol=1_500, n_parks=110, n_drinking_sources=780, start_year=2016, n_years=10,
    failing_share=0.12, n_sudden=12, city="示例直辖市", extra_outfalls=260,
)

# The Chongqing area and counts of points with a coarser network and two years of data:
# dense enough to show clutter and scale problems, quick enough for desktop tests.
CHONGQING_LITE = replace(
    CHONGQING, name="chongqing-lite", channel_cells=40_000, reach_cells=3,
    n_farms=8_000, start_year=2024, n_years=2,
)

SCALES: dict[str, Scale] = {s.name: s for s in (DEMO, CHONGQING, CHONGQING_LITE)}


@dataclass(frozen=True)
class StoreScale:
    """A measurement store without the geography (``national_store``): the shared
    national database's sections, stations and years."""

    name: str
    n_sections: int
    n_auto_stations: int
    n_districts: int
    lake_share: float
    start_year: int
    n_years: int
    auto_year: int  # the year of automatic readings (4-hourly)
    notes: dict = field(default_factory=dict, hash=False, compare=False)


# The national network (国家地表水环境质量监测网): ~3,641 assessed sections, ~1,900
# automatic stations (a reading every 4 hours), ten years of monthly data (~9 M rows of
# 21 items) plus a year of automatic readings (~37 M readings of 9 items; 6 of them are
# GB 3838 items the assessment reads, stored as ~4 M daily means).
NATION = StoreScale(
    name="nation", n_sections=3_641, n_auto_stations=1_900, n_districts=2_800,
    lake_share=0.1, start_year=2016, n_years=10, auto_year=2025,
)
STORE_SCALES: dict[str, StoreScale] = {NATION.name: NATION}


def get_scale(name: str) -> Scale:
    """The scale called ``name`` (``demo``, ``chongqing`` or ``chongqing-lite``)."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random generator for one part of the generation.

    Each part draws from its own stream, so changing one part never shifts another.
    """
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]))
