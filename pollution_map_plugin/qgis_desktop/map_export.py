"""Export the print layouts without freezing QGIS.

Drawing a map of a Chongqing-size database takes seconds, and ``QgsLayoutExporter``
draws on the main thread.  So the maps are drawn first, in one cancellable task, by
QGIS's own renderer: each job is prepared on the main thread (QGIS copies what every
layer needs) and drawn, labels included, in the task's thread.  Then, one file per
event-loop turn, a throw-away clone of each layout gets its map frame filled with that
picture and is exported to PNG and PDF: titles, legend, scale bar and north arrow stay
vector, and the layouts in the project are never touched.

Files are written into a temporary folder beside the output and moved into place only
when the whole set is done; a cancel or an error leaves the output folder as it was.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from qgis.core import (
    QgsApplication,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsMapRendererCustomPainterJob,
    QgsPrintLayout,
    QgsTask,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, QSizeF, QTimer
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from .tasks import log
from .translation import tr

MAP_ITEM_ID = "pm_map"
STEP_GAP_MS = 15  # between two main-thread steps: the GUI handles its events
_RUNNING: set[MapExport] = set()


def map_item(layout: QgsPrintLayout) -> QgsLayoutItemMap | None:
    """The layout's main map (by id, else the first map item)."""
    item = layout.itemById(MAP_ITEM_ID)
    if isinstance(item, QgsLayoutItemMap):
        return item
    maps = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)]
    return maps[0] if maps else None


