"""Drives the *installed* plugin inside the real QGIS desktop (``qgis --code``, Xvfb).

Run by ``test_desktop_acceptance.py``; never imported by pytest.  It uses only what a
user has: the plugin QGIS loaded from the profile (``qgis.utils.plugins``), its dock's
own widgets, the canvas and the project.  Each step of a scenario is a generator that
yields *waits* (a condition, with a timeout) while the Qt event loop keeps running;
a stall monitor measures how long the main thread stops answering.

Environment: PM_SCENARIO (``workflow`` | ``reopen``), PM_OUT (report and screenshots),
PM_DBS (os.pathsep-separated GeoPackages), PM_PROJECT (the project file to save or
that was opened), PM_TAG (prefix of the screenshots).
"""

import faulthandler
import json
import os
import sys
import time
import traceback

from qgis import utils
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDockWidget

try:  # Qt 6: QAction lives in QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt 5
    from qgis.PyQt.QtWidgets import QAction

OUT = os.environ["PM_OUT"]
faulthandler.enable(all_threads=True)  # a crash names its Python frames
SCENARIO = os.environ.get("PM_SCENARIO", "workflow")
DBS = [p for p in os.environ.get("PM_DBS", "").split(os.pathsep) if p]
PROJECT_FILE = os.environ.get("PM_PROJECT", "")
TAG = os.environ.get("PM_TAG", "desktop")
PACKAGE = "pollution_map_plugin"
REPORT: dict = {"scenario": SCENARIO, "steps": [], "errors": [], "python_errors": [],
                "log_errors": [], "qgis": Qgis.version(), "locale": QgsApplication.locale()}
iface = utils.iface


# --- what the user would see go wrong --------------------------------------------
def _record_exception(*args, **_kw) -> None:
    REPORT["python_errors"].append("".join(traceback.format_exception(*args[:3]))
                                   if len(args) >= 3 else repr(args))


_original_show = utils.showException


def _show_exception(type_, value, tb, msg=None, messagebar=False, level=None):
    _record_exception(type_, value, tb)
    return None  # no modal dialog under the test: record it instead


utils.showException = _show_exception
sys.excepthook = _record_exception


def _log_message(message, tag, level) -> None:
    if level == Qgis.MessageLevel.Critical and tag in ("Python error", "Python warning",
                                                       "Pollution Map"):
        REPORT["log_errors"].append(f"[{tag}] {message[:2000]}")


QgsApplication.messageLog().messageReceived.connect(_log_message)


