"""Convenience entry points over a ``core.db`` Database (``read_table``/``read_layer``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from .measurement_values import non_detect_mask
from .periods import Period, parse_period
from .section_assessment import Assessment, assess, class_history
from .warnings import JudgedSamples, WarningSettings, find_warnings, window_start

MEASUREMENT_COLUMNS = ["section_code", "sampled_on", "parameter", "value",
                       "below_detection", "detection_limit"]


def _optional_layer(db: Any, name: str, columns: list[str]) -> pd.DataFrame | None:
    try:
        return db.read_layer(name, columns=columns)
    except Exception:  # noqa: BLE001 - an optional layer that is missing or empty
        return None


def load_frames(db: Any, *, with_groups: bool = True, dates: tuple | None = None
                ) -> dict[str, pd.DataFrame | None]:
    """``measurements`` (only those in ``dates=(start, end)``, end excluded, if given),
    ``sections`` and (optionally) ``rivers``/``control_units``."""
    kw = {"dates": dates} if dates is not None else {}
    frames: dict[str, pd.DataFrame | None] = {
        "measurements": db.read_table("measurements", columns=MEASUREMENT_COLUMNS, **kw),
        "sections": db.read_layer("sections"),
    }
    if with_groups:
        frames["rivers"] = _optional_layer(db, "rivers", ["code", "water_system"])
        frames["control_units"] = _optional_layer(db, "control_units", ["code", "water_system"])
    return frames


def assess_database(
    db: Any, period: Period | str | None = None, *, non_detect: str = "half"
) -> Assessment:
    """:func:`assess` over the database's measurements and sections."""
    f = load_frames(db)
    return assess(f["measurements"], f["sections"], period, rivers=f["rivers"],
                  control_units=f["control_units"], non_detect=non_detect)


def warnings_database(
    db: Any, settings: WarningSettings | None = None, *, as_of: date | str | None = None
) -> pd.DataFrame:
    """:func:`find_warnings` over the database."""
    f = load_frames(db, with_groups=False)
    return find_warnings(f["measurements"], f["sections"], settings, as_of=as_of)


def class_history_database(
    db: Any, freq: str = "year", *, period: Period | str | None = None,
    non_detect: str = "half",
) -> pd.DataFrame:
    """:func:`class_history` over the database."""
    f = load_frames(db, with_groups=False)
    return class_history(f["measurements"], f["sections"], freq, period=period,
                         non_detect=non_detect)


# --- reading only what a request needs ------------------------------------------------

WARNING_LOOKBACK_DAYS = 730  # first try: two years before the period's end, doubled as needed


@dataclass(frozen=True)
class ReadPlan:
    """Which measurement rows an assessment needs: ``[start, end)`` (None: open)."""

    start: date | None
    end: date | None


def reads_windows(db: Any) -> bool:
    """Whether ``db`` can read a date window and list its months (a ``core.db``
    Database; anything else is read whole, as before)."""
    return callable(getattr(db, "measurement_months", None))


def months_and_years(db: Any) -> tuple[list[str], list[str]]:
    """The months (``YYYY-MM``) and years with measurements, oldest first."""
    months = db.measurement_months()
    return months, sorted({m[:4] for m in months})


def plan_reads(period: Period, compare: tuple[str, str | None] | None,
               history: bool) -> ReadPlan:
    """The window the period, the comparison and (``history``) the class history need;
    the warnings' look-back is added by :func:`load_request_frames`."""
    periods = [period] + [parse_period(p) for p in (compare or ()) if p is not None]
    end = max(p.end for p in periods) + timedelta(days=1)
    start = None if history else min(p.start for p in periods)
    return ReadPlan(start, end)


def _warnings_short(frame: pd.DataFrame, spans: pd.DataFrame, start: date,
                    cut: date, since: date | None, window: int) -> pd.MultiIndex:
    """The (section, item) pairs whose warnings rows before ``start`` could change:
    pairs with samples before ``start`` whose judged samples (the latest before
    ``cut``, or every one from ``since``) are not all in ``frame``, or whose first
    measured judged sample lacks its previous sample or ``window`` measured samples
    before it in ``frame`` (a non-detect raises no warning and needs no history)."""
    keys = ["section_code", "parameter"]
    older = pd.MultiIndex.from_frame(spans.loc[spans["first"] < pd.Timestamp(start), keys])
    if older.empty:
        return older
    m = frame.loc[(frame["sampled_on"] < pd.Timestamp(cut)).to_numpy()]
    m = m.assign(measured=~non_detect_mask(m) & m["value"].notna().to_numpy())
    day = m.groupby([*keys, "sampled_on"])["measured"].any().reset_index()
    day = day.sort_values([*keys, "sampled_on"])
    g = day.groupby(keys, sort=False)
    day["pos"] = g.cumcount()  # samples before it in the frame
    day["measured_before"] = g["measured"].cumsum() - day["measured"]
    if since is None:
        judged = day.loc[g["sampled_on"].idxmax()]
    else:
        judged = day.loc[day["sampled_on"] >= pd.Timestamp(since)]
    judged = judged.loc[judged["measured"]].drop_duplicates(keys)  # the first measured
    short = judged.loc[(judged["pos"] < 1) | (judged["measured_before"] < window)]
    present = pd.MultiIndex.from_frame(day[keys].drop_duplicates())
    stale = older.difference(present)  # every sample of the item is older
    return older.intersection(pd.MultiIndex.from_frame(short[keys])).union(stale)