class MapExport:
    """Export ``pages`` [(basename, layout)] to ``out_dir`` as PNG and PDF.

    ``on_done(files)`` or ``on_error(exc)`` is called on the main thread; a cancel calls
    neither and writes nothing.  (A plain object: the task manager deletes a finished
    QgsTask, and the pages are composed after the task.)
    """

    def __init__(self, pages: list[Callable[[], tuple[str, QgsPrintLayout]]],
                 out_dir: Path | str, dpi: int,
                 on_done: Callable[[list[Path]], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        """``pages``: one function per page giving (file basename, layout), or a step
        generator returning it (``layouts.ensure_layout_steps``); each step runs on
        its own event-loop turn (building a layout takes a moment)."""
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".pollution-maps-", dir=self.out_dir))
        self.dpi = dpi
        self.on_done, self.on_error = on_done, on_error
        self.makers = list(pages)
        self.pages: list[tuple[str, QgsPrintLayout, Path]] = []
        self.files: list[Path] = []
        self.todo: list = []
        self.page: tuple | None = None  # the page being composed and its blank layer
        self.savers: list[_Saver] = []  # the PNG encoders
        self.done = False
        self.cancelled = False
        self.timings: list[tuple[str, float]] = []  # main-thread steps, seconds
        self.task = MapRenderTask(self)

    def start(self) -> MapExport:
        _RUNNING.add(self)
        QTimer.singleShot(STEP_GAP_MS, lambda: self._prepare_next())
        return self

    def _prepare_next(self) -> None:
        """Build one page's layout and prepare its map job; then start the task."""
        try:
            if self.cancelled:
                self._cleanup()
                return
            if not self.makers:
                QgsApplication.taskManager().addTask(self.task)
                return
            started = time.perf_counter()
            maker = self.makers.pop(0)
            if callable(maker):  # a page's function: a layout, or the steps building one
                maker = maker()
            if inspect.isgenerator(maker):  # one step of the layout per turn
                try:
                    next(maker)
                    self.makers.insert(0, maker)
                except StopIteration as built:
                    self.makers.insert(0, built.value)
                self.timings.append(("layout step", time.perf_counter() - started))
            elif not isinstance(maker, tuple):
                raise TypeError(f"not a page: {maker!r}")
            else:  # the layout is built: prepare its map job
                basename, layout = maker
                self._prepare(basename, layout)
                self.timings.append((f"prepare {basename}", time.perf_counter() - started))
            QTimer.singleShot(STEP_GAP_MS, lambda: self._prepare_next())
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._cleanup()
            self._fail(exc)

    def _prepare(self, basename: str, layout: QgsPrintLayout) -> None:
        item = map_item(layout)
        if item is None:
            return
        picture = self.tmp / f"{basename}.map.png"
        self.task.jobs.append(prepare_map_job(item, picture, self.dpi))
        self.pages.append((basename, layout, picture))

    def cancel(self) -> None:
        """Stop the export (drawing or composing); nothing is written."""
        self.cancelled = True
        with contextlib.suppress(RuntimeError):  # a task over is deleted: composing
            self.task.cancel()

    def is_active(self) -> bool:
        return not self.done

    def rendered(self, ok: bool, error: str) -> None:
        """The task is over (main thread): compose the pages, or clean up."""
        if not ok or self.cancelled:
            self._cleanup()
            if self.cancelled:
                log(tr("Map export cancelled; nothing was written"))
                return
            self._fail(RuntimeError(error or tr("Could not draw the maps")))
            return
        # per page: its clone with the picture, then the PNG, then the PDF (three turns)
        self.todo = [(b, lay, pic, step) for b, lay, pic in self.pages
                     for step in ("clone", "png", "pdf")]
        QTimer.singleShot(STEP_GAP_MS, lambda: self._compose_next())

    # -- main thread, one file per event-loop turn ----------------------------------
    def _compose_next(self) -> None:
        from .layouts import export_layout_file

        try:
            if self.cancelled:
                self._cleanup()
                return
            if not self.todo:
                self._publish()
                return
            basename, layout, picture, step = self.todo.pop(0)
            started = time.perf_counter()
            if step == "clone":
                self.page = picture_layout(layout, picture)
            elif step == "png":  # drawn here, encoded (the slow part) in a thread
                page, _blank = self.page
                self.savers.append(save_png_in_thread(page, self.tmp / f"{basename}.png",
                                                      self.dpi))
            else:
                page, _blank = self.page
                self.files.append(export_layout_file(page, self.tmp / f"{basename}.{step}",
                                                     self.dpi))
                if step == "pdf":
                    self.page = None  # the page, then its blank layer
            self.timings.append((f"{step} {basename}", time.perf_counter() - started))
            QTimer.singleShot(STEP_GAP_MS, lambda: self._compose_next())
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._cleanup()
            self._fail(exc)

    def _publish(self) -> None:
        """Move the finished set into the output folder (each file by rename), once the
        PNG encoders are done."""
        if any(saver.is_alive() for saver in self.savers):
            QTimer.singleShot(50, lambda: self._publish())
            return
        failed = [str(saver.path) for saver in self.savers if not saver.ok]
        if failed:
            self._cleanup()
            self._fail(RuntimeError(tr("Could not write {0}").format(", ".join(failed))))
            return
        self.files.extend(saver.path for saver in self.savers)
        self.savers = []
        final = []
        for path in self.files:
            target = self.out_dir / path.name
            os.replace(path, target)
            final.append(target)
        self._cleanup()
        if self.on_done is not None:
            self.on_done(final)

    def _fail(self, exc: BaseException) -> None:
        log(str(exc))
        if self.on_error is not None:
            self.on_error(exc)

    def _cleanup(self) -> None:
        with contextlib.suppress(RuntimeError):  # a task over is deleted (and released)
            self.task.release()
        self.done = True
        _RUNNING.discard(self)
        shutil.rmtree(self.tmp, ignore_errors=True)


