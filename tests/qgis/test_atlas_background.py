"""The one-river atlas in the background (issue 14): each river's maps drawn in a task,
its pages composed on the main thread; the GUI keeps handling events (a timer ticking
during the export never waits long, compared with what drawing a page on the main
thread takes), and the PDFs still have rivers × pages pages, maps clipped to the river."""

from __future__ import annotations

import re
import time

import pytest
from qgis.PyQt.QtCore import QEventLoop, QTimer

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.river_atlas_facts import river_atlas_rows
from pollution_map_plugin.qgis_desktop.atlas_export import AtlasExport
from pollution_map_plugin.qgis_desktop.layer_loading import load_database
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import build_maps
from pollution_map_plugin.qgis_desktop.river_atlas import (
    ATLAS_PAGES,
    coverage_layer,
    ensure_atlas_layout,
)

RIVERS = ["R00001", "R00002"]


@pytest.fixture
def atlas_layout(qgis_new_project, demo_db_path):
    data = compute_map_data(demo_db_path)
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    with open_database(demo_db_path) as db:
        rows = river_atlas_rows(db, data.sections, RIVERS, data.period)
    coverage = coverage_layer(rows, qgis_new_project, group)
    return ensure_atlas_layout(group, coverage, data, qgis_new_project)


def _pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def _in_background(layout, out, dpi: int, png: bool = False):
    """Export with ``start()`` in an event loop; (result, worst gap between two ticks of a
    10 ms timer, seconds, the export)."""
    result: dict = {}
    ticks = {"last": time.perf_counter(), "worst": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        ticks["worst"] = max(ticks["worst"], now - ticks["last"])
        ticks["last"] = now

    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(tick)
    export = AtlasExport(layout, out, dpi, png,
                         on_done=lambda files: (result.update(files=files), loop.quit()),
                         on_error=lambda exc: (result.update(error=exc), loop.quit()))
    QTimer.singleShot(300_000, loop.quit)
    timer.start(10)
    ticks["last"] = time.perf_counter()
    export.start()
    loop.exec()
    timer.stop()
    return result, ticks["worst"], export


def _slow_locator(layout, project, markers: int = 500_000):
    """Make the cover's locator map slow to draw: a polygon over the whole area filled
    with ``markers`` random markers (what a Chongqing-scale map costs, at demo scale)."""
    from qgis.core import (
        QgsFeature,
        QgsFillSymbol,
        QgsGeometry,
        QgsRandomMarkerFillSymbolLayer,
        QgsSingleSymbolRenderer,
        QgsVectorLayer,
    )

    locator = layout.itemById("pm_atlas_locator")
    heavy = QgsVectorLayer("Polygon?crs=EPSG:4490", "heavy", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(
        "POLYGON((105 28, 111 28, 111 33, 105 33, 105 28))"))
    heavy.dataProvider().addFeatures([feature])
    symbol = QgsFillSymbol()
    symbol.changeSymbolLayer(0, QgsRandomMarkerFillSymbolLayer(markers))
    heavy.setRenderer(QgsSingleSymbolRenderer(symbol))
    project.addMapLayer(heavy, False)
    locator.setLayers([heavy, *locator.layers()])
    return heavy


def test_the_background_atlas_does_not_block_the_main_thread(atlas_layout, tmp_path,
                                                              qgis_new_project):
    _slow_locator(atlas_layout, qgis_new_project)
    # drawing on the main thread (run(), the CLI's path): the slow cover page
    sync = AtlasExport(atlas_layout, tmp_path / "sync", dpi=100)
    sync.run()
    covers = sync.page_timings[::len(ATLAS_PAGES)]
    result, worst_gap, export = _in_background(atlas_layout, tmp_path / "bg", dpi=100,
                                               png=True)
    assert "error" not in result, result.get("error")
    files = result["files"]
    pdfs = sorted(p for p in files if p.suffix == ".pdf")
    assert len(pdfs) == len(RIVERS)
    assert [_pdf_pages(p) for p in pdfs] == [len(ATLAS_PAGES)] * len(RIVERS)
    pngs = [p for p in files if p.suffix == ".png"]
    assert len(pngs) == len(RIVERS) * len(ATLAS_PAGES)
    assert not list((tmp_path / "bg").glob(".*"))  # no temporary folder or map picture
    assert atlas_layout.itemById("pm_atlas_locator").isVisible()  # the project's layout
    print(f"cover pages drawn on the main thread {covers} s; in the background: worst "
          f"gap {worst_gap:.3f} s, main-thread steps {sorted(export.page_timings)[-3:]}")
    assert min(covers) > 1.0  # the slow layer is slow
    assert worst_gap < 0.5 * min(covers), (worst_gap, covers)