def load_request_frames(db: Any, plan: ReadPlan, *, with_groups: bool = True,
                        warnings: Any = None, warnings_end: date | None = None,
                        read_measurements: bool = True) -> dict[str, Any]:
    """:func:`load_frames` with only the measurements ``plan`` needs (none unless
    ``read_measurements``: the database aggregates them), and (with ``warnings``, a
    WarningSettings) ``warning_measurements``: :func:`warning_rows`, or (on a PostGIS
    server with the monthly rollup, ``read_measurements`` False) the judged samples the
    server computed (:func:`server_warning_samples`)."""
    dates = (plan.start, plan.end) if read_measurements else (plan.end, plan.end)
    frames: dict[str, Any] = load_frames(db, with_groups=with_groups, dates=dates)
    if warnings is not None and warnings_end is not None and not read_measurements \
            and _judged_on_server(db):
        frames["warning_measurements"] = server_warning_samples(db, warnings, warnings_end)
    elif warnings is not None and warnings_end is not None:
        base = frames["measurements"] if read_measurements else None
        frames["warning_measurements"] = warning_rows(
            db, warnings, warnings_end, base, plan.start,
            lookback_days=WARNING_LOOKBACK_DAYS if read_measurements else 62)
    return frames


def _judged_on_server(db: Any) -> bool:
    if getattr(db, "kind", "") != "postgis":
        return False
    from ..db.postgis_warnings import supported

    return supported(db)


def server_warning_samples(db: Any, warnings: Any, warnings_end: date) -> JudgedSamples:
    """The samples the warnings judge before ``warnings_end`` with their window
    statistics, computed by SQL on a PostGIS server (``core.db.postgis_warnings``): one
    row per judged sample travels, never the measurement rows."""
    from ..db.postgis_warnings import judged_samples

    start = window_start(getattr(warnings, "since", None))
    since = date(1970, 1, 1) + timedelta(days=start) if start is not None else None
    items = tuple(str(i) for i in warnings.items)
    frame = judged_samples(db, list(items), warnings_end, int(warnings.window), since)
    return JudgedSamples(frame, items, int(warnings.window), start)


def warning_rows(db: Any, warnings: Any, warnings_end: date, base: pd.DataFrame | None = None,
                 base_start: date | None = None, lookback_days: int = WARNING_LOOKBACK_DAYS
                 ) -> pd.DataFrame:
    """The rows of the warnings' items before ``warnings_end`` that the warnings look
    at: those of the last ``lookback_days``, reaching back, item by item (doubling),
    until they hold every sample judged and its history (:func:`_warnings_short`).
    ``base``: rows already read from ``base_start`` on (None: from the start)."""
    items = [str(i) for i in warnings.items]
    since = getattr(warnings, "since", None)
    since = pd.Timestamp(since).date() if since is not None else None
    cut = min(since, warnings_end) if since is not None else warnings_end
    spans = db.sampling_spans(before=warnings_end)
    spans = spans.loc[spans["parameter"].isin(items)]
    first = spans["first"].min() if len(spans) else None
    lookback = lookback_days
    start = cut - timedelta(days=lookback)
    if base is not None and (base_start is None or base_start <= start):
        rows = base.loc[base["parameter"].isin(items).to_numpy()
                        & (base["sampled_on"] >= pd.Timestamp(start)).to_numpy()
                        & (base["sampled_on"] < pd.Timestamp(warnings_end)).to_numpy()]
    else:
        rows = db.read_table("measurements", MEASUREMENT_COLUMNS, dates=(start, warnings_end),
                             among={"parameter": items})
    parts = [rows]
    while first is not None and pd.Timestamp(start) > first:
        short = _warnings_short(pd.concat(parts, ignore_index=True) if len(parts) > 1
                                else rows, spans, start, cut, since, int(warnings.window))
        if short.empty:
            break
        lookback *= 2
        earlier = cut - timedelta(days=lookback)
        if pd.Timestamp(earlier) <= first:
            earlier = None
        exact = getattr(db, "kind", "") == "postgis" or len(short) <= 10_000
        parts.insert(0, db.read_table(
            "measurements", MEASUREMENT_COLUMNS, dates=(earlier, start),
            **({"pairs": list(short)} if exact else
               {"among": {"section_code": sorted(set(short.get_level_values(0))),
                          "parameter": sorted(set(short.get_level_values(1)))}})))
        if earlier is None:
            break
        start = earlier
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
