"""Export the one-river atlas: one PDF per river (and optionally a PNG per page) plus an
index, in the background with progress and cancel, or synchronously (CLI, Processing).

In the background (``start()``, the panel) the export works as the five-map export
(``map_export``): on a throw-away clone of the atlas layout, whose map frames are hidden
behind pictures, each river's maps are prepared on the main thread and drawn by
QGIS's renderer in a task (``atlas_legend.AtlasRenderTask``), which then decides which
items each page's legend shows (the features within the river's clipped catchment,
counted as in the five maps); then its pages, now cheap (the legends set without QGIS's
hit test, the scale bars and tables following the hidden maps), are composed one per
event-loop turn into the river's PDF (a ``QPdfWriter`` kept open across its pages).  A status-bar
``ProgressTask`` shows the progress per page and takes the user's cancel.
``run()`` (CLI, Processing) draws a clone of the layout itself, page by page, with the
same legends.  Files go to a
temporary folder beside the output and are moved into place when every river is done:
a cancel or an error leaves the output as it was.
"""

from __future__ import annotations

import contextlib
import csv
import html
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from qgis.core import (
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsPrintLayout,
)
from qgis.PyQt.QtCore import QRectF, QSize, QTimer

from .atlas_legend import AtlasLegends, AtlasRenderTask, LegendProbe
from .layout_clone import clone_steps
from .map_export import MapRenderTask, prepare_map_job, save_png_in_thread
from .translation import tr

STEP_GAP_MS = 15
_RUNNING: set[AtlasExport] = set()


