"""The assessment service reads only the rows a request needs (issue 16 pt 6), and the
result is the one a read of every row gives."""

from __future__ import annotations

import pandas as pd
import pytest

from pollution_map_plugin.core.assessment.database_reads import load_frames
from pollution_map_plugin.core.assessment.service import (
    AssessmentRequest,
    assess_frames,
    run_assessment,
)
from pollution_map_plugin.core.db import open_database


class CountingDb:
    """``db`` with the rows of every measurements read counted."""

    def __init__(self, db) -> None:
        self._db, self.rows, self.windows, self.reads = db, 0, [], []

    def read_table(self, name, columns=None, **kw):
        frame = self._db.read_table(name, columns, **kw)
        if name == "measurements":
            self.rows += len(frame)
            self.reads.append(len(frame))
            self.windows.append(kw.get("dates"))
        return frame

    def __getattr__(self, name):
        return getattr(self._db, name)


def _same(a, b) -> None:
    if a is None or b is None:
        assert a is None and b is None
        return
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


REQUESTS = [
    AssessmentRequest(),
    AssessmentRequest(period="2024", history="month"),
    AssessmentRequest(period="2025Q2"),
    AssessmentRequest(period="2024-07", compare=("2023-07", None)),
    AssessmentRequest(period="2025", compare_default=False, with_warnings=False),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=range(len(REQUESTS)))
def test_window_read_gives_the_full_read_result(demo_db_path, request_):
    with open_database(demo_db_path) as db:
        counting = CountingDb(db)
        windowed = run_assessment(counting, request_)
        frames = load_frames(db, with_groups=request_.with_groups)
        full = assess_frames(frames, request_, db.read_layer("reaches"), db.metadata())
        total = len(frames["measurements"])
    assert windowed.years == full.years and windowed.months == full.months
    assert windowed.period_label == full.period_label and windowed.compare == full.compare
    _same(windowed.sections, full.sections)
    _same(windowed.assessment.items, full.assessment.items)
    _same(windowed.change, full.change)
    _same(windowed.history, full.history)
    _same(windowed.warnings, full.warnings)
    if not request_.history:  # the assessment read only its period and comparison
        assert 0 < counting.reads[0] < total, (counting.reads, total, counting.windows)
        assert counting.windows[0][0] is not None


def test_no_history_no_warnings_reads_one_year(demo_db_path):
    with open_database(demo_db_path) as db:
        counting = CountingDb(db)
        run_assessment(counting, AssessmentRequest(period="2024", compare_default=False,
                                                   with_warnings=False))
        year = len(db.read_table("measurements", ["sampled_on"],
                                 dates=("2024-01-01", "2025-01-01")))
    assert counting.rows == year and counting.windows == [
        (pd.Timestamp("2024-01-01").date(), pd.Timestamp("2025-01-01").date())]