class Stalls:
    """The longest gap between the ticks of a 20 ms timer: how long the GUI froze."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - 0.02)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0


STALLS = Stalls()


# --- helpers ---------------------------------------------------------------------
class Wait:
    def __init__(self, cond, timeout=60.0, what="condition"):
        self.cond, self.deadline, self.what = cond, time.time() + timeout, what


def sleep(seconds: float) -> Wait:
    end = time.time() + seconds
    return Wait(lambda: time.time() >= end, seconds + 5, f"sleep {seconds}")


def idle() -> Wait:
    """No task running and the canvas drawn."""
    manager = QgsApplication.taskManager()
    canvas = iface.mapCanvas()
    return Wait(lambda: manager.countActiveTasks() == 0 and not canvas.isDrawing(), 180,
                "tasks and canvas idle")


def busy_state() -> str:
    """What is still running: the active tasks and whether the canvas draws."""
    manager = QgsApplication.taskManager()
    tasks = [f"{t.description()} ({t.progress():.0f} %)" for t in manager.activeTasks()]
    return f"active tasks {tasks}, canvas drawing {iface.mapCanvas().isDrawing()}"


def plugin():
    return utils.plugins.get(PACKAGE)


def dock():
    return plugin().dock


def shoot(name: str) -> str:
    path = os.path.join(OUT, f"{TAG}_{name}.png")
    iface.mainWindow().grab().save(path)
    return path


def canvas_state() -> dict:
    canvas = iface.mapCanvas()
    settings = canvas.mapSettings()
    centre = canvas.center()
    to_geo = QgsCoordinateTransform(settings.destinationCrs(),
                                    QgsCoordinateReferenceSystem("EPSG:4490"),
                                    QgsProject.instance())
    lonlat = to_geo.transform(centre)
    return {"crs": settings.destinationCrs().authid(),
            "project_crs": QgsProject.instance().crs().authid(),
            "geographic": settings.destinationCrs().isGeographic(),
            "scale": canvas.scale(), "centre_lonlat": [lonlat.x(), lonlat.y()],
            "extent_width": canvas.extent().width()}


def labels_drawn() -> dict:
    """Label features QGIS placed on the canvas in its last render, per layer name."""
    results = iface.mapCanvas().labelingResults()
    counts: dict = {}
    if results is None:
        return counts
    project = QgsProject.instance()
    for pos in results.allLabels():
        layer = project.mapLayer(pos.layerID)
        name = layer.name() if layer is not None else pos.layerID
        counts[name] = counts.get(name, 0) + 1
    return counts


def render_and_wait():
    canvas = iface.mapCanvas()
    canvas.refreshAllLayers()
    yield sleep(0.3)
    yield Wait(lambda: not canvas.isDrawing(), 120, "canvas render")
    yield sleep(0.3)


def plugin_leftovers() -> dict:
    """Plugin objects still in the main window / canvas after an unload."""
    window = iface.mainWindow()
    canvas = iface.mapCanvas()
    tool = canvas.mapTool()
    bands = [i for i in canvas.scene().items() if isinstance(i, QgsRubberBand)]
    return {
        "actions": [a.objectName() for a in window.findChildren(QAction)
                    if a.objectName().startswith("PollutionMap")],
        "docks": [d.objectName() for d in window.findChildren(QDockWidget)
                  if d.objectName().startswith("PollutionMap")],
        "map_tool": type(tool).__module__ if tool is not None and
        type(tool).__module__.startswith(PACKAGE) else "",
        "rubber_bands": len([b for b in bands if b.isVisible() and b.numberOfVertices()]),
        "menus": [a.text() for a in window.menuBar().actions()
                  if a.menu() is not None and a.menu().objectName().startswith("PollutionMap")],
    }


def thematic_counts() -> dict:
    """Features of each thematic layer, as ``{"group/kind": count}``."""
    out = {}
    project = QgsProject.instance()
    for group in project.layerTreeRoot().findGroups():
        if group.customProperty("pollution_map/kind") != "database":
            continue
        for node in group.findLayers():
            layer = node.layer()
            kind = layer.customProperty("pollution_map/thematic") if layer else None
            if kind:
                out[f"{group.name()}/{kind}"] = layer.featureCount()
    return out


def layer_names() -> list:
    return sorted(layer.name() for layer in QgsProject.instance().mapLayers().values())


def step_record(name: str, **data) -> dict:
    entry = {"step": name, **data}
    REPORT["steps"].append(entry)
    return entry


# --- steps -----------------------------------------------------------------------
def step_start():
    yield sleep(1.0)
    p = plugin()
    module = sys.modules.get(PACKAGE)
    paths = sys.modules.get(PACKAGE + ".paths")
    step_record("start", loaded=p is not None,
                plugin_file=getattr(module, "__file__", ""),
                help_file=str(paths.help_path()) if paths else "",
                help_exists=bool(paths and paths.help_path().is_file()),
                dock=bool(p is not None and p.dock is not None),
                canvas=canvas_state())
    # the crash case: QGIS has used a coordinate transform before the load
    QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                           QgsCoordinateReferenceSystem("EPSG:3857"),
                           QgsProject.instance()).transform(QgsPointXY(106.5, 29.5))


def step_load(db: str, name: str):
    d = dock()
    before = len([g for g in QgsProject.instance().layerTreeRoot().findGroups()
                  if g.customProperty("pollution_map/kind") == "database"])
    STALLS.reset()
    started = time.time()
    d.load(db)
    yield sleep(0.5)
    yield Wait(lambda: d.data is not None and QgsApplication.taskManager()
               .countActiveTasks() == 0, 240, "database loaded and assessed")
    seconds = time.time() - started
    stall = STALLS.worst
    yield from render_and_wait()
    groups = [g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()
              if g.customProperty("pollution_map/kind") == "database"]
    step_record(f"load_{name}", seconds=seconds, worst_stall_s=stall, canvas=canvas_state(),
                groups=groups, groups_before=before, database_label=d.database_label.text(),
                periods=[d.period_picker.period_combo.itemText(i)
                         for i in range(d.period_picker.period_combo.count())],
                warnings=d.warnings_count(), screenshot=shoot(f"{name}_loaded"))


def step_maps(name: str):
    d = dock()
    for key, button in d.map_buttons.items():
        button.click()
        iface.mapCanvas().zoomToFullExtent()
        yield from render_and_wait()
        step_record(f"map_{name}_{key}", button_text=button.text(), canvas=canvas_state(),
                    labels=labels_drawn(),
                    layers=[lyr.name() for lyr in iface.mapCanvas().layers()],
                    screenshot=shoot(f"{name}_{key}"))
    # zoomed in on a section at a district scale: the section names appear
    d.map_buttons["sections"].click()
    sections = d.base_layer("sections")
    canvas = iface.mapCanvas()
    feat = next(sections.getFeatures())
    to_canvas = QgsCoordinateTransform(sections.crs(), canvas.mapSettings().destinationCrs(),
                                       QgsProject.instance())
    canvas.setCenter(to_canvas.transform(feat.geometry().asPoint()))
    canvas.zoomScale(250_000)
    yield from render_and_wait()
    step_record(f"zoomed_{name}_sections", canvas=canvas_state(), labels=labels_drawn(),
                screenshot=shoot(f"{name}_sections_zoomed"))


def step_density(name: str):
    """The pollution map with the density option: a heatmap layer below the sources."""
    d = dock()
    d.density_check.setChecked(True)  # the user's tick
    d.map_buttons["pollution"].click()
    iface.mapCanvas().zoomToFullExtent()
    yield from render_and_wait()
    layers = {str(lyr.customProperty("pollution_map/thematic") or ""): lyr.renderer().type()
              for lyr in iface.mapCanvas().layers()}
    step_record(f"density_{name}", heatmap=layers.get("density", ""),
                screenshot=shoot(f"{name}_density"))
    d.density_check.setChecked(False)
    yield from render_and_wait()


def _failing_section() -> str:
    frame = dock().data.sections
    failing = frame.loc[frame["meets_target"].astype("boolean").fillna(True).eq(False)]
    return str(failing.sort_values("water_class", ascending=False).iloc[0]["section_code"])


def step_trace(name: str):
    d = dock()
    canvas = iface.mapCanvas()
    code = _failing_section()
    sections = d.base_layer("sections")
    feat = next(f for f in sections.getFeatures() if f["code"] == code)
    to_canvas = QgsCoordinateTransform(sections.crs(), canvas.mapSettings().destinationCrs(),
                                       QgsProject.instance())
    point = to_canvas.transform(feat.geometry().asPoint())
    d.map_buttons["sections"].click()
    canvas.setCenter(point)
    canvas.zoomScale(100_000)
    yield from render_and_wait()
    d.trace_panel.pick_button.click()  # the user's way: the button, then a click on the map
    yield sleep(0.2)
    pixel = canvas.getCoordinateTransform().transform(point)
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(round(pixel.x()), round(pixel.y())))
    yield Wait(lambda: d.trace_panel.result is not None, 120, "trace result")
    yield from render_and_wait()
    panel = d.trace_panel
    header = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    first_row = [panel.table.item(0, c).text() if panel.table.item(0, c) else ""
                 for c in range(panel.table.columnCount())] if panel.table.rowCount() else []
    step_record(f"trace_{name}", section=code, rows=panel.table.rowCount(), header=header,
                first_row=first_row, traced=str(panel.result.section.get("code")),
                item=panel.item_combo.currentText(), share_summary=panel.summary.text(),
                bar=[[g, s] for g, s in panel.bar.segments],
                bands=len([i for i in canvas.scene().items() if isinstance(i, QgsRubberBand)
                           and i.numberOfVertices()]),
                screenshot=shoot(f"{name}_trace"))


def step_warning(name: str):
    d = dock()
    code = d.click_warning(0)
    yield from render_and_wait()
    step_record(f"warning_{name}", section=code, canvas=canvas_state(),
                section_lonlat=d.section_lonlat(code) if code else None,
                warnings=d.warnings_count(), screenshot=shoot(f"{name}_warning"))


def step_periods(name: str):
    d = dock()
    periods = {}
    for kind in ("year", "quarter", "month", "range"):
        choice = d.choose_period(kind)
        d.update_button.click()
        yield sleep(0.3)
        yield idle()
        periods[kind] = {"chosen": choice, "assessed": d.data.period,
                         "sections": int(d.data.sections["water_class"].notna().sum()),
                         "thematic": thematic_counts()}
    d.choose_period("year")
    d.update_button.click()
    yield sleep(0.3)
    yield idle()
    step_record(f"periods_{name}", periods=periods, screenshot=shoot(f"{name}_periods"))


def step_export(name: str):
    d = dock()
    names_before = layer_names()
    out = os.path.join(OUT, f"{TAG}_{name}_maps")
    STALLS.reset()
    started = time.time()
    export = d.export_maps(out)
    yield Wait(lambda: not export.is_active(), 600, "map export")
    seconds = time.time() - started
    stall = STALLS.worst
    html = os.path.join(OUT, f"{TAG}_{name}_html")
    d.export_html(html)
    yield sleep(0.2)
    yield Wait(lambda: QgsApplication.taskManager().countActiveTasks() == 0, 600,
               "HTML export")
    layouts = [lay.name() for lay in QgsProject.instance().layoutManager().layouts()]
    step_record(f"export_{name}", seconds=seconds, worst_stall_s=stall,
                main_thread_steps=export.timings,
                files=sorted(os.listdir(out)) if os.path.isdir(out) else [],
                html=sorted(os.listdir(html)) if os.path.isdir(html) else [],
                layer_names_changed=sorted(set(names_before) ^ set(layer_names())),
                layouts=layouts)


def step_cancel_export(name: str):
    """Start an export and cancel it: the task ends early and no file set is left."""
    d = dock()
    out = os.path.join(OUT, f"{TAG}_{name}_cancelled")
    started = time.time()
    task = d.export_maps(out)
    yield sleep(0.3)
    if task is not None:
        task.cancel()
    yield Wait(lambda: task is None or not task.is_active(), 300, "cancelled export")
    step_record(f"cancel_{name}", seconds=time.time() - started, task=task is not None,
                files=sorted(os.listdir(out)) if os.path.isdir(out) else [])


def step_atlas_and_timeline(name: str):
    """The summary tree as shown, the one-river atlas button, the monthly timeline."""
    d = dock()
    summary = d.summary.items()
    out = os.path.join(OUT, f"{TAG}_{name}_atlas")
    os.makedirs(out, exist_ok=True)
    d.export_atlas(out)  # what the button does after its folder dialog
    yield Wait(lambda: os.path.isfile(os.path.join(out, "index.html")), 600, "atlas")
    yield Wait(lambda: QgsApplication.taskManager().countActiveTasks() == 0, 300, "atlas end")
    d.timeline_button.click()
    from pollution_map_plugin.qgis_desktop.section_timeline import TIMELINE_THEME

    themes = QgsProject.instance().mapThemeCollection()
    yield Wait(lambda: themes.hasMapTheme(TIMELINE_THEME), 120, "timeline")
    yield from render_and_wait()
    temporal = [lay.name() for lay in QgsProject.instance().mapLayers().values()
                if lay.temporalProperties() is not None and lay.temporalProperties().isActive()]
    step_record(f"atlas_{name}", summary=summary, files=sorted(os.listdir(out)),
                temporal=temporal, screenshot=shoot(f"{name}_timeline"))
    d.map_buttons["sections"].click()
    yield from render_and_wait()


def step_save():
    project = QgsProject.instance()
    ok = project.write(PROJECT_FILE)
    step_record("save", ok=ok, thematic=thematic_counts(), layer_names=layer_names(),
                layouts=[lay.name() for lay in project.layoutManager().layouts()])


def step_reopen():
    yield sleep(2.0)
    yield idle()
    d = dock()
    yield Wait(lambda: d.data is not None, 240, "reopened project assessed")
    yield Wait(lambda: d.db_tasks.pending() == 0, 240, "atlas and timeline refilled")
    yield idle()
    yield from render_and_wait()
    record = {"thematic": thematic_counts(), "layer_names": layer_names(),
              "database_label": d.database_label.text(), "bound": d.group() is not None,
              "canvas": canvas_state(),
              "layouts": [lay.name() for lay in QgsProject.instance().layoutManager().layouts()],
              "screenshot": shoot("reopened")}
    d.load(DBS[0])  # the same database again: no duplicate group
    yield sleep(0.5)
    yield idle()
    record["groups_after_reload"] = [
        g.name() for g in QgsProject.instance().layerTreeRoot().findGroups()
        if g.customProperty("pollution_map/kind") == "database"]
    step_record("reopen", **record)


def step_unload_cycles(cycles: int = 20):
    """Use every tool, then unload and reload the plugin ``cycles`` times."""
    canvas = iface.mapCanvas()
    for i in range(cycles):
        d = dock()
        if d is not None and d.group() is None and DBS:
            d.load(DBS[0])
            yield sleep(0.3)
            yield idle()
        if d is not None and d.group() is not None:
            d.trace_panel.pick_button.click()  # the pick tool is on the canvas
            if i % 5 == 0:
                sections = d.base_layer("sections")
                code = next(sections.getFeatures())["code"]
                d.trace_panel.trace(str(code))
                yield Wait(lambda d=d: d.trace_panel.result is not None, 60, "trace")
        utils.unloadPlugin(PACKAGE)
        yield sleep(0.1)
        if i == cycles - 1:
            leftovers = plugin_leftovers()
        utils.loadPlugin(PACKAGE)
        utils.startPlugin(PACKAGE)
        yield sleep(0.2)
    d = dock()
    step_record("unload_cycles", cycles=cycles, leftovers=leftovers,
                reloaded=d is not None, map_tool=type(canvas.mapTool()).__name__
                if canvas.mapTool() else "")


# --- scenarios -------------------------------------------------------------------
def workflow():
    yield from step_start()
    for i, db in enumerate(DBS):
        name = "demo" if i == 0 else "chongqing"
        yield from step_load(db, name)
        yield from step_maps(name)
        if i == 0:
            yield from step_density(name)
            yield from step_trace(name)
            yield from step_warning(name)
            yield from step_periods(name)
            yield from step_cancel_export(name)
            yield from step_atlas_and_timeline(name)
        yield from step_export(name)
    step_save()
    yield from step_unload_cycles()


def reopen():
    yield from step_start()
    yield from step_reopen()


# --- runner ----------------------------------------------------------------------
def finish() -> None:
    REPORT["finished"] = True
    with open(os.path.join(OUT, f"{TAG}_report.json"), "w", encoding="utf-8") as fh:
        json.dump(REPORT, fh, ensure_ascii=False, indent=1, default=str)
    QgsProject.instance().setDirty(False)
    os._exit(0)


class Runner:
    def __init__(self, scenario) -> None:
        self.gen = scenario()
        self.wait = None
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        try:
            if self.wait is not None:
                if self.wait.cond():
                    self.wait = None
                elif time.time() > self.wait.deadline:
                    raise TimeoutError(f"timed out waiting for {self.wait.what}: "
                                       f"{busy_state()}")
                else:
                    return
            self.wait = next(self.gen)
        except StopIteration:
            self.timer.stop()
            finish()
        except Exception:  # noqa: BLE001 - reported to the test
            self.timer.stop()
            REPORT["errors"].append(traceback.format_exc())
            try:
                shoot("failure")
            finally:
                finish()


def _begin() -> None:
    window = iface.mainWindow()
    window.resize(1600, 1000)
    window.showMaximized()
    QApplication.processEvents()
    RUNNER.timer.start()


RUNNER = Runner({"workflow": workflow, "reopen": reopen}[SCENARIO])
QTimer.singleShot(1500, _begin)
QTimer.singleShot(900_000, finish)  # never hang the test
