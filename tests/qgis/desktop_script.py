"""Run inside the real QGIS desktop (``qgis --code desktop_script.py``, under Xvfb).

Adds the plugin's dock, loads the demo database, assesses it, then shows each of the
five maps on the canvas and saves a screenshot of the main window per map.  Reads
PM_REPO, PM_DB and PM_OUT from the environment; writes PM_OUT/report.json and quits.
"""

import json
import os
import sys
import time
import traceback

from qgis.core import QgsProject
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.utils import iface

sys.path.insert(0, os.environ["PM_REPO"])
OUT = os.environ["PM_OUT"]
DB = os.environ["PM_DB"]
STATE: dict = {"report": {"maps": {}, "errors": []}}


def finish() -> None:
    with open(os.path.join(OUT, "report.json"), "w", encoding="utf-8") as fh:
        json.dump(STATE["report"], fh, ensure_ascii=False, indent=1)
    QgsProject.instance().setDirty(False)
    os._exit(0)


def fail(exc: BaseException) -> None:
    STATE["report"]["errors"].append("".join(traceback.format_exception(exc)))
    finish()


def start() -> None:
    try:
        from pollution_map_plugin.qgis_layer.dock import PollutionDock
        from pollution_map_plugin.qgis_layer.layers import load_database
        from pollution_map_plugin.qgis_layer.themes import MAPS

        window = iface.mainWindow()
        window.resize(1600, 1000)
        window.showMaximized()
        dock = PollutionDock(iface, window)
        iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        group = load_database(DB)
        dock.set_database(group)
        dock.update_maps(sync=True)
        STATE.update(dock=dock, keys=[m.key for m in MAPS], group=group)
        STATE["report"]["dock"] = {"object_name": dock.objectName(),
                                   "warnings": dock.warnings_list.count(),
                                   "periods": dock.period_combo.count()}
        QTimer.singleShot(500, next_map)
    except Exception as exc:  # noqa: BLE001 - reported to the test
        fail(exc)


def next_map() -> None:
    try:
        if not STATE["keys"]:
            finish()
            return
        key = STATE["keys"].pop(0)
        STATE["key"] = key
        STATE["dock"].show_map(key)
        canvas = iface.mapCanvas()
        canvas.zoomToFullExtent()
        canvas.refresh()
        STATE["since"] = time.time()
        QTimer.singleShot(400, wait_render)
    except Exception as exc:  # noqa: BLE001
        fail(exc)


def wait_render() -> None:
    try:
        canvas = iface.mapCanvas()
        if canvas.isDrawing() and time.time() - STATE["since"] < 30:
            QTimer.singleShot(200, wait_render)
            return
        key = STATE["key"]
        path = os.path.join(OUT, f"desktop_{key}.png")
        iface.mainWindow().grab().save(path)
        visible = [lyr.name() for lyr in canvas.layers()]
        STATE["report"]["maps"][key] = {
            "png": path, "canvas_layers": visible,
            "crs": canvas.mapSettings().destinationCrs().authid()}
        QTimer.singleShot(100, next_map)
    except Exception as exc:  # noqa: BLE001
        fail(exc)


QTimer.singleShot(1500, start)
QTimer.singleShot(170_000, finish)  # never hang the test
