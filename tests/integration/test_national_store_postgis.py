"""``demo-db --scale nation`` (issue 17): the national store written to PostGIS — here
at a tiny scale with the same code — with its automatic readings and a complete
monthly rollup, and assessed on the server."""

from __future__ import annotations

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.assessment.service import AssessmentRequest, run_assessment
from pollution_map_plugin.core.db import postgis_rollup as rollup
from pollution_map_plugin.core.db import postgis_store as store
from pollution_map_plugin.synthetic_data import national_store as ns
from pollution_map_plugin.synthetic_data.config import NATION
from tests.fixtures.postgis import fresh_schema


@pytest.fixture
def target(postgis_dsn, postgis_server):
    with fresh_schema(postgis_dsn, postgis_server, "n_") as target:
        yield target


def test_a_small_national_store_is_built_rolled_up_and_assessed(target):
    from dataclasses import replace

    scale = replace(ns.scale_of(2), n_sections=30, n_auto_stations=4, n_districts=5)
    assert (scale.start_year, scale.n_years) == (NATION.auto_year - 1, 2)
    with ns.build_store(target, scale, reading_days=2) as db:
        assert db.metadata()["scale"] == "nation" and db.metadata()["synthetic"] == "yes"
        assert db.count("sections") == 30
        assert store.readings_count(db) == 2 * 6 * 6 * 4  # days × hours × items × stations
        assert rollup.exists(db) and not rollup.dirty_months(db)
        bundle = run_assessment(db, AssessmentRequest(period=str(NATION.auto_year)))
        assert bundle.sections["water_class"].notna().sum() == 30


def test_demo_db_nation_wants_postgis_and_a_sane_span(tmp_path, target, capsys):
    assert main(["demo-db", str(tmp_path / "n.gpkg"), "--scale", "nation"]) == 2
    assert "PostGIS" in capsys.readouterr().err
    assert main(["demo-db", target, "--scale", "nation", "--years", "0"]) == 2
    assert "years must be" in capsys.readouterr().err
