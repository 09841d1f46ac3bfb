"""The dock's assessment summary in the panel: filled after the maps, and the trends,
which read the whole history, added by a task of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from qgis.PyQt.QtWidgets import QWidget

from pollution_map_plugin.qgis_desktop.dock import PollutionDock
from pollution_map_plugin.qgis_desktop.map_data import TREND_MIN_YEARS


@pytest.fixture
def six_year_db(demo_db_path: Path, tmp_path: Path) -> Path:
    """The demo database with its three years of samples repeated three years earlier."""
    from pollution_map_plugin.core.db import open_database

    path = tmp_path / "six-years.gpkg"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        earlier = db.read_table("measurements").drop(columns=["fid"], errors="ignore")
        earlier["sampled_on"] = pd.to_datetime(earlier["sampled_on"]) - pd.DateOffset(years=3)
        with db.transaction():
            db.write("measurements", earlier, mode="append")
    return path


def _dock(qgis_iface, project, db: Path, qtbot) -> PollutionDock:
    dock = PollutionDock(qgis_iface)
    dock.project = project
    dock.load(str(db))
    qtbot.waitUntil(lambda: dock.data is not None, timeout=120_000)
    return dock


def test_the_summary_fills_and_trends_follow(qgis_iface, qgis_new_project, six_year_db,
                                             qtbot) -> None:
    dock = _dock(qgis_iface, qgis_new_project, six_year_db, qtbot)
    assert len(dock.data.periods) >= TREND_MIN_YEARS  # the demo has years enough
    titles = lambda: [title for title, _rows in dock.summary.items()]  # noqa: E731
    assert any("ΔG" in t for t in titles())  # the method's change, right away
    qtbot.waitUntil(lambda: dock.data.bundle.trends is not None, timeout=120_000)
    qtbot.waitUntil(lambda: any("trend" in t.lower() or "趋势" in t for t in titles()),
                    timeout=10_000)
    trends = dock.data.bundle.trends
    assert len(trends) > 0 and {"rs", "n", "significant"} <= set(trends.columns)
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=60_000)
    dock.deleteLater()


def test_the_panel_uses_the_method_s_minimum():
    from pollution_map_plugin.core.assessment.trend import MIN_PERIODS

    assert TREND_MIN_YEARS == MIN_PERIODS


def test_no_trend_task_with_fewer_years(qgis_iface, qgis_new_project, demo_db_path,
                                        qtbot) -> None:
    dock = _dock(qgis_iface, qgis_new_project, demo_db_path, qtbot)
    assert len(dock.data.periods) < TREND_MIN_YEARS
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=60_000)
    assert dock.data.bundle.trends is None  # never computed: too few years for the test
    assert any("3" in title and ("5" in title) for title, _ in dock.summary.items())
    dock.deleteLater()


def test_the_panel_fits_a_narrow_dock(qgis_iface, qgis_new_project, demo_db_path,
                                      qtbot) -> None:
    """Nothing in the panel asks for more width than a dock beside the map can give (the
    desktop run showed buttons and the item choice cut off at the right)."""
    dock = _dock(qgis_iface, qgis_new_project, demo_db_path, qtbot)
    qtbot.waitUntil(lambda: dock.db_tasks.pending() == 0, timeout=120_000)
    body = dock.widget().widget()
    wide = {type(w).__name__ + ":" + (getattr(w, "text", lambda: "")() or ""):
            w.minimumSizeHint().width() for w in body.findChildren(QWidget)
            if w.minimumSizeHint().width() > 300}
    assert body.minimumSizeHint().width() <= dock.minimumWidth(), wide
    dock.deleteLater()
