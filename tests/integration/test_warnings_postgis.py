"""The warnings computed on the PostGIS server (issue 17): the judged samples and their
window statistics come from SQL (the monthly rollup choosing the rows to read), and the
warnings judged from them are identical, bit for bit, to ``find_warnings`` over the
rows — for the latest samples and a window from a date, other window settings, a
month written since the rollup, non-detects, a stale item and a sparse history."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from psycopg2 import sql

from pollution_map_plugin.core.assessment.database_reads import (
    MEASUREMENT_COLUMNS,
    server_warning_samples,
)
from pollution_map_plugin.core.assessment.service import (
    AssessmentRequest,
    assess_frames,
    read_request,
)
from pollution_map_plugin.core.assessment.warnings import (
    WarningSettings,
    _daily,
    _samples,
    find_warnings,
    window_start,
)
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.db import postgis_rollup as rollup
from tests.fixtures.postgis import demo_schema


@pytest.fixture(scope="module")
def warn_pg(postgis_dsn, postgis_server, demo_dataset):
    with demo_schema(postgis_dsn, postgis_server, demo_dataset, "w_") as target:
        yield target


SETTINGS = [WarningSettings(), WarningSettings(since="2025-06-01"),
            WarningSettings(window=5, min_history=3, variability_k=2.0),
            WarningSettings(since="2024-11-20", window=3, min_history=2,
                            variability_k=1.5, default_target_class=3)]
ENDS = [date(2026, 1, 1), date(2025, 7, 1), date(2024, 12, 17)]
CASES = [(SETTINGS[0], ENDS[0]), (SETTINGS[1], ENDS[0]), (SETTINGS[2], ENDS[1]),
         (SETTINGS[3], ENDS[2]), (SETTINGS[0], ENDS[2])]


def _both(db, settings: WarningSettings, end: date):
    """(server warnings, in-process warnings, server samples, in-process samples)."""
    rows = db.read_table("measurements", MEASUREMENT_COLUMNS,  # fid order
                         dates=(None, end), among={"parameter": list(settings.items)})
    sections = db.read_layer("sections")
    judged = server_warning_samples(db, settings, end)
    local = _samples(_daily(rows, settings), settings.window, window_start(settings.since))
    return (find_warnings(judged, sections, settings), find_warnings(rows, sections, settings),
            judged.frame, local)


def _same_samples(server: pd.DataFrame, local: pd.DataFrame) -> None:
    keys = ["section_code", "parameter", "day"]
    a = server.sort_values(keys).reset_index(drop=True)
    b = local.sort_values(keys).reset_index(drop=True)
    assert len(a) == len(b)
    for col in b.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype.kind == "f":  # bit for bit; NaN where NaN
            assert np.array_equal(x, y, equal_nan=True), col
        else:
            assert list(x) == list(y), col


def _check(db, settings: WarningSettings, end: date) -> int:
    server, local, s_samples, l_samples = _both(db, settings, end)
    measured = ~l_samples["all_nd"].to_numpy()  # a non-detect day's history judges nothing
    _same_samples(s_samples.loc[~s_samples["all_nd"].to_numpy()], l_samples.loc[measured])
    assert set(s_samples.loc[s_samples["all_nd"], "section_code"] + "/"
               + s_samples.loc[s_samples["all_nd"], "parameter"]) <= set(
        l_samples["section_code"] + "/" + l_samples["parameter"])
    pd.testing.assert_frame_equal(server, local, check_exact=True)
    return len(server)


def test_the_server_warnings_are_the_in_process_ones(warn_pg):
    with open_database(warn_pg) as db:
        rollup.refresh_rollup(db)
        assert sum(_check(db, s, end) for s, end in CASES) > 0
        server, _local, _s, _l = _both(db, SETTINGS[1], ENDS[0])
        kinds = set(server["kind"])
    assert kinds == {"exceedance", "critical", "sudden_change"}  # the test judges something


def test_written_since_the_rollup_non_detects_and_stale_items(warn_pg):
    with open_database(warn_pg) as db:
        rollup.refresh_rollup(db)
        m = db.qualified("measurements")
        codes = [r[0] for r in db.execute(sql.SQL(
            "SELECT DISTINCT section_code FROM {} ORDER BY 1 LIMIT 4").format(m), fetch=True)]
        last = db.execute(sql.SQL("SELECT max(sampled_on) FROM {}").format(m), fetch=True)[0][0]
        day = pd.Timestamp(last).date() + timedelta(days=1)
        # a day of non-detects after the latest (one without a limit or a value: not in
        # the rollup), a jump, a new item of a section, a stale item (only an old sample)
        db.write("measurements", pd.DataFrame({
            "section_code": [codes[0], codes[0], codes[1], codes[2], codes[3]],
            "sampled_on": [day, day, day, day, date(2023, 2, 3)],
            "parameter": ["NH3N", "TP", "COD", "Cd", "Se"],
            "value": [np.nan, 0.01, 105.0, 0.2, 0.5],
            "below_detection": [True, True, False, False, False],
            "detection_limit": [np.nan, 0.02, np.nan, np.nan, np.nan]}))
        assert rollup.dirty_months(db)  # read from the rows: written since the rollup
        db.execute(sql.SQL("DELETE FROM {} WHERE section_code = %s AND parameter = 'DO' "
                           "AND sampled_on < '2025-03-01'").format(m), [codes[1]])
        db.execute(sql.SQL("DELETE FROM {} WHERE section_code = %s AND parameter = 'Se' "
                           "AND sampled_on > '2023-02-03'").format(m), [codes[3]])
        end = day + timedelta(days=1)
        n = sum(_check(db, s, end) for s in SETTINGS[:3])
        assert n > 0
        server, _local, samples, _l = _both(db, WarningSettings(), end)
        stale = samples.loc[(samples["section_code"] == codes[3])
                            & (samples["parameter"] == "Se")]
        assert stale["day"].tolist() == [(date(2023, 2, 3) - date(1970, 1, 1)).days]
        assert ((server["section_code"] == codes[1]) & (server["parameter"] == "COD")).any()
        rollup.refresh_rollup(db)
        assert sum(_check(db, s, end) for s in SETTINGS[:3]) == n


def test_the_assessment_service_judges_on_the_server(warn_pg):
    request = AssessmentRequest(period="2025", compare_default=False)
    with open_database(warn_pg) as db:
        rollup.refresh_rollup(db)
        frames = read_request(db, request, on_server=True)
        assert len(frames["warning_measurements"]) > 0  # the judged samples, no rows
        assert "section_code" in frames["warning_measurements"].frame
        server = assess_frames(frames, request).warnings
        local = assess_frames(read_request(db, request, on_server=False), request).warnings
    assert len(server) > 0
    pd.testing.assert_frame_equal(server, local, check_exact=True)
