"""Convenience entry points over a ``core.db`` Database (``read_table``/``read_layer``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from .periods import Period
from .section_assessment import Assessment, assess, class_history
from .warnings import WarningSettings, find_warnings

MEASUREMENT_COLUMNS = ["section_code", "sampled_on", "parameter", "value",
                       "below_detection", "detection_limit"]


def _optional_layer(db: Any, name: str, columns: list[str]) -> pd.DataFrame | None:
    try:
        return db.read_layer(name, columns=columns)
    except Exception:  # noqa: BLE001 - an optional layer that is missing or empty
        return None


def load_frames(db: Any, *, with_groups: bool = True) -> dict[str, pd.DataFrame | None]:
    """``measurements``, ``sections`` and (optionally) ``rivers``/``control_units``."""
    frames: dict[str, pd.DataFrame | None] = {
        "measurements": db.read_table("measurements", columns=MEASUREMENT_COLUMNS),
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