def safe_name(text: str) -> str:
    """``text`` (a river name from the data) usable in a file name."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", str(text)).strip("_")[:60] or "river"


class AtlasExport:
    """Export ``layout``'s atlas to ``out_dir``: ``start()`` in steps (panel), or
    ``run()`` to the end (scripts).  ``on_done(files)`` / ``on_error(exc)`` are called
    on the main thread; a cancel calls neither and writes nothing."""

    def __init__(self, layout: QgsPrintLayout, out_dir: Path | str, dpi: int = 150,
                 png: bool = False, on_done: Callable[[list[Path]], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 progress: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> None:
        self.layout, self.dpi, self.png = layout, dpi, png
        self.out_dir = Path(out_dir)
        self.on_done, self.on_error = on_done, on_error
        self.progress, self.cancelled = progress, cancelled
        self.atlas = layout.atlas()
        self.pages_layout = layout  # what is drawn: a clone of the layout
        self.legends: AtlasLegends | None = None  # its legends filtered by map
        self.legend_probes: list[LegendProbe] = []  # the river's legends' answers
        self.frames: list[tuple[QgsLayoutItemMap, QgsLayoutItemPicture]] = []
        self.cloning = None  # start(): the clone's steps
        self.hiding: list[QgsLayoutItemMap] = []  # start(): the maps still to hide
        self.render_task: MapRenderTask | None = None
        self.savers: list = []  # the PNG encoders (start())
        self.page = 0  # the next page of the river open (start())
        self.over = False  # finished, cancelled or failed (start())
        self.render_jobs: list = []  # the river's maps still to prepare
        self.prepared: MapRenderTask | None = None  # the river's task being prepared
        self.river_first = 0  # the river's first main-thread step in page_timings
        self.index: list[dict] = []
        self.files: list[Path] = []
        self.timings: list[float] = []  # seconds per river (main thread)
        self.page_timings: list[float] = []  # seconds per page step (main thread)
        self.steps: list[tuple[str, float]] = []  # start(): (step, seconds) on the main thread
        self.step_starts: list[float] = []  # start(): each step's perf_counter() start
        self.river = None  # (pdf, writer, painter, exporter, next page) of the river open
        self.task = None
        self.tmp: Path | None = None
        self.i = 0
        self.n = 0

    # -- steps ---------------------------------------------------------------------
    def _begin(self) -> None:
        if not self.atlas.enabled() or self.atlas.coverageLayer() is None:
            raise RuntimeError(tr("The layout has no atlas"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".pollution-atlas-", dir=self.out_dir))
        if not self.atlas.beginRender():
            raise RuntimeError(tr("The atlas has no river to print"))
        self.n = self.atlas.count()

    def _step(self) -> bool:
        """Draw the next page (one page per step: the longest GUI stall is one page,
        not one river); False when every river is done."""
        if self.i >= self.n:
            return False
        started = time.perf_counter()
        pages = self.pages_layout.pageCollection().pageCount()
        if self.river is None:
            self.river = self._open_river()
            self.legend_probes = self.legends.all_probes()
            for probe in self.legend_probes:
                probe.run()
        pdf, writer, painter, exporter, page = self.river
        self._apply_legends(page)
        if page > 0:
            writer.newPage()
        exporter.renderPage(painter, page)
        if self.png:
            image = exporter.renderPageToImage(page, QSize(), self.dpi)
            path = pdf.with_name(f"{pdf.stem}_p{page + 1}.png")
            if image.isNull() or not image.save(str(path), "PNG"):
                raise RuntimeError(tr("Could not write {0}").format(path.name))
            self.files.append(path)
        self.page_timings.append(time.perf_counter() - started)
        if page + 1 < pages:
            self.river = (pdf, writer, painter, exporter, page + 1)
            return True
        self._close_river(pdf, painter, pages, sum(self.page_timings[-pages:]))
        self.i += 1
        if self.progress is not None:
            self.progress(100.0 * self.i / max(self.n, 1))
        return True

    def _open_river(self):
        """Go to river ``i``: its PDF writer and painter (kept open across its pages)."""
        from qgis.PyQt.QtCore import QMarginsF, QSizeF
        from qgis.PyQt.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        self.atlas.seekTo(self.i)
        feature = self.pages_layout.reportContext().feature()
        code, name = str(feature["code"]), str(feature["name"])
        base = f"{self.i + 1:02d}_{safe_name(code)}_{safe_name(name)}"
        pdf = self.tmp / f"{base}.pdf"
        size = self.pages_layout.pageCollection().page(0).pageSize()
        writer = QPdfWriter(str(pdf))
        writer.setResolution(self.dpi)
        writer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Millimeter),
            QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        writer.setTitle(f"{name} 一河一策图册")
        writer.setCreator("Pollution Source Map (QGIS)")
        self.pages_layout.renderContext().setDpi(self.dpi)
        painter = QPainter(writer)
        self.index.append({"n": self.i + 1, "code": code, "name": name, "file": pdf.name,
                           "pages": 0})
        return pdf, writer, painter, QgsLayoutExporter(self.pages_layout), 0

    def _apply_legends(self, page: int) -> None:
        """The legends of page ``page`` set from their probes' answers (no hit test)."""
        for probe in self.legend_probes:
            if probe.done and probe.legend.page() == page:
                self.legends.apply(probe)

    def _release_legends(self) -> None:
        for probe in self.legend_probes:
            probe.release()
        self.legend_probes = []

    def _finish(self) -> list[Path]:
        self.atlas.endRender()
        _write_index(self.tmp, self.index)
        failed = [saver.path.name for saver in self.savers if not saver.ok]
        if failed:
            raise RuntimeError(tr("Could not write {0}").format(", ".join(failed)))
        self.files.extend(saver.path for saver in self.savers)
        out = []
        for path in [*self.files, self.tmp / "index.html", self.tmp / "index.csv"]:
            target = self.out_dir / path.name
            path.replace(target)
            out.append(target)
        self._cleanup()
        return out

    def _cleanup(self) -> None:
        if self.render_task is not None:  # cancelled while drawing: it ends by itself
            with contextlib.suppress(RuntimeError):
                self.render_task.cancel()
        if self.prepared is not None:  # its jobs prepared, never started
            self.prepared.release()
            self.prepared = None
        if self.river is not None:
            self.river[2].end()  # the painter of a river left half drawn
            self.river = None
        if self.render_task is None:  # else the task may still read them
            self._release_legends()
        self.frames = []
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.render_task is None:  # else kept until the task is over
            _RUNNING.discard(self)

    def _is_cancelled(self) -> bool:
        if self.task is not None and self.task.isCanceled():
            return True
        return bool(self.cancelled and self.cancelled())

    # -- synchronous ----------------------------------------------------------------
    def run(self) -> list[Path]:
        """Export every river now (scripts); an empty list when cancelled."""
        try:
            self.pages_layout = self.layout.clone()  # the project's layout stays untouched
            self.atlas = self.pages_layout.atlas()
            self.legends = AtlasLegends(self.pages_layout)
            self._begin()
            while self._step():
                if self._is_cancelled():
                    self.atlas.endRender()
                    self._cleanup()
                    return []
            return self._finish()
        except BaseException:
            self._cleanup()
            raise

    # -- in the background ------------------------------------------------------------
    def _close_river(self, pdf: Path, painter, pages: int, seconds: float) -> None:
        """End the river's PDF, check it was written and record it in the index."""
        painter.end()
        self.river = None
        self._release_legends()
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise RuntimeError(tr("Could not write {0}").format(pdf.name))
        self.files.append(pdf)
        self.index[-1]["pages"] = pages
        self.timings.append(seconds)

    def start(self) -> AtlasExport:
        """Export river by river in the background: each river's maps drawn in a task,
        its pages composed one per event-loop turn; a cancellable status-bar task."""
        from .tasks import ProgressTask

        self.task = ProgressTask(tr("One-river atlas")).start()
        self.progress = self.task.setProgress
        _RUNNING.add(self)
        self._later(self._bg_begin)
        return self

    def timed(self, name: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        self.page_timings.append(elapsed)
        self.steps.append((f"{name} river {self.i + 1}", elapsed))
        self.step_starts.append(started)

    def _later(self, step: Callable[[], None], ms: int = STEP_GAP_MS) -> None:
        QTimer.singleShot(ms, lambda: self._guarded(step))

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run one main-thread step; a cancel or an error ends the export."""
        if self.over:
            return
        try:
            if self._is_cancelled():
                self._abort()
                return
            step()
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._fail(exc)

    def _abort(self) -> None:
        self.over = True
        if self.tmp is not None:
            self.atlas.endRender()
        self._cleanup()
        self.task.finish(False)

    def _fail(self, exc: BaseException) -> None:
        self.over = True
        self._cleanup()
        if self.task is not None:
            self.task.finish(False)
        if self.on_error is not None:
            self.on_error(exc)

    def _bg_begin(self) -> None:
        """A clone of the layout (the project's stays untouched), made in steps."""
        self.cloning = clone_steps(self.layout)
        self._later(self._bg_clone)

    def _bg_clone(self) -> None:
        """One part of the clone per turn; then its maps hidden behind pictures."""
        started = time.perf_counter()
        try:
            next(self.cloning)
        except StopIteration as done:
            self.pages_layout, self.cloning = done.value, None
            self.atlas = self.pages_layout.atlas()
            self._begin()
            self.hiding = [i for i in self.pages_layout.items()
                           if isinstance(i, QgsLayoutItemMap) and i.isVisible()]
        self.timed("clone", started)
        self._later(self._bg_clone if self.cloning is not None else self._bg_frames)

    def _bg_frames(self) -> None:
        """One map per turn hidden behind a picture (its legends and scale bars still
        follow it); then the legends' filter-by-map replaced by the export's."""
        started = time.perf_counter()
        if self.hiding:
            item = self.hiding.pop(0)
            self.frames.append((item, picture_frame(self.pages_layout, item)))
            self.timed("frames", started)
            self._later(self._bg_frames)
            return
        self.legends = AtlasLegends(self.pages_layout)
        self.timed("legends", started)
        self._later(self._bg_open_river)

    def _bg_open_river(self) -> None:
        """Go to the next river (the atlas moves its maps, refills its tables), or
        finish; then its map jobs are prepared one per turn."""
        if self.i >= self.n:
            self._bg_finish()
            return
        started = time.perf_counter()
        self.river_first = len(self.page_timings)
        self.river = self._open_river()
        self.page = 0
        self.render_jobs = list(enumerate(self.frames))
        self.legend_probes = []
        self.prepared = AtlasRenderTask(self, tr("One-river atlas: drawing the maps"))
        self.timed("open", started)
        self._later(self._bg_prepare)

    def _bg_prepare(self) -> None:
        """Prepare one map job of the river (main thread); the last starts the task."""
        started = time.perf_counter()
        if self.render_jobs:
            n, (item, _picture) = self.render_jobs.pop(0)
            self.prepared.jobs.append(prepare_map_job(item, self._picture_path(n), self.dpi))
            probes = self.legends.probes(item)  # its legends: answered in the task too
            self.prepared.probes.extend(probes)
            self.legend_probes.extend(probes)
            self.timed(f"prepare map {n + 1}", started)
            self._later(self._bg_prepare)
            return
        self.render_task, self.prepared = self.prepared, None
        QgsApplication.taskManager().addTask(self.render_task)
        self._later(self._watch_cancel, 100)

    def _picture_path(self, n: int) -> Path:
        return self.tmp / f".map{self.i}_{n}.png"

    def _watch_cancel(self) -> None:
        """While a river's maps are drawn: pass the user's cancel on to the task."""
        if self.render_task is not None:
            self._later(self._watch_cancel, 100)

    def rendered(self, ok: bool, error: str) -> None:
        """The river's maps are drawn (main thread): compose its pages, or stop."""
        self.render_task = None
        if self.over:  # cancelled or failed while drawing
            self._release_legends()
            _RUNNING.discard(self)
            return
        try:
            if self._is_cancelled():
                self._abort()
                return
            if not ok:
                raise RuntimeError(error or tr("Could not draw the maps"))
            self._later(self._bg_page)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._fail(exc)

    def _bg_page(self) -> None:
        """The river's next page: its drawn maps and its legends set; then (next turn)
        composed into the PDF."""
        started = time.perf_counter()
        for n, (item, picture) in enumerate(self.frames):  # the page's drawn maps
            if item.page() == self.page:
                picture.setPicturePath(str(self._picture_path(n)))
        self._apply_legends(self.page)
        self.timed(f"legend page {self.page + 1}", started)
        self._later(self._bg_pdf)

    def _bg_pdf(self) -> None:
        """Compose the page into the river's PDF; its PNG (``png``) next turn."""
        started = time.perf_counter()
        _pdf, writer, painter, exporter, _page = self.river
        if self.page > 0:
            writer.newPage()
        exporter.renderPage(painter, self.page)
        self.timed(f"pdf page {self.page + 1}", started)
        self._later(self._bg_png if self.png else self._bg_page_done)

    def _bg_png(self) -> None:
        started = time.perf_counter()
        pdf = self.river[0]
        self.savers.append(save_png_in_thread(
            self.pages_layout, pdf.with_name(f"{pdf.stem}_p{self.page + 1}.png"), self.dpi,
            self.page))
        self.timed(f"png page {self.page + 1}", started)
        self._bg_page_done()

    def _bg_page_done(self) -> None:
        """Progress; the next page, or the river's PDF closed and the next river."""
        pages = self.pages_layout.pageCollection().pageCount()
        self.page += 1
        if self.progress is not None:
            self.progress(100.0 * (self.i * pages + self.page) / max(self.n * pages, 1))
        if self.page < pages:
            self._later(self._bg_page)
            return
        pdf, _writer, painter, _exporter, _page = self.river
        self._close_river(pdf, painter, pages, sum(self.page_timings[self.river_first:]))
        for n in range(len(self.frames)):
            self._picture_path(n).unlink(missing_ok=True)
        self.i += 1
        self._later(self._bg_open_river)

    def _bg_finish(self) -> None:
        """Once the PNG encoders are done: publish the files."""
        if any(saver.is_alive() for saver in self.savers):
            self._later(self._bg_finish, 50)
            return
        self.over = True
        started = time.perf_counter()
        files = self._finish()
        self.timed("finish", started)
        self.task.finish(True)
        if self.on_done is not None:
            self.on_done(files)


def picture_frames(layout: QgsPrintLayout) -> list[tuple[QgsLayoutItemMap, QgsLayoutItemPicture]]:
    """Hide every visible map of ``layout`` (a throw-away clone) behind a picture item in
    its frame, for the map drawn elsewhere: [(map, picture)].  The hidden maps keep
    their extents, atlas clipping and scale, so the legends filtered by them, the scale
    bars and the north arrows still follow them."""
    return [(item, picture_frame(layout, item)) for item in layout.items()
            if isinstance(item, QgsLayoutItemMap) and item.isVisible()]


def picture_frame(layout: QgsPrintLayout, item: QgsLayoutItemMap) -> QgsLayoutItemPicture:
    """Hide map ``item`` behind a new picture item in its frame (:func:`picture_frames`)."""
    picture = QgsLayoutItemPicture(layout)
    picture.setResizeMode(QgsLayoutItemPicture.ResizeMode.Stretch)
    picture.setFrameEnabled(item.frameEnabled())
    picture.setFrameStrokeColor(item.frameStrokeColor())
    picture.setFrameStrokeWidth(item.frameStrokeWidth())
    layout.addLayoutItem(picture)
    picture.attemptSetSceneRect(QRectF(item.pos(), item.rect().size()))
    layout.moveItemToBottom(picture)
    item.setVisibility(False)
    return picture


def _write_index(folder: Path, rows: list[dict]) -> None:
    """index.csv and index.html (bilingual; names escaped) of the exported rivers."""
    with open(folder / "index.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["n", "code", "name", "file", "pages"])
        writer.writeheader()
        writer.writerows(rows)
    body = "\n".join(
        f"<tr><td>{r['n']}</td><td>{html.escape(r['code'])}</td>"
        f"<td><a href=\"{html.escape(r['file'], quote=True)}\">{html.escape(r['name'])}</a>"
        f"</td><td>{r['pages']}</td></tr>" for r in rows)
    page = (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<title>一河一策图册 One-river-one-policy atlas</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        "<h1>一河一策图册 <small>One-river-one-policy atlas</small></h1>"
        f"<p>{len(rows)} 条河流 · {len(rows)} rivers</p>"
        "<table><tr><th>#</th><th>编码 Code</th><th>河流 River</th><th>页数 Pages</th></tr>"
        f"{body}</table></body></html>\n")
    (folder / "index.html").write_text(page, encoding="utf-8")
