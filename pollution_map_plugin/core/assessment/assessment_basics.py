"""The pieces the assessment modules share, below all of them (no import of a sibling
module): the group columns, the class labels and the shape of an assessment result.

``section_assessment``, ``aggregate``, ``compare`` and ``problem_bodies`` import from here,
so that none of them needs another (issue 16: no import cycle).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..symbology import CLASS_BY_VALUE

#: ``by`` of the group assessments → the section column that names the group.
BY_COLUMNS = {
    "section": "section_code",
    "river": "river_code",
    "control_unit": "control_unit_code",
    "water_system": "water_system",
    "district": "district",
}


class AssessmentLike(Protocol):
    """What the group, change and problem functions read of an ``Assessment``."""

    period: Any
    sections: pd.DataFrame
    items: pd.DataFrame


def sections_of(result: AssessmentLike | pd.DataFrame) -> pd.DataFrame:
    """The section table of an assessment result, or the table itself."""
    return result if isinstance(result, pd.DataFrame) else result.sections


def round_half_up(values: object, decimals: int = 1) -> np.ndarray:
    """Round half away from zero (0.15 → 0.2, 0.55 → 0.6, −0.25 → −0.3), as reports
    round multiples; a relative 1e-9 absorbs binary representation (0.15 is
    0.1499999…).  NaN stays NaN."""
    x = np.asarray(values, dtype=float)
    scale = 10.0 ** decimals
    a = np.abs(x) * scale
    return np.sign(x) * np.floor(a + 0.5 + 1e-9 * np.maximum(a, 1.0)) / scale


def multiple_value(x: float | None) -> float | None:
    """A multiple as reports give it: one decimal half up, two when that shows 0.0."""
    if x is None or not np.isfinite(x):
        return None
    one = float(round_half_up(x, 1))
    return one if one != 0 else float(round_half_up(x, 2))


def class_labels(water_class: pd.Series) -> pd.DataFrame:
    """``roman``, ``label_zh``, ``label_en`` for a series of classes (1..6 or NA)."""
    wc = pd.Series(water_class).astype("Int64")
    idx = wc.fillna(0).astype(int).clip(0, 6).to_numpy()
    table = [("—", None, None)] + [
        (CLASS_BY_VALUE[k].roman, CLASS_BY_VALUE[k].label_zh, CLASS_BY_VALUE[k].label_en)
        for k in range(1, 7)
    ]
    cols = {}
    for i, col in enumerate(("roman", "label_zh", "label_en")):
        cols[col] = np.array([row[i] for row in table], dtype=object)[idx]
    return pd.DataFrame(cols, index=wc.index)
