"""A national-scale measurement store, synthetic and fast (the ``nation`` preset).

Not the geographic generator (terrain, rivers, routed loads: minutes at Chongqing
scale, impractical for the whole country): what a shared national database holds in
the proportions of the national network (``config.NATION``) — the sections (points in
China's extent, a district each, targets II–IV), ten years of monthly samples of the
21 routine items, and the automatic stations' readings every 4 hours (9 items), as
daily means in ``measurements`` and as readings for the incremental stream.  Values
are lognormal around each item's background with seasonal swings and non-detects
under the method's detection limits.  Everything is vectorised numpy, written in
chunks (a month of readings, a year of samples at a time) so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .config import NATION, StoreScale, stream
from .measurement_series import BACKGROUND, DETECTION_LIMIT, ROUTINE

#: The items of the automatic stations (the national release's nine).
AUTO_ITEMS = ("WT", "pH", "DO", "CODMn", "NH3N", "TP", "TN", "Cond", "Turb")
_AUTO_IN_SCHEMA = ("pH", "DO", "CODMn", "NH3N", "TP", "TN")  # items the assessment reads
_BG = {**BACKGROUND, "pH": 7.6, "DO": 7.8, "CODMn": 3.0, "BOD5": 2.2, "TN": 1.2}
_SPREAD = {"pH": 0.04, "DO": 0.12}
_LON, _LAT = (75.0, 132.0), (20.0, 50.0)


@dataclass
class NationalSections:
    frame: pd.DataFrame  # code, name, level, district, water_body_type, target_class, lon, lat
    auto: np.ndarray  # codes of the sections with an automatic station


def sections(scale: StoreScale = NATION, seed: int = 1) -> NationalSections:
    """The sections: ``scale.n_sections`` points, a district each, the first
    ``scale.n_auto_stations`` with an automatic station."""
    rng = stream(seed, "nation-sections")
    n = scale.n_sections
    codes = np.array([f"N{i:05d}" for i in range(1, n + 1)], dtype=object)
    district = rng.integers(0, scale.n_districts, n)
    frame = pd.DataFrame({
        "code": codes, "name": [f"国控断面{i}" for i in range(1, n + 1)],
        "level": "national",
        "district": [f"区县{d:04d}" for d in district],
        "water_body_type": np.where(rng.random(n) < scale.lake_share, "lake", "river"),
        "target_class": rng.choice([2, 3, 3, 3, 4], n),
        "lon": rng.uniform(*_LON, n), "lat": rng.uniform(*_LAT, n),
    })
    return NationalSections(frame, codes[: scale.n_auto_stations])


def _values(rng: np.random.Generator, items: tuple[str, ...], n: int, month: np.ndarray
            ) -> dict[str, np.ndarray]:
    season = 1.0 + 0.25 * np.sin((month - 4) / 12 * 2 * np.pi)
    out = {}
    for item in items:
        bg = _BG.get(item, 1.0)
        if item in _SPREAD:
            out[item] = bg * np.exp(rng.normal(0, _SPREAD[item], n))
        else:
            out[item] = bg * season * np.exp(rng.normal(0, 0.45, n))
    return out


def _frame(codes: np.ndarray, days: np.ndarray, values: dict[str, np.ndarray],
           times: np.ndarray | None = None) -> pd.DataFrame:
    parts = []
    for item, v in values.items():
        limit = DETECTION_LIMIT.get(item)
        nd = (v < limit) if limit else np.zeros(len(v), dtype=bool)
        part = {"section_code": codes, "parameter": item,
                "value": np.where(nd, np.nan, np.round(v, 5)), "below_detection": nd,
                "detection_limit": np.where(nd, limit or np.nan, np.nan)}
        if times is None:
            part["sampled_on"] = days
        else:
            part["read_at"] = times
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True)


def monthly(sec: NationalSections, scale: StoreScale = NATION, seed: int = 1
            ) -> Iterator[pd.DataFrame]:
    """Ten years (``scale.n_years``) of monthly samples of the 21 routine items at every
    section, one year per frame (a section's day of the month is fixed)."""
    codes = sec.frame["code"].to_numpy(dtype=object)
    n = len(codes)
    day_of_month = stream(seed, "nation-day").integers(1, 28, n)
    for year in range(scale.start_year, scale.start_year + scale.n_years):
        rng = stream(seed, f"nation-monthly-{year}")
        frames = []
        for month in range(1, 13):
            days = pd.to_datetime(pd.DataFrame({"year": year, "month": month,
                                                "day": day_of_month})).to_numpy()
            frames.append(_frame(codes, days, _values(rng, ROUTINE, n, np.full(n, month))))
        yield pd.concat(frames, ignore_index=True)


def readings(sec: NationalSections, start: str, days: int, seed: int = 1,
             items: tuple[str, ...] = _AUTO_IN_SCHEMA) -> Iterator[pd.DataFrame]:
    """Readings every 4 hours at the automatic stations from ``start`` for ``days``
    days, one frame per day (``read_at`` a timestamp)."""
    codes = sec.auto
    n = len(codes)
    for d in pd.date_range(start, periods=days, freq="D"):
        rng = stream(seed, f"nation-auto-{d:%Y%m%d}")
        hours = np.repeat(np.arange(0, 24, 4), n)
        times = (np.datetime64(d.date()) + hours.astype("timedelta64[h]"))
        yield _frame(np.tile(codes, 6), None, _values(rng, items, 6 * n,
                                                      np.full(6 * n, d.month)), times)


def daily_means(sec: NationalSections, year: int, seed: int = 1,
                items: tuple[str, ...] = _AUTO_IN_SCHEMA) -> Iterator[pd.DataFrame]:
    """The automatic stations' daily means of ``year`` (what the stream stores in
    ``measurements``), a month per frame, on the days the monthly samples are not."""
    codes = sec.auto
    n = len(codes)
    monthly_day = stream(seed, "nation-day").integers(1, 28, len(sec.frame))[:n]
    for month in range(1, 13):
        rng = stream(seed, f"nation-daily-{year}-{month}")
        days = pd.date_range(f"{year}-{month:02d}-01", periods=31, freq="D")
        days = days[days.month == month]
        c = np.tile(codes, len(days))
        dd = np.repeat(days.to_numpy(), n)
        keep = np.repeat(days.day.to_numpy(), n) != np.tile(monthly_day, len(days))
        frame = _frame(c[keep], dd[keep], _values(rng, items, int(keep.sum()),
                                                  np.full(int(keep.sum()), month)))
        yield frame


def scale_of(years: int | None = None, scale: StoreScale = NATION) -> StoreScale:
    """``scale`` with only its last ``years`` of monthly samples (None: all of them)."""
    if years is None or years == scale.n_years:
        return scale
    if not 1 <= years <= scale.n_years:
        raise ValueError(f"years must be 1..{scale.n_years}, not {years}")
    return replace(scale, start_year=scale.auto_year + 1 - years, n_years=years)


def build_store(target: str, scale: StoreScale = NATION, seed: int = 1,
                overwrite: bool = False, reading_days: int = 7):
    """Write the national store to ``target`` (a PostgreSQL DSN): sections, the monthly
    samples, a year of daily means of the automatic stations (one transaction, like
    ``build_database``), then ``reading_days`` of their 4-hourly readings (the last
    days of the year, through the incremental stream) and the monthly rollup; return
    the open database."""
    import geopandas as gpd
    from shapely.geometry import Point

    from ..core.db import create_database, is_postgres_target
    from ..core.db.postgis_rollup import refresh_rollup
    from ..core.db.postgis_store import import_readings
    from .generate import metadata

    if not is_postgres_target(target):
        raise ValueError("the national store is a shared PostGIS database: give a DSN")
    sec = sections(scale, seed)

    def populate(db) -> None:
        f = sec.frame
        db.write("sections", gpd.GeoDataFrame(
            f.drop(columns=["lon", "lat"]), crs=4490,
            geometry=[Point(x, y) for x, y in zip(f["lon"], f["lat"])]))
        for frame in monthly(sec, scale, seed):
            db.write("measurements", frame)
        for frame in daily_means(sec, scale.auto_year, seed):
            db.write("measurements", frame)
        db.set_metadata(metadata(scale.name, seed))

    db = create_database(target, overwrite=overwrite, populate=populate)
    try:
        refresh_rollup(db)
        if reading_days > 0:
            start = pd.Timestamp(f"{scale.auto_year}-12-31") - pd.Timedelta(days=reading_days - 1)
            for frame in readings(sec, f"{start:%Y-%m-%d}", reading_days, seed):
                import_readings(db, frame)
    except BaseException:
        db.close()
        raise
    return db
