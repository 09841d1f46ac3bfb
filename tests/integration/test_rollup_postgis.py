"""The monthly rollup of the measurements (issue 17): the period statistics read from
it are bit-identical to those computed from the rows, after the first build, an
incremental append of automatic readings, a re-run that changes nothing and a
deletion; a month written since the rollup was computed is read from the rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from psycopg2 import sql

from pollution_map_plugin.core.assessment.periods import parse_period
from pollution_map_plugin.core.assessment.service import (
    AssessmentRequest,
    assess_frames,
    read_request,
)
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.db import postgis_rollup as rollup
from pollution_map_plugin.core.db import postgis_store as store
from pollution_map_plugin.core.db.postgis_aggregates import _plan, group_stats
from tests.fixtures.postgis import demo_schema


@pytest.fixture(scope="module")
def demo_pg(postgis_dsn, postgis_server, demo_dataset):
    with demo_schema(postgis_dsn, postgis_server, demo_dataset, "r_") as target:
        yield target


CASES = [(["2024"], "half", None), (["2025-Q2", "2024-Q2"], "zero", None),
         ([f"2024-{m:02d}" for m in range(1, 13)], "limit", None),
         (["2024"], "half", date(2024, 8, 17))]  # cut mid-month: that month from the rows


def _identical(db) -> int:
    """Assert rollup path == row path for every case; the months read from the rollup."""
    used = 0
    for labels, rule, until in CASES:
        periods = [parse_period(p) for p in labels]
        a = group_stats(db, periods, rule, until=until, use_rollup=True)
        b = group_stats(db, periods, rule, until=until, use_rollup=False)
        for name in ("sections", "parameters", "sk", "pk", "qk", "counts", "sample_gids",
                     "n_samples"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert np.array_equal(a.means, b.means, equal_nan=True)  # bit for bit
        assert (a.ph is None) == (b.ph is None)
        for x, y in zip(a.ph or (), b.ph or ()):
            assert np.array_equal(x, y, equal_nan=True)
        if rollup.exists(db):
            dirty = rollup.dirty_months(db)
            used += len(_plan(periods, until, lambda mo, d=dirty: mo not in d)[1])
    return used


def _readings(day: str) -> pd.DataFrame:
    rows = [(code, f"{day} {h:02d}:00", q, v + h / 100, False, None)
            for code in ("S001", "S002") for q, v in (("NH3N", 0.4), ("pH", 7.2))
            for h in (0, 4, 8, 12)]
    return pd.DataFrame(rows, columns=["section_code", "read_at", "parameter", "value",
                                       "below_detection", "detection_limit"])


def test_the_rollup_gives_the_rows_results(demo_pg):
    with open_database(demo_pg) as db:
        assert not rollup.exists(db) and _identical(db) == 0
        months = rollup.refresh_rollup(db)
        assert months > 24 and rollup.dirty_months(db) == set()
        assert rollup.refresh_rollup(db) == 0  # nothing written since: nothing to do
        assert _identical(db) >= 12 + 2 * 3 + 12 + 7  # whole months came from the rollup
        code = db.execute(f'SELECT section_code FROM "{db.schema}".measurements LIMIT 1',
                          fetch=True)[0][0]
        first = store.import_readings(db, _readings("2024-03-05").assign(section_code=code))
        assert first.new and rollup.dirty_months(db) == set()  # the import refreshed it
        assert _identical(db) >= 37
        again = store.import_readings(db, _readings("2024-03-05").assign(section_code=code))
        assert again.new == 0 and rollup.dirty_months(db) == set()
        n = db.execute_count(  # a deletion (or an edit in QGIS) marks its month
            sql.SQL(
                "DELETE FROM {} WHERE sampled_on >= '2024-06-01' AND sampled_on < "
                "'2024-07-01' AND fid % 2 = 0").format(db.qualified("measurements")))
        assert n > 0 and rollup.dirty_months(db) == {date(2024, 6, 1)}
        assert _identical(db) >= 30  # June from the rows meanwhile
        assert rollup.refresh_rollup(db) == 1 and _identical(db) >= 37


def test_the_assessment_with_the_rollup_is_the_in_process_one(demo_pg):
    request = AssessmentRequest(period="2024", history="quarter", compare=("2023", None))
    with open_database(demo_pg) as db:
        rollup.refresh_rollup(db)
        assert rollup.exists(db) and not rollup.dirty_months(db)
        server = assess_frames(read_request(db, request, on_server=True), request)
        local = assess_frames(read_request(db, request, on_server=False), request)
    cols = ["section_code", "parameter"]
    for a, b, keys in ((server.assessment.items, local.assessment.items, cols),
                       (server.sections, local.sections, cols[:1]),
                       (server.history, local.history, ["section_code", "period"])):
        pd.testing.assert_frame_equal(a.sort_values(keys).reset_index(drop=True),
                                      b.sort_values(keys).reset_index(drop=True),
                                      check_exact=True)  # bit for bit, not to 1e-15


def test_db_rollup_recomputes_what_was_written_since(demo_pg, capsys):
    from pollution_map_plugin.cli.main import main

    with open_database(demo_pg) as db:
        rollup.refresh_rollup(db)
        db.execute(sql.SQL("UPDATE {} SET value = value * 2 WHERE sampled_on >= '2025-02-01' "
                           "AND sampled_on < '2025-03-01' AND fid % 3 = 0").format(
            db.qualified("measurements")))
        assert rollup.dirty_months(db) == {date(2025, 2, 1)}  # an edit marks its month
        assert _identical(db) > 0
    assert main(["db-rollup", demo_pg]) == 0
    assert "1 month(s) of the rollup recomputed" in capsys.readouterr().out
    with open_database(demo_pg) as db:
        assert not rollup.dirty_months(db) and _identical(db) > 0


def test_the_months_come_from_the_rollup_and_its_dirty_months(demo_pg):
    with open_database(demo_pg) as db:
        rollup.refresh_rollup(db)
        assert rollup.months(db) == db.measurement_months()
        before = db.measurement_months()
        db.execute(sql.SQL("DELETE FROM {} WHERE sampled_on >= '2023-01-01' AND sampled_on < "
                           "'2023-02-01'").format(db.qualified("measurements")))
        code = db.execute(f'SELECT section_code FROM "{db.schema}".measurements LIMIT 1',
                          fetch=True)[0][0]
        db.write("measurements", pd.DataFrame(  # a month without an evaluated value counts
            {"section_code": [code], "sampled_on": ["2031-05-02"], "parameter": ["COD"],
             "value": [float("nan")]}))
        expect = sorted({*before, "2031-05"} - {"2023-01"})
        assert db.measurement_months() == expect  # dirty months probed
        rollup.refresh_rollup(db)
        assert db.measurement_months() == expect  # clean: the rollup's kind-2 rows
        rollup.ensure_rollup(db)
        db.execute(sql.SQL("DROP TABLE {}").format(db.qualified(rollup.DIRTY)))
        assert rollup.months(db) is None  # no rollup: the probe per month


def test_a_calendar_year_from_the_yearly_rows(demo_pg):
    years = [parse_period(p) for p in ("2024", "2025", "2023")]
    with open_database(demo_pg) as db:
        rollup.refresh_rollup(db)
        assert {date(2024, 1, 1), date(2025, 1, 1)} <= rollup.clean_years(db)
        assert _identical(db) > 0  # "2024" now from its yearly rows, bit for bit
        for rule in ("half", "limit", "zero"):
            a = group_stats(db, years, rule)
            b = group_stats(db, years, rule, use_years=False)
            c = group_stats(db, years, rule, use_rollup=False)
            for x in (b, c):
                assert np.array_equal(a.means, x.means, equal_nan=True)
                assert np.array_equal(a.counts, x.counts)
                assert np.array_equal(a.n_samples, x.n_samples)
                for u, v in zip(a.ph or (), x.ph or ()):
                    assert np.array_equal(u, v, equal_nan=True)
        db.execute(sql.SQL("UPDATE {} SET value = value * 3 WHERE sampled_on >= '2024-05-01' "
                           "AND sampled_on < '2024-06-01' AND fid % 4 = 0").format(
            db.qualified("measurements")))
        assert date(2024, 1, 1) not in rollup.clean_years(db)  # a dirty month: by month
        assert np.array_equal(group_stats(db, years[:1]).means,
                              group_stats(db, years[:1], use_rollup=False).means,
                              equal_nan=True)
        rollup.refresh_rollup(db, years=False)  # what an import does
        assert date(2024, 1, 1) not in rollup.clean_years(db)
        assert rollup.refresh_years(db) == 1 and date(2024, 1, 1) in rollup.clean_years(db)
        a = group_stats(db, years[:1])
        assert np.array_equal(a.means, group_stats(db, years[:1], use_rollup=False).means,
                              equal_nan=True)


def test_a_client_that_lost_the_race_to_create_the_rollup_leaves_it_alone(
        demo_pg, monkeypatch):
    """Two importers found no rollup; the second got the lock after the first had made
    and refreshed it: it must not run the DDL again (that deadlocked with the first's
    refresh in the ten-client test) nor mark every month dirty once more."""
    with open_database(demo_pg) as db:
        rollup.refresh_rollup(db)
        assert rollup.exists(db) and rollup.dirty_months(db) == set()
        real, calls = rollup.exists, []

        def stale_first(conn):  # what it saw before it waited for the lock
            calls.append(1)
            return False if len(calls) == 1 else real(conn)

        monkeypatch.setattr(rollup, "exists", stale_first)
        assert rollup.ensure_rollup(db) is False
        assert len(calls) == 2  # asked again under the lock
        assert rollup.dirty_months(db) == set()
