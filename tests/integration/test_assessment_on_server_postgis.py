"""The same assessment through both paths (issue 17 pt 1): on PostGIS the period means
are computed by SQL on the server (only aggregates travel), on the GeoPackage in
process from the rows; on the same data the results are identical."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.assessment.service import AssessmentRequest, run_assessment
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.db.postgis_aggregates import group_stats
from tests.fixtures.postgis import demo_schema


@pytest.fixture(scope="module")
def demo_pg(postgis_dsn, postgis_server, demo_dataset):
    with demo_schema(postgis_dsn, postgis_server, demo_dataset, "a_") as target:
        yield target


def _frame(df: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame | None:
    if df is None:
        return None
    keys = [k for k in keys if k in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df


def _same(a, b, keys, rtol: float = 1e-15) -> None:
    a, b = _frame(a, keys), _frame(b, keys)
    if a is None or b is None:
        assert a is None and b is None
        return
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=rtol, atol=0)


REQUESTS = [
    AssessmentRequest(),
    AssessmentRequest(period="2024", history="month", non_detect="limit"),
    AssessmentRequest(period="2025-Q2", non_detect="zero"),
    AssessmentRequest(period="2024-07", compare=("2023-07", None), history="quarter"),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=range(len(REQUESTS)))
def test_server_aggregation_gives_the_in_process_result(demo_db_path, demo_pg, request_):
    with open_database(demo_db_path) as gpkg:
        local = run_assessment(gpkg, request_)
    with open_database(demo_pg) as pg:
        server = run_assessment(pg, request_)
    assert server.period_label == local.period_label and server.compare == local.compare
    assert server.years == local.years and server.months == local.months
    _same(server.sections, local.sections, ["section_code"])
    _same(server.assessment.items, local.assessment.items, ["section_code", "parameter"])
    _same(server.change, local.change, ["section_code"])
    _same(server.history, local.history, ["section_code", "period"])
    # The warnings' recent means (``baseline``) are running sums over the rows read, and
    # the two paths read from different days: they agree to ~1e-9 (cancellation), so a
    # message quoting a baseline at a rounding edge may differ in its last digit.
    # Every other column, and every other message, is the same.
    sw, lw = (_frame(w, ["kind", "section_code", "parameter", "sampled_on"])
              for w in (server.warnings, local.warnings))
    quoted = lw["message_en"].str.contains("recent mean").to_numpy()
    _same(sw.drop(columns=["message_zh", "message_en"]),
          lw.drop(columns=["message_zh", "message_en"]), [], rtol=1e-6)
    _same(sw.loc[~quoted, ["message_zh", "message_en"]],
          lw.loc[~quoted, ["message_zh", "message_en"]], [])
    for by in ("river", "district", "water_system"):
        _same(server.assessment.groups(by), local.assessment.groups(by), ["group"])
    assert (server.sections["water_class"].notna().sum() > 10)  # a real assessment


def test_only_aggregates_travel(demo_pg):
    from pollution_map_plugin.core.assessment.periods import parse_period

    with open_database(demo_pg) as pg:
        rows = pg.count("measurements")
        stats = group_stats(pg, [parse_period("2024")])
    groups = len(stats.means)
    assert 0 < groups < rows / 10  # one row per section and item, not per sample
    assert (stats.counts >= 12).mean() > 0.9  # a year of monthly samples in each mean
    assert np.all(np.diff(stats.sk * stats.n_periods + stats.pk) >= 0)  # engine order


def test_the_non_detect_rule_is_the_servers_too(demo_pg):
    from pollution_map_plugin.core.assessment.periods import parse_period

    with open_database(demo_pg) as pg:
        half, limit, zero = (group_stats(pg, [parse_period("2024")], nd)
                             for nd in ("half", "limit", "zero"))
    assert (limit.means >= half.means - 1e-12).all() and (half.means >= zero.means - 1e-12).all()
    assert (limit.means > half.means + 1e-9).any()  # the demo has non-detects
    with pytest.raises(ValueError, match="non_detect"), open_database(demo_pg) as pg:
        group_stats(pg, [parse_period("2024")], "double")