class MapRenderTask(QgsTask):
    """Draws the prepared map jobs of a :class:`MapExport` in the task's thread."""

    def __init__(self, export: Any, description: str | None = None) -> None:
        """``export``: any object with ``rendered(ok, error)`` (main thread)."""
        super().__init__(description or tr("Exporting the maps"), QgsTask.Flag.CanCancel)
        self.export = export
        self.jobs: list[tuple[QgsMapRendererCustomPainterJob, QPainter, QImage, Path]] = []
        self.current: QgsMapRendererCustomPainterJob | None = None
        self.error = ""

    def run(self) -> bool:  # the task's thread: draw the prepared maps
        for i, (job, painter, image, picture) in enumerate(self.jobs):
            if self.isCanceled():
                break
            self.current = job
            job.renderPrepared()
            self.current = None
            painter.end()
            if self.isCanceled():
                break
            if not image.save(str(picture), "PNG"):
                self.error = tr("Could not write {0}").format(picture)
                return False
            self.setProgress(80.0 * (i + 1) / len(self.jobs))
        return not self.isCanceled()

    def release(self) -> None:
        """Drop the jobs on the main thread: each job first, then its painter, then its
        image (an image destroyed while painted, or by the garbage collector in
        another thread, crashes QGIS)."""
        jobs, self.jobs = self.jobs, []
        while jobs:
            job, painter, image, _picture = jobs.pop()
            del job
            if painter.isActive():
                painter.end()
            del painter, image

    def cancel(self) -> None:
        job = self.current
        if job is not None:
            job.cancelWithoutBlocking()
        super().cancel()

    def finished(self, ok: bool) -> None:
        self.release()
        self.export.rendered(ok and not self.isCanceled(), self.error)
        self.export = None  # the task manager deletes this task; the export lives on


class _Saver(threading.Thread):
    """Encodes one rendered page as PNG (QImage.save releases the GIL)."""

    def __init__(self, image: QImage, path: Path) -> None:
        super().__init__(name=f"png {path.name}", daemon=True)
        self.image, self.path, self.ok = image, path, False

    def run(self) -> None:
        self.ok = bool(self.image.save(str(self.path), "PNG"))
        self.image = QImage()


def save_png_in_thread(page: QgsPrintLayout, path: Path, dpi: int, number: int = 0) -> _Saver:
    """Render page ``number`` of ``page`` (main thread) and encode it to ``path`` in a
    thread."""
    from qgis.core import QgsLayoutExporter

    image = QgsLayoutExporter(page).renderPageToImage(number, QSize(), dpi)
    if image.isNull():
        raise RuntimeError(tr("Could not write {0}").format(path))
    saver = _Saver(image, path)
    saver.start()
    return saver


def prepare_map_job(item: QgsLayoutItemMap, picture: Path, dpi: int) -> tuple:
    """The job drawing ``item``'s map (its extent, layers, atlas clipping and expression
    context) at ``dpi`` into an image saved to ``picture``, prepared on the main thread
    for :class:`MapRenderTask`: (job, painter, image, picture)."""
    rect = item.rect()  # scene units: mm
    size = QSize(round(rect.width() / 25.4 * dpi), round(rect.height() / 25.4 * dpi))
    settings = item.mapSettings(item.extent(), QSizeF(size), dpi, True)
    settings.setBackgroundColor(QColor(item.backgroundColor()))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor(item.backgroundColor()))
    painter = QPainter(image)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.prepare()
    return job, painter, image, picture


def picture_layout(layout: QgsPrintLayout,
                   picture: Path) -> tuple[QgsPrintLayout, QgsVectorLayer | None]:
    """A clone of ``layout`` whose map frame shows the pre-drawn ``picture``, and the
    empty layer its map item draws (keep it as long as the page).

    The map item keeps its extent and scale (the scale bar and the legend follow it)
    but draws one empty layer: an empty layer list would mean "all project layers".
    """
    page = layout.clone()
    item = map_item(page)
    if item is None:
        return page, None
    blank = QgsVectorLayer("Point?crs=EPSG:4490", "blank", "memory")
    item.setFollowVisibilityPreset(False)
    item.setKeepLayerSet(True)
    item.setLayers([blank])
    item.setBackgroundEnabled(False)
    image = QgsLayoutItemPicture(page)
    image.setPicturePath(str(picture))
    image.setResizeMode(QgsLayoutItemPicture.ResizeMode.Stretch)
    page.addLayoutItem(image)
    image.attemptMove(item.positionWithUnits())
    image.attemptResize(item.sizeWithUnits())
    page.moveItemToBottom(image)
    return page, blank
